/**
 * Growable open-addressing table (pair of ids) -> count, for the trainer's pair counts. A Map keyed by
 * a * 2^21 + b works but its keys are heap numbers above 2^31; this halves the merge loop's time.
 */
export class PairCounts {
  private left: Int32Array;
  private right: Int32Array;
  private counts: Float64Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.left = new Int32Array(cap).fill(-1);
    this.right = new Int32Array(cap);
    this.counts = new Float64Array(cap);
    this.mask = cap - 1;
  }

  private static slot(a: number, b: number): number {
    return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 0;
  }

  /** Adds delta to the pair's count (creating it at 0); returns the new count. */
  add(a: number, b: number, delta: number): number {
    let i = PairCounts.slot(a, b) & this.mask;
    for (;;) {
      const l = this.left[i]!;
      if (l === -1) break;
      if (l === a && this.right[i] === b) return (this.counts[i] = this.counts[i]! + delta);
      i = (i + 1) & this.mask;
    }
    if ((this.size + 1) * 2 > this.left.length) {
      this.grow();
      return this.add(a, b, delta);
    }
    this.left[i] = a;
    this.right[i] = b;
    this.counts[i] = delta;
    this.size++;
    return delta;
  }

  /** The pair's count; 0 when never seen. */
  get(a: number, b: number): number {
    let i = PairCounts.slot(a, b) & this.mask;
    for (;;) {
      const l = this.left[i]!;
      if (l === -1) return 0;
      if (l === a && this.right[i] === b) return this.counts[i]!;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const { left, right, counts } = this;
    const cap = left.length * 2;
    this.left = new Int32Array(cap).fill(-1);
    this.right = new Int32Array(cap);
    this.counts = new Float64Array(cap);
    this.mask = cap - 1;
    this.size = 0;
    for (let j = 0; j < left.length; j++) {
      if (left[j] === -1) continue;
      let i = PairCounts.slot(left[j]!, right[j]!) & this.mask;
      while (this.left[i] !== -1) i = (i + 1) & this.mask;
      this.left[i] = left[j]!;
      this.right[i] = right[j]!;
      this.counts[i] = counts[j]!;
      this.size++;
    }
  }
}
