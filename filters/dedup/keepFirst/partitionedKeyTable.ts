/**
 * A leaner variant of FingerprintTable for the MinHash band index: 8 bytes per slot instead of 12.
 * The top `partitionBits` of a key's high word choose one of 2^partitionBits small open-addressing
 * tables, which store only the low word (slot = its low bits) and the ordinal. Matching compares
 * partition + low word: 32 + partitionBits = 44 key bits by default, so a lookup against N stored
 * keys falsely matches with probability ~N / 2^44 (14 bands over a 10M-document run: ~40 spurious
 * drops in 10M, far below LSH's own false-candidate rate). Each partition resizes on its own from
 * its stored low words, which is what makes dropping the rest of the high word possible.
 */
const MAX_LOAD = 0.75;
const INITIAL = 8;

export class PartitionedKeyTable {
  private readonly shift: number;
  private readonly parts: (Uint32Array | undefined)[]; // allocated on first insert
  private readonly masks: Int32Array;
  private readonly counts: Int32Array;
  private total = 0;
  private storage = 0;

  constructor(partitionBits = 12) {
    const n = 1 << partitionBits;
    this.shift = 32 - partitionBits;
    this.parts = new Array<Uint32Array | undefined>(n).fill(undefined);
    this.masks = new Int32Array(n);
    this.counts = new Int32Array(n);
  }

  get size(): number {
    return this.total;
  }

  /** Bytes held by the slot arrays. */
  get bytes(): number {
    return this.storage;
  }

  get(hi: number, lo: number): number {
    const p = hi >>> this.shift;
    const s = this.parts[p];
    if (!s) return -1;
    const mask = this.masks[p]!;
    const key = lo >>> 0;
    for (let i = key & mask; ; i = (i + 1) & mask) {
      const v = s[2 * i + 1]!;
      if (v === 0) return -1;
      if (s[2 * i] === key) return v - 1;
    }
  }

  setIfAbsent(hi: number, lo: number, ordinal: number): number {
    const p = hi >>> this.shift;
    if (!this.parts[p]) {
      this.parts[p] = new Uint32Array(INITIAL * 2);
      this.masks[p] = INITIAL - 1;
      this.storage += INITIAL * 8;
    } else if (this.counts[p]! + 1 > (this.masks[p]! + 1) * MAX_LOAD) this.grow(p);
    const s = this.parts[p]!;
    const mask = this.masks[p]!;
    const key = lo >>> 0;
    for (let i = key & mask; ; i = (i + 1) & mask) {
      const v = s[2 * i + 1]!;
      if (v === 0) {
        s[2 * i] = key;
        s[2 * i + 1] = ordinal + 1;
        this.counts[p]!++;
        this.total++;
        return -1;
      }
      if (s[2 * i] === key) return v - 1;
    }
  }

  private grow(p: number): void {
    const old = this.parts[p]!;
    const cap = (this.masks[p]! + 1) * 2;
    const s = new Uint32Array(cap * 2);
    const mask = cap - 1;
    for (let j = 0; j < old.length; j += 2) {
      const v = old[j + 1]!;
      if (v === 0) continue;
      let i = old[j]! & mask;
      while (s[2 * i + 1] !== 0) i = (i + 1) & mask;
      s[2 * i] = old[j]!;
      s[2 * i + 1] = v;
    }
    this.parts[p] = s;
    this.masks[p] = mask;
    this.storage += s.byteLength - old.byteLength;
  }
}
