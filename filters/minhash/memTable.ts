/**
 * The in-memory part of the disk-backed key index: a fixed-capacity table of (64-bit key,
 * ordinal) entries in insertion order (three Uint32Arrays) plus an open-addressing hash index
 * over them (Int32 entry numbers, load <= 1/2). When full, `sortedEntries()` hands the entries
 * sorted by key (LSD radix sort, 4 passes of 16 bits, O(n), no comparator calls) to be written as
 * a sorted run, and `clear()` makes it reusable without reallocating: its memory stays fixed.
 * Bytes per entry: 12 (entries) + 8 (index) + 12 (sort scratch) = 32.
 */
const EMPTY = -1;

export const MEMTABLE_BYTES_PER_KEY = 32;

export class MemTable {
  readonly capacity: number;
  private readonly his: Uint32Array;
  private readonly los: Uint32Array;
  private readonly ords: Uint32Array;
  private readonly index: Int32Array;
  private readonly mask: number;
  private count = 0;
  // Radix sort scratch, allocated with the table so a flush allocates nothing big.
  private readonly tmpHi: Uint32Array;
  private readonly tmpLo: Uint32Array;
  private readonly tmpOrd: Uint32Array;

  constructor(capacity: number) {
    this.capacity = Math.max(1, Math.floor(capacity));
    let slots = 2;
    while (slots < this.capacity * 2) slots *= 2;
    this.index = new Int32Array(slots).fill(EMPTY);
    this.mask = slots - 1;
    this.his = new Uint32Array(this.capacity);
    this.los = new Uint32Array(this.capacity);
    this.ords = new Uint32Array(this.capacity);
    this.tmpHi = new Uint32Array(this.capacity);
    this.tmpLo = new Uint32Array(this.capacity);
    this.tmpOrd = new Uint32Array(this.capacity);
  }

  get size(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count >= this.capacity;
  }

  get bytes(): number {
    return this.index.byteLength + 6 * this.his.byteLength;
  }

  /** The ordinal stored under (hi, lo), or -1. */
  get(hi: number, lo: number): number {
    const h = hi >>> 0;
    const l = lo >>> 0;
    for (let i = (l ^ Math.imul(h, 0x9e3779b1)) & this.mask; ; i = (i + 1) & this.mask) {
      const e = this.index[i]!;
      if (e === EMPTY) return -1;
      if (this.his[e] === h && this.los[e] === l) return this.ords[e]!;
    }
  }

  /** Stores a key that is not in the table yet (the caller looked it up first). Throws when full. */
  add(hi: number, lo: number, ordinal: number): void {
    if (this.count >= this.capacity) throw new RangeError('memtable is full');
    const h = hi >>> 0;
    const l = lo >>> 0;
    let i = (l ^ Math.imul(h, 0x9e3779b1)) & this.mask;
    while (this.index[i] !== EMPTY) i = (i + 1) & this.mask;
    const e = this.count++;
    this.index[i] = e;
    this.his[e] = h;
    this.los[e] = l;
    this.ords[e] = ordinal;
  }

  /** The entries sorted by (hi, lo) unsigned; views into the table, valid until the next add/clear. */
  sortedEntries(): { his: Uint32Array; los: Uint32Array; ords: Uint32Array } {
    const n = this.count;
    let src = [this.his, this.los, this.ords] as const;
    let dst = [this.tmpHi, this.tmpLo, this.tmpOrd] as const;
    const counts = new Uint32Array(65537);
    // Least significant digit first: lo low 16, lo high 16, hi low 16, hi high 16.
    for (let pass = 0; pass < 4; pass++) {
      const word = pass < 2 ? src[1] : src[0];
      const shift = pass % 2 === 0 ? 0 : 16;
      counts.fill(0);
      for (let i = 0; i < n; i++) counts[((word[i]! >>> shift) & 0xffff) + 1]!++;
      for (let d = 1; d <= 65536; d++) counts[d]! += counts[d - 1]!;
      for (let i = 0; i < n; i++) {
        const at = counts[(word[i]! >>> shift) & 0xffff]!++;
        dst[0][at] = src[0][i]!;
        dst[1][at] = src[1][i]!;
        dst[2][at] = src[2][i]!;
      }
      [src, dst] = [dst, src];
    }
    // After an even number of passes the sorted data is back in the primary arrays, so the hash
    // index (entry numbers) is stale from here on: the caller clears the table after writing.
    return { his: src[0].subarray(0, n), los: src[1].subarray(0, n), ords: src[2].subarray(0, n) };
  }

  clear(): void {
    this.index.fill(EMPTY);
    this.count = 0;
  }
}
