/**
 * eld's medium n-gram database as the typed tables EldScorer reads, and a disk cache of them.
 *
 * Building the tables means loading eld's 2 MB database module (~0.9 s through tsx's require hook on
 * the main thread, ~0.25 s in a worker) and indexing 105k n-grams (~0.2 s), in every process and every
 * worker thread that runs langid. The built tables are ~4.6 MB of typed arrays, so they are written once
 * to a cache file (keyed by eld's version and this format's version) and read back in milliseconds. The
 * cache is only a shortcut: a missing, unreadable, unwritable or damaged file means the tables are built
 * from eld as before.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomicSync } from '../../core/atomicFile.js';

/** The shape of eld's n-gram database module (`src/ngrams/*.js`). */
export interface EldNgramData {
  languages: Record<string, string>;
  ngrams: Record<string, Record<string, number>>;
}

export interface EldTables {
  /** ISO 639-1 code per language index. */
  codes: string[];
  /** Entry e lists languages langs[offsets[e]..offsets[e+1]) with scores (eld's score + 53). */
  offsets: Int32Array;
  langs: Uint8Array;
  scores: Int32Array;
  /** Open-addressing table (power-of-two size) from a packed n-gram to its entry; key 0 = empty. */
  indexKeys: Float64Array;
  indexEntries: Int32Array;
  /** 1 for UTF-16 code units eld treats as letters. */
  letter: Uint8Array;
  /** eld's byte-to-character dictionary as character codes. */
  dictCodes: Uint8Array;
}

const BASE_NGRAM_SCORE = 53;
/** Longest n-gram packed into a number: 6 codes of 8 bits stay below 2^53. */
export const MAX_PACKED = 6;
/** Bump when the table layout or its derivation changes: old cache files are then ignored. */
const FORMAT = 1;
const MAGIC = 'CFELDTB1';

/** Hash slot of a packed n-gram (< 2^48) in a power-of-two table. */
export function slotOf(key: number, mask: number): number {
  let h = Math.imul(key >>> 0, 0x9e3779b1) ^ Math.imul((key / 4294967296) | 0, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 12)) & mask;
}

export function isApostrophe(c: number): boolean {
  return c === 0x27 || c === 0x60 || c === 0x2019;
}

/**
 * @param separators eld's `separators` regex (letters are what it does not match)
 * @param dictionary eld's byte-to-character table
 */
export function buildEldTables(data: EldNgramData, separators: RegExp, dictionary: readonly string[]): EldTables {
  const count = Object.keys(data.languages).length;
  const codes = Array.from({ length: count }, (_, i) => data.languages[i]!);
  const offsets: number[] = [0];
  const langs: number[] = [];
  const scores: number[] = [];
  const grams = Object.keys(data.ngrams);
  let size = 1024;
  while (size < grams.length * 2) size *= 2;
  const indexKeys = new Float64Array(size);
  const indexEntries = new Int32Array(size);
  for (const gram of grams) {
    const entry = data.ngrams[gram]!;
    for (const lang in entry) {
      langs.push(Number(lang));
      scores.push(entry[lang]! + BASE_NGRAM_SCORE);
    }
    let key = 0;
    for (let i = 0; i < gram.length; i++) key = key * 256 + gram.charCodeAt(i);
    if (gram.length > MAX_PACKED || key === 0) throw new Error(`eld n-gram '${gram}' cannot be packed`);
    let slot = slotOf(key, size - 1);
    while (indexKeys[slot] !== 0) slot = (slot + 1) & (size - 1);
    indexKeys[slot] = key;
    indexEntries[slot] = offsets.length - 1;
    offsets.push(langs.length);
  }
  const letter = new Uint8Array(65536);
  const single = new RegExp(`^(?:${separators.source})$`, separators.flags.replace('g', ''));
  for (let c = 0; c < 65536; c++) {
    if (!isApostrophe(c) && !single.test(String.fromCharCode(c))) letter[c] = 1;
  }
  return {
    codes,
    offsets: Int32Array.from(offsets),
    langs: Uint8Array.from(langs),
    scores: Int32Array.from(scores),
    indexKeys,
    indexEntries,
    letter,
    dictCodes: Uint8Array.from(dictionary, (c) => c.charCodeAt(0)),
  };
}

