// bench/curate-io: the spine's overhead. Synthetic ~2 KB documents go JSONL -> reader -> normalise ->
// Parquet shards through `curate` with 1 and 2 workers, against the reference: the same rows written
// straight to Parquet shards with parquet-wasm alone (rows already in memory). Each run is a separate
// child process so its peak RSS is its own. The bias report (on by default in curate) is measured as its own row. Usage: node --import tsx bench/curate-io.ts [--quick]
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const WORDS = 'the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were her she there had one all we their people rights freedom law state'.split(' ');
const SHARD_DOCS = 50_000;

/** Deterministic ~2 KB document i (xorshift words, a few whitespace runs for normalise to fix). */
function docText(i: number): string {
  let x = (i + 1) * 2654435761 >>> 0;
  const out: string[] = [];
  let len = 0;
  while (len < 2000) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    const w = WORDS[x % WORDS.length]!;
    out.push(x % 23 === 0 ? w + '.  ' : w);
    len += w.length + 1;
  }
  return out.join(' ');
}

async function child(mode: string, n: number, workers: number, dir: string, shardDocs: number, bias: boolean): Promise<void> {
  const t0 = performance.now();
  let bytes = 0;
  if (mode === 'raw') {
    const { writeDocumentShard } = await import('../datasets/parquetShardWriter.js');
    for (let s = 0; s < n; s += shardDocs) {
      const docs = [];
      for (let i = s; i < Math.min(n, s + shardDocs); i++) {
        const text = docText(i);
        bytes += Buffer.byteLength(text);
        docs.push({ id: `doc-${i}`, text, source: `in.jsonl:${i + 1}`, metadata: { format: 'text' } });
      }
      await writeDocumentShard(join(dir, `raw-${s}.parquet`), docs);
    }
  } else {
    const { curate } = await import('../pipelines/curate.js');
    const r = await curate({ inputs: [join(dir, `in-${n}.jsonl`)], out: join(dir, `out-${workers}-${n}-${shardDocs}-${bias}`), steps: [{ step: 'normalise' }], workers, shardDocs, bias: bias ? {} : false });
    bytes = r.stats.input.bytes;
  }
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ ms, bytes, rssMB: process.resourceUsage().maxRSS / 1024 }));
}

async function makeInput(path: string, n: number): Promise<void> {
  const ws = createWriteStream(path);
  for (let i = 0; i < n; i++) {
    if (!ws.write(JSON.stringify({ id: `doc-${i}`, text: docText(i) }) + '\n')) await once(ws, 'drain');
  }
  ws.end();
  await once(ws, 'finish');
}

function measure(mode: string, n: number, workers: number, dir: string, shardDocs = SHARD_DOCS, bias = false): { ms: number; bytes: number; rssMB: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--child', mode, String(n), String(workers), dir, String(shardDocs), String(bias)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${mode} run failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1]!, Number(args[2]), Number(args[3]), args[4]!, Number(args[5]), args[6] === 'true');
  const quick = args.includes('--quick');
  const n = quick ? 20_000 : 200_000;
  const dir = await mkdtemp(join(tmpdir(), 'cf-bench-io-'));
  try {
    await makeInput(join(dir, `in-${n}.jsonl`), n);
    await makeInput(join(dir, `in-${n / 10}.jsonl`), n / 10);
    const inputMB = (await stat(join(dir, `in-${n}.jsonl`))).size / 2 ** 20;
    console.log(`curate-io: ${n} docs, ${inputMB.toFixed(0)} MB JSONL, ${cpus().length} cores, ${cpus()[0]?.model}, node ${process.version}`);
    const raw = measure('raw', n, 0, dir);
    const rows: string[][] = [];
    const row = (name: string, m: { ms: number; bytes: number; rssMB: number }, docs: number) => {
      const s = m.ms / 1000;
      rows.push([name, String(docs), s.toFixed(1), Math.round(docs / s).toString(), (m.bytes / 2 ** 20 / s).toFixed(1), (raw.ms / m.ms).toFixed(2), m.rssMB.toFixed(0)]);
    };
    row('raw parquet-wasm writer (reference)', raw, n);
    for (const w of [1, 2]) row(`curate normalise, ${w} worker${w > 1 ? 's' : ''}`, measure('ours', n, w, dir), n);
    row('curate normalise + bias report, 2 workers', measure('ours', n, 2, dir, SHARD_DOCS, true), n);
    // Memory is bounded by shard size and batches in flight, not input size: 1x vs 10x input, small shards.
    const memShard = n / 40;
    row(`memory: 2 workers, ${memShard}-doc shards, 1/10 input`, measure('ours', n / 10, 2, dir, memShard), n / 10);
    rows[rows.length - 1]![5] = '-';
    row(`memory: 2 workers, ${memShard}-doc shards, full input`, measure('ours', n, 2, dir, memShard), n);
    rows[rows.length - 1]![5] = '-';
    const head = ['run', 'docs', 's', 'docs/s', 'MB/s', 'x raw', 'peak RSS MB'];
    const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const r of [head, ...rows]) console.log(r.map((c, i) => (i === 0 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join('  '));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
