/**
 * Open-addressing hash table (linear probing) from a pair of token ids to a number. Replaces Map<number, number>
 * in the BPE inner loop: Map keys above 2^31 are heap numbers there, and the lookup was ~20% of encode time.
 */
export interface PairTableArrays {
  left: Int32Array;
  right: Int32Array;
  values: Float64Array;
  size: number;
}

export class PairTable {
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly values: Float64Array;
  private readonly mask: number;
  size = 0;

  constructor(expected: number, arrays?: PairTableArrays) {
    if (arrays) {
      // Adopted as is (possibly views of a SharedArrayBuffer another thread built): no rehashing.
      ({ left: this.left, right: this.right, values: this.values } = arrays);
      this.mask = this.left.length - 1;
      this.size = arrays.size;
      return;
    }
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.left = new Int32Array(cap).fill(-1);
    this.right = new Int32Array(cap);
    this.values = new Float64Array(cap);
    this.mask = cap - 1;
  }

  /** The table's arrays, copied into one SharedArrayBuffer (threads adopt them with `new PairTable(0, arrays)`). */
  toShared(): PairTableArrays {
    const cap = this.left.length;
    const sab = new SharedArrayBuffer(cap * 16);
    const values = new Float64Array(sab, 0, cap);
    const left = new Int32Array(sab, cap * 8, cap);
    const right = new Int32Array(sab, cap * 12, cap);
    values.set(this.values);
    left.set(this.left);
    right.set(this.right);
    return { left, right, values, size: this.size };
  }

  private slot(a: number, b: number): number {
    return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 0;
  }

  /** Sets the value unless the pair already has one; returns whether it was set. Ids must be >= 0. */
  setIfAbsent(a: number, b: number, value: number): boolean {
    if (this.size * 2 >= this.left.length) throw new Error('PairTable is full');
    let i = this.slot(a, b) & this.mask;
    for (;;) {
      const l = this.left[i]!;
      if (l === -1) {
        this.left[i] = a;
        this.right[i] = b;
        this.values[i] = value;
        this.size++;
        return true;
      }
      if (l === a && this.right[i] === b) return false;
      i = (i + 1) & this.mask;
    }
  }

  /** The pair's value, or Infinity when absent. */
  get(a: number, b: number): number {
    let i = this.slot(a, b) & this.mask;
    for (;;) {
      const l = this.left[i]!;
      if (l === -1) return Infinity;
      if (l === a && this.right[i] === b) return this.values[i]!;
      i = (i + 1) & this.mask;
    }
  }
}
