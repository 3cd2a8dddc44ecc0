// --precision f16 on webgpu (trainer/mixedPrecision.ts, trainer/kernels/matmulTiledKernel.ts, trainer/lossScale.ts),
// on the software adapter where it offers shader-f16 (Mesa 25's Vulkan lavapipe): products in f16 are exact
// where f16 holds the numbers and within f16 rounding elsewhere, overflow reaches the loss scale, training
// follows f32's curve, an overflowed step changes nothing and halves the scale, and a resumed run equals an
// uninterrupted one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../trainer/backends.js';
import { CHECKPOINT_FILE, loadCheckpoint, type CheckpointMeta } from '../trainer/checkpoint.js';
import { DynamicLossScale } from '../trainer/lossScale.js';
import { THREAD_TILES } from '../trainer/kernels/matmulTiledKernel.js';
import { setWebgpuProducts } from '../trainer/mixedPrecision.js';
import { train, type MetricsRecord, type TrainOptions } from '../trainer/train.js';
import { assertNoDeviceErrors, maxAbsDiff, testWebgpuF16Or, useTestWebgpu, TEST_WEBGPU_ADAPTER } from './helpers/testWebgpu.js';
import { withTokenDir } from './helpers/tokenDir.js';

const CORPUS = { vocabSize: 64, documents: 60, docLength: 100, seed: 7, regularity: 0.95 };

/** op(a) op(b) in float64 on the host, [batch, m, n] (b broadcast when it has one matrix). */
function reference(a: number[][][], b: number[][][], ta: boolean, tb: boolean): number[][][] {
  const op = (x: number[][], t: boolean) => (t ? x[0]!.map((_, j) => x.map((r) => r[j]!)) : x);
  return a.map((ai, i) => {
    const A = op(ai, ta);
    const B = op(b[b.length === 1 ? 0 : i]!, tb);
    return A.map((row) => B[0]!.map((_, j) => row.reduce((s, v, k) => s + v * B[k]![j]!, 0)));
  });
}

/** Integer products in every transpose and batch form: exact where the arithmetic holds the numbers. */
async function assertExactProducts(label: string): Promise<void> {
  // Shapes past one 64 x 64 tile and one 16-deep slice, none a multiple of either.
  const shapes: Array<[number, number, number, number, boolean]> = [[1, 70, 33, 65, false], [3, 17, 40, 9, false], [3, 17, 40, 9, true], [1, 5, 300, 130, false]];
  for (const [batch, m, k, n, broadcastB] of shapes) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      // Integers in [-3, 3]: every product and every 16-term partial sum is exact in f16, the rest in f32.
      const ints = (rows: number, cols: number, seed: number) => Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => ((r * 31 + c * 17 + seed) % 7) - 3));
      const a = Array.from({ length: batch }, (_, i) => (ta ? ints(k, m, i) : ints(m, k, i)));
      const b = Array.from({ length: broadcastB ? 1 : batch }, (_, i) => (tb ? ints(n, k, 5 + i) : ints(k, n, 5 + i)));
      const at = batch === 1 ? tf.tensor2d(a[0]!) : tf.tensor3d(a);
      const bt = broadcastB || batch === 1 ? tf.tensor2d(b[0]!) : tf.tensor3d(b);
      const c = tf.matMul(at, bt, ta, tb);
      assert.deepEqual(c.shape, batch === 1 ? [m, n] : [batch, m, n]);
      assert.deepEqual(Array.from(await c.data()), reference(a, b, ta, tb).flat(2), `${label}: batch ${batch} ${m}x${k}x${n} ta=${ta} tb=${tb}`);
      tf.dispose([at, bt, c]);
    }
  }
}