const ARRAYS = ['offsets', 'langs', 'scores', 'indexKeys', 'indexEntries', 'letter', 'dictCodes'] as const;
type ArrayName = (typeof ARRAYS)[number];
const KINDS = { offsets: Int32Array, langs: Uint8Array, scores: Int32Array, indexKeys: Float64Array, indexEntries: Int32Array, letter: Uint8Array, dictCodes: Uint8Array };

/** Magic, header length, JSON header (codes, array lengths), then each array at an 8-byte boundary. */
export function encodeEldTables(t: EldTables, key: string): Buffer {
  const header = Buffer.from(JSON.stringify({ key, codes: t.codes, lengths: ARRAYS.map((n) => t[n].length) }));
  const parts: Buffer[] = [Buffer.from(MAGIC), Buffer.alloc(4), header];
  parts[1]!.writeUInt32LE(header.length);
  let size = MAGIC.length + 4 + header.length;
  for (const name of ARRAYS) {
    const pad = (8 - (size % 8)) % 8;
    const a = t[name];
    parts.push(Buffer.alloc(pad), Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    size += pad + a.byteLength;
  }
  return Buffer.concat(parts);
}

/** The tables in `bytes`, or undefined when they are not a complete encoding for `key`. */
export function decodeEldTables(bytes: Uint8Array, key: string): EldTables | undefined {
  try {
    if (Buffer.from(bytes.subarray(0, MAGIC.length)).toString('latin1') !== MAGIC) return undefined;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = view.getUint32(MAGIC.length, true);
    let at = MAGIC.length + 4;
    const header = JSON.parse(Buffer.from(bytes.subarray(at, at + headerLength)).toString('utf8')) as { key: string; codes: string[]; lengths: number[] };
    if (header.key !== key || header.lengths.length !== ARRAYS.length) return undefined;
    at += headerLength;
    // Copied into a fresh, aligned buffer: the file's bytes may sit at any offset of a pooled buffer.
    const out: Partial<Record<ArrayName, EldTables[ArrayName]>> = {};
    for (let i = 0; i < ARRAYS.length; i++) {
      const name = ARRAYS[i]!;
      const Kind = KINDS[name];
      at += (8 - (at % 8)) % 8;
      const byteLength = header.lengths[i]! * Kind.BYTES_PER_ELEMENT;
      if (at + byteLength > bytes.length) return undefined;
      const copy = new Uint8Array(byteLength);
      copy.set(bytes.subarray(at, at + byteLength));
      out[name] = new Kind(copy.buffer);
      at += byteLength;
    }
    if (at !== bytes.length) return undefined;
    const t = { codes: header.codes, ...out } as EldTables;
    const size = t.indexKeys.length;
    if (size === 0 || (size & (size - 1)) !== 0 || t.indexEntries.length !== size || t.letter.length !== 65536 || t.dictCodes.length !== 256) return undefined;
    return t;
  } catch {
    return undefined;
  }
}

/** Where cache files go: $CORPUSFORGE_CACHE_DIR, else $XDG_CACHE_HOME/corpusforge, else ~/.cache/corpusforge. */
export function cacheDir(): string {
  return process.env.CORPUSFORGE_CACHE_DIR || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'corpusforge');
}

/** The tables for `key` from the cache, else built and (best effort, atomically) cached. */
export function cachedEldTables(key: string, build: () => EldTables): EldTables {
  const file = path.join(cacheDir(), `eld-${key.replace(/[^\w.-]/g, '_')}-f${FORMAT}.bin`);
  const fullKey = `${key}/f${FORMAT}`;
  try {
    const hit = decodeEldTables(fs.readFileSync(file), fullKey);
    if (hit) return hit;
  } catch {
    // no cache yet, or unreadable: build
  }
  const tables = build();
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomicSync(file, encodeEldTables(tables, fullKey));
  } catch {
    // read-only home or full disk: the tables are built again next time
  }
  return tables;
}
