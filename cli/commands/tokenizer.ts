import type { Command } from '../command.js';
import { intFlag, parseCommandArgs, requiredFlag, sharedFlags, switchFlags, valueFlags } from '../args.js';
import { UserError } from '../../core/errors.js';
import { readDocuments } from '../../datasets/readers.js';
import { pretokenizerByName } from '../../tokenizer/pretokenize.js';
import { trainFromTexts } from '../../tokenizer/trainPipeline.js';
import { toHfJson } from '../../tokenizer/hfJson.js';
import { loadTokenizerFile, saveTokenizerFile } from '../../tokenizer/tokenizerFile.js';
import { TokenizerJsonError } from '../../tokenizer/hfJson.js';
import { availableParallelism } from 'node:os';

const TRAIN_FLAGS = {
  ...sharedFlags('input', 'out', 'workers', 'quiet'),
  ...valueFlags('vocab-size', 'min-frequency', 'special-tokens', 'pretokenizer', 'max-words', 'text-field'),
  ...switchFlags('hf-compat'),
};

const HELP = `usage: corpusforge tokenizer <train|encode|decode> [options]

  train   learn a byte-level BPE tokenizer and write tokenizer.json (HF tokenizers format)
  encode  print the token ids of a string
  decode  print the text of token ids

train options:
  -i, --input PATH          JSONL(.gz), Parquet, .txt files, folders or globs (repeatable)
  -o, --out FILE            tokenizer.json to write
      --vocab-size N        vocabulary size incl. special tokens and the 256 bytes (required)
      --min-frequency N     stop when the best pair occurs fewer times (default 0)
      --special-tokens LIST comma-separated, first ids (default "<|endoftext|>")
      --pretokenizer NAME   gpt2 | gpt4 (cl100k) | o200k (default gpt2)
  -w, --workers N           word-counting threads (default: cores; 0 = main thread)
      --max-words N         cap on distinct words in memory; rarer words are pruned past it (default 4000000)
      --text-field NAME     JSONL field / Parquet column holding the text (default text)
      --hf-compat           train as HF's default BpeTrainer does: alphabet of seen bytes only, and
                            pre-tokenize line by line; the merges then equal the Rust trainer's
  -q, --quiet               no summary

encode / decode:
  corpusforge tokenizer encode --tokenizer FILE [--special] TEXT
  corpusforge tokenizer decode --tokenizer FILE ID [ID...]   (ids separated by spaces or commas)`;

async function train(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('tokenizer train', argv, TRAIN_FLAGS);
  const inputs = requiredFlag('tokenizer train', 'input', values.input);
  const out = requiredFlag('tokenizer train', 'out', values.out);
  if (values['vocab-size'] === undefined) throw new UserError('tokenizer train: --vocab-size is required');
  const specials = (values['special-tokens'] ?? '<|endoftext|>').split(',').map((s) => s.trim()).filter(Boolean);
  const hfCompat = values['hf-compat'] === true;
  const vocabSize = intFlag('vocab-size', values['vocab-size'], 0, 1);
  const minVocab = specials.length + (hfCompat ? 1 : 256);
  if (vocabSize < minVocab) throw new UserError(`--vocab-size must be at least ${minVocab} (special tokens + byte alphabet)`);
  const pattern = pretokenizerByName(values.pretokenizer ?? 'gpt2');
  if (!pattern) throw new UserError(`--pretokenizer must be gpt2, gpt4 or o200k, got '${values.pretokenizer}'`);
  const workers = intFlag('workers', values.workers, availableParallelism(), 0);
  const warnings: string[] = [];
  async function* texts(): AsyncGenerator<string> {
    const opts = { onWarning: (m: string) => warnings.push(m) } as { textField?: string; onWarning(m: string): void };
    if (values['text-field']) opts.textField = values['text-field'];
    for await (const doc of readDocuments(inputs, opts)) yield doc.text;
  }
  const report = await trainFromTexts(texts(), {
    pattern,
    vocabSize,
    minFrequency: intFlag('min-frequency', values['min-frequency'], 0, 0),
    specialTokens: specials,
    alphabet: hfCompat ? 'seen' : 'all-bytes',
    splitLines: hfCompat,
    workers,
    maxWords: intFlag('max-words', values['max-words'], 4_000_000, 1),
  });
  if (report.documents === 0) throw new UserError('tokenizer train: the inputs hold no documents');
  await saveTokenizerFile(out, toHfJson(report.trained, pattern));
  for (const w of warnings.slice(0, 5)) console.error(`warning: ${w}`);
  if (warnings.length > 5) console.error(`warning: ${warnings.length - 5} more malformed records skipped`);
  if (report.pruned.words > 0) {
    console.error(
      `note: the distinct-word cap (--max-words) pruned ${report.pruned.words} rare words ` +
        `(${report.pruned.occurrences} occurrences, counts <= ${report.pruned.maxPrunedCount}); merges may differ from an uncapped run`,
    );
  }
  if (!values.quiet) {
    const vocab = report.trained.tokenBytes.length;
    console.log(
      `trained ${pattern.name} BPE: vocab ${vocab} (${report.trained.merges.length} merges, ${specials.length} special) ` +
        `from ${report.documents} documents, ${report.characters} chars, ${report.distinctWords} distinct words; ` +
        `count ${(report.countMs / 1000).toFixed(1)} s, merges ${(report.mergeMs / 1000).toFixed(1)} s -> ${out}`,
    );
    if (vocab < vocabSize) console.log(`note: stopped at ${vocab} < ${vocabSize}: no pair left above --min-frequency`);
  }
  return 0;
}

async function load(path: string | undefined) {
  if (!path) throw new UserError('--tokenizer FILE is required');
  try {
    return (await loadTokenizerFile(path)).tokenizer;
  } catch (e) {
    if (e instanceof TokenizerJsonError) throw new UserError(e.message);
    throw e;
  }
}

async function encode(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('tokenizer encode', argv, { ...sharedFlags('tokenizer'), ...switchFlags('special') }, true);
  const tok = await load(values.tokenizer);
  if (positionals.length === 0) throw new UserError('tokenizer encode: give the text to encode');
  const ids = tok.encode(positionals.join(' '), values.special ? { allowedSpecial: 'all' } : {});
  console.log(ids.join(' '));
  return 0;
}

async function decode(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('tokenizer decode', argv, sharedFlags('tokenizer'), true);
  const tok = await load(values.tokenizer);
  const parts = positionals.join(' ').split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) throw new UserError('tokenizer decode: give token ids');
  const ids = parts.map((p) => {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 0 || n >= tok.vocabSize) throw new UserError(`not a token id of this tokenizer: '${p}'`);
    return n;
  });
  process.stdout.write(tok.decode(ids) + '\n');
  return 0;
}

export const command: Command = {
  name: 'tokenizer',
  summary: 'train a byte-level BPE tokenizer (tokenizer.json); encode / decode a string',
  help: HELP,
  async run(argv) {
    const [sub, ...rest] = argv;
    if (sub === 'train') return train(rest);
    if (sub === 'encode') return encode(rest);
    if (sub === 'decode') return decode(rest);
    throw new UserError(`tokenizer: expected train, encode or decode, got '${sub ?? ''}' (see 'corpusforge tokenizer --help')`);
  },
};
