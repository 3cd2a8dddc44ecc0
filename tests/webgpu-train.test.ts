// The trainer on the webgpu backend, on Mesa's software device: a step's loss and gradients and a short loss
// curve equal wasm's within a stated tolerance, a stopped run resumes exactly, sampling works; and the CLI's
// backend choice: auto, a clear error without an adapter, where f16 runs or is refused, `doctor`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../trainer/backends.js';
import { loadCheckpoint } from '../trainer/checkpoint.js';
import { initParams, lossOf, type GptConfig } from '../trainer/model.js';
import { generate } from '../trainer/sample.js';
import { train, type MetricsRecord, type TrainOptions } from '../trainer/train.js';
import { probeWebgpuAdapters } from '../trainer/webgpuDevice.js';
import { CLI } from './helpers/cli.js';
import { assertNoDeviceErrors, maxAbs, maxAbsDiff, testWebgpuOr, useTestWebgpu, TEST_WEBGPU_ADAPTER } from './helpers/testWebgpu.js';
import { withTokenDir } from './helpers/tokenDir.js';

const CORPUS = { vocabSize: 48, documents: 40, docLength: 80, seed: 5, regularity: 0.95 };

function run(data: string, out: string, extra: Partial<TrainOptions> = {}): TrainOptions {
  return {
    dataDir: data, outDir: out, steps: 8, batchSize: 4, gradAccum: 2, context: 24, layers: 2, heads: 2, dim: 32,
    lr: 1e-2, warmup: 2, evalEvery: 4, evalBatches: 2, seed: 1, resume: false, valFraction: 0.1, webgpuAdapter: TEST_WEBGPU_ADAPTER, ...extra,
  };
}

/** Loss and gradients of one batch on the active backend, read back (parameter order). */
async function lossAndGrads(c: GptConfig): Promise<Float32Array[]> {
  const p = initParams(c, 3);
  const names = [...p.keys()];
  const ids = (k: number) => tf.tensor2d(Array.from({ length: 3 * c.context }, (_, i) => (i * k + 1) % c.vocabSize), [3, c.context], 'int32');
  const out = tf.tidy(() => {
    const r = tf.valueAndGrads((...ps: tf.Tensor[]) => lossOf(c, new Map(names.map((n, i) => [n, ps[i]!])), ids(7), ids(5)))(names.map((n) => p.get(n)!));
    return [r.value, ...r.grads];
  });
  const read: Float32Array[] = [];
  for (const t of out) read.push((await t.data()) as Float32Array);
  tf.dispose([...out, ...p.values()]);
  return read;
}

test('one step on webgpu (WGSL kernels, and tfjs ops) gives wasm loss and gradients within 1e-4 relative', async (t) => {
  if (!testWebgpuOr(t)) return;
  const c: GptConfig = { vocabSize: 48, context: 24, layers: 2, heads: 2, dim: 32, embedding: 'gather' };
  await useBackend('wasm');
  const ref = await lossAndGrads(c);
  await useTestWebgpu();
  for (const kernels of ['wgsl', 'tfjs'] as const) {
    if (kernels === 'tfjs') process.env.CORPUSFORGE_WEBGPU_KERNELS = 'tfjs';
    try {
      const got = await lossAndGrads(c);
      assertNoDeviceErrors();
      // Tolerance: float32 products and reductions in another order; 1e-4 of each tensor's largest entry.
      ref.forEach((r, i) => {
        const diff = maxAbsDiff(got[i]!, r);
        assert.ok(diff <= 1e-4 * maxAbs(r) + 1e-7, `${kernels}: ${i === 0 ? 'loss' : `gradient ${i - 1}`} differs by ${diff} (scale ${maxAbs(r)})`);
      });
    } finally {
      delete process.env.CORPUSFORGE_WEBGPU_KERNELS;
    }
  }
});

