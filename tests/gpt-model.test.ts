// The GPT's pieces on the default (wasm) backend: causal masking, attention gradients against finite
// differences, the wasm segment-sum kernel that the embedding gradient needs, and the two embedding forms.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../trainer/backends.js';
import { attention, crossEntropy, disposeParams, forward, gelu, initParams, layerNorm, lossOf, type GptConfig } from '../trainer/model.js';
import { batchMatMul, columnSums, matMulNN, matMulNT } from '../trainer/matmul.js';
import { setWasmGemmEnabled } from '../trainer/gemmKernels.js';

before(async () => {
  await useBackend('wasm');
});

const config: GptConfig = { vocabSize: 40, context: 8, layers: 1, heads: 2, dim: 16, embedding: 'gather' };

test('causal mask: changing a later token leaves the logits of every earlier position unchanged', () => {
  const p = initParams(config, 3);
  const a = [5, 9, 1, 33, 7, 2, 18, 4];
  const b = [...a];
  b[5] = 30;
  const [la, lb] = [a, b].map((ids) => tf.tidy(() => forward(config, p, tf.tensor2d(ids, [1, 8], 'int32')).arraySync() as number[][]));
  for (let pos = 0; pos < 5; pos++) {
    for (let v = 0; v < config.vocabSize; v++) assert.ok(Math.abs(la![pos]![v]! - lb![pos]![v]!) < 1e-6, `position ${pos} saw the future`);
  }
  // Positions from the changed one on do see it (so the comparison above can fail).
  const diff = la![5]!.reduce((m, x, v) => Math.max(m, Math.abs(x - lb![5]![v]!)), 0);
  assert.ok(diff > 1e-4, 'the changed position itself should change its logits');
  disposeParams(p);
});

test('attention gradients agree with central finite differences', () => {
  const batch = 2, t = 4, heads = 2, d = 8;
  const rnd = (shape: number[], seed: number, std = 0.5) => tf.randomNormal(shape, 0, std, 'float32', seed);
  const x = rnd([batch * t, d], 1) as tf.Tensor2D;
  const wqkv = rnd([d, 3 * d], 2) as tf.Tensor2D;
  const bqkv = rnd([3 * d], 3, 0.1);
  const wo = rnd([d, d], 4) as tf.Tensor2D;
  const bo = rnd([d], 5, 0.1);
  const r = rnd([batch * t, d], 6);
  const f = (xs: tf.Tensor[]) => tf.sum(tf.mul(attention(xs[0] as tf.Tensor2D, xs[1] as tf.Tensor2D, xs[2]!, xs[3] as tf.Tensor2D, xs[4]!, batch, t, heads), r)) as tf.Scalar;
  const inputs = [x, wqkv, bqkv, wo, bo];
  const grads = tf.grads((...xs: tf.Tensor[]) => f(xs))(inputs);
  const eps = 1e-2;
  let checked = 0;
  inputs.forEach((inp, k) => {
    const base = inp.dataSync().slice() as Float32Array;
    const g = grads[k]!.dataSync();
    for (const i of [0, Math.floor(base.length / 3), Math.floor((2 * base.length) / 3), base.length - 1]) {
      const at = (delta: number) => {
        const v = base.slice();
        v[i]! += delta;
        const moved = inputs.map((t2, j) => (j === k ? tf.tensor(v, inp.shape) : t2));
        const out = tf.tidy(() => f(moved).dataSync()[0]!);
        moved[k]!.dispose();
        return out;
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      const tol = 2e-3 + 2e-2 * Math.abs(numeric);
      assert.ok(Math.abs(numeric - g[i]!) < tol, `input ${k} element ${i}: analytic ${g[i]} vs numeric ${numeric}`);
      checked++;
    }
  });
  assert.equal(checked, 20);
  tf.dispose([...inputs, r, ...grads]);
});

test('the untransposed-product matmuls and their gradients match tf.matMul', () => {
  const a = tf.randomNormal([5, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
  const b = tf.randomNormal([3, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
  const bt = tf.randomNormal([4, 3], 0, 1, 'float32', 3) as tf.Tensor2D;
  const close = (x: tf.Tensor, y: tf.Tensor) => assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(x, y))).dataSync()[0]!) < 1e-5);
  const w = tf.randomNormal([5, 4], 0, 1, 'float32', 4);
  const ours = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(matMulNN(p as tf.Tensor2D, q as tf.Tensor2D), w)))([a, b]);
  const ref = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D), w)))([a, b]);
  close(ours[0]!, ref[0]!);
  close(ours[1]!, ref[1]!);
  const oursT = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(matMulNT(p as tf.Tensor2D, q as tf.Tensor2D), w)))([a, bt]);
  const refT = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D, false, true), w)))([a, bt]);
  close(oursT[0]!, refT[0]!);
  close(oursT[1]!, refT[1]!);
  tf.dispose([a, b, bt, w, ...ours, ...ref, ...oursT, ...refT]);
});

