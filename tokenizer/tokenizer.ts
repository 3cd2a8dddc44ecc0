import { BpeModel, type SharedBpeModel } from './bpeModel.js';
import { type PretokenizerPattern } from './pretokenize.js';
import { wordScannerFor, type WordScanner } from './wordScanner.js';
import { WordCache, hashUnits } from './wordCache.js';
import { utf8Into } from './byteLevel.js';
import { IdBuffer } from './idBuffer.js';

export interface EncodeOptions {
  /** Special tokens recognised in the text: 'all', or a list. Default none: special strings are plain text. */
  allowedSpecial?: 'all' | readonly string[];
}

export interface TokenizerParts {
  model: BpeModel;
  pattern: PretokenizerPattern;
  /** Special token text -> id (ids outside or inside the model's range). */
  specialTokens?: ReadonlyMap<string, number>;
  /** Words the word cache holds before it starts over (default 100k). */
  cacheSize?: number;
  /** Prepend a space to text that does not start with one (HF ByteLevel add_prefix_space). */
  addPrefixSpace?: boolean;
  /** Unicode normalization applied before pre-tokenizing (HF NFC/NFKC/NFD/NFKD normalizers). */
  normalize?: 'NFC' | 'NFKC' | 'NFD' | 'NFKD';
}

/** A tokenizer as plain data plus shared typed arrays: sent to worker threads once (structured clone shares the memory). */
export interface SharedTokenizer {
  model: SharedBpeModel;
  pattern: PretokenizerPattern;
  specialTokens: [string, number][];
  cacheSize: number;
  addPrefixSpace: boolean;
  normalize?: 'NFC' | 'NFKC' | 'NFD' | 'NFKD';
}

const textEncoder = new TextEncoder();
// ignoreBOM: a leading U+FEFF is text the caller encoded, not a byte-order mark to strip.
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A byte-level BPE tokenizer: pre-tokenizer (a scanner for the known patterns, else the regex), then BPE per
 * word, with a bounded word -> ids cache kept across calls. Lossless: decode(encode(s)) === s for every
 * well-formed Unicode string.
 */
export class Tokenizer {
  readonly model: BpeModel;
  readonly pattern: PretokenizerPattern;
  readonly specialTokens: ReadonlyMap<string, number>;
  private readonly specialById = new Map<number, Uint8Array>();
  private readonly nextWordEnd: WordScanner;
  private readonly cache: WordCache;
  private readonly cacheSize: number;
  private readonly addPrefixSpace: boolean;
  private readonly normalizeForm?: 'NFC' | 'NFKC' | 'NFD' | 'NFKD';
  private scratch = new Uint8Array(1024);
  private readonly specialRegexes = new Map<string, RegExp>();

  constructor(parts: TokenizerParts) {
    this.model = parts.model;
    this.pattern = parts.pattern;
    this.specialTokens = parts.specialTokens ?? new Map();
    for (const [text, id] of this.specialTokens) this.specialById.set(id, textEncoder.encode(text));
    this.nextWordEnd = wordScannerFor(parts.pattern);
    this.cacheSize = parts.cacheSize ?? 100_000;
    this.cache = new WordCache(this.cacheSize);
    this.addPrefixSpace = parts.addPrefixSpace ?? false;
    this.normalizeForm = parts.normalize;
  }

  /** This tokenizer for other threads: built once here, adopted there by `fromShared` without re-parsing tokenizer.json. */
  toShared(): SharedTokenizer {
    return {
      model: this.model.toShared(),
      pattern: { ...this.pattern },
      specialTokens: [...this.specialTokens],
      cacheSize: this.cacheSize,
      addPrefixSpace: this.addPrefixSpace,
      ...(this.normalizeForm ? { normalize: this.normalizeForm } : {}),
    };
  }

  static fromShared(s: SharedTokenizer): Tokenizer {
    return new Tokenizer({
      model: BpeModel.fromShared(s.model),
      pattern: s.pattern,
      specialTokens: new Map(s.specialTokens),
      cacheSize: s.cacheSize,
      addPrefixSpace: s.addPrefixSpace,
      ...(s.normalize ? { normalize: s.normalize } : {}),
    });
  }

  /** Number of ids: model tokens and special tokens. */
  get vocabSize(): number {
    let max = this.model.size - 1;
    for (const id of this.specialTokens.values()) if (id > max) max = id;
    return max + 1;
  }

