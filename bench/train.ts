// Training throughput: tokens/s and loss after a fixed token budget for a 2-layer, 128-dim, 2-head,
// 128-context, vocab-2048 GPT at batch 16 on each tfjs backend that runs here, against the identical model in
// PyTorch on CPU (bench/train_torch.py, Debian python3-torch) run by this same script.
// Usage: node --import tsx bench/train.ts [--quick] [--backend wasm,cpu,...] [--steps N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { TokenDataset } from '../datasets/tokenDataset.js';
import { BACKEND_NAMES, installHint, parseBackendName, probeAllBackends, type BackendName } from '../trainer/backends.js';
import { writeSyntheticTokenDir } from '../trainer/syntheticTokens.js';
import { train, type MetricsRecord } from '../trainer/train.js';

const { values } = parseArgs({
  options: { quick: { type: 'boolean' }, backend: { type: 'string' }, steps: { type: 'string' }, embedding: { type: 'string' } },
});
const quick = values.quick === true;
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
ds.close();

interface Row { name: string; tokensPerS: number; loss: number | undefined; note: string }
const rows: Row[] = [];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

for (const backend of requested) {
  const status = statuses.find((s) => s.name === backend)!;
  if (!status.ok) {
    console.log(`skip ${backend}: ${status.detail}${installHint(backend) ? `; ${installHint(backend)}` : ''}`);
    rows.push({ name: backend, tokensPerS: NaN, loss: undefined, note: `cannot run: ${status.detail}` });
    continue;
  }
  // The cpu backend is ~20x slower than wasm: time its second step at batch 4 and report no loss for it.
  const slow = backend === 'cpu';
  const embeddings = (values.embedding ? [values.embedding] : backend === 'wasm' && !quick ? ['gather', 'onehot'] : ['gather']) as Array<'gather' | 'onehot'>;
  // wasm runs one thread per backend in Node; the trainer's gradient threads (one backend each) are timed too.
  const threadCounts = backend === 'wasm' && os.availableParallelism() > 1 ? [1, Math.min(4, os.availableParallelism())] : [1];
  const variants = embeddings.flatMap((embedding) => threadCounts.map((threads) => ({ embedding, threads }))).filter((v) => v.embedding === 'gather' || v.threads === 1);
  for (const { embedding, threads } of variants) {
    const metrics: MetricsRecord[] = [];
    const out = path.join(tmp, `out-${backend}-${embedding}-${threads}`);
    const n = slow ? 2 : steps;
    const r = await train({
      dataDir, outDir: out, backend, steps: n, batchSize: slow ? 4 : model.batch, gradAccum: 1, context: model.context,
      layers: model.layers, heads: model.heads, dim: model.dim, lr, warmup, evalEvery: slow ? 0 : n, evalBatches: 4,
      seed: 1, resume: false, embedding, threads, onMetrics: (m) => metrics.push(m),
    });
    const tps = median(metrics.slice(1).map((m) => m.tokens_per_s));
    const name = `${backend} (${embedding}, ${threads} thread${threads > 1 ? 's' : ''})`;
    rows.push({ name, tokensPerS: tps, loss: slow ? undefined : r.finalValLoss, note: slow ? 'second step at batch 4' : '' });
    console.log(`${name}: ${tps.toFixed(0)} tokens/s, val loss ${r.finalValLoss?.toFixed(3) ?? '-'}`);
  }
}

const python = '/usr/bin/python3';
let reference: { tokens_per_s: number; val_loss: number; threads: number; torch: string } | undefined;
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
  const res = spawnSync(python, args, { encoding: 'utf8' });
  if (res.status !== 0) console.log(`PyTorch reference failed: ${res.stderr.trim().split('\n').pop()}`);
  else {
    reference = JSON.parse(res.stdout.trim().split('\n').pop()!) as typeof reference;
    rows.push({ name: `pytorch ${reference!.torch} cpu (${reference!.threads} threads)`, tokensPerS: reference!.tokens_per_s, loss: reference!.val_loss, note: 'reference' });
  }
}
rmSync(tmp, { recursive: true, force: true });

console.log('');
console.log(`| run | tokens/s | val loss after ${steps * tokensPerStep} tokens | vs PyTorch CPU | note |`);
console.log('|---|---:|---:|---:|---|');
for (const r of rows) {
  const ratio = reference && Number.isFinite(r.tokensPerS) ? `${(r.tokensPerS / reference.tokens_per_s).toFixed(2)}x` : '-';
  console.log(`| ${r.name} | ${Number.isFinite(r.tokensPerS) ? r.tokensPerS.toFixed(0) : '-'} | ${r.loss?.toFixed(3) ?? '-'} | ${ratio} | ${r.note} |`);
}
console.log('\nNoise: shared machine; compare ratios from one run, not absolute numbers across runs.');