test('batched products with transpose flags and column sums equal plain sums on every path (GEMM, tfjs wasm kernel, cpu)', async () => {
  // 5 blocks of 6 x 4 and 4 x 7; each flag combination stores the operand transposed where its flag is set.
  const a = tf.randomNormal([5, 6, 4], 0, 1, 'float32', 21) as tf.Tensor3D;
  const b = tf.randomNormal([5, 4, 7], 0, 1, 'float32', 22) as tf.Tensor3D;
  const av = a.arraySync();
  const bv = b.arraySync();
  const paths: Array<[string, () => Promise<void>]> = [
    ['wasm GEMM', async () => { await useBackend('wasm'); setWasmGemmEnabled(true); }],
    ['wasm tfjs kernel', async () => { await useBackend('wasm'); setWasmGemmEnabled(false); }],
    ['cpu', async () => { await useBackend('cpu'); }],
  ];
  try {
    for (const [name, use] of paths) {
      await use();
      for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]] as const) {
        const x = tf.tensor3d(av);
        const y = tf.tensor3d(bv);
        const [xa, yb] = [ta ? tf.transpose(x, [0, 2, 1]) : x, tb ? tf.transpose(y, [0, 2, 1]) : y] as tf.Tensor3D[];
        const out = tf.tidy(() => batchMatMul(xa!, yb!, ta, tb));
        const got = out.arraySync();
        for (let i = 0; i < 5; i++) {
          for (let r = 0; r < 6; r++) {
            for (let c = 0; c < 7; c++) {
              let want = 0;
              for (let k = 0; k < 4; k++) want += av[i]![r]![k]! * bv[i]![k]![c]!;
              assert.ok(Math.abs(got[i]![r]![c]! - want) < 1e-5, `${name} ta=${ta} tb=${tb} block ${i} (${r}, ${c})`);
            }
          }
        }
        tf.dispose([x, y, xa!, yb!, out]);
      }
      // Column sums (bias and LayerNorm gradients), both of a tensor and of a reshaped view sharing its data.
      const flat = tf.tensor2d(av.flat(2), [30, 4]);
      const sums = tf.tidy(() => [columnSums(flat), columnSums(tf.reshape(flat, [10, 12]) as tf.Tensor2D), columnSums(flat)]);
      const want = (cols: number) => Array.from({ length: cols }, (_, c) => av.flat(2).filter((_, i) => i % cols === c).reduce((p, q) => p + q, 0));
      [want(4), want(12), want(4)].forEach((w, k) => sums[k]!.dataSync().forEach((v, c) => assert.ok(Math.abs(v - w[c]!) < 1e-4, `${name} column sums ${k}`)));
      tf.dispose([flat, ...sums]);
    }
  } finally {
    setWasmGemmEnabled(true);
    await useBackend('wasm');
  }
  tf.dispose([a, b]);
});

test('wasm gather: row copies for axis 0 (any row shape, 2-D indices), tfjs kernel otherwise; out-of-range index rejected', () => {
  const x = tf.tensor3d(Array.from({ length: 5 * 2 * 3 }, (_, i) => i * 0.5), [5, 2, 3]);
  const idx = tf.tensor2d([[4, 0], [2, 2]], [2, 2], 'int32');
  const rows = x.arraySync();
  assert.deepEqual(tf.tidy(() => tf.gather(x, idx).arraySync()), [[rows[4], rows[0]], [rows[2], rows[2]]]);
  const v = tf.tensor1d([1.5, -2, 7]);
  assert.deepEqual(tf.tidy(() => tf.gather(v, tf.tensor1d([2, 2, 0], 'int32')).arraySync()), [7, 7, 1.5]);
  assert.deepEqual(tf.tidy(() => tf.gather(x, tf.tensor1d([2, 0], 'int32'), 2).arraySync()), rows.map((r) => r.map((c) => [c[2], c[0]])));
  assert.throws(() => tf.tidy(() => tf.gather(x, tf.tensor1d([5], 'int32'))), /index value 5 is not in \[0, 4\]/);
  tf.dispose([x, idx, v]);
});

for (const backend of ['wasm', 'cpu'] as const) {
test(`gather and one-hot embeddings give the same loss and gradients (${backend} segment-sum kernel)`, async () => {
  await useBackend(backend);
  const p = initParams(config, 5);
  const inputs = tf.tensor2d([[1, 2, 3, 1, 1, 39, 0, 2], [7, 7, 7, 8, 9, 10, 11, 1]], [2, 8], 'int32');
  const targets = tf.tensor2d([[2, 3, 1, 1, 39, 0, 2, 5], [7, 7, 8, 9, 10, 11, 1, 4]], [2, 8], 'int32');
  const names = [...p.keys()];
  const run = (embedding: 'gather' | 'onehot') =>
    tf.valueAndGrads((...ps: tf.Tensor[]) => lossOf({ ...config, embedding }, new Map(names.map((n, i) => [n, ps[i]!])), inputs, targets))(names.map((n) => p.get(n)!));
  const g = run('gather');
  const o = run('onehot');
  assert.ok(Math.abs(g.value.dataSync()[0]! - o.value.dataSync()[0]!) < 1e-5);
  const wte = names.indexOf('wte');
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(g.grads[wte]!, o.grads[wte]!))).dataSync()[0]!);
  assert.ok(diff < 1e-5, `embedding gradients differ by ${diff}`);
  // Token 1 appears 4 times as an input: its embedding row receives a non-zero summed gradient.
  assert.ok(tf.tidy(() => tf.sum(tf.abs(tf.slice(g.grads[wte]!, [1, 0], [1, config.dim]))).dataSync()[0]!) > 0);
  tf.dispose([g.value, o.value, ...g.grads, ...o.grads, inputs, targets]);
  disposeParams(p);
  await useBackend('wasm');
});
}

