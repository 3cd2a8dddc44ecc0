import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/*
 * tfjs-backend-wasm 4.22's Slice (and SplitV, which calls it once per piece) starts with
 * `backend.readSync(x)`, a copy of the whole input out of the wasm heap, for every slice. Attention takes
 * its per-sequence, per-head matrices with splits, so one step copied the [B*T, 3D] activations dozens of
 * times: 16 row splits of a [2048, 384] tensor took 15-28 ms, 96 pieces 225 ms (measured, docs/decisions.md).
 * These replacements copy only the sliced elements, reading the input through a view of the heap.
 */

/** Copies the box [begin, begin + size) of x (row-major, `shape`) into out, one innermost run at a time. */
function copyBox(x: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> }, shape: number[], begin: number[], size: number[], out: { set(a: ArrayLike<number>, o: number): void }): void {
  const rank = shape.length;
  if (rank === 0) {
    out.set(x.subarray(0, 1), 0);
    return;
  }
  const strides = new Array<number>(rank);
  strides[rank - 1] = 1;
  for (let d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1]! * shape[d + 1]!;
  // Trailing dimensions taken whole merge into one contiguous run.
  let inner = rank - 1;
  while (inner > 0 && begin[inner] === 0 && size[inner] === shape[inner]) inner--;
  const run = size.slice(inner).reduce((a, b) => a * b, 1);
  const base = begin.reduce((acc, b, d) => acc + b * strides[d]!, 0);
  const outer = size.slice(0, inner);
  const count = outer.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(inner).fill(0);
  for (let n = 0, o = 0; n < count; n++, o += run) {
    let off = base;
    for (let d = 0; d < inner; d++) off += idx[d]! * strides[d]!;
    out.set(x.subarray(off, off + run), o);
    for (let d = inner - 1; d >= 0; d--) {
      if (++idx[d]! < outer[d]!) break;
      idx[d] = 0;
    }
  }
}

function sliceOne(wasm: BackendWasm, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = wasm.makeOutput(size, x.dtype);
  if (size.some((s) => s === 0)) return out;
  // Views are taken after makeOutput: allocation may grow (and detach) the wasm memory.
  copyBox(wasm.typedArrayFromHeap(x), x.shape, begin, size, wasm.typedArrayFromHeap(out));
  return out;
}

const MARK = 'corpusforgeHeapSlice';

/** Registers the copy-only Slice and SplitV kernels for the wasm backend (once; numeric dtypes only). */
export function registerWasmSliceKernels(): void {
  const current = tf.getKernel('Slice', 'wasm') as (tf.KernelConfig & { [MARK]?: boolean }) | undefined;
  if (!current || current[MARK]) return;
  const originalSlice = current.kernelFunc;
  const originalSplit = tf.getKernel('SplitV', 'wasm')!.kernelFunc;
  tf.unregisterKernel('Slice', 'wasm');
  tf.unregisterKernel('SplitV', 'wasm');
  tf.registerKernel({
    kernelName: 'Slice',
    backendName: 'wasm',
    [MARK]: true,
    kernelFunc: (args) => {
      const x = args.inputs['x'] as tf.TensorInfo;
      if (x.dtype === 'string') return originalSlice(args);
      const { begin, size } = args.attrs as { begin: number | number[]; size: number | number[] };
      const [b, s] = tf.slice_util.parseSliceParams(x as tf.TensorInfo as tf.Tensor, begin, size);
      return sliceOne(args.backend as BackendWasm, x, b, s);
    },
  } as tf.KernelConfig);
  tf.registerKernel({
    kernelName: 'SplitV',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs['x'] as tf.TensorInfo;
      if (x.dtype === 'string') return originalSplit(args);
      const { numOrSizeSplits, axis } = args.attrs as { numOrSizeSplits: number | number[]; axis: number };
      const ax = tf.util.parseAxisParam(axis, x.shape)[0]!;
      const sizes = tf.backend_util.prepareSplitSize(x as tf.TensorInfo as tf.Tensor, numOrSizeSplits, ax);
      const begin = new Array<number>(x.shape.length).fill(0);
      return sizes.map((s) => {
        const size = x.shape.slice();
        size[ax] = s;
        const out = sliceOne(args.backend as BackendWasm, x, begin.slice(), size);
        begin[ax]! += s;
        return out;
      });
    },
  } as tf.KernelConfig);
}
