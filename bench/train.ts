// Training throughput: tokens/s and loss after a fixed token budget for a GPT (default the tiny preset: 2
// layers, 128-dim, 2 heads, 128 context, vocab 2048, batch 16) on each tfjs backend that runs here, against the
// identical model in PyTorch (bench/train_torch.py: CUDA where torch has it, else CPU) run by this same script.
// On webgpu it also prints GPU memory and MFU (model FLOP/s over the GPU's fp32 peak).
// Usage: node --import tsx bench/train.ts [--quick] [--backend wasm,cpu,webgpu,...] [--steps N] [--profile-only]
//   [--preset tiny|mini|small] [--batch N] [--vocab N] [--recompute] [--webgpu-adapter hardware|software]
//   [--peak-tflops X] [--python PATH]
// --profile-only: just the one-step profile (ms and kernels per step on the wasm backend, one thread).
// Needs only the project and its node_modules (a GPU machine may be offline): data is synthetic.
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
import { countParameters, disposeParams, initParams, lossOf, type GptConfig } from '../trainer/model.js';
import { modelPreset } from '../trainer/presets.js';
import { activeWebgpuAdapter, parseWebgpuAdapterKind, probeWebgpuAdapters } from '../trainer/webgpuDevice.js';
import { flopsPerToken, fp32Peak, gib, mfu } from './_trainGpu.js';
import { writeSyntheticTokenDir } from '../trainer/syntheticTokens.js';
import { train, type MetricsRecord } from '../trainer/train.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean' }, backend: { type: 'string' }, steps: { type: 'string' }, embedding: { type: 'string' }, 'profile-only': { type: 'boolean' },
    preset: { type: 'string' }, batch: { type: 'string' }, vocab: { type: 'string' }, recompute: { type: 'boolean' }, 'webgpu-adapter': { type: 'string' },
    'peak-tflops': { type: 'string' }, python: { type: 'string' },
  },
});
const quick = values.quick === true;
// Set when this script was bundled with esbuild to run on a machine without node_modules (see docs/benchmarks.md).
const bundled = process.env.CF_BENCH_BUNDLED === '1';
const presetName = values.preset ?? 'tiny';
// tiny keeps the vocabulary of the earlier runs (docs/benchmarks.md); larger presets take GPT-2's.
const model = { vocab: Number(values.vocab ?? (presetName === 'tiny' ? 2048 : 50257)), ...modelPreset(presetName), batch: Number(values.batch ?? (presetName === 'small' ? 8 : 16)) };
const webgpuAdapter = parseWebgpuAdapterKind(values['webgpu-adapter']);
const config: GptConfig = { vocabSize: model.vocab, context: model.context, layers: model.layers, heads: model.heads, dim: model.dim, embedding: 'gather', recompute: values.recompute === true };
const perToken = flopsPerToken(config, model.context);
const peakGiven = values['peak-tflops'] === undefined ? undefined : Number(values['peak-tflops']);
const steps = Number(values.steps ?? (quick ? 6 : 24));
const warmup = 2;
const lr = 1e-3;
const tokensPerStep = model.batch * model.context;