  /** The id of a special token, or undefined. */
  specialId(text: string): number | undefined {
    return this.specialTokens.get(text);
  }

  /** Encodes text; special tokens are matched only when `allowedSpecial` names them. */
  encode(text: string, options: EncodeOptions = {}): number[] {
    const out = new IdBuffer(text.length >> 2);
    const allowed = options.allowedSpecial;
    if (!allowed || (allowed !== 'all' && allowed.length === 0) || this.specialTokens.size === 0) {
      this.encodeOrdinaryIds(text, out);
      return out.toArray();
    }
    const re = this.specialRegex(allowed);
    let last = 0;
    for (const m of text.matchAll(re)) {
      this.encodeOrdinaryIds(text.slice(last, m.index), out);
      out.push(this.specialTokens.get(m[0])!);
      last = m.index + m[0].length;
    }
    this.encodeOrdinaryIds(text.slice(last), out);
    return out.toArray();
  }

  /** Encodes text with no special-token matching (tiktoken's encode_ordinary). */
  encodeOrdinary(text: string): number[] {
    const out = new IdBuffer(text.length >> 2);
    this.encodeOrdinaryIds(text, out);
    return out.toArray();
  }

  /** Appends the ids of `text` (no special tokens) to `out`. */
  encodeOrdinaryInto(text: string, out: number[]): void {
    const ids = new IdBuffer(text.length >> 2);
    this.encodeOrdinaryIds(text, ids);
    ids.appendTo(out);
  }

  /**
   * Appends the ids of `text` (no special tokens) to an IdBuffer: the hot loop, what the `tokenize` workers call.
   * Scan a word, then the cache or BPE on its UTF-8 bytes.
   */
  encodeOrdinaryIds(text: string, out: IdBuffer): void {
    if (this.normalizeForm) text = text.normalize(this.normalizeForm);
    if (this.addPrefixSpace && text.length > 0 && text[0] !== ' ') text = ' ' + text;
    const nextWordEnd = this.nextWordEnd;
    const cache = this.cache;
    const cached = cache.ids;
    for (let pos = 0; pos < text.length; ) {
      const end = nextWordEnd(text, pos);
      const hash = hashUnits(text, pos, end);
      const slot = cache.find(text, pos, end, hash);
      if (slot >= 0) {
        const from = cache.idsStart(slot);
        const count = cache.idCount(slot);
        out.reserve(count);
        const ids = out.ids;
        let at = out.length;
        for (let i = from; i < from + count; i++) ids[at++] = cached[i]!;
        out.length = at;
      } else {
        const before = out.length;
        if (this.scratch.length < (end - pos) * 3) this.scratch = new Uint8Array((end - pos) * 3);
        this.model.encodeBytes(this.scratch, utf8Into(text, pos, end, this.scratch), out);
        cache.add(text, pos, end, hash, out.ids, before, out.length);
      }
      pos = end;
    }
  }

  /** Empties the word cache (benchmarks use it to time cold encodes). */
  clearCache(): void {
    this.cache.clear();
  }

  /** Counts tokens without keeping them. */
  count(text: string, options: EncodeOptions = {}): number {
    return this.encode(text, options).length;
  }

  /** The bytes of a sequence of ids. Throws on an unknown id. */
  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const bytes = this.model.tokenBytes[id] ?? this.specialById.get(id);
      if (!bytes) throw new RangeError(`unknown token id ${id}`);
      parts.push(bytes);
      total += bytes.length;
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /** Decodes ids to text; a cut inside a multi-byte character shows as U+FFFD. */
  decode(ids: ArrayLike<number>): string {
    return utf8Decoder.decode(this.decodeBytes(ids));
  }

  private specialRegex(allowed: 'all' | readonly string[]): RegExp {
    const names = allowed === 'all' ? [...this.specialTokens.keys()] : [...allowed];
    for (const n of names) if (!this.specialTokens.has(n)) throw new Error(`unknown special token '${n}'`);
    const key = names.join('\u0000');
    let re = this.specialRegexes.get(key);
    if (!re) {
      // Longest first, so a special token that prefixes another cannot shadow it.
      const sorted = [...names].sort((a, b) => b.length - a.length);
      re = new RegExp(sorted.map(escapeRegex).join('|'), 'g');
      this.specialRegexes.set(key, re);
    }
    return re;
  }
}
