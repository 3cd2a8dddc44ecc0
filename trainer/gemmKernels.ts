import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { gemmFor, relaxedSimdAvailable } from './gemm.js';

/*
 * BatchMatMul for the wasm backend on the relaxed-SIMD GEMM (trainer/gemm.ts): 1.6x tfjs's XNNPACK products
 * on one training step's shapes (bench/wasmGemm.ts, docs/decisions.md). Transposed operands are read in
 * place through strides, where tfjs-backend-wasm 4.22 falls to a naive loop 10-70x slower. Where relaxed
 * SIMD is unavailable, for non-float32 operands, and for products of fewer than 4 rows (XNNPACK's
 * matrix-vector path is faster there), tfjs's own kernel runs.
 */

const MARK = 'corpusforgeHeapGemm';
/** Below this many output rows a product stays with XNNPACK (the kernel's 4-row tiles would be mostly padding). */
const MIN_ROWS = 4;

let enabled = process.env.CORPUSFORGE_WASM_GEMM !== 'tfjs';

/** Turns the relaxed-SIMD products on or off (off: tfjs's kernel); CORPUSFORGE_WASM_GEMM=tfjs starts with off. */
export function setWasmGemmEnabled(on: boolean): void {
  enabled = on;
}

/** Whether the wasm backend's products run on the relaxed-SIMD GEMM here (on, and the engine compiles it). */
export function wasmGemmActive(): boolean {
  return enabled && relaxedSimdAvailable();
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function heapGemmBatchMatMul(backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): tf.TensorInfo | undefined {
  if (!enabled || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  const batchA = sizeOf(a.shape.slice(0, -2));
  const batchB = sizeOf(b.shape.slice(0, -2));
  // Mismatches and general batch broadcasting: tfjs's kernel reports or handles them.
  if (k !== kb || m < MIN_ROWS || (batchA !== batchB && batchA !== 1 && batchB !== 1)) return undefined;
  const gemm = gemmFor(backend);
  if (!gemm) return undefined;
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const out = backend.makeOutput([...outer, m, n], 'float32');
  const batch = Math.max(batchA, batchB);
  if (m * n === 0 || batch === 0) return out;
  // Byte addresses, taken after makeOutput (allocation may move nothing, but may grow the memory).
  const addr = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId)!.memoryOffset;
  const [aBase, bBase, cBase] = [addr(a), addr(b), addr(out)];
  const [sai, sak] = transposeA ? [1, m] : [k, 1];
  const [sbk, sbj] = transposeB ? [1, k] : [n, 1];
  for (let i = 0; i < batch; i++) {
    gemm.run({
      m, n, k,
      a: aBase + (batchA === 1 ? 0 : i * m * k * 4), sai, sak,
      b: bBase + (batchB === 1 ? 0 : i * k * n * 4), sbk, sbj,
      c: cBase + i * m * n * 4, ldc: n,
    });
  }
  return out;
}

/** Registers the relaxed-SIMD BatchMatMul for the wasm backend (once), keeping tfjs's as the fallback. */
export function registerWasmGemmKernels(): void {
  const current = tf.getKernel('BatchMatMul', 'wasm') as (tf.KernelConfig & { [MARK]?: boolean }) | undefined;
  if (!current || current[MARK]) return;
  const original = current;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    // tfjs's kernel binds its wasm function per backend instance in its setup; a new instance needs it too.
    setupFunc: original.setupFunc,
    [MARK]: true,
    kernelFunc: (args) => {
      const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
      const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
      return heapGemmBatchMatMul(args.backend as BackendWasm, a, b, transposeA, transposeB) ?? original.kernelFunc(args);
    },
  } as tf.KernelConfig);
}
