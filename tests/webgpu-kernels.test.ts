// The trainer's WGSL kernels (trainer/kernels/, registered by trainer/webgpuKernels.ts) against the reference
// ops they replace, computed by tfjs's cpu backend: values and gradients, on the software WebGPU device.
// Tolerance: float32 with another summation order, |webgpu - cpu| <= 1e-5 x the largest |value| + 1e-6 per tensor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { attentionCore } from '../trainer/attention.js';
import { useBackend } from '../trainer/backends.js';
import { crossEntropy, gelu, layerNorm } from '../trainer/model.js';
import { adamWOps, type AdamWUniforms } from '../trainer/optimizer.js';
import { adamWFused, attentionFused, columnSumsFused, crossEntropyFused, geluBiasFused, layerNormFused } from '../trainer/webgpuKernels.js';
import { assertNoDeviceErrors, maxAbs, maxAbsDiff, testWebgpuOr, useTestWebgpu } from './helpers/testWebgpu.js';

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1);
}

/** Runs `f` on a backend and reads every tensor it returns. */
async function readOn(backend: 'cpu' | 'webgpu', f: () => tf.Tensor[]): Promise<Float32Array[]> {
  if (backend === 'webgpu') await useTestWebgpu();
  else await useBackend('cpu');
  const out = tf.tidy(f);
  const read: Float32Array[] = [];
  for (const t of out) read.push((await t.data()) as Float32Array);
  tf.dispose(out);
  return read;
}

/** The same computation with the kernels (webgpu) and the reference ops (cpu), compared tensor by tensor. */
async function agree(what: string, f: (fused: boolean) => tf.Tensor[]): Promise<void> {
  const ref = await readOn('cpu', () => f(false));
  const got = await readOn('webgpu', () => f(true));
  assertNoDeviceErrors();
  assert.equal(got.length, ref.length);
  ref.forEach((r, i) => {
    const diff = maxAbsDiff(got[i]!, r);
    assert.ok(diff <= 1e-5 * maxAbs(r) + 1e-6, `${what}: output ${i} differs by ${diff} (scale ${maxAbs(r)})`);
  });
}

/** Value and gradients of sum(op(inputs) * w) with respect to every input. */
function withGrads(op: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], w: tf.Tensor): tf.Tensor[] {
  const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => tf.sum(tf.mul(op(...xs), w)))(inputs);
  return [op(...inputs), value, ...grads];
}

test('fused LayerNorm: output, dx, dg and db equal the reference op', async (t) => {
  if (!testWebgpuOr(t)) return;
  for (const [rows, d] of [[3, 5], [300, 48], [70, 200]] as const) {
    const [x, g, b, w] = [values(rows * d, 1), values(d, 2), values(d, 3), values(rows * d, 4)];
    await agree(`layernorm ${rows}x${d}`, (fused) =>
      withGrads((X, G, B) => (fused ? layerNormFused : layerNorm)(X as tf.Tensor2D, G!, B!), [tf.tensor2d(x, [rows, d]), tf.tensor1d(g), tf.tensor1d(b)], tf.tensor2d(w, [rows, d])));
  }
});

test('GELU with the bias folded in and its gradients equal gelu(h + b)', async (t) => {
  if (!testWebgpuOr(t)) return;
  const [rows, f] = [130, 24];
  const [h, b, w] = [values(rows * f, 5).map((v) => 4 * v), values(f, 6), values(rows * f, 7)];
  await agree('gelu+bias', (fused) =>
    withGrads((H, B) => (fused ? geluBiasFused(H as tf.Tensor2D, B!) : gelu(tf.add(H!, B!))), [tf.tensor2d(h, [rows, f]), tf.tensor1d(b)], tf.tensor2d(w, [rows, f])));
});

test('column sums in one pass, two passes and past 128 x 128 rows', async (t) => {
  if (!testWebgpuOr(t)) return;
  for (const [rows, cols] of [[1, 7], [128, 65], [300, 10], [128 * 130, 3]] as const) {
    const x = values(rows * cols, 8);
    await agree(`column sums ${rows}x${cols}`, (fused) => {
      const X = tf.tensor2d(x, [rows, cols]);
      return [fused ? columnSumsFused(X) : tf.sum(X, 0)];
    });
  }
});

