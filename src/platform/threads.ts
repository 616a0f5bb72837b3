/**
 * Environment that caps TensorFlow's thread pools in a process (tfjs-node reads no
 * option for it; TensorFlow's runtime reads these variables when it starts): several
 * search processes sharing the cores then do not fight over them.
 */
export function tensorflowThreadEnv(threads: number): Record<string, string> {
  const n = String(Math.max(1, Math.floor(threads)));
  return { TF_NUM_INTRAOP_THREADS: n, TF_NUM_INTEROP_THREADS: '1', OMP_NUM_THREADS: n };
}
