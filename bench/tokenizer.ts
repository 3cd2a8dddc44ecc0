// Tokenizer benchmark: encode speed against tiktoken and other JS tokenizers on the same text and vocabulary,
// and training time / merge agreement / peak RSS against the Rust trainer (npm `tokenizers`).
// Run: node --import tsx bench/tokenizer.ts [--quick] [--encode-only] [--rss-scale 100,300[,1000] [--max-words N]]. Corpus: real text available offline (UDHR in ~500
// languages from `udhr`, plus the Markdown and .d.ts files shipped in node_modules). Single-threaded encoders;
// the machine is shared, so rely on the ratios, not the absolute numbers.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { get_encoding } from 'tiktoken';
import { Tiktoken as JsTiktoken } from 'js-tiktoken/lite';
import gpt2Ranks from 'js-tiktoken/ranks/gpt2';
import cl100kRanks from 'js-tiktoken/ranks/cl100k_base';
import o200kRanks from 'js-tiktoken/ranks/o200k_base';
import { Tokenizer as HfJsTokenizer } from '@huggingface/tokenizers';
import { Tokenizer as RustTokenizer, BPE, byteLevelPreTokenizer } from 'tokenizers';
import {
  tokenizerFromTiktokenData, tiktokenToHfJson, trainFromTexts, toHfJson, PRETOKENIZERS, saveTokenizerFile,
} from '../tokenizer/index.js';
import { readDocuments } from '../datasets/readers.js';
import { documentsOf, nodeModulesText, table, writeJsonl } from './_tokenCorpus.js';
import { mulberry32 } from '../datasets/seededRandom.js';
import { udhrPlainTexts } from '../datasets/udhrSample.js';

const QUICK = process.argv.includes('--quick');
const SELF = fileURLToPath(import.meta.url);

const mb = (s: string): number => Buffer.byteLength(s) / 1e6;

interface Timed { wallMs: number; cpuMs: number }

/** One run: wall-clock and CPU time of this process (every encoder here runs on this thread, WASM included). */
function timeOnce<T>(fn: () => T): Timed & { value: T } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wallMs, cpuMs: (c.user + c.system) / 1000, value };
}

interface EncodeRow {
  vocab: string; corpus: string; encoder: string; mbps: number; cpuMbps: number; ratio: number; cpuRatio: number;
  tokens: number; exact: string;
}

type Encoder = [label: string, encode: (t: string) => ArrayLike<number>];

async function encodeBench(corpora: [string, string][]): Promise<EncodeRow[]> {
  const rows: EncodeRow[] = [];
  type GptTok = { encode(t: string): number[] };
  const gptTok: Record<string, GptTok> = {
    gpt2: (await import('gpt-tokenizer/encoding/r50k_base')) as GptTok,
    cl100k_base: (await import('gpt-tokenizer/encoding/cl100k_base')) as GptTok,
    o200k_base: (await import('gpt-tokenizer/encoding/o200k_base')) as GptTok,
  };
  for (const [name, data] of [['gpt2', gpt2Ranks], ['cl100k_base', cl100kRanks], ['o200k_base', o200kRanks]] as const) {
    const ref = get_encoding(name);
    const ours = tokenizerFromTiktokenData(data);
    const js = new JsTiktoken(data);
    const hfJs = new HfJsTokenizer(tiktokenToHfJson(data), {});
    const encoders: Encoder[] = [
      ['tiktoken (WASM)', (t) => ref.encode_ordinary(t)],
      // Cold word cache on every run: tiktoken has no cache, so ours must not carry one over from the warm-up.
      // (gpt-tokenizer keeps its LRU merge cache from the warm-up run: conservative for us.)
      ['corpusforge', (t) => { ours.clearCache(); return ours.encodeOrdinary(t); }],
      ['gpt-tokenizer', (t) => gptTok[name]!.encode(t)],
      ['js-tiktoken', (t) => js.encode(t)],
      ['@huggingface/tokenizers', (t) => hfJs.encode(t, { add_special_tokens: false }).ids],
    ];
    for (const [corpus, text] of corpora) {
      // The two slowest encoders get an eighth of the text (their token count is for that part).
      const slow = (label: string): boolean => label === 'js-tiktoken' || label.startsWith('@hugging');
      const sampleOf = (label: string): string => (slow(label) ? text.slice(0, Math.floor(text.length / 8)) : text);
      const refIds = new Map<string, ArrayLike<number>>();
      const idsOf = (sample: string): ArrayLike<number> => {
        if (!refIds.has(sample)) refIds.set(sample, ref.encode_ordinary(sample));
        return refIds.get(sample)!;
      };
      const best = new Map<string, Timed & { tokens: number; exact: string }>();
      // Rounds interleave the encoders (the machine is shared: a load change hits all of them alike); best of each.
      const rounds = QUICK ? 1 : 3;
      for (let round = -1; round < rounds; round++) {
        for (const [label, enc] of encoders) {
          if (slow(label) && round > 0) continue; // one timed run each: they are slow
          const sample = sampleOf(label);
          const r = timeOnce(() => enc(sample));
          if (round < 0) { // warm-up (JIT, WASM): checks the ids, not timed
            const want = idsOf(sample);
            const same = r.value.length === want.length && Array.prototype.every.call(r.value, (v: number, i: number) => v === want[i]);
            best.set(label, { wallMs: Infinity, cpuMs: Infinity, tokens: r.value.length, exact: same ? 'yes' : `no (${r.value.length - want.length} tokens)` });
            continue;
          }
          const b = best.get(label)!;
          b.wallMs = Math.min(b.wallMs, r.wallMs);
          b.cpuMs = Math.min(b.cpuMs, r.cpuMs);
        }
      }
      const rate = (label: string, t: number): number => mb(sampleOf(label)) / (t / 1000);
      const refWall = rate('tiktoken (WASM)', best.get('tiktoken (WASM)')!.wallMs);
      const refCpu = rate('tiktoken (WASM)', best.get('tiktoken (WASM)')!.cpuMs);
      for (const [label] of encoders) {
        const b = best.get(label)!;
        const mbps = rate(label, b.wallMs);
        const cpuMbps = rate(label, b.cpuMs);
        rows.push({ vocab: name, corpus, encoder: label, mbps, cpuMbps, ratio: mbps / refWall, cpuRatio: cpuMbps / refCpu, tokens: b.tokens, exact: b.exact });
      }
    }
    ref.free();
  }
  return rows;
}

