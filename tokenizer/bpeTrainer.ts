/**
 * Byte-level BPE trainer: the algorithm of HF tokenizers' BpeTrainer, reproduced step for step so that the
 * same word counts and settings give the same merges. Words start as byte symbols; pair counts are kept
 * incrementally; a max-heap of (count desc, pair asc) picks the next merge; each heap entry carries the words
 * where its pair appeared, so a merge only touches those words. Entries whose count went stale are re-queued
 * with the current count, as HF does (including its quirk of never decrementing the merged pair itself).
 */
import { BYTE_TO_CHAR } from './byteLevel.js';
import { PairTable } from './pairTable.js';

export interface TrainOptions {
  /** Target vocabulary size, counting special tokens, the byte alphabet and merges. */
  vocabSize: number;
  /** Stop when the best pair occurs fewer times than this (HF's min_frequency; 0 = no limit). */
  minFrequency?: number;
  /** Special tokens, given the first ids in this order. */
  specialTokens?: readonly string[];
  /**
   * 'all-bytes' (default) puts all 256 byte symbols in the vocabulary so any text can be encoded;
   * 'seen' keeps only bytes that occur in the training words, as HF's default BpeTrainer does.
   */
  alphabet?: 'all-bytes' | 'seen';
  /** Called every `progressEvery` merges with (merges done, vocabulary size). */
  onProgress?(merges: number, vocab: number): void;
}

export interface TrainedBpe {
  /** id -> bytes for model tokens; special tokens have no bytes here. */
  tokenBytes: (Uint8Array | undefined)[];
  /** Special token text -> id. */
  specialTokens: Map<string, number>;
  /** Merge rules in rank order: [left id, right id, merged id]. */
  merges: [number, number, number][];
}

const SHIFT = 1 << 21;
const key = (a: number, b: number): number => a * SHIFT + b;

interface Entry {
  key: number;
  count: number;
  pos: number[];
}

/** Max-heap on count, then the smaller pair first: HF's `Ord for Merge`. */
class MergeQueue {
  private items: Entry[] = [];
  get size(): number {
    return this.items.length;
  }
  private above(a: Entry, b: Entry): boolean {
    return a.count > b.count || (a.count === b.count && a.key < b.key);
  }
  push(e: Entry): void {
    const items = this.items;
    let i = items.length;
    items.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(e, items[p]!)) break;
      items[i] = items[p]!;
      i = p;
    }
    items[i] = e;
  }
  pop(): Entry | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      let i = 0;
      const n = items.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && this.above(items[r]!, items[l]!) ? r : l;
        if (!this.above(items[c]!, last)) break;
        items[i] = items[c]!;
        i = c;
      }
      items[i] = last;
    }
    return top;
  }
}

const encoder = new TextEncoder();