test('tiled products (f16, and the f32 variant): exact on small integers in every form, within rounding on normals', async (t) => {
  if (!testWebgpuF16Or(t)) return;
  await useTestWebgpu('f16');
  await assertExactProducts('f16');
  // Normals: error within f16 rounding of the inputs and of 16-term sums (measured ~1e-3 of sum |a||b|).
  const a = tf.randomNormal([96, 200], 0, 1, 'float32', 1);
  const b = tf.randomNormal([200, 80], 0, 1, 'float32', 2);
  const got = await tf.matMul(a, b).data();
  const ref = reference([(await a.array()) as number[][]], [(await b.array()) as number[][]], false, false).flat(2);
  const bound = reference([((await a.abs().array()) as number[][])], [((await b.abs().array()) as number[][])], false, false).flat(2);
  ref.forEach((r, i) => assert.ok(Math.abs(got[i]! - r) <= 4e-3 * bound[i]!, `entry ${i}: ${got[i]} vs ${r}`));
  // A value past f16's range makes the product +inf (what the loss scale sees), not a clamped number.
  const over = await tf.matMul(tf.fill([2, 20], 70000), tf.ones([20, 3])).data();
  assert.ok(Array.from(over).every((v) => v === Infinity));
  // Why the loss is scaled: 1e-5 x 1e-4 is below f16's smallest number and vanishes; scaled by 2^16 it survives.
  const tiny = await tf.matMul(tf.fill([1, 4], 1e-5), tf.fill([4, 1], 1e-4)).data();
  const scaled = await tf.matMul(tf.fill([1, 4], 1e-5 * 2 ** 16), tf.fill([4, 1], 1e-4)).data();
  assert.equal(tiny[0], 0);
  assert.ok(Math.abs(scaled[0]! / 2 ** 16 - 4e-9) < 4e-9 * 0.01, `scaled ${scaled[0]! / 2 ** 16}`);
  assertNoDeviceErrors();
  // The same tiling in f32, and the larger thread tiles bench/webgpuMatmul.ts times against tfjs's shaders.
  try {
    for (const t of THREAD_TILES) {
      // f16 at the default tile is checked above; the generator differs by the element type only.
      setWebgpuProducts(t === THREAD_TILES.at(-1) ? 'f16' : 'f32', t);
      await assertExactProducts(`${t.rows}x${t.cols}`);
    }
    setWebgpuProducts('f32');
    const f32 = await tf.matMul(a, b).data();
    ref.forEach((r, i) => assert.ok(Math.abs(f32[i]! - r) <= 1e-5 * bound[i]!, `f32 entry ${i}: ${f32[i]} vs ${r}`));
  } finally {
    setWebgpuProducts('tfjs');
  }
  assertNoDeviceErrors();
  await useTestWebgpu('f32');
  assert.ok(Math.abs((await tf.matMul(tf.fill([1, 4], 1e-5), tf.fill([4, 1], 1e-4)).data())[0]! - 4e-9) < 1e-12, 'f32 products after switching back');
});

test('dynamic loss scale: halves on overflow, doubles after the interval of finite steps, counts from zero again', async () => {
  await useBackend('wasm');
  const s = new DynamicLossScale({ scale: 8, goodSteps: 0 }, 3);
  const seen: number[] = [];
  for (const finite of [true, true, true, true, false, true, true, true]) {
    s.update(tf.scalar(finite));
    seen.push((await s.read()).scale);
  }
  assert.deepEqual(seen, [8, 8, 16, 16, 8, 8, 8, 16]);
  assert.deepEqual(await s.read(), { scale: 16, goodSteps: 0 });
  s.dispose();
});

function options(data: string, out: string, extra: Partial<TrainOptions> = {}): TrainOptions {
  return {
    dataDir: data, outDir: out, steps: 10, batchSize: 4, gradAccum: 1, context: 32, layers: 2, heads: 2, dim: 32,
    lr: 1e-2, warmup: 2, evalEvery: 5, evalBatches: 2, seed: 1, resume: false, valFraction: 0.1,
    backend: 'webgpu', webgpuAdapter: TEST_WEBGPU_ADAPTER, readEvery: 3, ...extra,
  };
}

const strip = (ms: MetricsRecord[]) => ms.map(({ tokens_per_s: _t, ...rest }) => rest);

