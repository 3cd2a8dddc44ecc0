import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * tfjs-backend-wasm 4.22 has no UnsortedSegmentSum, which the gradient of tf.gather (the token embedding)
 * needs. This JS kernel works on the wasm heap directly: one pass over the rows, O(rows x width) adds,
 * which measured far cheaper than the one-hot matMul alternative (see docs/decisions.md).
 */
export function registerWasmSegmentSum(): void {
  if (tf.getKernel('UnsortedSegmentSum', 'wasm')) return;
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const wasm = backend as BackendWasm;
      const x = inputs['x'] as tf.TensorInfo;
      const ids = inputs['segmentIds'] as tf.TensorInfo;
      const numSegments = (attrs as { numSegments: number }).numSegments;
      const idCount = ids.shape.reduce((a, b) => a * b, 1);
      const rowShape = x.shape.slice(ids.shape.length);
      const width = rowShape.reduce((a, b) => a * b, 1);
      const out = wasm.makeOutput([numSegments, ...rowShape], x.dtype);
      // Views are taken after makeOutput: allocation may grow (and detach) the wasm memory.
      const xv = wasm.typedArrayFromHeap(x);
      const iv = wasm.typedArrayFromHeap(ids);
      const ov = wasm.typedArrayFromHeap(out);
      ov.fill(0);
      for (let r = 0; r < idCount; r++) {
        const seg = iv[r];
        if (seg < 0 || seg >= numSegments) continue; // as TensorFlow: out-of-range ids are dropped
        const src = r * width;
        const dst = seg * width;
        for (let k = 0; k < width; k++) ov[dst + k] += xv[src + k];
      }
      return out;
    },
  });
}