/** corpusforge against the faster of tiktoken and gpt-tokenizer, per vocabulary and corpus (issue 18's bar: 1.5x). */
function versusFastest(rows: EncodeRow[]): (string | number)[][] {
  const out: (string | number)[][] = [];
  for (const r of rows.filter((x) => x.encoder === 'corpusforge')) {
    const peers = rows.filter((x) => x.vocab === r.vocab && x.corpus === r.corpus && (x.encoder === 'gpt-tokenizer' || x.encoder.startsWith('tiktoken')));
    const wall = Math.max(...peers.map((p) => p.mbps));
    const cpu = Math.max(...peers.map((p) => p.cpuMbps));
    out.push([r.vocab, r.corpus, (r.mbps / wall).toFixed(2), (r.cpuMbps / cpu).toFixed(2), r.exact]);
  }
  return out;
}

interface ChildResult { ms: number; rssMB: number; merges: string[]; vocab: number }

function runChild(args: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', SELF, '--child', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    p.stdout.on('data', (d: Buffer) => chunks.push(d));
    p.on('close', (code) => {
      // Decode once at the end: a chunk boundary can fall inside a multi-byte character.
      const line = Buffer.concat(chunks).toString('utf8').trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`child ${args.join(' ')} failed (${code})`));
      resolve(JSON.parse(line) as ChildResult);
    });
  });
}

/** Child process: train once and print time, peak RSS and merges (RSS is per process, so one run each). */
async function child(kind: string, file: string, vocabArg: string, outJson: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const t0 = performance.now();
  let merges: string[];
  let vocab: number;
  if (kind === 'rust') {
    const tok = new RustTokenizer(BPE.empty());
    tok.setPreTokenizer(byteLevelPreTokenizer(false, true));
    tok.train([file]);
    tok.save(outJson);
    const json = JSON.parse(await readFile(outJson, 'utf8')) as { model: { merges: (string | string[])[]; vocab: object } };
    merges = json.model.merges.map((m) => (Array.isArray(m) ? m.join(' ') : m));
    vocab = Object.keys(json.model.vocab).length;
  } else {
    const compat = kind === 'ours-compat';
    const docs = compat ? [text] : text.split('\n\u0000\n');
    const r = await trainFromTexts(docs, {
      pattern: PRETOKENIZERS.gpt2, vocabSize: Number(vocabArg),
      alphabet: compat ? 'seen' : 'all-bytes', splitLines: compat, specialTokens: compat ? [] : ['<|endoftext|>'],
    });
    const json = toHfJson(r.trained, PRETOKENIZERS.gpt2);
    merges = json.model.merges;
    vocab = Object.keys(json.model.vocab).length;
  }
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ ms, rssMB: process.resourceUsage().maxRSS / 1024, merges, vocab }));
}

