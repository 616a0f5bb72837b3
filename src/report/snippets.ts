import type { ImagePreparation, OptimizerName, Recommendation, WorkloadInfo } from '../document';

/** What the snippets need of the data: streamed data trains with `fitDataset`, a folder of images from the folder. */
export interface SnippetData {
  dataSource?: WorkloadInfo['dataSource'];
  /** The dataset is the user's pipeline of batches, asked for the size (see `WorkloadInfo.batchedDataset`). */
  batchedDataset?: boolean;
  imagePreparation?: ImagePreparation;
}

/** Keras's name for each optimizer autobatch knows; momentum is Keras's SGD with a momentum. */
const KERAS_OPTIMIZERS: Record<OptimizerName, string> = {
  sgd: 'SGD',
  momentum: 'SGD',
  adam: 'Adam',
  adamax: 'Adamax',
  rmsprop: 'RMSprop',
  adagrad: 'Adagrad',
  adadelta: 'Adadelta',
};

/** What a document says of its data, for the snippets. */
export function snippetData(doc: { workload: WorkloadInfo | null; imagePreparation?: ImagePreparation }): SnippetData {
  return {
    ...(doc.workload?.dataSource ? { dataSource: doc.workload.dataSource } : {}),
    ...(doc.workload?.batchedDataset ? { batchedDataset: true } : {}),
    ...(doc.imagePreparation ? { imagePreparation: doc.imagePreparation } : {}),
  };
}

/** Epochs for `fit`, which takes whole epochs: a horizon given as a training time rounds. */
const wholeEpochs = (rec: Recommendation) => Math.max(1, Math.round(rec.horizon.epochs));

/** Numbers as code: exact enough to reproduce the schedule, short enough to read. */
const literal = (v: number) => Number(v.toPrecision(4)).toString();

/**
 * The TensorFlow.js line that trains with the recommendation and its schedule: `fit` on
 * tensors, `fitDataset` on a dataset batched at the size (by the user's pipeline when it
 * batches itself), or on the folder of images through `imageFolderDataset`, which reads
 * it as the tuner did.
 */
export function tfjsSnippet(rec: Recommendation, data: SnippetData = {}): string {
  const options = `epochs: ${wholeEpochs(rec)}, callbacks: [learningRateSchedule(result)]`;
  if (data.imagePreparation) {
    return (
      `import { imageFolderDataset, learningRateSchedule } from 'autobatch';\n` +
      `await model.fitDataset(imageFolderDataset(${JSON.stringify(data.imagePreparation.folder)}, result.imagePreparation, { batchSize: ${rec.batchSize} }), { ${options} });`
    );
  }
  if (data.batchedDataset) {
    return (
      `import { learningRateSchedule } from 'autobatch';\n` +
      `await model.fitDataset(createDataset(tf, { batchSize: ${rec.batchSize}, seed }), { ${options} });`
    );
  }
  if (data.dataSource === 'dataset') {
    return (
      `import { learningRateSchedule } from 'autobatch';\n` +
      `await model.fitDataset(dataset.shuffle(1024).batch(${rec.batchSize}), { ${options} });`
    );
  }
  return `import { learningRateSchedule } from 'autobatch';\nmodel.fit(x, y, { batchSize: ${rec.batchSize}, ${options} });`;
}

/**
 * The same schedule for Keras (Python), with the numbers filled in: a
 * LearningRateSchedule reading the optimizer's step counter, which starts at 0 as
 * autobatch's steps do.
 */
