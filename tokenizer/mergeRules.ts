/**
 * The encoder's merge rules: (left id, right id) -> (rank, merged id), open addressing with linear probing over
 * one Int32Array, four numbers per slot, so a lookup touches one cache line (the table of a 200k vocabulary is
 * larger than the CPU caches: a lookup is mostly a memory access). Pairs of single bytes also sit in a direct
 * 64K table indexed by the two byte values: the first round of every word's merges needs no hashing. Half
 * the lookups are for pairs without a rule: a 512 KB bit filter (it stays in cache) answers most of them without
 * touching the table (1.25-1.45x on BPE of UDHR words, measured side by side).
 * All arrays can live in SharedArrayBuffers (`arrays`), so worker threads adopt rules built once.
 */
import { pairHash } from './pairTable.js';

/** The rank answered for a pair without a rule: above every real rank. */
export const NO_RULE = 0x7fffffff;

export interface MergeRulesArrays {
  /** Slot s: [4s] left id (-1: empty), [4s+1] right id, [4s+2] rank, [4s+3] merged id. */
  slots: Int32Array;
  /** Byte values (x, y) at 2 * (x * 256 + y): the rank and merged id of their single-byte tokens' rule. */
  bytePairs: Int32Array;
  /** One bit per value of the hash's top FILTER_BITS bits, set if a rule's pair has it. */
  filter: Int32Array;
  size: number;
}

const FILTER_BITS = 22;

export class MergeRules {
  private slots: Int32Array;
  private mask: number;
  private bytePairTable: Int32Array;
  private filter: Int32Array;
  size = 0;

  /** Room for `expected` rules before it grows; with `arrays` it adopts them (possibly another thread's). */
  constructor(expected: number, arrays?: MergeRulesArrays) {
    if (arrays) {
      this.slots = arrays.slots;
      this.bytePairTable = arrays.bytePairs;
      this.filter = arrays.filter;
      this.size = arrays.size;
    } else {
      let cap = 16;
      while (cap < expected * 2) cap *= 2;
      this.slots = new Int32Array(cap * 4).fill(-1);
      this.bytePairTable = new Int32Array(2 * 65536).fill(NO_RULE);
      this.filter = new Int32Array(1 << (FILTER_BITS - 5));
    }
    this.mask = this.slots.length / 4 - 1;
  }

  get arrays(): MergeRulesArrays {
    return { slots: this.slots, bytePairs: this.bytePairTable, filter: this.filter, size: this.size };
  }

  /** Index in `slots` of the pair's rule (a multiple of 4), or -1. */
  find(a: number, b: number): number {
    const h = pairHash(a, b);
    const bit = h >>> (32 - FILTER_BITS);
    if ((this.filter[bit >>> 5]! & (1 << (bit & 31))) === 0) return -1;
    const slots = this.slots;
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const i = s * 4;
      const l = slots[i]!;
      if (l === a && slots[i + 1] === b) return i;
      if (l === -1) return -1;
    }
  }

  /** The pair's rank, or NO_RULE. */
  rank(a: number, b: number): number {
    const i = this.find(a, b);
    return i < 0 ? NO_RULE : this.slots[i + 2]!;
  }

  /** Rank and merged id of the rule at `find`'s index. */
  rankAt(i: number): number {
    return this.slots[i + 2]!;
  }

  mergedAt(i: number): number {
    return this.slots[i + 3]!;
  }

  /** The direct table of single-byte pairs (see MergeRulesArrays.bytePairs); filled by `indexBytePairs`. */
  get bytePairs(): Int32Array {
    return this.bytePairTable;
  }

  /** Adds a rule unless the pair has one; returns whether it was added. Ids must be >= 0. */
  add(a: number, b: number, rank: number, merged: number): boolean {
    if (this.find(a, b) >= 0) return false;
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    let s = pairHash(a, b) & this.mask;
    while (this.slots[s * 4] !== -1) s = (s + 1) & this.mask;
    const bit = pairHash(a, b) >>> (32 - FILTER_BITS);
    this.filter[bit >>> 5] |= 1 << (bit & 31);
    const i = s * 4;
    this.slots[i] = a;
    this.slots[i + 1] = b;
    this.slots[i + 2] = rank;
    this.slots[i + 3] = merged;
    this.size++;
    return true;
  }

  /** Fills the direct byte-pair table from the rules, given byte value -> single-byte token id (-1: none). */
  indexBytePairs(byteIds: Int32Array): void {
    this.bytePairTable.fill(NO_RULE);
    for (let x = 0; x < 256; x++) {
      for (let y = 0; y < 256; y++) {
        const i = byteIds[x]! >= 0 && byteIds[y]! >= 0 ? this.find(byteIds[x]!, byteIds[y]!) : -1;
        if (i < 0) continue;
        this.bytePairTable[2 * (x * 256 + y)] = this.slots[i + 2]!;
        this.bytePairTable[2 * (x * 256 + y) + 1] = this.slots[i + 3]!;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(-1);
    this.mask = this.slots.length / 4 - 1;
    this.size = 0;
    for (let i = 0; i < old.length; i += 4) if (old[i] !== -1) this.add(old[i]!, old[i + 1]!, old[i + 2]!, old[i + 3]!);
  }
}