test('on a backend without OneHot and UnsortedSegmentSum kernels (webgpu) the model falls back and agrees', () => {
  const p = initParams(config, 6);
  const inputs = tf.tensor2d([[1, 2, 3, 1, 1, 39, 0, 2]], [1, 8], 'int32');
  const targets = tf.tensor2d([[2, 3, 1, 1, 39, 0, 2, 5]], [1, 8], 'int32');
  const names = [...p.keys()];
  const run = () => tf.valueAndGrads((...ps: tf.Tensor[]) => lossOf(config, new Map(names.map((n, i) => [n, ps[i]!])), inputs, targets))(names.map((n) => p.get(n)!));
  const normal = run();
  const removed = ['OneHot', 'UnsortedSegmentSum'].map((k) => tf.getKernel(k, 'wasm')!);
  removed.forEach((k) => tf.unregisterKernel(k.kernelName, 'wasm'));
  let fallback;
  try {
    fallback = run();
  } finally {
    removed.forEach((k) => tf.registerKernel(k));
  }
  assert.ok(Math.abs(normal.value.dataSync()[0]! - fallback.value.dataSync()[0]!) < 1e-5);
  normal.grads.forEach((g, i) => assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(g, fallback.grads[i]!))).dataSync()[0]!) < 1e-5, names[i]));
  tf.dispose([normal.value, fallback.value, ...normal.grads, ...fallback.grads, inputs, targets]);
  disposeParams(p);
});

test('cross-entropy and its gradient match the log-softmax formula differentiated by tfjs', () => {
  const logits = tf.mul(tf.randomNormal([6, 10], 0, 1, 'float32', 9), 3) as tf.Tensor2D;
  const targets = tf.tensor1d([1, 2, 3, 9, 0, 5], 'int32');
  const ours = tf.valueAndGrad((z: tf.Tensor) => crossEntropy(z as tf.Tensor2D, targets, 10))(logits);
  const ref = tf.valueAndGrad((z: tf.Tensor) => tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(z), tf.cast(tf.oneHot(targets, 10), 'float32')), 1))))(logits);
  assert.ok(Math.abs(ours.value.dataSync()[0]! - ref.value.dataSync()[0]!) < 1e-5, `${ours.value.dataSync()[0]} vs ${ref.value.dataSync()[0]}`);
  assert.ok(tf.tidy(() => tf.max(tf.abs(tf.sub(ours.grad, ref.grad))).dataSync()[0]!) < 1e-6);
  tf.dispose([logits, targets, ours.value, ours.grad, ref.value, ref.grad]);
});

test('hand-written LayerNorm and GELU gradients equal autodiff of their textbook formulas', () => {
  const x = tf.randomNormal([6, 16], 0, 2, 'float32', 11) as tf.Tensor2D;
  const g = tf.randomNormal([16], 1, 0.3, 'float32', 12);
  const b = tf.randomNormal([16], 0, 0.3, 'float32', 13);
  const w = tf.randomNormal([6, 16], 0, 1, 'float32', 14); // a random linear read-out, so dy is not uniform
  const refLn = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
    const xc = tf.sub(xx, tf.mean(xx, -1, true));
    return tf.add(tf.mul(tf.div(xc, tf.sqrt(tf.add(tf.mean(tf.square(xc), -1, true), 1e-5))), gg), bb);
  };
  const refGelu = (xx: tf.Tensor) => tf.mul(tf.mul(xx, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(xx, tf.mul(0.044715, tf.pow(xx, 3)))))));
  const close = (a: tf.Tensor, e: tf.Tensor, what: string) => {
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(a, e))).dataSync()[0]!);
    assert.ok(diff < 2e-5, `${what} differs by ${diff}`);
  };
  const ours = tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(layerNorm(xx as tf.Tensor2D, gg, bb), w)))([x, g, b]);
  const ref = tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(refLn(xx, gg, bb), w)))([x, g, b]);
  ['x', 'gain', 'bias'].forEach((n, i) => close(ours[i]!, ref[i]!, `LayerNorm d${n}`));
  close(layerNorm(x, g, b), refLn(x, g, b), 'LayerNorm value');
  close(gelu(x), refGelu(x), 'GELU value');
  close(tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(gelu(xx), w)))(x), tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(refGelu(xx), w)))(x), 'GELU dx');
});
