/**
 * The n-grams of a run's evaluation sets, as 64-bit hashes (never strings), and the document scan
 * against them. Words are MinHash's simplified words (filters/dedup/minhash/simplify.ts: lower case,
 * no accents, punctuation or symbols, every number "0", whitespace collapsed), so a copy that differs
 * from the item in case, punctuation, accents, numbers or spacing still matches.
 *
 * An item of at least `ngram` words gives all its n-grams; an item of `minWords` to `ngram - 1` words
 * gives one n-gram, itself whole, and documents are then also checked at those lengths; a shorter item
 * is not indexed (counted as too short in the report).
 */
import { createHash } from 'node:crypto';
import { fmix32 } from '../dedup/hash.js';
import { simplifiedWordHashes } from '../dedup/minhash/simplify.js';
import { UserError } from '../../core/errors.js';
import { evalFiles, readEvalItems } from './evalItems.js';
import { NgramStaging, NgramTable, type NgramTableParts } from './ngramTable.js';
import type { DecontaminateOptions } from './options.js';

// N-gram hashes are polynomial in the word hashes, two lanes with different odd bases (mod 2^32), from
// prefix sums: any window's hash then costs two multiplications, where mixing its words one by one
// cost 2n rounds (measured: the scan ~3x slower that way). Each lane is finished with its length and
// Murmur's finaliser, so windows of different lengths differ and the top bits (the buckets) are uniform.
const B1 = 0x01000193;
const B2 = 0x5bd1e995;
const MAX_N = 64;
const POW1 = new Int32Array(MAX_N + 1);
const POW2 = new Int32Array(MAX_N + 1);
POW1[0] = POW2[0] = 1;
for (let k = 1; k <= MAX_N; k++) (POW1[k] = Math.imul(POW1[k - 1]!, B1)), (POW2[k] = Math.imul(POW2[k - 1]!, B2));

/** The 64-bit hashes (hi, lo) of any word window of the words last loaded. */
export class NgramHasher {
  private p1 = new Int32Array(1024);
  private p2 = new Int32Array(1024);

  load(words: Uint32Array): void {
    if (this.p1.length <= words.length) (this.p1 = new Int32Array(words.length + 1024)), (this.p2 = new Int32Array(words.length + 1024));
    const { p1, p2 } = this;
    for (let i = 0; i < words.length; i++) {
      p1[i + 1] = (Math.imul(p1[i]!, B1) + words[i]!) | 0;
      p2[i + 1] = (Math.imul(p2[i]!, B2) + words[i]!) | 0;
    }
  }

  hi(start: number, len: number): number {
    return fmix32(((this.p1[start + len]! - Math.imul(this.p1[start]!, POW1[len]!)) | 0) ^ len);
  }

  lo(start: number, len: number): number {
    return fmix32(((this.p2[start + len]! - Math.imul(this.p2[start]!, POW2[len]!)) | 0) ^ Math.imul(len, 0x9e3779b1));
  }
}

/** What the report says about one evaluation set's side. */
export interface EvalSetSummary {
  name: string;
  files: number;
  /** Items read. */
  items: number;
  /** Items with at least `minWords` words: the ones that can be matched. */
  indexed: number;
  /** Items under `minWords` words: never matched. */
  tooShort: number;
  /** N-grams its items gave (before n-grams shared with other items are stored once). */
  ngrams: number;
}

/** An index as one thread hands it to another (structured-clonable; the buffers are shared, not copied). */
export interface EvalIndexParts {
  ngram: number;
  /** The items' n-grams of length `ngram`. */
  table: NgramTableParts;
  /** The short items, whole (few: a small table that stays in cache while documents are looked up at every short length). */
  shortTable: NgramTableParts;
  /** Item ids as UTF-8, back to back; idEnds[i] is where item i's id ends. */
  ids: SharedArrayBuffer;
  idEnds: SharedArrayBuffer;
  /** Item numbers of set s are [setFirst[s], setFirst[s + 1]). */
  setFirst: number[];
  sets: EvalSetSummary[];
  /** Lengths under `ngram` at which whole short items were indexed. */
  shortLengths: number[];
  /** sha256 of every item's id and text, in order: the sets' identity for resume and `corpusforge run`. */
  contentHash: string;
}

export class EvalIndex {
  readonly table: NgramTable;
  readonly shortTable: NgramTable;
  private readonly ids: Buffer;
  private readonly idEnds: Uint32Array;
  /** The window lengths looked up: the short items' lengths, then `ngram`, ascending. */
  private readonly lengths: Int32Array;
  private readonly hasher = new NgramHasher();
  private his = new Uint32Array(1024);
  private los = new Uint32Array(1024);

  constructor(readonly parts: EvalIndexParts) {
    this.table = new NgramTable(parts.table);
    this.shortTable = new NgramTable(parts.shortTable);
    this.ids = Buffer.from(parts.ids);
    this.idEnds = new Uint32Array(parts.idEnds);
    this.lengths = Int32Array.from([...parts.shortLengths, parts.ngram]);
  }

  get ngram(): number {
    return this.parts.ngram;
  }

  /** Bytes held: the n-gram table and the item ids. */
  get bytes(): number {
    return this.table.bytes + this.shortTable.bytes + this.parts.ids.byteLength + this.parts.idEnds.byteLength;
  }

