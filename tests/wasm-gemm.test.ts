// The relaxed-SIMD GEMM (trainer/kernels/sgemm.c) on the wasm backend's heap, against a float64 product in
// JavaScript: odd shapes that cross every tile and block edge, transposed operands, batches, accumulation,
// and tfjs's own kernel as the fallback when the GEMM is switched off.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { useBackend } from '../trainer/backends.js';
import { gemmFor, relaxedSimdAvailable } from '../trainer/gemm.js';
import { setWasmGemmEnabled, wasmGemmActive } from '../trainer/gemmKernels.js';

before(async () => {
  await useBackend('wasm');
});

/** Deterministic values in [-1, 1). */
function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Row-major [m, n] = op(a) op(b) in float64, where a is stored [m, k] ([k, m] when transposed), b [k, n] ([n, k]). */
function reference(a: Float32Array, b: Float32Array, m: number, k: number, n: number, ta: boolean, tb: boolean): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ta ? p * m + i : i * k + p]! * b[tb ? j * k + p : p * n + j]!;
      out[i * n + j] = s;
    }
  }
  return out;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, k: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  // float32 accumulation over k terms of magnitude <= 1.
  const tol = 1e-5 * Math.max(1, k);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i]! - expected[i]!) <= tol, `${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}

// m x k x n: single tiles, tile edges (4 rows, 8 columns), k past the 256-deep block, n past the 1024-wide one.
const SHAPES: Array<[number, number, number]> = [[4, 1, 1], [5, 3, 7], [9, 17, 8], [13, 300, 17], [37, 5, 1030], [64, 513, 33]];

test('tf.matMul on the wasm backend equals a float64 product for odd shapes and every transpose combination', () => {
  for (const [m, k, n] of SHAPES) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const av = values(m * k, m * 31 + k);
        const bv = values(k * n, n * 17 + k);
        const got = tf.tidy(() => tf.matMul(tf.tensor2d(av, ta ? [k, m] : [m, k]), tf.tensor2d(bv, tb ? [n, k] : [k, n]), ta, tb).dataSync());
        assertClose(got, reference(av, bv, m, k, n, ta, tb), k, `${m}x${k}x${n} ta=${ta} tb=${tb}`);
      }
    }
  }
});

test('batched products, with the batch of either operand broadcast', () => {
  const [m, k, n] = [6, 10, 9];
  const av = values(3 * m * k, 1);
  const bv = values(3 * k * n, 2);
  const cases: Array<[number, number]> = [[3, 3], [3, 1], [1, 3]];
  for (const [ba, bb] of cases) {
    const got = tf.tidy(() => tf.matMul(tf.tensor3d(av.subarray(0, ba * m * k), [ba, m, k]), tf.tensor3d(bv.subarray(0, bb * k * n), [bb, k, n])).arraySync()) as number[][][];
    assert.equal(got.length, 3);
    for (let i = 0; i < 3; i++) {
      const a = av.subarray((ba === 1 ? 0 : i) * m * k, (ba === 1 ? 1 : i + 1) * m * k);
      const b = bv.subarray((bb === 1 ? 0 : i) * k * n, (bb === 1 ? 1 : i + 1) * k * n);
      assertClose(got[i]!.flat(), reference(a, b, m, k, n, false, false), k, `batch ${ba}x${bb}, item ${i}`);
    }
  }
});

test('empty products: zero rows give an empty result, zero depth gives zeros', () => {
  const empty = tf.tidy(() => tf.matMul(tf.zeros([0, 5]), tf.ones([5, 3])).shape);
  assert.deepEqual(empty, [0, 3]);
  const zeros = tf.tidy(() => tf.matMul(tf.zeros([6, 0]), tf.zeros([0, 9])).dataSync());
  assert.deepEqual([...zeros], new Array(54).fill(0));
});

test('the heap kernel itself: strided operands, output row stride and accumulation', (t) => {
  if (!relaxedSimdAvailable()) {
    t.skip('this engine does not compile WebAssembly relaxed SIMD');
    return;
  }
  assert.ok(wasmGemmActive());
  const backend = tf.backend() as BackendWasm;
  const gemm = gemmFor(backend);
  assert.ok(gemm, 'relaxed SIMD is available, so the kernel must load on the wasm heap');
  const [m, k, n, ldc] = [7, 260, 11, 16];
  const av = values(k * m, 5); // stored transposed: [k, m]
  const bv = values(k * n, 6);
  const a = tf.tensor2d(av, [k, m]);
  const b = tf.tensor2d(bv, [k, n]);
  const c = tf.tensor2d(new Float32Array(m * ldc).fill(2), [m, ldc]);
  const addr = (x: tf.Tensor) => backend.dataIdMap.get(x.dataId)!.memoryOffset;
  gemm.run({ m, n, k, a: addr(a), sai: 1, sak: m, b: addr(b), sbk: n, sbj: 1, c: addr(c), ldc, accumulate: true });
  const got = c.dataSync();
  const ref = reference(av, bv, m, k, n, true, false);
  for (let i = 0; i < m; i++) {
    assertClose(got.subarray(i * ldc, i * ldc + n), ref.subarray(i * n, (i + 1) * n).map((x) => x + 2), k, `row ${i}`);
    // Columns past n belong to someone else: untouched.
    assert.deepEqual([...got.subarray(i * ldc + n, (i + 1) * ldc)], new Array(ldc - n).fill(2));
  }
  tf.dispose([a, b, c]);
});

test('switched off, products fall back to tfjs-backend-wasm and still agree', () => {
  setWasmGemmEnabled(false);
  try {
    assert.equal(wasmGemmActive(), false);
    const [m, k, n] = [13, 300, 17];
    const av = values(m * k, 8);
    const bv = values(k * n, 9);
    const got = tf.tidy(() => tf.matMul(tf.tensor2d(av, [m, k]), tf.tensor2d(bv, [k, n])).dataSync());
    assertClose(got, reference(av, bv, m, k, n, false, false), k, 'fallback');
  } finally {
    setWasmGemmEnabled(true);
  }
});
