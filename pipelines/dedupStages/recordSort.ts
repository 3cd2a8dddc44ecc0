/**
 * External sort of fixed-size uint32 records, lexicographic over their first `keyWords` words: records are
 * gathered up to a memory budget, put in order by an LSD radix sort (16-bit digits, stable, no comparator
 * calls), spilled as sorted runs, and merged with a binary heap. Memory: the budget plus a 64 KB buffer per
 * run while merging. Equal keys keep the order they were pushed in.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { compareRecords, RecordReader, RecordWriter } from './recordFiles.js';

/** The permutation that sorts `n` records of `data` by their first keyWords words (stable). */
function radixOrder(data: Uint32Array, n: number, words: number, keyWords: number): Uint32Array {
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let tmp = new Uint32Array(n);
  const counts = new Uint32Array(65536);
  for (let w = keyWords - 1; w >= 0; w--) {
    for (let shift = 0; shift <= 16; shift += 16) {
      counts.fill(0);
      for (let i = 0; i < n; i++) counts[(data[i * words + w]! >>> shift) & 0xffff]!++;
      if (counts[(data[w]! >>> shift) & 0xffff] === n) continue; // one digit value: the pass changes nothing
      let sum = 0;
      for (let d = 0; d < 65536; d++) {
        const c = counts[d]!;
        counts[d] = sum;
        sum += c;
      }
      for (let i = 0; i < n; i++) {
        const r = order[i]!;
        tmp[counts[(data[r * words + w]! >>> shift) & 0xffff]!++] = r;
      }
      [order, tmp] = [tmp, order];
    }
  }
  return order;
}

export interface RecordSorterOptions {
  words: number;
  keyWords: number;
  /** Bytes of records held before a sorted run is spilled (the sort's own arrays add half as much again). */
  budgetBytes: number;
  /** Where spilled runs go (deleted as they are merged, or by close()). */
  tmpDir: string;
}

export class RecordSorter {
  private readonly capacity: number;
  private buf: Uint32Array;
  private n = 0;
  private readonly runs: { path: string; count: number }[] = [];
  /** Records pushed so far. */
  count = 0;

  constructor(private readonly o: RecordSorterOptions) {
    this.capacity = Math.max(1024, Math.floor(o.budgetBytes / (o.words * 4)));
    this.buf = new Uint32Array(Math.min(this.capacity, 1 << 16) * o.words);
  }

  /** Adds one record: `data` words [at, at + words). */
  push(data: Uint32Array, at: number): void {
    const { words } = this.o;
    if (this.n * words === this.buf.length) {
      if (this.n === this.capacity) this.spill();
      else {
        const next = new Uint32Array(Math.min(this.capacity, this.n * 2) * words);
        next.set(this.buf);
        this.buf = next;
      }
    }
    const base = this.n * words;
    for (let k = 0; k < words; k++) this.buf[base + k] = data[at + k]!;
    this.n++;
    this.count++;
  }

  private spill(): void {
    const path = join(this.o.tmpDir, `sort-run-${this.runs.length}.bin`);
    const out = new RecordWriter(path, this.o.words);
    this.emitSorted((data, at) => out.write(data, at / this.o.words, 1));
    out.close();
    this.runs.push({ path, count: this.n });
    this.n = 0;
  }

  private emitSorted(fn: (data: Uint32Array, at: number) => void): void {
    const { words, keyWords } = this.o;
    const order = radixOrder(this.buf, this.n, words, keyWords);
    for (let i = 0; i < this.n; i++) fn(this.buf, order[i]! * words);
  }

  /** Calls `fn` with every record in sorted order (`data` words [at, at + words), valid during the call). */
  forEachSorted(fn: (data: Uint32Array, at: number) => void): void {
    if (this.runs.length === 0) {
      this.emitSorted(fn);
      this.n = 0;
      return;
    }
    if (this.n > 0) this.spill();
    this.buf = new Uint32Array(0);
    const { words, keyWords } = this.o;
    mergeSortedFiles(this.runs.map((r) => ({ path: r.path, first: 0, end: r.count })), words, keyWords, (data, at) => fn(data, at));
    this.close();
  }

  /** Deletes the spilled runs. */
  close(): void {
    for (const r of this.runs) rmSync(r.path, { force: true });
    this.runs.length = 0;
  }
}

/**
 * Merges record files that are each sorted by their first keyWords words, calling `fn` in sorted order with
 * the index of the file each record came from (ties: the lower index first).
 */
export function mergeSortedFiles(files: { path: string; first: number; end: number }[], words: number, keyWords: number, fn: (data: Uint32Array, at: number, file: number) => void): void {
  const readers = files.map((f) => new RecordReader(f.path, words, f.end, f.first));
  const heap: number[] = [];
  const less = (i: number, j: number) => {
    const a = readers[i]!, b = readers[j]!;
    const c = compareRecords(a.data, a.at, b.data, b.at, keyWords);
    return c < 0 || (c === 0 && i < j);
  };
  const down = (p: number) => {
    for (;;) {
      const l = 2 * p + 1, r = l + 1;
      let m = p;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === p) return;
      [heap[p], heap[m]] = [heap[m]!, heap[p]!];
      p = m;
    }
  };
  readers.forEach((r, i) => r.next() && heap.push(i));
  for (let p = (heap.length >> 1) - 1; p >= 0; p--) down(p);
  while (heap.length > 0) {
    const i = heap[0]!;
    const top = readers[i]!;
    fn(top.data, top.at, i);
    if (!top.next()) {
      heap[0] = heap[heap.length - 1]!;
      heap.pop();
    }
    if (heap.length > 0) down(0);
  }
}