test('training in f16 follows f32, resumes exactly, and skips overflowed steps while the scale falls', async (t) => {
  if (!testWebgpuF16Or(t)) return;
  await withTokenDir(CORPUS, async (f) => {
    const f32 = await train(options(f.data, path.join(f.dir, 'f32')));
    const f16 = await train(options(f.data, path.join(f.dir, 'f16'), { precision: 'f16' }));
    assertNoDeviceErrors();
    // Same data and init: f16 rounding moves the curve by ~1e-3 here (measured); seeds move it by ~5e-2.
    f16.metrics.forEach((m, i) => {
      const r = f32.metrics[i]!;
      assert.ok(Math.abs(m.loss - r.loss) < 1e-2, `step ${m.step}: f16 ${m.loss} vs f32 ${r.loss}`);
      // The norm of the true gradient (the scale divided out), as clipping needs it.
      assert.ok(Math.abs(m.grad_norm - r.grad_norm) < 0.02 * r.grad_norm, `step ${m.step}: grad norm f16 ${m.grad_norm} vs f32 ${r.grad_norm}`);
    });
    assert.ok(f16.metrics.at(-1)!.loss < f16.metrics[0]!.loss - 0.3, 'loss did not fall in f16');
    assert.ok(f16.metrics.every((m) => m.loss_scale === 2 ** 16 && !m.skipped));
    assert.ok(f32.metrics.every((m) => m.loss_scale === undefined));

    // Stopped at step 4 and resumed: the same records and weights as the run above.
    const stopper = new AbortController();
    await train(options(f.data, path.join(f.dir, 'split'), { precision: 'f16', signal: stopper.signal, onMetrics: (m) => m.step === 4 && stopper.abort() }));
    const second = await train(options(f.data, path.join(f.dir, 'split'), { precision: 'f16', resume: true }));
    assert.deepEqual(strip(second.metrics), strip(f16.metrics));

    // A scale of 2^40 overflows f16: such a step leaves weights and moments as they were and halves the scale,
    // until the scaled gradients fit; then training goes on.
    const dir = path.join(f.dir, 'split');
    const ck = path.join(dir, CHECKPOINT_FILE);
    const meta = JSON.parse(readFileSync(ck, 'utf8')) as CheckpointMeta;
    assert.deepEqual(meta.lossScale, { scale: 2 ** 16, goodSteps: 10 });
    writeFileSync(ck, JSON.stringify({ ...meta, lossScale: { scale: 2 ** 40, goodSteps: 0 } }));
    const before = loadCheckpoint(dir);
    const gate = new AbortController();
    const one = await train(options(f.data, dir, { precision: 'f16', resume: true, steps: 40, evalEvery: 0, readEvery: 1, signal: gate.signal, onMetrics: () => gate.abort() }));
    assert.equal(one.steps, 11);
    assert.equal(one.metrics.at(-1)!.skipped, true);
    const after = loadCheckpoint(dir);
    assert.deepEqual(after.meta.lossScale, { scale: 2 ** 39, goodSteps: 0 });
    for (const part of ['params', 'm', 'v'] as const) {
      const of = (c: typeof before) => (part === 'params' ? c.params : c.adam[part]);
      for (const [name, x] of of(before)) assert.deepEqual(await of(after).get(name)!.data(), await x.data(), `${part} ${name} changed in a skipped step`);
    }
    const rest = await train(options(f.data, dir, { precision: 'f16', resume: true, steps: 40, evalEvery: 0 }));
    assertNoDeviceErrors();
    const added = rest.metrics.slice(10);
    assert.ok(added.slice(0, 3).every((m) => m.skipped), 'steps at 2^40 to 2^38 did not overflow');
    // Each step runs at the scale the previous one left: halved after an overflow, else kept (growth takes
    // 2,000 finite steps).
    added.forEach((m, i) => {
      const expected = i === 0 ? 2 ** 40 : added[i - 1]!.loss_scale! / (added[i - 1]!.skipped ? 2 : 1);
      assert.equal(m.loss_scale, expected, `step ${m.step}`);
      assert.equal(m.skipped === true, !Number.isFinite(m.grad_norm), `step ${m.step}`);
    });
    assert.ok(added.filter((m) => !m.skipped).length >= 5, 'the scale never settled');
    const end = loadCheckpoint(dir);
    let moved = 0;
    for (const [name, x] of end.params) {
      const v = await x.data();
      assert.ok(v.every(Number.isFinite), `${name} is not finite`);
      if (maxAbsDiff(v, await before.params.get(name)!.data()) > 0) moved++;
    }
    assert.equal(moved, end.params.size, 'the finite steps did not update every tensor');
    tf.dispose([before, after, end].flatMap((c) => [...c.params.values(), ...c.adam.m.values(), ...c.adam.v.values()]));
  });
});
