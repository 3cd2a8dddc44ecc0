// Training throughput: tokens/s and loss after a fixed token budget for a 2-layer, 128-dim, 2-head,
// 128-context, vocab-2048 GPT at batch 16 on each tfjs backend that runs here, against the identical model in
// PyTorch on CPU (bench/train_torch.py, Debian python3-torch) run by this same script.
// Usage: node --import tsx bench/train.ts [--quick] [--backend wasm,cpu,...] [--steps N] [--profile-only]
// --profile-only: just the one-step profile (ms and kernels per step on the wasm backend, one thread).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ParquetTokenDataset } from '../datasets/parquetTokenDataset.js';
import { TokenDataset, type TokenBatch } from '../datasets/tokenDataset.js';
import { writeTokenParquet, type TokensManifest } from '../datasets/tokenShards.js';
import * as tf from '@tensorflow/tfjs';
import { BACKEND_NAMES, parseBackendName, probeAllBackends, useBackend, type BackendName } from '../trainer/backends.js';
import { disposeParams, initParams, lossOf, type GptConfig } from '../trainer/model.js';
import { writeSyntheticTokenDir } from '../trainer/syntheticTokens.js';
import { train, type MetricsRecord } from '../trainer/train.js';

const { values } = parseArgs({
  options: { quick: { type: 'boolean' }, backend: { type: 'string' }, steps: { type: 'string' }, embedding: { type: 'string' }, 'profile-only': { type: 'boolean' } },
});
const quick = values.quick === true;
// Set when this script was bundled with esbuild to run on a machine without node_modules (see docs/benchmarks.md).
const bundled = process.env.CF_BENCH_BUNDLED === '1';
const model = { vocab: 2048, context: 128, layers: 2, heads: 2, dim: 128, batch: 16 };
const steps = Number(values.steps ?? (quick ? 6 : 24));
const warmup = 2;
const lr = 1e-3;
const tokensPerStep = model.batch * model.context;

