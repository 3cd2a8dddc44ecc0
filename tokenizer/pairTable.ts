/**
 * Open-addressing hash table (linear probing, at most half full) from a pair of token ids to a number: the
 * merge rules of encoding (pair -> rank and id) and the trainer's pair counts. Replaces Map<number, number>
 * in those loops: Map keys above 2^31 are heap numbers there; the lookup was ~20% of encode time, and the
 * table halved the trainer's merge loop.
 */
export interface PairTableArrays {
  left: Int32Array;
  right: Int32Array;
  values: Float64Array;
  size: number;
}

export class PairTable {
  private left: Int32Array;
  private right: Int32Array;
  private values: Float64Array;
  private mask: number;
  size = 0;

  /**
   * Room for `expected` pairs before it grows; `absent` is what get() answers for a pair never stored.
   * With `arrays` (possibly views of a SharedArrayBuffer another thread built) it adopts them, no rehashing.
   */
  constructor(expected: number, private readonly absent: number, arrays?: PairTableArrays) {
    if (arrays) {
      ({ left: this.left, right: this.right, values: this.values } = arrays);
      this.size = arrays.size;
    } else {
      let cap = 16;
      while (cap < expected * 2) cap *= 2;
      this.left = new Int32Array(cap).fill(-1);
      this.right = new Int32Array(cap);
      this.values = new Float64Array(cap);
    }
    this.mask = this.left.length - 1;
  }

  /** The table's arrays, copied into one SharedArrayBuffer (threads adopt them with `new PairTable(0, absent, arrays)`). */
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

  /** Where the pair is, or the empty slot where it would go. Ids must be >= 0. */
  private find(a: number, b: number): number {
    let i = this.slot(a, b) & this.mask;
    for (;;) {
      const l = this.left[i]!;
      if (l === -1 || (l === a && this.right[i] === b)) return i;
      i = (i + 1) & this.mask;
    }
  }

  /** Stores the pair's value in the empty slot `i`. */
  private put(i: number, a: number, b: number, value: number): void {
    if ((this.size + 1) * 2 > this.left.length) {
      this.grow();
      i = this.find(a, b);
    }
    this.left[i] = a;
    this.right[i] = b;
    this.values[i] = value;
    this.size++;
  }

  /** Sets the value unless the pair already has one; returns whether it was set. */
  setIfAbsent(a: number, b: number, value: number): boolean {
    const i = this.find(a, b);
    if (this.left[i] !== -1) return false;
    this.put(i, a, b, value);
    return true;
  }

  /** Adds delta to the pair's value (a new pair starts at 0); returns the new value. */
  add(a: number, b: number, delta: number): number {
    const i = this.find(a, b);
    if (this.left[i] !== -1) return (this.values[i] = this.values[i]! + delta);
    this.put(i, a, b, delta);
    return delta;
  }

  /** The pair's value, or `absent`. */
  get(a: number, b: number): number {
    const i = this.find(a, b);
    return this.left[i] === -1 ? this.absent : this.values[i]!;
  }

  /** Doubles the table: every pair is stored again at its place in the larger one. */
  private grow(): void {
    const { left, right, values } = this;
    this.left = new Int32Array(left.length * 2).fill(-1);
    this.right = new Int32Array(left.length * 2);
    this.values = new Float64Array(left.length * 2);
    this.mask = left.length * 2 - 1;
    this.size = 0;
    for (let j = 0; j < left.length; j++) if (left[j] !== -1) this.put(this.find(left[j]!, right[j]!), left[j]!, right[j]!, values[j]!);
  }
}
