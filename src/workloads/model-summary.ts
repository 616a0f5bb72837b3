/**
 * The model's layers as the document records them (`workload.model`): what a reader
 * of the JSON wants to know about the network without loading it — each layer's kind,
 * size and activation. The full topology is in the saved model (`--save-model`).
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { Type, type Static } from '@sinclair/typebox';

const ShapeSchema = Type.Array(Type.Union([Type.Number(), Type.Null()]), { description: 'null: any size (the batch)' });

const LayerSummarySchema = Type.Object({
  className: Type.String({ description: 'The TensorFlow.js/Keras layer class: Dense, Conv2D, Dropout, …' }),
  parameters: Type.Number(),
  outputShape: Type.Optional(ShapeSchema),
  units: Type.Optional(Type.Number()),
  activation: Type.Optional(Type.String()),
  rate: Type.Optional(Type.Number({ description: 'Dropout rate' })),
  filters: Type.Optional(Type.Number()),
  kernelSize: Type.Optional(Type.Array(Type.Number())),
  strides: Type.Optional(Type.Array(Type.Number())),
  poolSize: Type.Optional(Type.Array(Type.Number())),
  padding: Type.Optional(Type.String()),
  targetShape: Type.Optional(Type.Array(Type.Number())),
  inputDim: Type.Optional(Type.Number({ description: 'Embedding vocabulary' })),
  outputDim: Type.Optional(Type.Number({ description: 'Embedding width' })),
});

export const ModelSummarySchema = Type.Object(
  {
    className: Type.String({ description: 'Sequential, or Model for one built with tf.model' }),
    inputShape: ShapeSchema,
    outputShape: ShapeSchema,
    layers: Type.Array(LayerSummarySchema, { description: 'In order, input layers left out; the settings a layer has, of those listed' }),
  },
  { description: "The model's layers; the full topology and initial weights are in the folder --save-model writes" },
);

export type LayerSummary = Static<typeof LayerSummarySchema>;
export type ModelSummary = Static<typeof ModelSummarySchema>;

/** The settings worth a reader's glance, by the type they must have to be recorded. */
const NUMBER_KEYS = ['units', 'rate', 'filters', 'inputDim', 'outputDim'] as const;
const STRING_KEYS = ['activation', 'padding'] as const;
const ARRAY_KEYS = ['kernelSize', 'strides', 'poolSize', 'targetShape'] as const;

/** The model's class, input and output shapes, and each layer's kind and chief settings. */
export function summarizeModel(model: tfTypes.LayersModel): ModelSummary {
  return {
    className: model.getClassName(),
    inputShape: [...model.inputs[0].shape],
    outputShape: [...model.outputs[0].shape],
    layers: model.layers.filter((layer) => layer.getClassName() !== 'InputLayer').map(summarizeLayer),
  };
}

function summarizeLayer(layer: tfTypes.LayersModel['layers'][number]): LayerSummary {
  const config = layer.getConfig() as Record<string, unknown>;
  const settings: Partial<LayerSummary> = {};
  for (const key of NUMBER_KEYS) if (typeof config[key] === 'number') settings[key] = config[key] as number;
  for (const key of STRING_KEYS) if (typeof config[key] === 'string') settings[key] = config[key] as string;
  for (const key of ARRAY_KEYS) {
    const value = config[key];
    if (Array.isArray(value) && value.every((d) => typeof d === 'number')) settings[key] = [...(value as number[])];
  }
  const shape = layer.outputShape;
  // A layer with several outputs (a nested model) has a list of shapes: left out.
  const single = Array.isArray(shape) && shape.every((d) => d === null || typeof d === 'number');
  // Kind and settings first, then size: the order a reader scans a layer in.
  return {
    className: layer.getClassName(),
    ...settings,
    parameters: layer.countParams(),
    ...(single ? { outputShape: [...(shape as (number | null)[])] } : {}),
  };
}