/**
 * Training corpus of any size from real text: repetition r > 0 of the base paragraphs turns ~8% of the
 * words into compounds with a partner word drawn with a skew toward frequent words, so the number of
 * distinct words keeps growing with the corpus (sub-linearly, as in real text) instead of stopping at the
 * base text's vocabulary. Streamed to disk.
 */
async function writeScaledCorpus(path: string, base: string, targetBytes: number): Promise<number> {
  const paragraphs = documentsOf(base);
  const words = [...new Set(base.match(/\p{L}{3,12}/gu) ?? [])].sort();
  const rand = mulberry32(12345);
  function* docs(): Generator<{ id: string; text: string }> {
    let bytes = 0;
    for (let rep = 0; bytes < targetBytes; rep++) {
      for (let i = 0; i < paragraphs.length && bytes < targetBytes; i++) {
        const t = rep === 0 ? paragraphs[i]! : paragraphs[i]!.replace(/\p{L}{3,}/gu, (w) =>
          rand() < 0.08 ? w + words[Math.floor(words.length * rand() ** 2)]!.toLowerCase() : w);
        bytes += Buffer.byteLength(t);
        yield { id: `${rep}-${i}`, text: t };
      }
    }
  }
  return writeJsonl(path, docs());
}

interface RssResult { ms: number; rssMB: number; documents: number; distinctWords: number; prunedWords: number; prunedCount: number; countMs: number; mergeMs: number }

/** Child process for --rss-scale: what `corpusforge tokenizer train -i FILE --vocab-size 32000 -w 2` runs, streamed. */
async function rssChild(file: string, maxWords: number): Promise<void> {
  const t0 = performance.now();
  async function* texts(): AsyncGenerator<string> {
    for await (const d of readDocuments([file], {})) yield d.text;
  }
  const r = await trainFromTexts(texts(), { pattern: PRETOKENIZERS.gpt2, vocabSize: 32000, specialTokens: ['<|endoftext|>'], workers: 2, maxWords });
  const out: RssResult = {
    ms: performance.now() - t0, rssMB: process.resourceUsage().maxRSS / 1024, documents: r.documents, distinctWords: r.distinctWords,
    prunedWords: r.pruned.words, prunedCount: r.pruned.maxPrunedCount, countMs: r.countMs, mergeMs: r.mergeMs,
  };
  console.log(JSON.stringify(out));
}