/** Learns merges from word counts (pre-tokenized words -> occurrences). */
export function trainBpe(wordCounts: Iterable<readonly [string, number]>, options: TrainOptions): TrainedBpe {
  const vocabSize = options.vocabSize;
  const minFrequency = options.minFrequency ?? 0;
  const tokenBytes: (Uint8Array | undefined)[] = [];
  const idByKey = new Map<string, number>();
  const specialTokens = new Map<string, number>();
  for (const s of options.specialTokens ?? []) {
    if (specialTokens.has(s)) continue;
    specialTokens.set(s, tokenBytes.length);
    tokenBytes.push(undefined);
  }

  // All words' bytes in one buffer (no object per word: memory follows the text of the distinct words).
  let allBytes = new Uint8Array(1 << 20);
  let used = 0;
  const startList: number[] = [];
  const counts: number[] = [];
  const seen = new Uint8Array(256);
  for (const [word, count] of wordCounts) {
    if (count <= 0 || word.length === 0) continue;
    if (allBytes.length - used < word.length * 3) {
      const bigger = new Uint8Array(Math.max(allBytes.length * 2, used + word.length * 3));
      bigger.set(allBytes.subarray(0, used));
      allBytes = bigger;
    }
    startList.push(used);
    used += encoder.encodeInto(word, allBytes.subarray(used)).written;
    counts.push(count);
  }
  for (let i = 0; i < used; i++) seen[allBytes[i]!] = 1;

  // The alphabet, sorted by the byte-level character's code point (HF sorts its alphabet by char).
  const alphabet = [...Array(256).keys()]
    .filter((b) => options.alphabet === 'seen' ? seen[b] === 1 : true)
    .sort((x, y) => BYTE_TO_CHAR[x]!.codePointAt(0)! - BYTE_TO_CHAR[y]!.codePointAt(0)!);
  const byteId = new Int32Array(256).fill(-1);
  for (const b of alphabet) {
    byteId[b] = tokenBytes.length;
    const bytes = Uint8Array.of(b);
    idByKey.set(String.fromCharCode(b), tokenBytes.length);
    tokenBytes.push(bytes);
  }

  // Symbols of every word in one flat array: word i lives at starts[i], with lens[i] live symbols.
  const flat = new Int32Array(used);
  for (let i = 0; i < used; i++) flat[i] = byteId[allBytes[i]!]!;
  const starts = Int32Array.from(startList);
  const lens = new Int32Array(starts.length);
  for (let i = 0; i < starts.length; i++) lens[i] = (i + 1 < starts.length ? starts[i + 1]! : used) - starts[i]!;
  allBytes = new Uint8Array(0);

  const pairCounts = new PairTable(1 << 16, 0);
  const initialPos = new Map<number, number[]>();
  for (let i = 0; i < starts.length; i++) {
    const s = flat.subarray(starts[i]!, starts[i]! + lens[i]!);
    const c = counts[i]!;
    for (let j = 0; j + 1 < s.length; j++) {
      const k = key(s[j]!, s[j + 1]!);
      pairCounts.add(s[j]!, s[j + 1]!, c);
      const pos = initialPos.get(k);
      if (pos === undefined) initialPos.set(k, [i]);
      else if (pos[pos.length - 1] !== i) pos.push(i);
    }
  }
  const queue = new MergeQueue();
  for (const [k, pos] of initialPos) {
    const c = countOf(pairCounts, k);
    if (c > 0) queue.push({ key: k, count: c, pos });
  }
  initialPos.clear();

  const rawMerges: [number, number, number][] = [];
  const keyOf = (bytes: Uint8Array): string => String.fromCharCode(...bytes);
  const whereToUpdate = new Map<number, number[]>();

  while (tokenBytes.length < vocabSize && queue.size > 0) {
    const top = queue.pop()!;
    const current = countOf(pairCounts, top.key);
    if (top.count !== current) {
      top.count = current;
      queue.push(top);
      continue;
    }
    if (top.count < 1 || minFrequency > top.count) break;

    const a = Math.floor(top.key / SHIFT);
    const b = top.key - a * SHIFT;
    const aBytes = tokenBytes[a]!;
    const bBytes = tokenBytes[b]!;
    const merged = new Uint8Array(aBytes.length + bBytes.length);
    merged.set(aBytes);
    merged.set(bBytes, aBytes.length);
    const mergedKey = keyOf(merged);
    let newId = idByKey.get(mergedKey);
    if (newId === undefined) {
      newId = tokenBytes.length;
      tokenBytes.push(merged);
      idByKey.set(mergedKey, newId);
    }
    rawMerges.push([a, b, newId]);

    for (const iw of top.pos) {
      mergeWord(flat, starts[iw]!, lens, iw, a, b, newId, counts[iw]!, pairCounts, whereToUpdate);
    }
    for (const [k, pos] of whereToUpdate) {
      const c = countOf(pairCounts, k);
      if (c > 0) queue.push({ key: k, count: c, pos });
    }
    whereToUpdate.clear();
    if (options.onProgress && rawMerges.length % 1000 === 0) options.onProgress(rawMerges.length, tokenBytes.length);
  }

  return { tokenBytes, specialTokens, merges: dedupeMerges(rawMerges) };
}

/**
 * Merges every (a, b) in one word, left to right, recording pair-count changes exactly as HF's Word::merge:
 * -1 for the pairs destroyed on each side, +1 for the pairs created (and the word joins their update list).
 */
function mergeWord(
  flat: Int32Array,
  start: number,
  lens: Int32Array,
  iw: number,
  a: number,
  b: number,
  newId: number,
  count: number,
  pairCounts: PairTable,
  whereToUpdate: Map<number, number[]>,
): void {
  // Absolute indices into the flat symbol array: this word is flat[start .. end).
  let end = start + lens[iw]!;
  for (let i = start; i < end; i++) {
    if (flat[i] !== a || i + 1 >= end || flat[i + 1] !== b) continue;
    if (i > start) {
      const prev = flat[i - 1]!;
      pairCounts.add(prev, a, -count);
      pairCounts.add(prev, newId, count);
      noteWord(whereToUpdate, key(prev, newId), iw);
    }
    flat[i] = newId;
    flat.copyWithin(i + 1, i + 2, end);
    end--;
    if (i < end - 1) {
      const next = flat[i + 1]!;
      pairCounts.add(b, next, -count);
      pairCounts.add(newId, next, count);
      noteWord(whereToUpdate, key(newId, next), iw);
    }
  }
  lens[iw] = end - start;
}

/** Records that word iw gained pair k (once per word: a word's pairs are noted consecutively). */
function noteWord(whereToUpdate: Map<number, number[]>, k: number, iw: number): void {
  const pos = whereToUpdate.get(k);
  if (pos === undefined) whereToUpdate.set(k, [iw]);
  else if (pos[pos.length - 1] !== iw) pos.push(iw);
}

function countOf(pairCounts: PairTable, k: number): number {
  const a = Math.floor(k / SHIFT);
  return pairCounts.get(a, k - a * SHIFT);
}

/** A pair merged twice (HF re-runs a pair whose count never drops) keeps its last rank, as HF saves it. */
function dedupeMerges(raw: [number, number, number][]): [number, number, number][] {
  const lastRank = new Map<number, number>();
  raw.forEach(([a, b], i) => lastRank.set(key(a, b), i));
  return raw.filter(([a, b], i) => lastRank.get(key(a, b)) === i);
}