const cpu = os.cpus()[0];
console.log(`device: ${cpu?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`model: ${presetName} preset, ${model.layers} layers, dim ${model.dim}, ${model.heads} heads, context ${model.context}, vocab ${model.vocab}, ` +
  `${(countParameters(config) / 1e6).toFixed(1)}M parameters, ${(perToken / 1e6).toFixed(0)} MFLOP per token; batch ${model.batch}${config.recompute ? ', recompute' : ''}; ${steps} steps = ${steps * tokensPerStep} tokens`);

const statuses = await probeAllBackends(webgpuAdapter);
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

/**
 * tokensPerCpuS: tokens per CPU-second of all the run's threads; unlike wall time it barely moves with other
 * load. memory: peak bytes the run held (GPU buffers on webgpu and CUDA, else the process's resident set).
 */
interface Row { name: string; tokensPerS: number; tokensPerCpuS: number; loss: number | undefined; note: string; memory?: number; mfu?: number }
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
  const c: GptConfig = { ...config, embedding: 'gather' };
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

if ((requested.includes('wasm') && presetName === 'tiny') || values['profile-only']) await profileStep('wasm');
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
  // Past the tiny preset a CPU step takes minutes: CPU backends run 3 steps (the 2nd and 3rd timed), no evaluation.
  const big = presetName !== 'tiny' && backend !== 'webgpu';
  const onGpu = backend === 'webgpu';
  const embeddings = (values.embedding ? [values.embedding] : backend === 'wasm' && !quick && !big ? ['gather', 'onehot'] : ['gather']) as Array<'gather' | 'onehot'>;
  // wasm: one XNNPACK thread per backend by default; two ways to use more cores are timed: the trainer's
  // gradient threads (one backend each, data parallel) and the threaded wasm build (XNNPACK threads inside one
  // backend). Gradient threads are skipped in an esbuild bundle (docs/benchmarks.md): workers cannot load tsx.
  const cores = Math.min(4, os.availableParallelism());
  const multi = backend === 'wasm' && cores > 1;
  const variants: Array<{ embedding: 'gather' | 'onehot'; threads: number; wasmThreads: number }> = [];
  for (const embedding of embeddings) {
    // Big models on wasm: only the gradient-thread run, the fastest way to use the cores here (docs/trainer.md).
    if (big && multi && !bundled) {
      variants.push({ embedding, threads: cores, wasmThreads: 1 });
      continue;
    }
    variants.push({ embedding, threads: 1, wasmThreads: 1 });
    if (embedding !== 'gather' || !multi) continue;
    if (!bundled) variants.push({ embedding, threads: cores, wasmThreads: 1 });
    variants.push({ embedding, threads: 1, wasmThreads: cores });
  }
  // webgpu: f32, and --precision f16 where the adapter has shader-f16 (same model and data: the loss compares).
  const found = onGpu ? probeWebgpuAdapters([webgpuAdapter]).get(webgpuAdapter) : undefined;
  const f16Here = found?.ok === true && found.report.shaderF16;
  const runs = variants.flatMap((v) => (f16Here ? [{ ...v, precision: 'f32' as const }, { ...v, precision: 'f16' as const }] : [{ ...v, precision: 'f32' as const }]));
  for (const { embedding, threads, wasmThreads, precision } of runs) {
    const metrics: MetricsRecord[] = [];
    const cpuAt: number[] = [];
    const out = path.join(tmp, `out-${backend}-${embedding}-${threads}-${wasmThreads}-${precision}`);
    const n = slow ? 2 : big ? 3 : steps;
    // On a GPU a read waits for the queue: losses are read every 10 steps, and the first window (shader
    // compilation) is left out of the rate.
    const readEvery = onGpu ? Math.min(10, Math.max(1, Math.floor(n / 3))) : 1;
    let memory = 0;
    const r = await train({
      dataDir, outDir: out, backend, steps: n, batchSize: slow ? 4 : model.batch, gradAccum: 1, context: model.context,
      layers: model.layers, heads: model.heads, dim: model.dim, lr, warmup, evalEvery: slow || big ? 0 : n, evalBatches: 4,
      seed: 1, resume: false, embedding, threads, wasmThreads, webgpuAdapter, readEvery, recompute: config.recompute, precision,
      onMetrics: (m) => {
        metrics.push(m);
        const u = process.cpuUsage();
        cpuAt.push((u.user + u.system) / 1e6);
        const mem = tf.memory() as tf.MemoryInfo & { numBytesAllocatedInGPU?: number };
        memory = Math.max(memory, onGpu ? mem.numBytesAllocatedInGPU ?? NaN : process.memoryUsage().rss);
      },
    });
    const tps = median(metrics.slice(readEvery).map((m) => m.tokens_per_s));
    // CPU time between the end of step 1 and the end of the step before the last (the last one evaluates).
    const last = Math.max(1, cpuAt.length - 2);
    const tpc = last > 0 && cpuAt.length > 2 ? ((last) * (slow ? 4 : model.batch) * model.context) / (cpuAt[last]! - cpuAt[0]!) : NaN;
    const how = wasmThreads > 1 ? `${wasmThreads} XNNPACK threads` : threads > 1 ? `${threads} gradient threads` : '1 thread';
    const adapter = onGpu ? activeWebgpuAdapter() : undefined;
    const name = adapter ? `webgpu ${precision} (${adapter.kind}: ${adapter.name})` : `${backend} (${embedding}, ${how})`;
    const peak = adapter ? fp32Peak(adapter.name, peakGiven) : undefined;
    const use = peak ? mfu(tps, perToken, peak.tflops) : undefined;
    const note = slow ? 'second step at batch 4' : big ? 'steps 2-3 timed, no evaluation' : adapter && !peak ? 'MFU: fp32 peak unknown, pass --peak-tflops' : peak ? `peak ${peak.tflops} TFLOP/s (${peak.source})` : '';
    rows.push({ name, tokensPerS: tps, tokensPerCpuS: tpc, loss: slow || big ? undefined : r.finalValLoss, note, memory, mfu: use });
    const mfuText = use !== undefined ? `, MFU ${(100 * use).toFixed(1)}%` : '';
    console.log(`${name}: ${tps.toFixed(0)} tokens/s, val loss ${r.finalValLoss?.toFixed(3) ?? '-'}, memory ${gib(memory)}${mfuText}`);
  }
}

const python = values.python ?? '/usr/bin/python3';
interface TorchResult {
  tokens_per_s: number; tokens_per_cpu_s: number; val_loss: number; threads: number; torch: string;
  device: 'cpu' | 'cuda'; device_name: string; memory_bytes: number;
}
// The reference is PyTorch's best run in each column: on a loaded machine its all-cores run can be far
// slower than one thread (oversubscribed cores), and a ratio against that would flatter tfjs.
let reference: { tokens_per_s: number; tokens_per_cpu_s: number } | undefined;
const torchCheck = existsSync(python) ? spawnSync(python, ['-c', 'import torch; print(torch.cuda.is_available())'], { encoding: 'utf8' }) : undefined;
if (!torchCheck || torchCheck.status !== 0) {
  console.log(`skip PyTorch reference: ${python} with torch not found (apt-get install python3-torch libopenblas0-pthread, or --python PATH)`);
} else {
  const cuda = torchCheck.stdout.trim() === 'True';
  // Past the tiny preset PyTorch on a CPU is as slow as wasm: 3 steps there too.
  const torchSteps = cuda || presetName === 'tiny' ? steps : 3;
  const args = [
    path.join(import.meta.dirname, 'train_torch.py'), '--data', dataDir, '--vocab', String(model.vocab), '--context', String(model.context),
    '--layers', String(model.layers), '--heads', String(model.heads), '--dim', String(model.dim), '--batch', String(model.batch),
    '--steps', String(torchSteps), '--warmup', String(warmup), '--lr', String(lr), '--seed', '1', '--val-start', String(val.start),
    '--val-end', String(val.end), '--eval-batches', '4', '--device', cuda ? 'cuda' : 'cpu',
  ];
  // Debian's torch calls a pthread OpenBLAS whose own pool ignores torch.set_num_threads: OPENBLAS_NUM_THREADS
  // sets it. CPU runs: PyTorch's defaults (all cores for both; what users get), torch 1 + BLAS all cores, all 1.
  // With CUDA one run: float32 eager on the GPU.
  const cores = os.availableParallelism();
  const configs = cuda ? [[1, 1]] : [[cores, cores], [1, cores], [1, 1]].filter(([t, b], i, all) => all.findIndex(([t2, b2]) => t2 === t && b2 === b) === i);
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
    const peak = t.device === 'cuda' ? fp32Peak(t.device_name, peakGiven) : undefined;
    const name = t.device === 'cuda' ? `pytorch ${t.torch} cuda fp32 eager (${t.device_name})` : `pytorch ${t.torch} cpu (${t.threads} torch thread${t.threads > 1 ? 's' : ''}, ${blas} BLAS)`;
    const note = torchSteps < steps ? 'steps 2-3 timed' : '';
    rows.push({ name, tokensPerS: t.tokens_per_s, tokensPerCpuS: t.tokens_per_cpu_s, loss: t.val_loss, note, memory: t.memory_bytes, mfu: peak ? mfu(t.tokens_per_s, perToken, peak.tflops) : undefined });
    console.log(`${name}: ${t.tokens_per_s.toFixed(0)} tokens/s, val loss ${t.val_loss.toFixed(3)}, memory ${gib(t.memory_bytes)}`);
  }
}
rmSync(tmp, { recursive: true, force: true });

console.log('');
console.log('Ratios are against the best PyTorch run in each column.');
console.log(`| run | tokens/s (wall) | vs PyTorch | tokens per CPU-second | vs PyTorch | val loss after ${steps * tokensPerStep} tokens | memory | MFU (fp32) | note |`);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
const ratio = (x: number, ref: number | undefined) => (ref && Number.isFinite(x) ? `${(x / ref).toFixed(2)}x` : '-');
const num = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '-');
for (const r of rows) {
  const use = r.mfu === undefined ? '-' : `${(100 * r.mfu).toFixed(1)}%`;
  console.log(`| ${r.name} | ${num(r.tokensPerS)} | ${ratio(r.tokensPerS, reference?.tokens_per_s)} | ${num(r.tokensPerCpuS)} | ${ratio(r.tokensPerCpuS, reference?.tokens_per_cpu_s)} | ${r.loss?.toFixed(3) ?? '-'} | ${r.memory === undefined ? '-' : gib(r.memory)} | ${use} | ${r.note} |`);
}
console.log('\nNoise: shared machine; wall-time ratios move with other load, CPU-time ratios much less. Compare within one run.');