test('training on webgpu follows wasm, resumes exactly from a checkpoint, and samples', async (t) => {
  if (!testWebgpuOr(t)) return;
  await withTokenDir(CORPUS, async (f) => {
    const wasm = await train(run(f.data, path.join(f.dir, 'wasm'), { backend: 'wasm' }));
    const full = await train(run(f.data, path.join(f.dir, 'full'), { backend: 'webgpu', readEvery: 3 }));
    assertNoDeviceErrors();
    // Same data, init and schedule: the curves agree to float32 noise (measured ~1e-6; stated 1e-3).
    full.metrics.forEach((m, i) => assert.ok(Math.abs(m.loss - wasm.metrics[i]!.loss) < 1e-3, `step ${m.step}: webgpu ${m.loss} vs wasm ${wasm.metrics[i]!.loss}`));
    assert.ok(Math.abs(full.finalValLoss! - wasm.finalValLoss!) < 1e-3);
    assert.ok(full.metrics.at(-1)!.loss < full.metrics[0]!.loss - 0.3, 'loss did not fall on webgpu');

    const stopper = new AbortController();
    const first = await train(run(f.data, path.join(f.dir, 'split'), { backend: 'webgpu', readEvery: 3, signal: stopper.signal, onMetrics: (m) => m.step === 3 && stopper.abort() }));
    assert.equal(first.steps, 3);
    const second = await train(run(f.data, path.join(f.dir, 'split'), { backend: 'webgpu', readEvery: 3, resume: true }));
    assert.equal(second.resumedFrom, 3);
    const strip = (ms: MetricsRecord[]) => ms.map(({ tokens_per_s: _t, ...rest }) => rest);
    assert.deepEqual(strip(second.metrics), strip(full.metrics));
    const a = loadCheckpoint(path.join(f.dir, 'full'));
    const b = loadCheckpoint(path.join(f.dir, 'split'));
    for (const [name, x] of a.params) assert.deepEqual(await x.data(), await b.params.get(name)!.data(), `${name} differs after resume`);
    for (const [name, x] of a.adam.v) assert.deepEqual(await x.data(), await b.adam.v.get(name)!.data(), `adam v ${name} differs after resume`);

    // Greedy continuation: the same tokens on webgpu and wasm; sampling stays in the vocabulary.
    const prompt = [1, 2, 3];
    const greedy = { tokens: 6, temperature: 0, topK: 0, seed: 1 };
    const onGpu = await generate(a.meta.config, a.params, prompt, greedy);
    const sampled = await generate(a.meta.config, a.params, prompt, { tokens: 6, temperature: 0.8, topK: 10, seed: 2 });
    assertNoDeviceErrors();
    await useBackend('wasm');
    const onWasm = await generate(a.meta.config, loadCheckpoint(path.join(f.dir, 'full'), false).params, prompt, greedy);
    assert.deepEqual(onGpu, onWasm);
    assert.equal(sampled.length, 6);
    assert.ok(sampled.every((id) => Number.isInteger(id) && id >= 0 && id < CORPUS.vocabSize));
    tf.dispose([...a.params.values(), ...b.params.values(), ...a.adam.m.values(), ...a.adam.v.values(), ...b.adam.m.values(), ...b.adam.v.values()]);
  });
});

const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });

test('CLI: --backend webgpu without a GPU names what is missing; f16 runs or is refused with the reason; doctor reports', async (t) => {
  if (!testWebgpuOr(t)) return;
  await withTokenDir(CORPUS, async (f) => {
    const sizes = ['--steps', '2', '--context', '16', '--layers', '1', '--dim', '16', '--eval-every', '0', '--quiet'];
    const hardware = probeWebgpuAdapters(['hardware']).get('hardware')!;
    if (!hardware.ok) {
      const r = cli('train', '--data', f.data, '--out', path.join(f.dir, 'a'), '--backend', 'webgpu', ...sizes);
      assert.equal(r.status, 2, r.stderr);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'));
      assert.deepEqual(errors, [`error: backend 'webgpu' cannot run here: ${hardware.missing}`]);
      const auto = cli('train', '--data', f.data, '--out', path.join(f.dir, 'b'), ...sizes.slice(0, -1));
      assert.equal(auto.status, 0, auto.stderr);
      assert.match(auto.stdout, /^backend auto -> wasm \(no hardware WebGPU adapter/m);
    }
    // f16 runs where the software adapter has shader-f16 (Mesa 25's lavapipe), else one error naming what it offers.
    const software = probeWebgpuAdapters(['software']).get('software')!;
    const f16 = cli('train', '--data', f.data, '--out', path.join(f.dir, 'c'), '--backend', 'webgpu', '--webgpu-adapter', 'software', '--precision', 'f16', ...sizes);
    if (software.ok && software.report.shaderF16) {
      assert.equal(f16.status, 0, f16.stderr);
      const threads = cli('train', '--data', f.data, '--out', path.join(f.dir, 'f'), '--backend', 'webgpu', '--webgpu-adapter', 'software', '--precision', 'f16', '--threads', '2', ...sizes);
      assert.equal(threads.status, 2);
      assert.deepEqual(threads.stderr.split('\n').filter((l) => l.startsWith('error:')), ['error: --precision f16 runs on one gradient thread (the webgpu device); drop --threads']);
    } else {
      assert.equal(f16.status, 2);
      assert.match(f16.stderr, /^error: --precision f16 needs a WebGPU adapter with shader-f16; llvmpipe.* offers: .*; use --precision f32$/m);
    }
    const onWasm = cli('train', '--data', f.data, '--out', path.join(f.dir, 'e'), '--backend', 'wasm', '--precision', 'f16', ...sizes);
    assert.equal(onWasm.stderr.trim(), 'error: --precision f16 needs the webgpu backend (backend wasm computes in float32 only); use --precision f32');
    const bad = cli('train', '--data', f.data, '--out', path.join(f.dir, 'd'), '--webgpu-adapter', 'gpu');
    assert.equal(bad.stderr.trim(), "error: --webgpu-adapter must be hardware or software, got 'gpu'");
  });
  const d = cli('doctor', '--json');
  assert.equal(d.status, 0, d.stderr);
  const report = JSON.parse(d.stdout) as { backends: Array<{ name: string; ok: boolean }>; adapters: Record<string, { ok: boolean; report?: { shaderF16: boolean; limits: Record<string, number> } }>; auto: { name: string } };
  assert.deepEqual(report.backends.map((b) => b.name), ['wasm', 'cpu', 'tensorflow', 'tensorflow-gpu', 'webgpu']);
  assert.equal(report.adapters['software']!.ok, true);
  assert.equal(report.adapters['software']!.report!.limits['maxStorageBuffersPerShaderStage'], 16);
  assert.equal(report.auto.name, report.adapters['hardware']!.ok ? 'webgpu' : 'wasm');
});

test('the software adapter on each of Dawn\'s backends (Vulkan lavapipe, OpenGL ES) trains as wasm does', async (t) => {
  if (!testWebgpuOr(t)) return;
  await withTokenDir(CORPUS, async (f) => {
    const sizes = ['--steps', '3', '--context', '16', '--layers', '1', '--dim', '16', '--heads', '2', '--eval-every', '0', '--quiet', '--seed', '2'];
    const losses = (dir: string) => readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as MetricsRecord).loss);
    const wasm = cli('train', '--data', f.data, '--out', path.join(f.dir, 'wasm'), '--backend', 'wasm', ...sizes);
    assert.equal(wasm.status, 0, wasm.stderr);
    let ran = 0;
    for (const backend of ['vulkan', 'opengles']) {
      const env = { ...process.env, CORPUSFORGE_WEBGPU_SOFTWARE_BACKEND: backend };
      const doctor = spawnSync(process.execPath, [CLI, 'doctor', '--json'], { encoding: 'utf8', env });
      const software = (JSON.parse(doctor.stdout) as { adapters: Record<string, { ok: boolean; report?: { backend: string } }> }).adapters['software']!;
      if (!software.ok) continue; // Mesa without this backend (22.3's lavapipe; no EGL): the other one is tested
      assert.equal(software.report!.backend, backend);
      const out = path.join(f.dir, backend);
      const r = spawnSync(process.execPath, [CLI, 'train', '--data', f.data, '--out', out, '--backend', 'webgpu', '--webgpu-adapter', 'software', ...sizes], { encoding: 'utf8', env });
      assert.equal(r.status, 0, r.stderr);
      losses(out).forEach((l, i) => assert.ok(Math.abs(l - losses(path.join(f.dir, 'wasm'))[i]!) < 1e-3, `${backend} step ${i + 1}: ${l}`));
      if (backend === 'opengles') {
        // Mesa's GLES device has no shader-f16: f16 is one error naming what the adapter offers.
        const f16 = spawnSync(process.execPath, [CLI, 'train', '--data', f.data, '--out', path.join(f.dir, 'gles-f16'), '--backend', 'webgpu', '--webgpu-adapter', 'software', '--precision', 'f16', ...sizes], { encoding: 'utf8', env });
        assert.equal(f16.status, 2);
        assert.match(f16.stderr, /^error: --precision f16 needs a WebGPU adapter with shader-f16; llvmpipe.*OpenGL ES.* offers: .*; use --precision f32$/m);
      }
      ran++;
    }
    assert.ok(ran >= 1, 'no software backend opened although the adapter was found');
    const bad = spawnSync(process.execPath, [CLI, 'doctor'], { encoding: 'utf8', env: { ...process.env, CORPUSFORGE_WEBGPU_SOFTWARE_BACKEND: 'metal' } });
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr.trim(), "error: $CORPUSFORGE_WEBGPU_SOFTWARE_BACKEND must be vulkan or opengles, got 'metal'");
  });
});

test('headless NVIDIA: where libEGL_nvidia.so.0 is installed and no GPU answers, its EGL ICD is tried and said so', async (t) => {
  if (!testWebgpuOr(t)) return;
  if (probeWebgpuAdapters(['hardware']).get('hardware')!.ok) return t.skip('a GPU answers here: nothing to retry');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cf-nvidia-'));
  try {
    // An empty file under the library's name: the loader finds it and cannot load it, as on a broken driver.
    writeFileSync(path.join(dir, 'libEGL_nvidia.so.0'), '');
    const { VK_ICD_FILENAMES: _drop, ...env } = process.env;
    const r = spawnSync(process.execPath, [CLI, 'doctor', '--json'], { encoding: 'utf8', env: { ...env, LD_LIBRARY_PATH: dir } });
    assert.equal(r.status, 0, r.stderr);
    const hardware = (JSON.parse(r.stdout) as { adapters: Record<string, { ok: boolean; missing?: string }> }).adapters['hardware']!;
    assert.equal(hardware.ok, false);
    assert.match(hardware.missing!, /; NVIDIA's EGL Vulkan ICD \(.*corpusforge-nvidia-egl-icd\.json\) was tried too: /);
    const icd = JSON.parse(readFileSync(path.join(os.tmpdir(), 'corpusforge-nvidia-egl-icd.json'), 'utf8')) as { ICD: { library_path: string } };
    assert.equal(icd.ICD.library_path, 'libEGL_nvidia.so.0');
    // Without the library nothing is retried.
    const plain = spawnSync(process.execPath, [CLI, 'doctor', '--json'], { encoding: 'utf8', env });
    assert.doesNotMatch(plain.stdout, /EGL Vulkan ICD/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