async function rssScale(sizesMB: number[], base: string, maxWords: number): Promise<string> {
  const rows: (string | number)[][] = [];
  for (const size of sizesMB) {
    const dir = await mkdtemp(join(tmpdir(), 'cf-tokrss-'));
    try {
      const file = join(dir, 'corpus.jsonl');
      const bytes = await writeScaledCorpus(file, base, size * 1e6);
      const r = await new Promise<RssResult>((resolve, reject) => {
        const p = spawn(process.execPath, ['--import', 'tsx', SELF, '--child', 'rss', file, String(maxWords)], { stdio: ['ignore', 'pipe', 'inherit'] });
        let outText = '';
        p.stdout.on('data', (d: Buffer) => (outText += d.toString()));
        p.on('close', (code) => (code === 0 ? resolve(JSON.parse(outText.trim().split('\n').pop()!) as RssResult) : reject(new Error(`rss child failed (${code})`))));
      });
      rows.push([(bytes / 1e6).toFixed(0), r.documents, (r.ms / 1000).toFixed(1), (r.countMs / 1000).toFixed(1), (r.mergeMs / 1000).toFixed(1),
        r.rssMB.toFixed(0), r.distinctWords, r.prunedWords ? `yes: ${r.prunedWords} words (counts <= ${r.prunedCount})` : 'no']);
      console.error(`rss-scale ${size} MB done: ${JSON.stringify(r)}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return table(['text MB', 'documents', 'seconds', 'count s', 'merges s', 'peak RSS MB', 'distinct words kept', `pruned (cap ${maxWords})`], rows);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return argv[1] === 'rss' ? rssChild(argv[2]!, Number(argv[3])) : child(argv[1]!, argv[2]!, argv[3]!, argv[4]!);
  const udhr = udhrPlainTexts();
  const udhrAll = udhr.map((d) => d.text).join('\n');
  const nm = await nodeModulesText(QUICK ? 1e6 : 8e6);
  const rssAt = argv.indexOf('--rss-scale');
  if (rssAt >= 0) {
    // Only the RSS measurement: minutes per size, so it is opt-in.
    const sizes = (argv[rssAt + 1] && !argv[rssAt + 1]!.startsWith('--') ? argv[rssAt + 1]! : '100,300').split(',').map(Number);
    console.log(`# tokenizer train peak RSS ${new Date().toISOString()}; ${cpus()[0]?.model}, Node ${process.version}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    const capAt = argv.indexOf('--max-words');
    const maxWords = capAt >= 0 ? Number(argv[capAt + 1]) : 4_000_000; // the CLI's default cap
    console.log(`\n## Peak RSS of 'tokenizer train --vocab-size 32000 -w 2 --max-words ${maxWords}', corpus from node_modules docs + UDHR, varied per repetition\n`);
    console.log(await rssScale(sizes, nm + '\n\n' + udhrAll, maxWords));
    return;
  }
  const corpora: [string, string][] = [
    [`node_modules docs+d.ts (${mb(nm).toFixed(1)} MB)`, nm],
    [`UDHR all languages (${mb(QUICK ? udhrAll.slice(0, 600_000) : udhrAll).toFixed(1)} MB)`, QUICK ? udhrAll.slice(0, 600_000) : udhrAll],
  ];
  console.log(`# tokenizer bench ${new Date().toISOString()} ${QUICK ? '(quick)' : ''}; ${cpus()[0]?.model}, Node ${process.version}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const enc = await encodeBench(corpora);
  console.log(`\n## Encode, one thread (ratio vs tiktoken on the same text and vocab; best of ${QUICK ? 1 : 3} interleaved rounds, wall clock and CPU time)\n`);
  console.log(table(['vocab', 'corpus', 'encoder', 'MB/s', 'x tiktoken', 'MB/s (CPU time)', 'x tiktoken (CPU)', 'tokens', 'ids == tiktoken'],
    enc.map((r) => [r.vocab, r.corpus, r.encoder, r.mbps.toFixed(2), r.ratio.toFixed(2), r.cpuMbps.toFixed(2), r.cpuRatio.toFixed(2), r.tokens, r.exact])));
  console.log('\n## corpusforge vs the faster of tiktoken and gpt-tokenizer (issue 18: >= 1.5x)\n');
  console.log(table(['vocab', 'corpus', 'x fastest (wall)', 'x fastest (CPU)', 'corpusforge ids == tiktoken'], versusFastest(enc)));
  console.log(`\n(load after the encode runs: ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  if (argv.includes('--encode-only')) return;

  // Training corpus: documents separated by a line holding NUL (never inside real text), written to a file
  // the Rust trainer reads line by line.
  const dir = await mkdtemp(join(tmpdir(), 'cf-tokbench-'));
  try {
    const trainText = QUICK ? nm.slice(0, 600_000) + '\n' + udhrAll.slice(0, 600_000) : nm + '\n' + udhrAll;
    const file = join(dir, 'corpus.txt');
    await writeFile(file, trainText);
    const rust = await runChild(['rust', file, '30000', join(dir, 'rust.json')]);
    const compat = await runChild(['ours-compat', file, '30000', '']);
    let agree = 0;
    while (agree < rust.merges.length && rust.merges[agree] === compat.merges[agree]) agree++;
    const firstDiff = agree < Math.max(rust.merges.length, compat.merges.length)
      ? `#${agree}: rust '${rust.merges[agree]}' vs ours '${compat.merges[agree]}'` : 'none';
    const rows: (string | number)[][] = [
      ['Rust tokenizers 0.23.2 (defaults: 30k, seen bytes, per line)', 30000, (rust.ms / 1000).toFixed(2), rust.rssMB.toFixed(0), rust.merges.length, '1.00x', '-'],
      ['corpusforge --hf-compat (same settings)', 30000, (compat.ms / 1000).toFixed(2), compat.rssMB.toFixed(0), compat.merges.length,
        `${(compat.ms / rust.ms).toFixed(2)}x`, `${agree}/${rust.merges.length} identical prefix; first diff: ${firstDiff}`],
    ];
    for (const v of QUICK ? [8000] : [8000, 32000]) {
      const r = await runChild(['ours', file, String(v), '']);
      rows.push([`corpusforge (all 256 bytes, whole documents)`, v, (r.ms / 1000).toFixed(2), r.rssMB.toFixed(0), r.merges.length, `${(r.ms / rust.ms).toFixed(2)}x`, '-']);
    }
    console.log(`\n## Train on ${mb(trainText).toFixed(1)} MB (child processes; time includes reading + word counts, one thread)\n`);
    console.log(table(['trainer', 'vocab', 'seconds', 'peak RSS MB', 'merges', 'time vs Rust', 'merge agreement'], rows));
    // `corpusforge tokenize` end to end (inline vs workers, before vs now) is bench/tokenize.ts.
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