test('flash attention: output and d(qkv) equal the materialised-scores attention', async (t) => {
  if (!testWebgpuOr(t)) return;
  // Shapes cover one query row, T not a multiple of the 64-row blocks or the key tiles, and head widths 8 to 64.
  for (const [batch, len, heads, hd] of [[1, 1, 1, 4], [2, 16, 2, 8], [2, 70, 3, 16], [1, 130, 2, 64]] as const) {
    const d = heads * hd;
    const [qkv, w] = [values(batch * len * 3 * d, 9), values(batch * len * d, 10)];
    await agree(`attention B${batch} T${len} H${heads} hd${hd}`, (fused) =>
      withGrads((q) => (fused ? attentionFused : attentionCore)(tf.mul(q!, 2) as tf.Tensor2D, batch, len, heads), [tf.tensor2d(qkv, [batch * len, 3 * d])], tf.tensor2d(w, [batch * len, d])));
  }
});

test('fused AdamW equals the update as tfjs ops (parameter and both moments)', async (t) => {
  if (!testWebgpuOr(t)) return;
  const shape = [37, 11];
  const n = 37 * 11;
  const u: AdamWUniforms = { lr: 3e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, bc1: 1 - 0.9 ** 3, bc2: 1 - 0.95 ** 3, decay: 1 - 3e-3 * 0.1 };
  const [p, g, m, v] = [values(n, 11), values(n, 12), values(n, 13).map((x) => x / 10), values(n, 14).map((x) => Math.abs(x) / 100)];
  await agree('adamw', (fused) =>
    (fused ? adamWFused : adamWOps)(tf.tensor(p, shape), tf.tensor(g, shape), tf.tensor(m, shape), tf.tensor(v, shape), tf.scalar(0.7), u));
});

test('grids past 65,535 workgroups in one dimension: every element and row is computed', async (t) => {
  if (!testWebgpuOr(t)) return;
  await useTestWebgpu();
  // GELU over 4100 x 4100 = 16.8M elements needs 65,676 workgroups of 256: the grid spills into y.
  const [rows, cols] = [4100, 4100];
  const y = tf.tidy(() => geluBiasFused(tf.fill([rows, cols], 0.5) as tf.Tensor2D, tf.linspace(-3, 3, cols)));
  const got = (await y.data()) as Float32Array;
  y.dispose();
  const gelu1 = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
  for (const i of [0, cols - 1, 65535 * 256 - 1, 65535 * 256, rows * cols - 1]) {
    const x = 0.5 + (-3 + (6 * (i % cols)) / (cols - 1));
    assert.ok(Math.abs(got[i]! - gelu1(x)) < 1e-5, `element ${i}: ${got[i]} vs ${gelu1(x)}`);
  }
  // LayerNorm with 70,000 rows: one workgroup per row, rows spread over x and y.
  const ln = tf.tidy(() => layerNormFused(tf.tile(tf.tensor2d([[1, 3]]), [70000, 1]) as tf.Tensor2D, tf.ones([2]), tf.zeros([2])));
  const lnv = (await ln.data()) as Float32Array;
  ln.dispose();
  assert.ok(Math.abs(lnv[2 * 69999]! + 1) < 1e-3 && Math.abs(lnv[2 * 69999 + 1]! - 1) < 1e-3, `last row: ${lnv[2 * 69999]}, ${lnv[2 * 69999 + 1]}`);
  assert.ok(lnv.every((v, i) => Math.abs(v - (i % 2 ? 1 : -1)) < 1e-3), 'a LayerNorm row was not computed');
  assertNoDeviceErrors();
});

test('fused cross-entropy: loss and d(logits) equal softmax cross-entropy, also for large logits and the floor', async (t) => {
  if (!testWebgpuOr(t)) return;
  for (const [rows, v, spread] of [[3, 5, 1], [40, 257, 8], [9, 1000, 80]] as const) {
    const z = values(rows * v, 11).map((x) => x * spread);
    // Targets at each row's largest and smallest logit and in between (the smallest, at spread 80, is
    // past the 1e-30 floor on its probability: the row adds 69.08).
    const targets = Int32Array.from({ length: rows }, (_, r) => {
      const row = z.subarray(r * v, (r + 1) * v);
      return r % 3 === 0 ? row.indexOf(Math.max(...row)) : r % 3 === 1 ? row.indexOf(Math.min(...row)) : (r * 7) % v;
    });
    await agree(`cross-entropy ${rows}x${v} spread ${spread}`, (fused) => {
      const tg = tf.tensor1d(targets, 'int32');
      const loss = (x: tf.Tensor) => (fused ? crossEntropyFused(x as tf.Tensor2D, tg) : crossEntropy(x as tf.Tensor2D, tg, v));
      const { value, grad } = tf.valueAndGrad(loss)(tf.tensor2d(z, [rows, v]));
      return [value, grad];
    });
  }
});
