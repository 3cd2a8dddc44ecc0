import { NO_RULE, type MergeRules } from './mergeRules.js';
import type { IdBuffer } from './idBuffer.js';

/**
 * BPE by repeated merging, the rule's own statement: merge the adjacent pair of lowest rank (leftmost on ties)
 * until no rule applies. A flat quadratic scan for words up to 96 bytes, a linked list + heap above that. It also
 * derives the model's tables: run on a token's own bytes, its last merge is the rule that makes the token.
 */
export class PairMerger {
  /** The pair of the last merge `merge` made. */
  lastLeft = -1;
  lastRight = -1;
  /** Whether the rules' direct byte-pair table is filled (not yet while the rules are being derived). */
  bytePairsReady = false;
  // Scratch buffers reused across calls (the encoder is single-threaded): per symbol, and per pair (i, i + 1)
  // the rank and merged id of its rule.
  private sym = new Int32Array(256);
  private rank = new Int32Array(256);
  private merged = new Int32Array(256);

  /** `byteIds`: byte value -> single-byte token id, or -1. */
  constructor(private readonly rules: MergeRules, private readonly byteIds: Int32Array) {}

  /** Appends the ids of the word bytes[0, n) to `out`. */
  merge(bytes: Uint8Array, n: number, out: IdBuffer): void {
    this.lastLeft = this.lastRight = -1;
    if (n <= 96) this.small(bytes, n, out);
    else this.large(bytes, n, out);
  }

  /** The id of a single byte, or -1. */
  byteIdOrNone(b: number): number {
    return this.byteIds[b]!;
  }

  /** The id of a single byte; throws when the vocabulary has none. */
  byteId(b: number): number {
    const id = this.byteIds[b]!;
    if (id < 0) throw new Error(`the vocabulary has no token for byte 0x${b.toString(16)}`);
    return id;
  }

  /** Sets rank[i] and merged[i] to the rule of (a, b). */
  private lookup(i: number, a: number, b: number): void {
    const s = this.rules.find(a, b);
    if (s < 0) {
      this.rank[i] = NO_RULE;
    } else {
      this.rank[i] = this.rules.rankAt(s);
      this.merged[i] = this.rules.mergedAt(s);
    }
  }

  /** Quadratic scan over a flat array: fastest for the short words that dominate text. */
  private small(bytes: Uint8Array, length: number, out: IdBuffer): void {
    let n = length;
    if (this.sym.length < n) {
      this.sym = new Int32Array(n * 2);
      this.rank = new Int32Array(n * 2);
      this.merged = new Int32Array(n * 2);
    }
    const { sym, rank, merged } = this;
    for (let i = 0; i < n; i++) sym[i] = this.byteId(bytes[i]!);
    if (this.bytePairsReady) {
      const pairs = this.rules.bytePairs;
      for (let i = 0; i < n - 1; i++) {
        const p = (bytes[i]! << 9) | (bytes[i + 1]! << 1);
        rank[i] = pairs[p]!;
        merged[i] = pairs[p + 1]!;
      }
    } else {
      for (let i = 0; i < n - 1; i++) this.lookup(i, sym[i]!, sym[i + 1]!);
    }
    for (;;) {
      let best = NO_RULE;
      let at = -1;
      for (let i = 0; i < n - 1; i++) {
        if (rank[i]! < best) {
          best = rank[i]!;
          at = i;
        }
      }
      if (at < 0) break;
      this.lastLeft = sym[at]!;
      this.lastRight = sym[at + 1]!;
      sym[at] = merged[at]!;
      for (let i = at + 1; i < n - 1; i++) {
        sym[i] = sym[i + 1]!;
        rank[i] = rank[i + 1]!;
        merged[i] = merged[i + 1]!;
      }
      n--;
      if (at > 0) this.lookup(at - 1, sym[at - 1]!, sym[at]!);
      if (at < n - 1) this.lookup(at, sym[at]!, sym[at + 1]!);
    }
    out.reserve(n);
    for (let i = 0; i < n; i++) out.ids[out.length++] = sym[i]!;
  }

  /** Linked list + binary heap of (rank, position): n log n for long words (whitespace runs, CJK lines). */
  private large(bytes: Uint8Array, n: number, out: IdBuffer): void {
    const sym = new Int32Array(n);
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      sym[i] = this.byteId(bytes[i]!);
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    const heap = new PairHeap(n);
    for (let i = 0; i < n - 1; i++) {
      const r = this.rules.rank(sym[i]!, sym[i + 1]!);
      if (r !== NO_RULE) heap.push(r, i);
    }
    while (heap.size > 0) {
      const rank = heap.topRank();
      const pos = heap.pop();
      const right = next[pos]!;
      if (sym[pos]! < 0 || right < 0) continue;
      // Entries go stale when a neighbour merged first; re-check the pair still has this rank.
      const s = this.rules.find(sym[pos]!, sym[right]!);
      if (s < 0 || this.rules.rankAt(s) !== rank) continue;
      this.lastLeft = sym[pos]!;
      this.lastRight = sym[right]!;
      sym[pos] = this.rules.mergedAt(s);
      sym[right] = -1;
      const after = next[right]!;
      next[pos] = after;
      if (after >= 0) prev[after] = pos;
      const before = prev[pos]!;
      if (before >= 0) {
        const r = this.rules.rank(sym[before]!, sym[pos]!);
        if (r !== NO_RULE) heap.push(r, before);
      }
      if (after >= 0) {
        const r = this.rules.rank(sym[pos]!, sym[after]!);
        if (r !== NO_RULE) heap.push(r, pos);
      }
    }
    for (let i = 0; i >= 0; i = next[i]!) out.push(sym[i]!);
  }
}

/** Min-heap of (rank, position), ordered by rank then position (leftmost first on ties). */
class PairHeap {
  private ranks: Int32Array;
  private pos: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.ranks = new Int32Array(Math.max(4, capacity));
    this.pos = new Int32Array(Math.max(4, capacity));
  }
  private less(i: number, j: number): boolean {
    const a = this.ranks[i]!;
    const b = this.ranks[j]!;
    return a < b || (a === b && this.pos[i]! < this.pos[j]!);
  }
  private swap(i: number, j: number): void {
    const r = this.ranks[i]!;
    this.ranks[i] = this.ranks[j]!;
    this.ranks[j] = r;
    const p = this.pos[i]!;
    this.pos[i] = this.pos[j]!;
    this.pos[j] = p;
  }
  push(rank: number, position: number): void {
    if (this.size === this.ranks.length) {
      const r = new Int32Array(this.size * 2);
      r.set(this.ranks);
      const p = new Int32Array(this.size * 2);
      p.set(this.pos);
      this.ranks = r;
      this.pos = p;
    }
    let i = this.size++;
    this.ranks[i] = rank;
    this.pos[i] = position;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  topRank(): number {
    return this.ranks[0]!;
  }
  pop(): number {
    const top = this.pos[0]!;
    const last = --this.size;
    if (last > 0) {
      this.ranks[0] = this.ranks[last]!;
      this.pos[0] = this.pos[last]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < last && this.less(l, m)) m = l;
        if (r < last && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}
