/**
 * What was done to a table before training, as the document records it: enough to do
 * exactly the same to another file of the same columns, in any language. The schema
 * is part of the result document's (`preparation`).
 */
import { Type, type Static, type TLiteral, type TUnion } from '@sinclair/typebox';

type LiteralTuple<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };
const literals = <T extends readonly string[]>(values: T): TUnion<LiteralTuple<T>> =>
  Type.Union(values.map((v) => Type.Literal(v))) as unknown as TUnion<LiteralTuple<T>>;

export const TASKS = ['classification', 'regression'] as const;
export type Task = (typeof TASKS)[number];

export const COLUMN_KINDS = ['numeric', 'categorical', 'ignored'] as const;
/** What a column becomes: standardized numbers, one-hot categories, or nothing. */
export type ColumnKind = (typeof COLUMN_KINDS)[number];

export const KIND_REASONS = ['numbers', 'text', 'given', 'identifier', 'constant', 'mostly-missing', 'not-selected'] as const;
/**
 * Why a column got its kind: `numbers`/`text` (what its cells hold), `given` (a
 * `categorical`/`numeric`/`ignore` option), or why it was left out: `identifier` (a
 * distinct value in nearly every row, or a row number), `constant` (one value),
 * `mostly-missing`, `not-selected` (not among the `features` asked for).
 */
export type KindReason = (typeof KIND_REASONS)[number];

const NumericSchema = Type.Object({
  fill: Type.Number({ description: 'The value a missing cell takes: the training rows\' median' }),
  mean: Type.Number({ description: 'Subtracted after filling (0 without standardizing)' }),
  std: Type.Number({ description: 'Divided by after subtracting the mean (1 without standardizing)' }),
  indicator: Type.Boolean({ description: 'Whether a 0/1 feature "<name>=(missing)" follows the value' }),
});

const CategoricalSchema = Type.Object({
  categories: Type.Array(Type.String(), { description: 'One 0/1 feature each, in this order' }),
  other: Type.Boolean({ description: 'Whether a feature "<name>=(other)" follows, for rarer and unseen values' }),
  missing: Type.Boolean({ description: 'Whether a feature "<name>=(missing)" follows; else a missing cell counts as other' }),
});

const ColumnSchema = Type.Object({
  name: Type.String(),
  kind: literals(COLUMN_KINDS),
  reason: literals(KIND_REASONS),
  missingShare: Type.Number({ description: 'Share of the rows with a label whose cell is missing' }),
  distinct: Type.Number({ description: 'Distinct values among them (a lower bound past 50,000)' }),
  numeric: Type.Optional(NumericSchema),
  categorical: Type.Optional(CategoricalSchema),
  features: Type.Array(Type.String(), { description: 'The features this column becomes, in order; none when ignored' }),
});

const TargetTransformSchema = Type.Object({
  kind: Type.Literal('standardize'),
  mean: Type.Number(),
  std: Type.Number({ description: 'The model predicts (y - mean) / std: multiply by std and add mean to get y back' }),
});

export const PreparationSchema = Type.Object(
  {
    source: Type.Object({
      file: Type.String(),
      header: Type.Boolean({ description: 'Whether the first row named the columns' }),
      delimiter: Type.Union([Type.String(), Type.Null()]),
      decimal: Type.Union([Type.Literal('.'), Type.Literal(',')], { description: 'The decimal mark of its numbers: "," in `;`-delimited European exports' }),
      encoding: Type.Optional(
        Type.Union([Type.Literal('utf-8'), Type.Literal('windows-1252')], {
          description: 'The text encoding the file was read with: windows-1252 when it is not valid UTF-8 (added in 0.4)',
        }),
      ),
      columns: Type.Array(Type.String(), { description: 'Every column of the file, in file order' }),
      rows: Type.Number(),
    }),
    missingMarkers: Type.Array(Type.String(), { description: 'Cell texts read as missing, besides the empty cell' }),
    label: Type.Object({
      name: Type.String(),
      task: literals(TASKS),
      taskReason: Type.String(),
      classes: Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'Class names in index order; null for regression' }),
      droppedRows: Type.Number({ description: 'Rows left out because their label is missing' }),
      transform: Type.Union([TargetTransformSchema, Type.Null()], { description: 'What was done to a regression target; the learning rate refers to the transformed one' }),
    }),
    columns: Type.Array(ColumnSchema, { description: 'Every column but the label, in file order' }),
    features: Type.Array(Type.String(), { description: 'The model\'s input features, in order' }),
    fittedRows: Type.Number({ description: 'The training rows the statistics come from (the validation rows are not)' }),
  },
  { description: 'How a table became the tensors the tuner trained on; applyPreparation() repeats it' },
);

export type Preparation = Static<typeof PreparationSchema>;
export type ColumnPreparation = Static<typeof ColumnSchema>;
