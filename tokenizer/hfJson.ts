/**
 * tokenizer.json (the HF tokenizers format) export and import for byte-level BPE.
 * Export writes what both the Rust library (and so Python transformers' PreTrainedTokenizerFast) and
 * @huggingface/tokenizers load unchanged: BPE model, ByteLevel pre-tokenizer (plus a Split for non-GPT-2
 * regexes), ByteLevel decoder, special tokens as added tokens.
 */
import { oneLine } from '../core/errors.js';
import { BpeModel } from './bpeModel.js';
import { bytesToByteLevel, byteLevelToBytes } from './byteLevel.js';
import { patternFromSource, PRETOKENIZERS, type PretokenizerPattern } from './pretokenize.js';
import { Tokenizer } from './tokenizer.js';
import type { TrainedBpe } from './bpeTrainer.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface HfTokenizerJson {
  version: string;
  truncation: null;
  padding: null;
  added_tokens: HfAddedToken[];
  normalizer: null;
  pre_tokenizer: Json;
  post_processor: Json;
  decoder: Json;
  model: {
    type: 'BPE';
    dropout: null;
    unk_token: null;
    continuing_subword_prefix: null;
    end_of_word_suffix: null;
    fuse_unk: false;
    byte_fallback: false;
    ignore_merges: boolean;
    vocab: Record<string, number>;
    merges: string[];
  };
}

export interface HfAddedToken {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

function byteLevel(useRegex: boolean): Json {
  return { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: useRegex };
}

function preTokenizerJson(pattern: PretokenizerPattern): Json {
  if (pattern.source === PRETOKENIZERS.gpt2.source) return byteLevel(true);
  return {
    type: 'Sequence',
    pretokenizers: [
      { type: 'Split', pattern: { Regex: pattern.source }, behavior: 'Isolated', invert: false },
      byteLevel(false),
    ],
  };
}

/** Builds tokenizer.json for a trained model. */
export function toHfJson(trained: TrainedBpe, pattern: PretokenizerPattern): HfTokenizerJson {
  const vocab: Record<string, number> = {};
  trained.tokenBytes.forEach((bytes, id) => {
    if (bytes) vocab[bytesToByteLevel(bytes)] = id;
  });
  const added: HfAddedToken[] = [];
  for (const [content, id] of trained.specialTokens) {
    vocab[content] = id;
    added.push({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  }
  const name = (id: number): string => bytesToByteLevel(trained.tokenBytes[id]!);
  // "a b" strings: byte-level tokens never contain a space, and every tokenizers version reads this form.
  const merges = trained.merges.map(([a, b]) => `${name(a)} ${name(b)}`);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added.sort((x, y) => x.id - y.id),
    normalizer: null,
    pre_tokenizer: preTokenizerJson(pattern),
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges,
    },
  };
}

/** A Tokenizer for a trained model (no JSON round trip). */
export function tokenizerFromTrained(trained: TrainedBpe, pattern: PretokenizerPattern): Tokenizer {
  return new Tokenizer({
    model: new BpeModel(trained.tokenBytes, trained.merges, false),
    pattern,
    specialTokens: trained.specialTokens,
  });
}

export class TokenizerJsonError extends Error {
  override readonly name = 'TokenizerJsonError';

