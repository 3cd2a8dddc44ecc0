import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Adds rows of x [N, ...row] into out [numSegments, ...row] by segment id; out-of-range ids are dropped (as TF). */
function segmentSumInto(xv: ArrayLike<number>, ids: ArrayLike<number>, idCount: number, width: number, numSegments: number, out: Float32Array | Int32Array): void {
  out.fill(0);
  for (let r = 0; r < idCount; r++) {
    const seg = ids[r]!;
    if (seg < 0 || seg >= numSegments) continue;
    const src = r * width;
    const dst = seg * width;
    for (let k = 0; k < width; k++) out[dst + k] += xv[src + k]!;
  }
}

function shapesOf(inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap | undefined) {
  const x = inputs['x'] as tf.TensorInfo;
  const ids = inputs['segmentIds'] as tf.TensorInfo;
  const numSegments = (attrs as { numSegments: number }).numSegments;
  const idCount = ids.shape.reduce((a, b) => a * b, 1);
  const rowShape = x.shape.slice(ids.shape.length);
  const width = rowShape.reduce((a, b) => a * b, 1);
  return { x, ids, numSegments, idCount, rowShape, width };
}

/**
 * UnsortedSegmentSum is the gradient of tf.gather (the token embedding). tfjs-backend-wasm 4.22 has no such
 * kernel, and tfjs-backend-cpu's builds it from one masked sum per segment (O(vocab x rows x width): 29 s
 * per step for a 2048-token vocabulary, measured). One pass over the rows in JS replaces both; measured
 * faster than the one-hot matMul alternative on wasm (docs/decisions.md).
 */
export function registerSegmentSumKernels(): void {
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm') && tf.findBackendFactory('wasm')) {
    tf.registerKernel({
      kernelName: 'UnsortedSegmentSum',
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const wasm = backend as BackendWasm;
        const s = shapesOf(inputs, attrs);
        const out = wasm.makeOutput([s.numSegments, ...s.rowShape], s.x.dtype);
        // Views are taken after makeOutput: allocation may grow (and detach) the wasm memory.
        segmentSumInto(wasm.typedArrayFromHeap(s.x), wasm.typedArrayFromHeap(s.ids), s.idCount, s.width, s.numSegments, wasm.typedArrayFromHeap(out) as Float32Array);
        return out;
      },
    });
  }
  const cpuKernel = tf.getKernel('UnsortedSegmentSum', 'cpu');
  if (cpuKernel && !(cpuKernel as { corpusforge?: boolean }).corpusforge) {
    tf.unregisterKernel('UnsortedSegmentSum', 'cpu');
    const config: tf.KernelConfig & { corpusforge: boolean } = {
      kernelName: 'UnsortedSegmentSum',
      backendName: 'cpu',
      corpusforge: true,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const cpu = backend as unknown as {
          readSync(dataId: object): ArrayLike<number>;
          makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array | Int32Array): tf.TensorInfo;
        };
        const s = shapesOf(inputs, attrs);
        const out = s.x.dtype === 'int32' ? new Int32Array(s.numSegments * s.width) : new Float32Array(s.numSegments * s.width);
        segmentSumInto(cpu.readSync(s.x.dataId), cpu.readSync(s.ids.dataId), s.idCount, s.width, s.numSegments, out);
        return cpu.makeTensorInfo([s.numSegments, ...s.rowShape], s.x.dtype, out);
      },
    };
    tf.registerKernel(config);
  }
}
