/**
 * A set of 64-bit n-gram hashes, each with the first evaluation item it came from, in one
 * SharedArrayBuffer: worker threads read the coordinator's table in place, none builds or copies it.
 *
 * Layout (all Uint32): bucket offsets [2^bits + 1], then hi lanes [count], lo lanes [count], items
 * [count]. Entries are grouped by the top `bits` bits of hi (a counting sort), 2^bits <= count, so a
 * bucket holds one or two entries on average and a lookup reads two cache lines: its offsets and its
 * entries. Memory: 12 bytes per distinct n-gram plus 4 * 2^bits for the offsets, at most 16 bytes.
 * A sorted array with binary search would save the offsets but cost ~23 dependent probes at 5M
 * n-grams; an open-addressing table at load 0.5 would need 24 bytes per n-gram.
 */

/** Hashes added one by one while the evaluation sets are read: (hi, lo, item) triples, growable, not shared. */
export class NgramStaging {
  data = new Uint32Array(3 * 1024);
  count = 0;

  add(hi: number, lo: number, item: number): void {
    const at = 3 * this.count++;
    if (at === this.data.length) {
      const bigger = new Uint32Array(2 * at);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[at] = hi;
    this.data[at + 1] = lo;
    this.data[at + 2] = item;
  }
}

/** What a table is made of: structured-clonable, so a worker thread receives the same memory. */
export interface NgramTableParts {
  bits: number;
  count: number;
  buffer: SharedArrayBuffer;
}

export class NgramTable {
  readonly bits: number;
  readonly count: number;
  readonly buffer: SharedArrayBuffer;
  private readonly shift: number;
  private readonly offsets: Uint32Array;
  private readonly his: Uint32Array;
  private readonly los: Uint32Array;
  private readonly items: Uint32Array;

  constructor(parts: NgramTableParts) {
    this.bits = parts.bits;
    this.count = parts.count;
    this.buffer = parts.buffer;
    this.shift = 32 - parts.bits;
    const nb = 2 ** parts.bits + 1;
    this.offsets = new Uint32Array(parts.buffer, 0, nb);
    this.his = new Uint32Array(parts.buffer, 4 * nb, parts.count);
    this.los = new Uint32Array(parts.buffer, 4 * (nb + parts.count), parts.count);
    this.items = new Uint32Array(parts.buffer, 4 * (nb + 2 * parts.count), parts.count);
  }

  get parts(): NgramTableParts {
    return { bits: this.bits, count: this.count, buffer: this.buffer };
  }

  get bytes(): number {
    return this.buffer.byteLength;
  }

  /** The item of the entry with this hash, or -1 when the hash is not in the table. */
  find(hi: number, lo: number): number {
    const b = hi >>> this.shift;
    const end = this.offsets[b + 1]!;
    const his = this.his;
    for (let i = this.offsets[b]!; i < end; i++) if (his[i] === hi && this.los[i] === lo) return this.items[i]!;
    return -1;
  }

  /**
   * The table of the staged hashes. An n-gram staged more than once (shared by several items, or
   * repeated in one) is stored once, with the item that staged it first.
   */
  static build(s: NgramStaging): NgramTable {
    const n = s.count;
    const d = s.data;
    const bits = n < 4 ? 1 : Math.min(30, 31 - Math.clz32(n));
    const shift = 32 - bits;
    const nb = 2 ** bits;
    // Counting sort by bucket, stable: within a bucket entries keep their staging order.
    const start = new Uint32Array(nb + 1);
    for (let i = 0; i < n; i++) start[(d[3 * i]! >>> shift) + 1]!++;
    for (let b = 0; b < nb; b++) start[b + 1]! += start[b]!;
    const order = new Uint32Array(n);
    const fill = start.slice(0, nb);
    for (let i = 0; i < n; i++) order[fill[d[3 * i]! >>> shift]!++] = i;
    // Drop repeats within each bucket, keeping the first staged: the distinct entries of a bucket are
    // compacted to the front of its range, and each entry is compared with those only (a hash shared by
    // thousands of items costs one comparison each, not thousands).
    const kept = new Uint32Array(nb);
    let total = 0;
    for (let b = 0; b < nb; b++) {
      const first = start[b]!;
      let k = 0;
      for (let p = first; p < start[b + 1]!; p++) {
        const i = order[p]!;
        let q = first;
        while (q < first + k && (d[3 * order[q]!] !== d[3 * i] || d[3 * order[q]! + 1] !== d[3 * i + 1])) q++;
        if (q === first + k) order[first + k++] = i;
      }
      kept[b] = k;
      total += k;
    }
    const buffer = new SharedArrayBuffer(4 * (nb + 1 + 3 * total));
    const table = new NgramTable({ bits, count: total, buffer });
    let w = 0;
    for (let b = 0; b < nb; b++) {
      table.offsets[b] = w;
      for (let p = start[b]!; p < start[b]! + kept[b]!; p++) {
        const i = order[p]!;
        table.his[w] = d[3 * i]!;
        table.los[w] = d[3 * i + 1]!;
        table.items[w++] = d[3 * i + 2]!;
      }
    }
    table.offsets[nb] = w;
    return table;
  }
}
