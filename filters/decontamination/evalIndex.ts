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
import { fmix32, mixWord } from '../dedup/hash.js';
import { simplifiedWordHashes } from '../dedup/minhash/simplify.js';
import { UserError } from '../../core/errors.js';
import { evalFiles, readEvalItems } from './evalItems.js';
import { NgramStaging, NgramTable, type NgramTableParts } from './ngramTable.js';
import type { DecontaminateOptions } from './options.js';

const SEED_HI = 0x2545f491;
const SEED_LO = 0x6b43a9b5;
const LANE_LO = 0x27d4eb2f; // the lo lane mixes each word xor this, so the lanes see different input
const finishHi = (h: number, len: number) => fmix32(h ^ len);
const finishLo = (h: number, len: number) => fmix32(h ^ Math.imul(len, 0x9e3779b1));

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
  table: NgramTableParts;
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
  private readonly ids: Buffer;
  private readonly idEnds: Uint32Array;
  private readonly short: Uint8Array;
  private readonly maxShort: number;
  private readonly minLength: number;

  constructor(readonly parts: EvalIndexParts) {
    this.table = new NgramTable(parts.table);
    this.ids = Buffer.from(parts.ids);
    this.idEnds = new Uint32Array(parts.idEnds);
    this.short = new Uint8Array(parts.ngram + 1);
    for (const l of parts.shortLengths) this.short[l] = 1;
    this.maxShort = Math.max(0, ...parts.shortLengths);
    this.minLength = Math.min(parts.ngram, ...parts.shortLengths);
  }

  get ngram(): number {
    return this.parts.ngram;
  }

  /** Bytes held: the n-gram table and the item ids. */
  get bytes(): number {
    return this.table.bytes + this.parts.ids.byteLength + this.parts.idEnds.byteLength;
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
   * and calls `hit` with the first word, the length and the item of each one found. Returns the number
   * of n-grams looked up.
   */
  scan(words: Uint32Array, hit: (start: number, length: number, item: number) => void): number {
    const n = this.parts.ngram;
    const W = words.length;
    const { short, maxShort, table } = this;
    let checked = 0;
    for (let s = 0; s + this.minLength <= W; s++) {
      const reach = W - s >= n ? n : Math.min(W - s, maxShort);
      let h1 = SEED_HI;
      let h2 = SEED_LO;
      for (let j = 0; j < reach; j++) {
        const w = words[s + j]!;
        h1 = mixWord(h1, w);
        h2 = mixWord(h2, w ^ LANE_LO);
        const len = j + 1;
        if (len !== n && short[len] === 0) continue;
        checked++;
        const item = table.find(finishHi(h1, len), finishLo(h2, len));
        if (item >= 0) hit(s, len, item);
      }
    }
    return checked;
  }
}

/** Stages the n-grams of one item's words; returns how many (0: too short). */
function stageItem(words: Uint32Array, n: number, minWords: number, item: number, staging: NgramStaging, shortLengths: Set<number>): number {
  const W = words.length;
  if (W < minWords) return 0;
  const len = Math.min(n, W);
  if (len < n) shortLengths.add(len);
  for (let s = 0; s + len <= W; s++) {
    let h1 = SEED_HI;
    let h2 = SEED_LO;
    for (let j = 0; j < len; j++) {
      h1 = mixWord(h1, words[s + j]!);
      h2 = mixWord(h2, words[s + j]! ^ LANE_LO);
    }
    staging.add(finishHi(h1, len), finishLo(h2, len), item);
  }
  return W - len + 1;
}

/** Reads every evaluation set of the options and builds their index. */
export async function buildEvalIndex(o: Pick<DecontaminateOptions, 'sets' | 'ngram' | 'minWords'>): Promise<EvalIndex> {
  const staging = new NgramStaging();
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
      const staged = stageItem(words, o.ngram, o.minWords, ids.length, staging, shortLengths);
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
    table: NgramTable.build(staging).parts,
    ids: idBytes,
    idEnds,
    setFirst,
    sets,
    shortLengths: [...shortLengths].sort((a, b) => a - b),
    contentHash: content.digest('hex'),
  });
}