const cpu = os.cpus()[0];
console.log(`device: ${cpu?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`model: ${model.layers} layers, dim ${model.dim}, ${model.heads} heads, context ${model.context}, vocab ${model.vocab}, batch ${model.batch}; ${steps} steps = ${steps * tokensPerStep} tokens`);

const statuses = await probeAllBackends();
for (const s of statuses) console.log(`backend ${s.name.padEnd(15)} ${s.ok ? 'runs' : 'cannot run'}: ${s.detail}; float16: ${s.float16}`);
// The cpu backend needs minutes per step at this size: --quick leaves it out unless named with --backend.
const requested: BackendName[] = values.backend
  ? values.backend.split(',').map((b) => parseBackendName(b.trim()))
  : (BACKEND_NAMES.filter((b) => statuses.find((s) => s.name === b)?.ok && !(quick && b === 'cpu')) as BackendName[]);
if (quick && !values.backend) console.log('--quick: cpu backend left out (about 20x slower than wasm); time it with --backend cpu');

const tmp = mkdtempSync(path.join(os.tmpdir(), 'cf-bench-train-'));
const dataDir = path.join(tmp, 'data');
writeSyntheticTokenDir(dataDir, { vocabSize: model.vocab, documents: 600, docLength: 400, seed: 7 });
const ds = TokenDataset.open(dataDir, { valFraction: 0.05 });
const val = ds.val;
await timeParquetWindows(ds);
ds.close();

/**
 * The same data as Parquet input_ids shards (2 shards, row groups of 50 documents = 20k tokens): training
 * windows per second from each form, checked equal. Parquet decodes every row group a window touches.
 */
async function timeParquetWindows(bin: TokenDataset): Promise<void> {
  const flat = bin.read(0, bin.manifest.total_tokens);
  const docs: number[][] = [[]];
  for (const t of flat) t === bin.manifest.eot_id ? docs.push([]) : docs.at(-1)!.push(t);
  docs.pop();
  const manifest = JSON.parse(readFileSync(path.join(dataDir, 'manifest.json'), 'utf8')) as TokensManifest;
  for (const [i, part] of [docs.slice(0, 300), docs.slice(300)].entries()) {
    const name = `tokens-0000${i}.parquet`;
    const info = await writeTokenParquet(path.join(dataDir, name), part.map((_, k) => `d${i}-${k}`), Int32Array.from(part.flat()), part.map((d) => d.length), 50);
    manifest.files.push(info);
  }
  writeFileSync(path.join(dataDir, 'manifest.json'), JSON.stringify(manifest));
  const pq = await ParquetTokenDataset.open(dataDir, { valFraction: 0.05 });
  const batches = quick ? 20 : 100;
  const time = async (f: (c: number) => TokenBatch | Promise<TokenBatch>) => {
    const t0 = performance.now();
    for (let c = 0; c < batches; c++) await f(c * model.batch);
    return (batches * model.batch) / ((performance.now() - t0) / 1000);
  };
  const a = bin.trainBatch(0, model.batch, model.context, 1);
  const b = await pq.trainBatch(0, model.batch, model.context, 1);
  const same = a.inputs.every((v, i) => v === b.inputs[i]);
  const binRate = await time((c) => bin.trainBatch(c, model.batch, model.context, 1));
  const pqRate = await time((c) => pq.trainBatch(c, model.batch, model.context, 1));
  console.log(`data: ${binRate.toFixed(0)} windows/s from tokens.bin, ${pqRate.toFixed(0)} from Parquet (${(pqRate / binRate).toFixed(2)}x; ` +
    `${pq.decodedGroups} row-group decodes for ${batches * model.batch + model.batch} windows; same windows: ${same}); a step uses ${model.batch}`);
  pq.close();
}

/** tokensPerCpuS: tokens per CPU-second of all the run's threads; unlike wall time it barely moves with other load. */
interface Row { name: string; tokensPerS: number; tokensPerCpuS: number; loss: number | undefined; note: string }
const rows: Row[] = [];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/**
 * One training step's gradient (tf.valueAndGrads of the loss, as trainer/train.ts takes it) on one thread:
 * median and best wall ms and median CPU ms over 10 steps after 2 warm-ups (CPU time moves less with other load), then one tf.profile'd step for kernels per step and kernel time
 * by kernel name; says where the step's time goes (products vs the rest).
 */
async function profileStep(backend: BackendName): Promise<void> {
  await useBackend(backend, { wasmThreads: 1 });
  const c: GptConfig = { vocabSize: model.vocab, context: model.context, layers: model.layers, heads: model.heads, dim: model.dim, embedding: 'gather' };
  const p = initParams(c, 1);
  const names = [...p.keys()];
  const ids = (s: number) => tf.randomUniform([model.batch, model.context], 0, model.vocab, 'int32', s) as tf.Tensor2D;
  const [inputs, targets] = [ids(1), ids(2)];
  const step = () => tf.tidy(() => {
    const r = tf.valueAndGrads((...ps: tf.Tensor[]) => lossOf(c, new Map(names.map((n, i) => [n, ps[i]!])), inputs, targets))(names.map((n) => p.get(n)!));
    r.value.dataSync();
  });
  const ms: number[] = [];
  const cpuMs: number[] = [];
  const cpuNow = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  for (let i = 0; i < 12; i++) {
    const [t0, c0] = [performance.now(), cpuNow()];
    step();
    if (i >= 2) {
      ms.push(performance.now() - t0);
      cpuMs.push(cpuNow() - c0);
    }
  }
  const info = await tf.profile(step);
  const byName = new Map<string, { n: number; ms: number }>();
  // 'forward' entries are custom-gradient wrappers whose time includes the kernels inside them (also listed).
  const kernels = info.kernels.filter((k) => k.name !== 'forward');
  for (const k of kernels) {
    const e = byName.get(k.name) ?? { n: 0, ms: 0 };
    e.n++;
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    byName.set(k.name, e);
  }
  const total = [...byName.values()].reduce((a, e) => a + e.ms, 0);
  const top = [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 14).map(([n, e]) => `${n} ${e.n}x ${e.ms.toFixed(0)}`).join(', ');
  console.log(`step profile (${backend}, 1 thread): ${median(ms).toFixed(0)} ms/step (best ${Math.min(...ms).toFixed(0)}, CPU ${median(cpuMs).toFixed(0)}), ${kernels.length} kernels/step, kernel time ${total.toFixed(0)} ms (count and ms by kernel: ${top})`);
  tf.dispose([inputs, targets]);
  disposeParams(p);
}

if (requested.includes('wasm') || values['profile-only']) await profileStep('wasm');
if (values['profile-only']) {
  rmSync(tmp, { recursive: true, force: true });
  process.exit(0);
}

for (const backend of requested) {
  const status = statuses.find((s) => s.name === backend)!;
  if (!status.ok) {
    console.log(`skip ${backend}: ${status.detail}${status.install ? `; ${status.install}` : ''}`);
    rows.push({ name: backend, tokensPerS: NaN, tokensPerCpuS: NaN, loss: undefined, note: `cannot run: ${status.detail}` });
    continue;
  }
  // The cpu backend is ~20x slower than wasm: time its second step at batch 4 and report no loss for it.
  const slow = backend === 'cpu';
  const embeddings = (values.embedding ? [values.embedding] : backend === 'wasm' && !quick ? ['gather', 'onehot'] : ['gather']) as Array<'gather' | 'onehot'>;
  // wasm: one XNNPACK thread per backend by default; two ways to use more cores are timed: the trainer's
  // gradient threads (one backend each, data parallel) and the threaded wasm build (XNNPACK threads inside one
  // backend). Gradient threads are skipped in an esbuild bundle (docs/benchmarks.md): workers cannot load tsx.
  const cores = Math.min(4, os.availableParallelism());
  const multi = backend === 'wasm' && cores > 1;
  const variants: Array<{ embedding: 'gather' | 'onehot'; threads: number; wasmThreads: number }> = [];
  for (const embedding of embeddings) {
    variants.push({ embedding, threads: 1, wasmThreads: 1 });
    if (embedding !== 'gather' || !multi) continue;
    if (!bundled) variants.push({ embedding, threads: cores, wasmThreads: 1 });
    variants.push({ embedding, threads: 1, wasmThreads: cores });
  }
  for (const { embedding, threads, wasmThreads } of variants) {
    const metrics: MetricsRecord[] = [];
    const cpuAt: number[] = [];
    const out = path.join(tmp, `out-${backend}-${embedding}-${threads}-${wasmThreads}`);
    const n = slow ? 2 : steps;
    const r = await train({
      dataDir, outDir: out, backend, steps: n, batchSize: slow ? 4 : model.batch, gradAccum: 1, context: model.context,
      layers: model.layers, heads: model.heads, dim: model.dim, lr, warmup, evalEvery: slow ? 0 : n, evalBatches: 4,
      seed: 1, resume: false, embedding, threads, wasmThreads,
      onMetrics: (m) => {
        metrics.push(m);
        const u = process.cpuUsage();
        cpuAt.push((u.user + u.system) / 1e6);
      },
    });
    const tps = median(metrics.slice(1).map((m) => m.tokens_per_s));
    // CPU time between the end of step 1 and the end of the step before the last (the last one evaluates).
    const last = Math.max(1, cpuAt.length - 2);
    const tpc = last > 0 && cpuAt.length > 2 ? ((last) * (slow ? 4 : model.batch) * model.context) / (cpuAt[last]! - cpuAt[0]!) : NaN;
    const how = wasmThreads > 1 ? `${wasmThreads} XNNPACK threads` : threads > 1 ? `${threads} gradient threads` : '1 thread';
    const name = `${backend} (${embedding}, ${how})`;
    rows.push({ name, tokensPerS: tps, tokensPerCpuS: tpc, loss: slow ? undefined : r.finalValLoss, note: slow ? 'second step at batch 4' : '' });
    console.log(`${name}: ${tps.toFixed(0)} tokens/s, val loss ${r.finalValLoss?.toFixed(3) ?? '-'}`);
  }
}

const python = '/usr/bin/python3';
interface TorchResult { tokens_per_s: number; tokens_per_cpu_s: number; val_loss: number; threads: number; torch: string }
// The reference is PyTorch's best run in each column: on a loaded machine its all-cores run can be far
// slower than one thread (oversubscribed cores), and a ratio against that would flatter tfjs.
let reference: { tokens_per_s: number; tokens_per_cpu_s: number } | undefined;
const torchCheck = existsSync(python) ? spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }) : undefined;
if (!torchCheck || torchCheck.status !== 0) {
  console.log('skip PyTorch reference: /usr/bin/python3 with torch not found (apt-get install python3-torch libopenblas0-pthread)');
} else {
  const args = [
    path.join(import.meta.dirname, 'train_torch.py'), '--data', dataDir, '--vocab', String(model.vocab), '--context', String(model.context),
    '--layers', String(model.layers), '--heads', String(model.heads), '--dim', String(model.dim), '--batch', String(model.batch),
    '--steps', String(steps), '--warmup', String(warmup), '--lr', String(lr), '--seed', '1', '--val-start', String(val.start),
    '--val-end', String(val.end), '--eval-batches', '4',
  ];
  // Debian's torch calls a pthread OpenBLAS whose own pool ignores torch.set_num_threads: OPENBLAS_NUM_THREADS
  // sets it. Runs: PyTorch's defaults (all cores for both; what users get), torch 1 + BLAS all cores, all 1.
  const cores = os.availableParallelism();
  const configs = [[cores, cores], [1, cores], [1, 1]].filter(([t, b], i, all) => all.findIndex(([t2, b2]) => t2 === t && b2 === b) === i);
  for (const [threads, blas] of configs) {
    const env = { ...process.env, OPENBLAS_NUM_THREADS: String(blas), OMP_NUM_THREADS: String(threads) };
    const res = spawnSync(python, [...args, '--threads', String(threads)], { encoding: 'utf8', env });
    if (res.status !== 0) {
      console.log(`PyTorch reference failed: ${res.stderr.trim().split('\n').pop()}`);
      continue;
    }
    const t = JSON.parse(res.stdout.trim().split('\n').pop()!) as TorchResult;
    reference = {
      tokens_per_s: Math.max(reference?.tokens_per_s ?? 0, t.tokens_per_s),
      tokens_per_cpu_s: Math.max(reference?.tokens_per_cpu_s ?? 0, t.tokens_per_cpu_s),
    };
    rows.push({ name: `pytorch ${t.torch} cpu (${t.threads} torch thread${t.threads > 1 ? 's' : ''}, ${blas} BLAS)`, tokensPerS: t.tokens_per_s, tokensPerCpuS: t.tokens_per_cpu_s, loss: t.val_loss, note: '' });
    console.log(`${rows[rows.length - 1]!.name}: ${t.tokens_per_s.toFixed(0)} tokens/s, val loss ${t.val_loss.toFixed(3)}`);
  }
}
rmSync(tmp, { recursive: true, force: true });

console.log('');
console.log('Ratios are against the best PyTorch run in each column.');
console.log(`| run | tokens/s (wall) | vs PyTorch | tokens per CPU-second | vs PyTorch | val loss after ${steps * tokensPerStep} tokens | note |`);
console.log('|---|---:|---:|---:|---:|---:|---|');
const ratio = (x: number, ref: number | undefined) => (ref && Number.isFinite(x) ? `${(x / ref).toFixed(2)}x` : '-');
const num = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '-');
for (const r of rows) {
  console.log(`| ${r.name} | ${num(r.tokensPerS)} | ${ratio(r.tokensPerS, reference?.tokens_per_s)} | ${num(r.tokensPerCpuS)} | ${ratio(r.tokensPerCpuS, reference?.tokens_per_cpu_s)} | ${r.loss?.toFixed(3) ?? '-'} | ${r.note} |`);
}
console.log('\nNoise: shared machine; wall-time ratios move with other load, CPU-time ratios much less. Compare within one run.');
