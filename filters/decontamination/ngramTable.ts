/**
 * A set of 64-bit n-gram hashes, each with the first evaluation item it came from, in one
 * SharedArrayBuffer: worker threads read the coordinator's table in place, none builds or copies it.
 *
 * Layout (all Uint32): bucket offsets [2^bits + 1], then hi lanes [count], lo lanes [count], items
 * [count], sorted by (hi, lo). A bucket is the entries sharing the top `bits` bits of hi, 8 to 16 of
 * them: the offsets table is small (0.25-0.5 byte per n-gram, mostly in cache) and a lookup scans one
 * or two cache lines of sorted hi lanes, touching lo and item only on a hit. Memory: 12.25-12.5 bytes
 * per distinct n-gram. A plain sorted array with binary search would cost ~22 dependent probes at 4M
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
    let i = this.offsets[b]!;
    while (i < end && his[i]! < hi) i++; // a bucket's hi lanes are sorted: stop at the first not below
    for (; i < end && his[i] === hi; i++) if (this.los[i] === lo) return this.items[i]!;
    return -1;
  }

  /**
   * The table of the staged hashes. An n-gram staged more than once (shared by several items, or
   * repeated in one) is stored once, with the item that staged it first.
   */
  static build(s: NgramStaging): NgramTable {
    const n = s.count;
    const d = s.data;
    const bits = bucketBits(n);
    const shift = 32 - bits;
    const nb = 2 ** bits;
    // Counting sort by bucket, stable: within a bucket entries keep their staging order.
    const start = new Uint32Array(nb + 1);
    for (let i = 0; i < n; i++) start[(d[3 * i]! >>> shift) + 1]!++;
    for (let b = 0; b < nb; b++) start[b + 1]! += start[b]!;
    const order = new Uint32Array(n);
    const fill = start.slice(0, nb);
    for (let i = 0; i < n; i++) order[fill[d[3 * i]! >>> shift]!++] = i;
    // Each bucket sorted by (hi, lo, staging order), then repeats dropped, keeping the first staged.
    const cmp = (i: number, j: number) => d[3 * i]! - d[3 * j]! || d[3 * i + 1]! - d[3 * j + 1]! || i - j;
    const kept = new Uint32Array(nb);
    let total = 0;
    for (let b = 0; b < nb; b++) {
      const a = start[b]!;
      const e = start[b + 1]!;
      if (e - a > 32) order.subarray(a, e).sort(cmp);
      else {
        for (let p = a + 1; p < e; p++) {
          const x = order[p]!;
          let q = p;
          for (; q > a && cmp(order[q - 1]!, x) > 0; q--) order[q] = order[q - 1]!;
          order[q] = x;
        }
      }
      let k = 0;
      for (let p = a; p < e; p++) {
        const i = order[p]!;
        const last = k > 0 ? order[a + k - 1]! : -1;
        if (last < 0 || d[3 * last] !== d[3 * i] || d[3 * last + 1] !== d[3 * i + 1]) order[a + k++] = i;
      }
      kept[b] = k;
      total += k;
    }
    // Buckets were sized for the staged count; repeats removed, fewer bits may do: merging 2^shrink
    // adjacent buckets keeps the entries in order (buckets are the top bits of hi).
    const finalBits = Math.min(bits, bucketBits(total));
    const shrink = bits - finalBits;
    const buffer = new SharedArrayBuffer(4 * (2 ** finalBits + 1 + 3 * total));
    const table = new NgramTable({ bits: finalBits, count: total, buffer });
    let w = 0;
    for (let b = 0; b < nb; b++) {
      if ((b & ((1 << shrink) - 1)) === 0) table.offsets[b >>> shrink] = w;
      for (let p = start[b]!; p < start[b]! + kept[b]!; p++) {
        const i = order[p]!;
        table.his[w] = d[3 * i]!;
        table.los[w] = d[3 * i + 1]!;
        table.items[w++] = d[3 * i + 2]!;
      }
    }
    table.offsets[2 ** finalBits] = w;
    return table;
  }
}

/** Bucket bits for n entries: 8 to 16 entries a bucket (one or two cache lines of hi lanes). */
function bucketBits(n: number): number {
  return Math.max(1, Math.min(30, 28 - Math.clz32(n)));
}
