/**
 * Open-addressing hash table (linear probing, at most half full) from a pair of token ids to a number: the
 * trainer's pair counts. Replaces Map<number, number> there (Map keys above 2^31 are heap numbers); it halved
 * the trainer's merge loop. (The encoder's rules are tokenizer/mergeRules.ts: a different layout for reads.)
 */
/** Hash of a pair of ids (>= 0), shared with the encoder's rules table. */
export function pairHash(a: number, b: number): number {
  return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 0;
}

export class PairTable {
  private left: Int32Array;
  private right: Int32Array;
  private values: Float64Array;
  private mask: number;
  size = 0;

  /** Room for `expected` pairs before it grows; `absent` is what get() answers for a pair never stored. */
  constructor(expected: number, private readonly absent: number) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.left = new Int32Array(cap).fill(-1);
    this.right = new Int32Array(cap);
    this.values = new Float64Array(cap);
    this.mask = cap - 1;
  }

  /** Where the pair is, or the empty slot where it would go. Ids must be >= 0. */
  private find(a: number, b: number): number {
    let i = pairHash(a, b) & this.mask;
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
