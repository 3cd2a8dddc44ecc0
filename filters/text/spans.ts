/**
 * [start, end) offsets into a text (tokens, lines, paragraphs) in a reusable growable buffer, so
 * pieces of a text can be counted and compared in place instead of cut out as substrings.
 */
export class Spans {
  starts = new Int32Array(1024);
  ends = new Int32Array(1024);
  count = 0;

  /** Empties the buffer (giving back the memory a huge document made it take). */
  reset(): void {
    this.count = 0;
    if (this.starts.length > 1 << 20) {
      this.starts = new Int32Array(1024);
      this.ends = new Int32Array(1024);
    }
  }

  add(start: number, end: number): void {
    if (this.count === this.starts.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
    }
    this.starts[this.count] = start;
    this.ends[this.count++] = end;
  }
}