export function kerasSnippet(rec: Recommendation, spec: WorkloadInfo['optimizer'], data: SnippetData = {}): string {
  const s = rec.schedule;
  const optimizer = spec.name;
  const extra = kerasSettings(spec);
  if (s.kind === 'constant') {
    return [
      'import keras',
      '',
      `model.compile(optimizer=keras.optimizers.${KERAS_OPTIMIZERS[optimizer]}(learning_rate=${literal(rec.learningRate)}${extra}), loss=...)`,
      `model.fit(x, y, batch_size=${rec.batchSize}, epochs=${wholeEpochs(rec)})`,
    ].join('\n');
  }
  return [
    'import keras',
    '',
    'class WarmupLinearDecay(keras.optimizers.schedules.LearningRateSchedule):',
    `    """autobatch: warm-up over ${s.warmupSteps} steps to ${literal(s.peakLearningRate)}, linear to ${literal(s.finalLearningRate)} at step ${s.totalSteps}."""`,
    '    def __call__(self, step):',
    '        step = keras.ops.cast(step, "float32")',
    `        peak, final, warmup, total = ${literal(s.peakLearningRate)}, ${literal(s.finalLearningRate)}, ${s.warmupSteps}.0, ${s.totalSteps}.0`,
    '        rising = peak * (step + 1.0) / keras.ops.maximum(warmup, 1.0)',
    '        falling = peak + (final - peak) * keras.ops.minimum(1.0, (step - warmup) / keras.ops.maximum(total - warmup, 1.0))',
    '        return keras.ops.where(step < warmup, rising, falling)',
    '',
    `model.compile(optimizer=keras.optimizers.${KERAS_OPTIMIZERS[optimizer]}(learning_rate=WarmupLinearDecay()${extra}), loss=${data.imagePreparation ? 'keras.losses.SparseCategoricalCrossentropy()' : '...'})`,
    ...kerasFit(rec, data),
    `# without a schedule: learning_rate=${literal(rec.learningRate)} (constant)`,
  ].join('\n');
}

/** The Keras lines that train: `fit` on arrays, on a batched dataset, or on the folder read as the tuner read it. */
function kerasFit(rec: Recommendation, data: SnippetData): string[] {
  const epochs = wholeEpochs(rec);
  const p = data.imagePreparation;
  if (p) {
    return [
      `train, val = keras.utils.image_dataset_from_directory(${JSON.stringify(p.folder)}, labels="inferred", label_mode="int",`,
      `    color_mode="${p.channels === 1 ? 'grayscale' : 'rgb'}", image_size=(${p.height}, ${p.width}), interpolation="bilinear", batch_size=${rec.batchSize},`,
      `    shuffle=True, seed=${p.seed}, validation_split=${p.validationSplit}, subset="both")  # the same settings; Keras draws its own split of the files`,
      'scale = keras.layers.Rescaling(1 / 255)  # pixels in [0, 1], as the tuner read them',
      `model.fit(train.map(lambda x, y: (scale(x), y)), validation_data=val.map(lambda x, y: (scale(x), y)), epochs=${epochs})`,
    ];
  }
  if (data.batchedDataset) return [`model.fit(dataset, epochs=${epochs})  # dataset: your pipeline, batched at ${rec.batchSize}`];
  if (data.dataSource === 'dataset') return [`model.fit(dataset.shuffle(1024).batch(${rec.batchSize}), epochs=${epochs})  # dataset: your unbatched tf.data.Dataset`];
  return [`model.fit(x, y, batch_size=${rec.batchSize}, epochs=${epochs})`];
}

/** The Keras argument for each TensorFlow.js optimizer setting (RMSProp's decay is Keras's rho). */
const KERAS_SETTINGS: Record<string, string> = {
  momentum: 'momentum',
  useNesterov: 'nesterov',
  beta1: 'beta_1',
  beta2: 'beta_2',
  epsilon: 'epsilon',
  centered: 'centered',
  initialAccumulatorValue: 'initial_accumulator_value',
  rho: 'rho',
};

/** The compiled optimizer's settings as Keras arguments (`, momentum=0.95, nesterov=True`); momentum is 0.9 when none was recorded. */
function kerasSettings(spec: WorkloadInfo['optimizer']): string {
  const settings: Record<string, number | boolean> = { ...(spec.name === 'momentum' ? { momentum: 0.9 } : {}), ...(spec.settings ?? {}) };
  const args = Object.entries(settings).flatMap(([key, value]) => {
    const name = key === 'decay' && spec.name === 'rmsprop' ? 'rho' : KERAS_SETTINGS[key];
    if (!name) return [];
    return [`${name}=${typeof value === 'boolean' ? (value ? 'True' : 'False') : literal(value)}`];
  });
  return args.map((a) => `, ${a}`).join('');
}
