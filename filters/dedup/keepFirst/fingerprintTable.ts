/**
 * An open-addressing hash table from 64-bit fingerprints (already uniformly random hashes) to
 * 32-bit document ordinals, stored in one Uint32Array of 3 words per slot: 12 bytes per slot,
 * no per-entry objects, so 10M entries cost ~160-320 MB instead of the ~100+ bytes per entry of
 * a JS Map with string keys. Linear probing; doubles at 3/4 load, so memory per entry is
 * 12 / load = 16..32 bytes.
 */
const EMPTY = 0; // ordinal slots store ordinal + 1, so 0 marks an empty slot
const MAX_LOAD = 0.75;

export class FingerprintTable {
  private slots: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity) cap *= 2;
    this.slots = new Uint32Array(cap * 3);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table's storage. */
  get bytes(): number {
    return this.slots.byteLength;
  }

  /** The ordinal stored under (hi, lo), or -1. */
  get(hi: number, lo: number): number {
    const s = this.slots;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    for (;;) {
      const p = i * 3;
      const v = s[p + 2]!;
      if (v === EMPTY) return -1;
      if (s[p] === hi >>> 0 && s[p + 1] === lo >>> 0) return v - 1;
      i = (i + 1) & this.mask;
    }
  }

  /** Stores ordinal under (hi, lo) unless the key is present; returns the existing ordinal or -1. */
  setIfAbsent(hi: number, lo: number, ordinal: number): number {
    if ((this.count + 1) > (this.mask + 1) * MAX_LOAD) this.grow();
    const s = this.slots;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    for (;;) {
      const p = i * 3;
      const v = s[p + 2]!;
      if (v === EMPTY) {
        s[p] = hi;
        s[p + 1] = lo;
        s[p + 2] = ordinal + 1;
        this.count++;
        return -1;
      }
      if (s[p] === hi >>> 0 && s[p + 1] === lo >>> 0) return v - 1;
      i = (i + 1) & this.mask;
    }
  }

  /** Doubles the table: every entry is stored again at its place in the larger one. */
  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    this.count = 0;
    for (let p = 0; p < old.length; p += 3) if (old[p + 2] !== EMPTY) this.setIfAbsent(old[p]!, old[p + 1]!, old[p + 2]! - 1);
  }
}
