/**
 * Duplicates removed per kept document (ordinal), for the cluster-size histogram: one byte per
 * kept document, with counts of 255 and more moved to a Map (large clusters are few), so 10M kept
 * documents cost ~10 MB instead of 40.
 */
const SATURATED = 255;

export class ClusterCounts {
  private counts = new Uint8Array(1024);
  private readonly big = new Map<number, number>();
  private n = 0;

  get size(): number {
    return this.n;
  }

  get byteLength(): number {
    return this.counts.byteLength + this.big.size * 16;
  }

  /** Registers kept document `ordinal` (= size) with no duplicates. */
  push(): void {
    if (this.n === this.counts.length) {
      const next = new Uint8Array(this.counts.length * 2);
      next.set(this.counts);
      this.counts = next;
    }
    this.n++;
  }

  increment(ordinal: number): void {
    const c = this.counts[ordinal]!;
    if (c < SATURATED - 1) this.counts[ordinal] = c + 1;
    else if (c === SATURATED - 1) {
      this.counts[ordinal] = SATURATED;
      this.big.set(ordinal, SATURATED);
    } else this.big.set(ordinal, this.big.get(ordinal)! + 1);
  }

  get(ordinal: number): number {
    const c = this.counts[ordinal]!;
    return c === SATURATED ? this.big.get(ordinal)! : c;
  }
}
