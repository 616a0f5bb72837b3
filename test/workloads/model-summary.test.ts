import { Value } from '@sinclair/typebox/value';
import { loadTf } from '../../src/platform/tf';
import { defaultMlp } from '../../src/workloads/data-file';
import { ModelSummarySchema, summarizeModel } from '../../src/workloads/model-summary';
import type { Preparation } from '../../src/workloads/table/preparation';

const tf = loadTf();

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('summarizeModel', () => {
  test('the default MLP: each layer with its units, activation and parameters', async () => {
    const preparation = { features: ['x1', 'x2'], label: { classes: ['a', 'b', 'c'] } } as unknown as Preparation;
    const model = await defaultMlp(preparation, 1).buildModel(tf);
    const summary = summarizeModel(model);
    model.dispose();
    expect(summary).toEqual({
      className: 'Sequential',
      inputShape: [null, 2],
      outputShape: [null, 3],
      layers: [
        { className: 'Dense', units: 16, activation: 'relu', parameters: 2 * 16 + 16, outputShape: [null, 16] },
        { className: 'Dense', units: 8, activation: 'relu', parameters: 16 * 8 + 8, outputShape: [null, 8] },
        { className: 'Dense', units: 3, activation: 'softmax', parameters: 8 * 3 + 3, outputShape: [null, 3] },
      ],
    });
    expect(Value.Check(ModelSummarySchema, summary)).toBe(true);
  });

  test('a functional CNN: input layer left out; filters, kernels, pooling and dropout rates kept', () => {
    const input = tf.input({ shape: [8, 8, 1] });
    const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input);
    const pooled = tf.layers.maxPooling2d({ poolSize: 2 }).apply(conv);
    const flat = tf.layers.flatten().apply(pooled);
    const dropped = tf.layers.dropout({ rate: 0.3 }).apply(flat);
    const output = tf.layers.dense({ units: 2 }).apply(dropped) as ReturnType<typeof tf.input>;
    const model = tf.model({ inputs: input, outputs: output });
    const summary = summarizeModel(model);
    model.dispose();
    expect(summary).toMatchObject({ className: 'Model', inputShape: [null, 8, 8, 1], outputShape: [null, 2] });
    expect(summary.layers.map((l) => l.className)).toEqual(['Conv2D', 'MaxPooling2D', 'Flatten', 'Dropout', 'Dense']);
    expect(summary.layers[0]).toMatchObject({ filters: 4, kernelSize: [3, 3], strides: [1, 1], padding: 'same', activation: 'relu', parameters: 3 * 3 * 4 + 4, outputShape: [null, 8, 8, 4] });
    expect(summary.layers[1]).toMatchObject({ poolSize: [2, 2], parameters: 0, outputShape: [null, 4, 4, 4] });
    expect(summary.layers[3]).toEqual({ className: 'Dropout', rate: 0.3, parameters: 0, outputShape: [null, 64] });
    expect(summary.layers[4]).toMatchObject({ units: 2, activation: 'linear' });
    expect(Value.Check(ModelSummarySchema, summary)).toBe(true);
  });

  test('an embedding: its vocabulary and width', () => {
    const model = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 50, outputDim: 4, inputLength: 6 }), tf.layers.flatten(), tf.layers.dense({ units: 1 })] });
    const summary = summarizeModel(model);
    model.dispose();
    expect(summary.layers[0]).toMatchObject({ className: 'Embedding', inputDim: 50, outputDim: 4, parameters: 200 });
  });
});
