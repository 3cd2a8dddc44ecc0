/**
 * Document ids of kept documents, by ordinal, packed as UTF-8 in one growing byte arena with a
 * Float64Array of end offsets: ~(id length + 8) bytes per id instead of a JS string object each.
 * Ids are only decoded again for the (rare) duplicates that must name the document they repeat.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class IdStore {
  private bytes = new Uint8Array(1 << 16);
  private ends = new Float64Array(1024);
  private used = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Bytes held by the arena and offset arrays (capacity, not just what is used). */
  get byteLength(): number {
    return this.bytes.byteLength + this.ends.byteLength;
  }

  /** Appends an id; returns its ordinal (0, 1, 2, ...). */
  add(id: string): number {
    const need = this.used + id.length * 3;
    if (need > this.bytes.length) {
      let cap = this.bytes.length * 2;
      while (cap < need) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.bytes.subarray(0, this.used));
      this.bytes = next;
    }
    this.used += encoder.encodeInto(id, this.bytes.subarray(this.used)).written;
    if (this.count === this.ends.length) {
      const next = new Float64Array(this.ends.length * 2);
      next.set(this.ends);
      this.ends = next;
    }
    this.ends[this.count] = this.used;
    return this.count++;
  }

  get(ordinal: number): string {
    if (ordinal < 0 || ordinal >= this.count) throw new RangeError(`no id with ordinal ${ordinal}`);
    const start = ordinal === 0 ? 0 : this.ends[ordinal - 1]!;
    return decoder.decode(this.bytes.subarray(start, this.ends[ordinal]!));
  }
}
