/**
 * A growable Int32Array of token ids: what the encoder appends to. Pushing onto a number[] that grows to a
 * million ids costs ~85 ns an id on Node 20 (measured: 1.2M pushes 104 ms; an Int32Array 7 ms, plus 30 ms to
 * copy it into a number[] at the end), about a tenth of encoding time.
 */
export class IdBuffer {
  ids: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.ids = new Int32Array(Math.max(16, capacity));
  }

  push(id: number): void {
    if (this.length === this.ids.length) this.reserve(1);
    this.ids[this.length++] = id;
  }

  pop(): number {
    return this.ids[--this.length]!;
  }

  /** Makes room for `count` more ids. */
  reserve(count: number): void {
    if (this.length + count <= this.ids.length) return;
    const grown = new Int32Array(Math.max(this.ids.length * 2, this.length + count));
    grown.set(this.ids.subarray(0, this.length));
    this.ids = grown;
  }

  /** The ids as a number[] (one copy). */
  toArray(): number[] {
    const out = new Array<number>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.ids[i]!;
    return out;
  }

  /** Appends the ids to a number[]. */
  appendTo(out: number[]): void {
    for (let i = 0; i < this.length; i++) out.push(this.ids[i]!);
  }

  /** A copy of the ids, exactly as long as they are. */
  slice(): Int32Array {
    return this.ids.slice(0, this.length);
  }
}
