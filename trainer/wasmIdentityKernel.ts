import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { overrideKernel } from './kernelOverride.js';

/*
 * tfjs-core saves every tensor a gradient needs through an Identity kernel (engine.clone), and
 * tfjs-backend-wasm 4.22's Identity copies the data: 60-70 copies per training step, 9-15 ms of a ~330 ms
 * step (measured). Tensors are immutable and every wasm kernel writes a fresh output, so the clone can
 * share the input's data with a reference count, as the cpu backend's Identity and the wasm Reshape do.
 * A caller that needs a distinct data id (trainer/matmul.ts `columnSums` works around the XNNPACK operator
 * cache, which is keyed by the right operand's data id) must copy with a real kernel instead of tf.clone.
 */

/** Registers the data-sharing Identity for the wasm backend (once; strings keep tfjs's kernel). */
export function registerWasmIdentityKernel(): void {
  overrideKernel('Identity', 'wasm', 'corpusforgeSharedIdentity', (args, original) => {
    const x = args.inputs['x'] as tf.TensorInfo;
    if (x.dtype === 'string') return original(args);
    (args.backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
}
