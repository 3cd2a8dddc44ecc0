import * as tf from '@tensorflow/tfjs';

/**
 * Replaces a backend's kernel with `kernelFunc` once (a mark on the registration makes later calls no-ops),
 * handing it tfjs's kernel for the cases it leaves alone. tfjs's setup function is kept: its kernel binds
 * its wasm function per backend instance there.
 */
export function overrideKernel(
  kernelName: string,
  backendName: string,
  mark: string,
  kernelFunc: (args: Parameters<tf.KernelFunc>[0], original: tf.KernelFunc) => ReturnType<tf.KernelFunc>,
): void {
  const current = tf.getKernel(kernelName, backendName) as (tf.KernelConfig & Record<string, unknown>) | undefined;
  if (!current || current[mark]) return;
  const original = current.kernelFunc;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({
    kernelName,
    backendName,
    setupFunc: current.setupFunc,
    [mark]: true,
    kernelFunc: (args: Parameters<tf.KernelFunc>[0]) => kernelFunc(args, original),
  } as tf.KernelConfig);
}
