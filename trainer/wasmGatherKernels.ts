import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { overrideKernel } from './kernelOverride.js';

/*
 * tfjs-backend-wasm 4.22's GatherV2 computes every output element's source through a 4-D index in C++:
 * the embedding lookup (2,048 rows of 128 floats) took 12-13 ms of a ~330 ms training step (measured).
 * Gathering whole rows (axis 0, no batch dimensions: the embedding lookup and the loss's target
 * probabilities) is a row copy; this kernel does that with typed-array copies on the heap and leaves
 * other gathers to tfjs's kernel.
 */

function rowGather(wasm: BackendWasm, x: tf.TensorInfo, indices: tf.TensorInfo): tf.TensorInfo {
  const rows = x.shape[0]!;
  const rowSize = x.shape.slice(1).reduce((a, b) => a * b, 1);
  const out = wasm.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
  // Views are taken after makeOutput: allocation may grow (and detach) the wasm memory.
  const idx = wasm.typedArrayFromHeap(indices) as Int32Array;
  const src = wasm.typedArrayFromHeap(x);
  const dst = wasm.typedArrayFromHeap(out);
  for (let i = 0; i < idx.length; i++) {
    const r = idx[i]!;
    if (r < 0 || r >= rows) {
      wasm.disposeData(out.dataId);
      throw new Error(`GatherV2: the index value ${r} is not in [0, ${rows - 1}]`);
    }
    if (rowSize === 1) dst[i] = src[r]!;
    else dst.set(src.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize);
  }
  return out;
}

/** Registers the row-copy GatherV2 for the wasm backend (once), keeping tfjs's for other gathers. */
export function registerWasmGatherKernels(): void {
  overrideKernel('GatherV2', 'wasm', 'corpusforgeRowGather', (args, original) => {
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = args.attrs as { axis: number; batchDims: number };
    const rowwise = x.shape.length > 0 && tf.util.parseAxisParam(axis, x.shape)[0] === 0 && (batchDims ?? 0) === 0;
    if (!rowwise || x.dtype === 'string' || indices.dtype !== 'int32') return original(args);
    return rowGather(args.backend as BackendWasm, x, indices);
  });
}
