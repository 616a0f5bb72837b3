/**
 * A module workload (`--model FILE`) whose forward pass busy-waits `msPerSample` a sample:
 * a model that much slower per step than any example, as a big model on a CPU is. Used by
 * the time budget's test (test/budget.test.ts) and its bench (bench/budget.ts).
 */
export function slowModuleSource(msPerSample: number): string {
  return `
    exports.name = 'slow';
    exports.createModel = (tf) => {
      class Wait extends tf.layers.Layer {
        static className = 'Wait';
        computeOutputShape(shape) { return shape; }
        call(inputs) {
          const x = Array.isArray(inputs) ? inputs[0] : inputs;
          const end = Date.now() + ${msPerSample} * x.shape[0];
          while (Date.now() < end) {}
          return x;
        }
      }
      const m = tf.sequential({ layers: [
        tf.layers.dense({ inputShape: [8], units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        new Wait({}),
        tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ] });
      m.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
      return m;
    };
    exports.loadData = (tf) => {
      const x = tf.randomNormal([2048, 8], 0, 1, 'float32', 7);
      return { x, y: x.sum(1, true) };
    };`;
}
