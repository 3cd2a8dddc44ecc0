// The training loop on tiny models: loss falls (wasm and cpu), resume equals an uninterrupted run, no tensor
// leaks, and bad input stops with one clear error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../core/errors.js';
import { useBackend, wasmThreadCount } from '../trainer/backends.js';
import { loadCheckpoint } from '../trainer/checkpoint.js';
import { withTokenDir } from './helpers/tokenDir.js';
import { train, type MetricsRecord, type TrainOptions } from '../trainer/train.js';

const CORPUS = { vocabSize: 32, documents: 40, docLength: 60, seed: 5, regularity: 0.95 };

function tiny(data: string, out: string, extra: Partial<TrainOptions> = {}): TrainOptions {
  return {
    dataDir: data, outDir: out, steps: 30, batchSize: 8, gradAccum: 1, context: 16, layers: 1, heads: 2, dim: 16,
    lr: 1e-2, warmup: 3, evalEvery: 10, evalBatches: 2, seed: 1, resume: false, valFraction: 0.1, ...extra,
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

for (const backend of ['wasm', 'cpu'] as const) {
  test(`loss falls on a tiny corpus (${backend})`, async () => {
    await withTokenDir(CORPUS, async (f) => {
      const r = await train(tiny(f.data, path.join(f.dir, 'out'), { backend, steps: backend === 'cpu' ? 20 : 30 }));
      const losses = r.metrics.map((m) => m.loss);
      assert.ok(mean(losses.slice(-3)) < mean(losses.slice(0, 3)) - 0.5, `losses did not fall: ${losses.map((l) => l.toFixed(2)).join(' ')}`);
      assert.ok(r.finalValLoss! < Math.log(32), `validation loss ${r.finalValLoss} not below uniform ${Math.log(32)}`);
      const lines = readFileSync(path.join(f.dir, 'out', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as MetricsRecord);
      assert.equal(lines.length, r.steps);
      for (const k of ['step', 'loss', 'lr', 'tokens_per_s', 'grad_norm'] as const) assert.equal(typeof lines[0]![k], 'number');
      assert.equal(typeof lines[9]!.val_loss, 'number');
      assert.equal(lines[8]!.val_loss, undefined);
    });
  });
}

test('--resume after a stop reproduces the uninterrupted loss curve and weights (wasm)', async () => {
  await withTokenDir(CORPUS, async (f) => {
    await useBackend('wasm');
    const opts = { gradAccum: 2, steps: 8, evalEvery: 4, seqLenWarmup: 4 };
    const full = await train(tiny(f.data, path.join(f.dir, 'full'), opts));
    const stopper = new AbortController();
    const first = await train(tiny(f.data, path.join(f.dir, 'split'), { ...opts, signal: stopper.signal, onMetrics: (m) => m.step === 3 && stopper.abort() }));
    assert.equal(first.stopped, true);
    assert.equal(first.steps, 3);
    const second = await train(tiny(f.data, path.join(f.dir, 'split'), { ...opts, resume: true }));
    assert.equal(second.resumedFrom, 3);
    const strip = (ms: MetricsRecord[]) => ms.map(({ tokens_per_s: _t, ...rest }) => rest);
    const splitMetrics = readFileSync(path.join(f.dir, 'split', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as MetricsRecord);
    assert.deepEqual(strip(splitMetrics), strip(full.metrics));
    const a = loadCheckpoint(path.join(f.dir, 'full'));
    const b = loadCheckpoint(path.join(f.dir, 'split'));
    assert.equal(b.meta.step, 8);
    assert.equal(b.meta.dataCursor, a.meta.dataCursor);
    for (const [name, t] of a.params) assert.deepEqual(t.dataSync(), b.params.get(name)!.dataSync(), `${name} differs`);
    for (const [name, t] of a.adam.v) assert.deepEqual(t.dataSync(), b.adam.v.get(name)!.dataSync(), `adam v ${name} differs`);
    tf.dispose([...a.params.values(), ...b.params.values(), ...a.adam.m.values(), ...a.adam.v.values(), ...b.adam.m.values(), ...b.adam.v.values()]);
    // Only the latest weights file is kept; no temp files are left behind.
    assert.deepEqual(readdirSync(path.join(f.dir, 'split')).sort(), ['checkpoint.json', 'metrics.jsonl', 'weights-00000008.bin']);
  });
});

test('tensor count stays flat across training steps', async () => {
  await withTokenDir(CORPUS, async (f) => {
    await useBackend('wasm');
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    await train(tiny(f.data, path.join(f.dir, 'out'), { steps: 8, evalEvery: 2, gradAccum: 2, onMetrics: () => counts.push(tf.memory().numTensors) }));
    assert.equal(new Set(counts.slice(1)).size, 1, `tensor counts per step: ${counts.join(' ')}`);
    // Everything the run created is released, apart from the cached causal mask (one per context length).
    assert.ok(tf.memory().numTensors <= before + 1, `${tf.memory().numTensors - before} tensors left after training`);
  });
});

test('bad input: vocabulary mismatch, too-large context, existing checkpoint without --resume', async () => {
  await withTokenDir(CORPUS, async (f) => {
    await useBackend('wasm');
    const tok = path.join(f.dir, 'tokenizer.json');
    const vocab = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`t${i}`, i]));
    writeFileSync(tok, JSON.stringify({ model: { type: 'BPE', vocab, merges: [] }, added_tokens: [{ id: 30, content: '<|endoftext|>' }] }));
    const rejects = (o: TrainOptions, re: RegExp) => assert.rejects(train(o), (e: unknown) => e instanceof UserError && re.test(e.message));
    await rejects(tiny(f.data, path.join(f.dir, 'a'), { tokenizer: tok }), /vocabulary mismatch: .* has 31 tokens but .* was tokenized with 32/);
    await rejects(tiny(f.data, path.join(f.dir, 'b'), { context: 5000, steps: 1 }), /context 5000 needs at least 5001 tokens in the training split/);
    await rejects(tiny(f.data, path.join(f.dir, 'c'), { dim: 18, heads: 4 }), /--dim \(18\) must be divisible by --heads \(4\)/);
    await train(tiny(f.data, path.join(f.dir, 'd'), { steps: 1 }));
    await rejects(tiny(f.data, path.join(f.dir, 'd'), { steps: 2 }), /already holds a checkpoint: pass --resume/);
    await rejects(tiny(f.data, path.join(f.dir, 'd'), { steps: 2, dim: 32, resume: true }), /--resume: the checkpoint .* is a .* model/);
    assert.equal(existsSync(path.join(f.dir, 'a', 'checkpoint.json')), false);
  });
});

test('two gradient threads train the same model as one (wasm, data parallel)', async () => {
  await withTokenDir(CORPUS, async (f) => {
    await useBackend('wasm');
    const one = await train(tiny(f.data, path.join(f.dir, 'one'), { steps: 4, evalEvery: 0, batchSize: 6 }));
    const two = await train(tiny(f.data, path.join(f.dir, 'two'), { steps: 4, evalEvery: 0, batchSize: 6, threads: 2 }));
    one.metrics.forEach((m, i) => {
      assert.ok(Math.abs(m.loss - two.metrics[i]!.loss) < 1e-4, `step ${m.step}: ${m.loss} vs ${two.metrics[i]!.loss}`);
      assert.ok(Math.abs(m.grad_norm - two.metrics[i]!.grad_norm) < 1e-4 * Math.max(1, m.grad_norm));
    });
  });
});

test('threaded wasm build: XNNPACK runs 2 threads and training gives the 1-thread losses exactly', async () => {
  await withTokenDir(CORPUS, async (f) => {
    try {
      const opts = { steps: 4, evalEvery: 2, batchSize: 8, backend: 'wasm' as const };
      const one = await train(tiny(f.data, path.join(f.dir, 'one'), { ...opts, wasmThreads: 1 }));
      const status = await useBackend('wasm', { wasmThreads: 2 });
      assert.equal(wasmThreadCount(), 2, 'XNNPACK pthreadpool size');
      assert.match(status.detail, /2 threads \(threaded build\)/);
      const two = await train(tiny(f.data, path.join(f.dir, 'two'), { ...opts, wasmThreads: 2 }));
      const curve = (r: typeof one) => r.metrics.map(({ loss, grad_norm, val_loss }) => ({ loss, grad_norm, val_loss }));
      assert.deepEqual(curve(two), curve(one));
    } finally {
      await useBackend('wasm', { wasmThreads: 1 });
      assert.equal(wasmThreadCount(), 1);
    }
  });
});