  /** The set (its position in the options) that item `item` belongs to. */
  setOf(item: number): number {
    const f = this.parts.setFirst;
    let s = 0;
    while (item >= f[s + 1]!) s++;
    return s;
  }

  idOf(item: number): string {
    return this.ids.toString('utf8', item === 0 ? 0 : this.idEnds[item - 1]!, this.idEnds[item]!);
  }

  /**
   * Looks up every n-gram of a document's word hashes (length `ngram`, and the short items' lengths)
   * and calls `hit` with the first word, the length and the item of each one found, by first word then
   * length. Returns the number of n-grams looked up.
   */
  scan(words: Uint32Array, hit: (start: number, length: number, item: number) => void): number {
    const W = words.length;
    const { lengths, hasher } = this;
    hasher.load(words);
    if (this.his.length < W) (this.his = new Uint32Array(W + 1024)), (this.los = new Uint32Array(W + 1024));
    const { his, los } = this;
    let checked = 0;
    const hits: number[] = []; // (start, length, item) triples
    for (let l = 0; l < lengths.length; l++) {
      const len = lengths[l]!;
      const m = W - len + 1;
      if (m <= 0) break;
      const table = len === this.parts.ngram ? this.table : this.shortTable;
      // All hashes first, then all lookups: a loop of independent lookups lets the processor wait for
      // several cache misses at once (measured on 4,000 documents against a 29 MB table: 1.8-2.2 s of
      // CPU hashing and looking up in one loop, 0.9 s this way).
      for (let s = 0; s < m; s++) (his[s] = hasher.hi(s, len)), (los[s] = hasher.lo(s, len));
      for (let s = 0; s < m; s++) {
        const item = table.find(his[s]!, los[s]!);
        if (item >= 0) hits.push(s, len, item);
      }
      checked += m;
    }
    const order = Array.from({ length: hits.length / 3 }, (_, i) => i).sort((a, b) => hits[3 * a]! - hits[3 * b]! || hits[3 * a + 1]! - hits[3 * b + 1]!);
    for (const i of order) hit(hits[3 * i]!, hits[3 * i + 1]!, hits[3 * i + 2]!);
    return checked;
  }
}

/** Stages the n-grams of one item's words; returns how many (0: too short). */
function stageItem(words: Uint32Array, o: { ngram: number; minWords: number }, item: number, hasher: NgramHasher, staging: { full: NgramStaging; short: NgramStaging }, shortLengths: Set<number>): number {
  const W = words.length;
  if (W < o.minWords) return 0;
  const len = Math.min(o.ngram, W);
  if (len < o.ngram) shortLengths.add(len);
  hasher.load(words);
  const into = len < o.ngram ? staging.short : staging.full;
  for (let s = 0; s + len <= W; s++) into.add(hasher.hi(s, len), hasher.lo(s, len), item);
  return W - len + 1;
}

/** Reads every evaluation set of the options and builds their index. */
export async function buildEvalIndex(o: Pick<DecontaminateOptions, 'sets' | 'ngram' | 'minWords'>): Promise<EvalIndex> {
  const staging = { full: new NgramStaging(), short: new NgramStaging() };
  const hasher = new NgramHasher();
  const shortLengths = new Set<number>();
  const ids: string[] = [];
  const setFirst: number[] = [0];
  const sets: EvalSetSummary[] = [];
  const content = createHash('sha256');
  let buf = new Uint32Array(4096);
  for (const set of o.sets) {
    const files = await evalFiles(set);
    const summary: EvalSetSummary = { name: set.name, files: files.length, items: 0, indexed: 0, tooShort: 0, ngrams: 0 };
    for await (const item of readEvalItems(set, files)) {
      content.update(`${item.id}\u0000${item.text}\u0000`);
      if (buf.length < (item.text.length >> 1) + 1) buf = new Uint32Array((item.text.length >> 1) + 1);
      const words = simplifiedWordHashes(item.text, buf);
      const staged = stageItem(words, o, ids.length, hasher, staging, shortLengths);
      summary.items++;
      if (staged === 0) {
        summary.tooShort++;
        continue;
      }
      summary.indexed++;
      summary.ngrams += staged;
      ids.push(item.id);
    }
    if (summary.indexed === 0) {
      const fields = set.fields.join(', ');
      throw new UserError(
        `step 'decontaminate': set '${set.name}': none of its ${summary.items} items has ${o.minWords} words or more (fields: ${fields}); nothing could ever match it`,
      );
    }
    sets.push(summary);
    setFirst.push(ids.length);
  }
  const encoded = ids.map((id) => Buffer.from(id, 'utf8'));
  const idBytes = new SharedArrayBuffer(encoded.reduce((n, b) => n + b.length, 0));
  const idEnds = new SharedArrayBuffer(4 * ids.length);
  const ends = new Uint32Array(idEnds);
  let at = 0;
  encoded.forEach((b, i) => {
    Buffer.from(idBytes).set(b, at);
    ends[i] = at += b.length;
  });
  return new EvalIndex({
    ngram: o.ngram,
    table: NgramTable.build(staging.full).parts,
    shortTable: NgramTable.build(staging.short).parts,
    ids: idBytes,
    idEnds,
    setFirst,
    sets,
    shortLengths: [...shortLengths].sort((a, b) => a - b),
    contentHash: content.digest('hex'),
  });
}