  constructor(message: string) {
    super(oneLine(message)); // it quotes the file (JSON.parse): one line, as a UserError is
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface PreTokenizerInfo {
  pattern: PretokenizerPattern;
  addPrefixSpace: boolean;
}

function readPreTokenizer(pt: unknown): PreTokenizerInfo {
  if (!isObject(pt)) throw new TokenizerJsonError('pre_tokenizer must be ByteLevel or Sequence[Split, ByteLevel]');
  if (pt.type === 'ByteLevel') {
    if (pt.use_regex === false) throw new TokenizerJsonError('ByteLevel pre_tokenizer without a regex is not supported');
    return { pattern: PRETOKENIZERS.gpt2, addPrefixSpace: pt.add_prefix_space === true };
  }
  if (pt.type === 'Sequence' && Array.isArray(pt.pretokenizers)) {
    const [split, bl, ...rest] = pt.pretokenizers as unknown[];
    if (isObject(split) && split.type === 'Split' && isObject(split.pattern) && typeof split.pattern.Regex === 'string' &&
        split.behavior === 'Isolated' && split.invert !== true && isObject(bl) && bl.type === 'ByteLevel' &&
        bl.use_regex === false && rest.length === 0) {
      try {
        return { pattern: patternFromSource(split.pattern.Regex), addPrefixSpace: bl.add_prefix_space === true };
      } catch (e) {
        throw new TokenizerJsonError(`pre_tokenizer regex is not supported in JavaScript: ${(e as Error).message}`);
      }
    }
  }
  throw new TokenizerJsonError(`unsupported pre_tokenizer ${JSON.stringify(pt).slice(0, 120)}`);
}

/** A token id: an integer from 0 to maxId. */
function checkId(id: unknown, maxId: number, what: string): asserts id is number {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) throw new TokenizerJsonError(`bad id for ${what}`);
  if (id > maxId) throw new TokenizerJsonError(`id ${id} of ${what} is past ${maxId}: ids must be numbered from 0 without large gaps`);
}

/** Loads a byte-level BPE tokenizer.json (ours or any HF/GPT-2-style one). Added tokens become special tokens. */
export function tokenizerFromHfJson(json: unknown): Tokenizer {
  if (!isObject(json) || !isObject(json.model)) throw new TokenizerJsonError('not a tokenizer.json: no model');
  const model = json.model;
  if (model.type !== 'BPE') throw new TokenizerJsonError(`model type ${String(model.type)} is not BPE`);
  if (model.byte_fallback === true || model.continuing_subword_prefix || model.end_of_word_suffix) {
    throw new TokenizerJsonError('only byte-level BPE is supported (no byte_fallback, prefixes or suffixes)');
  }
  const normalize = readNormalizer(json.normalizer);
  const { pattern, addPrefixSpace } = readPreTokenizer(json.pre_tokenizer);
  if (!isObject(model.vocab) || !Array.isArray(model.merges)) throw new TokenizerJsonError('model.vocab / model.merges missing');

  const added = Array.isArray(json.added_tokens) ? json.added_tokens : [];
  // Ids index arrays (token bytes, merge ranks): a vocabulary numbered with gaps past twice its size (an id of
  // 1e9 in a 300-token file) would allocate and walk them for nothing: refused, so memory follows the file.
  const maxId = 2 * (Object.keys(model.vocab).length + added.length) + 1024;
  const addedIds = new Map<string, number>();
  for (const t of added) {
    if (isObject(t) && typeof t.content === 'string' && typeof t.id === 'number') {
      checkId(t.id, maxId, `added token ${JSON.stringify(t.content)}`);
      addedIds.set(t.content, t.id);
    }
  }
  const tokenBytes: (Uint8Array | undefined)[] = [];
  const idOf = new Map<string, number>();
  for (const [token, id] of Object.entries(model.vocab)) {
    checkId(id, maxId, `token ${JSON.stringify(token)}`);
    if (addedIds.get(token) === id) continue;
    const bytes = byteLevelToBytes(token);
    if (!bytes) throw new TokenizerJsonError(`vocab token ${JSON.stringify(token)} is not byte-level text`);
    tokenBytes[id] = bytes;
    idOf.set(token, id);
  }
  const merges: [number, number, number][] = [];
  for (const m of model.merges as unknown[]) {
    const [left, right] = typeof m === 'string' ? splitMerge(m) : Array.isArray(m) ? (m as string[]) : [];
    const a = idOf.get(left ?? '');
    const b = idOf.get(right ?? '');
    const c = idOf.get(`${left}${right}`);
    if (a === undefined || b === undefined || c === undefined) {
      throw new TokenizerJsonError(`merge ${JSON.stringify(m)} refers to tokens missing from the vocab`);
    }
    merges.push([a, b, c]);
  }
  return new Tokenizer({
    model: new BpeModel(tokenBytes, merges, model.ignore_merges === true),
    pattern,
    specialTokens: addedIds,
    addPrefixSpace,
    ...(normalize ? { normalize } : {}),
  });
}

const UNICODE_FORMS = new Set(['NFC', 'NFKC', 'NFD', 'NFKD']);

/** null, a Unicode normalizer, or a Sequence holding one; anything else is refused. */
function readNormalizer(n: unknown): 'NFC' | 'NFKC' | 'NFD' | 'NFKD' | undefined {
  if (n === null || n === undefined) return undefined;
  if (isObject(n) && typeof n.type === 'string' && UNICODE_FORMS.has(n.type)) return n.type as 'NFC';
  if (isObject(n) && n.type === 'Sequence' && Array.isArray(n.normalizers)) {
    if (n.normalizers.length === 0) return undefined;
    if (n.normalizers.length === 1) return readNormalizer(n.normalizers[0]);
  }
  throw new TokenizerJsonError(`unsupported normalizer ${JSON.stringify(n).slice(0, 120)} (only NFC/NFKC/NFD/NFKD)`);
}

function splitMerge(m: string): [string, string] {
  const at = m.indexOf(' ', 1);
  if (at < 0) throw new TokenizerJsonError(`bad merge '${m}'`);
  return [m.slice(0, at), m.slice(at + 1)];
}
