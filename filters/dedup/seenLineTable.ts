/**
 * 64-bit keys with saturating 16-bit counts in an open-addressing table (linear probing): 10 bytes per
 * slot, at most half full, so ~20 bytes per key held. When `maxEntries` distinct keys are held, entries
 * seen only once are dropped (one-off lines are most lines, boilerplate is what repeats); if that frees
 * less than a quarter, everything is dropped. Both happen at points fixed by the sequence of keys, so
 * replaying the same keys (resume) rebuilds the same table.
 */
export class SeenLineTable {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private count: Uint16Array;
  private size = 0;
  private readonly mask: number;
  evictions = 0;

  /** Counts stop here (a key on more pages than this counts as on this many). */
  static readonly MAX_COUNT = 0xffff;
  /** Bytes per slot: two 32-bit key halves and a 16-bit count. */
  static readonly SLOT_BYTES = 10;

  constructor(readonly maxEntries: number) {
    let cap = 1024;
    while (cap < maxEntries * 2) cap *= 2;
    this.mask = cap - 1;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.count = new Uint16Array(cap); // 0 = empty slot
  }

  get entries(): number {
    return this.size;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  private find(hi: number, lo: number): number {
    let s = (hi ^ Math.imul(lo, 0x9e3779b1)) & this.mask;
    while (this.count[s] !== 0 && (this.hi[s] !== hi || this.lo[s] !== lo)) s = (s + 1) & this.mask;
    return s;
  }

  /** How many times the key was added (0 to MAX_COUNT). */
  get(hi: number, lo: number): number {
    return this.count[this.find(hi, lo)]!;
  }

  add(hi: number, lo: number): void {
    const s = this.find(hi, lo);
    const c = this.count[s]!;
    if (c !== 0) {
      if (c < SeenLineTable.MAX_COUNT) this.count[s] = c + 1;
      return;
    }
    if (this.size >= this.maxEntries) {
      this.evict();
      return this.add(hi, lo);
    }
    this.hi[s] = hi;
    this.lo[s] = lo;
    this.count[s] = 1;
    this.size++;
  }

  private evict(): void {
    this.evictions++;
    const { hi, lo, count } = this;
    this.hi = new Uint32Array(hi.length);
    this.lo = new Uint32Array(lo.length);
    this.count = new Uint16Array(count.length);
    this.size = 0;
    let repeated = 0;
    for (let s = 0; s < count.length; s++) if (count[s]! > 1) repeated++;
    if (repeated > (this.maxEntries * 3) / 4) return;
    for (let s = 0; s < count.length; s++) {
      if (count[s]! <= 1) continue;
      const t = this.find(hi[s]!, lo[s]!);
      this.hi[t] = hi[s]!;
      this.lo[t] = lo[s]!;
      this.count[t] = count[s]!;
      this.size++;
    }
  }
}
