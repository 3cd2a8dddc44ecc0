/**
 * The disk-backed key index of the keep-first dedup index (an LSM tree in miniature): band keys
 * of kept documents go into a fixed-size in-memory table; when it is full it is written out as a
 * sorted run file (sortedRun.ts), of which only a Bloom filter and a sparse block index stay in
 * memory. Runs are merged size-tiered: `fanIn` runs of the same level are merged (one streaming
 * k-way pass) into one run of the next level, so a key is rewritten about log_fanIn(keys /
 * memtable) times and at most (fanIn - 1) runs per level are probed.
 *
 * All bands share one store: band k's key is XORed with a per-band salt, so equal keys of
 * different bands stay distinct (a cross-band collision is a 2^-64 event). Lookups are exact
 * 64-bit comparisons, so decisions never depend on when runs were flushed or merged.
 */
import { join } from 'node:path';
import { seededWords } from '../hash.js';
import { MemTable, MEMTABLE_BYTES_PER_KEY } from './memTable.js';
import { RunWriter, SortedRun, type RunCursor } from './sortedRun.js';

export interface DiskKeyStoreOptions {
  /** Directory for run files; must exist and be owned by this store alone. */
  dir: string;
  /** Bytes for the in-memory table (32 per key); Bloom filters and sparse indexes come on top. */
  memoryBytes: number;
  /** Bloom filter bits per key (10: ~1% of absent-key probes read a block). */
  bitsPerKey?: number;
  /** Runs of one level merged at once. */
  fanIn?: number;
}

interface LevelledRun {
  run: SortedRun;
  level: number;
}

export class DiskKeyStore {
  readonly numKeys: number;
  private readonly dir: string;
  private readonly mem: MemTable;
  private readonly saltHi: Uint32Array;
  private readonly saltLo: Uint32Array;
  private readonly bitsPerKey: number;
  private readonly fanIn: number;
  private runs: LevelledRun[] = []; // oldest first; levels never increase from old to new
  private nextFile = 0;
  /** Memtable flushes and run merges so far (for the report and tests). */
  spills = 0;
  compactions = 0;

  constructor(numKeys: number, options: DiskKeyStoreOptions) {
    this.numKeys = numKeys;
    this.dir = options.dir;
    this.bitsPerKey = options.bitsPerKey ?? 10;
    this.fanIn = Math.max(2, options.fanIn ?? 4);
    // At least one document's keys must fit, whatever the budget.
    this.mem = new MemTable(Math.max(numKeys, Math.floor(options.memoryBytes / MEMTABLE_BYTES_PER_KEY)));
    const salts = seededWords(0x6b657973, 2 * numKeys);
    this.saltHi = salts.subarray(0, numKeys);
    this.saltLo = salts.subarray(numKeys);
  }

  /** Keys stored in memory and in runs. */
  get size(): number {
    let n = this.mem.size;
    for (const r of this.runs) n += r.run.count;
    return n;
  }

  get runCount(): number {
    return this.runs.length;
  }

  /** Bytes held in memory: the table plus each run's Bloom filter and sparse index. */
  get memoryBytes(): number {
    let b = this.mem.bytes;
    for (const r of this.runs) b += r.run.memoryBytes;
    return b;
  }

  get fileBytes(): number {
    let b = 0;
    for (const r of this.runs) b += r.run.fileBytes;
    return b;
  }

  /** The smallest ordinal stored under any of `keys` (2 words per band), or -1. */
  find(keys: Uint32Array): number {
    let best = -1;
    for (let k = 0; k < this.numKeys; k++) {
      const o = this.get((keys[2 * k]! ^ this.saltHi[k]!) >>> 0, (keys[2 * k + 1]! ^ this.saltLo[k]!) >>> 0);
      if (o >= 0 && (best < 0 || o < best)) best = o;
    }
    return best;
  }

  /**
   * Stores `ordinal` under the keys of a document that find() just reported as new. Only the
   * in-memory table is checked again (so a run never holds a key twice); probing every run would
   * double the cost of an insert for keys the caller already knows are absent.
   */
  add(keys: Uint32Array, ordinal: number): void {
    if (this.mem.size + this.numKeys > this.mem.capacity) this.flush();
    for (let k = 0; k < this.numKeys; k++) {
      const hi = (keys[2 * k]! ^ this.saltHi[k]!) >>> 0;
      const lo = (keys[2 * k + 1]! ^ this.saltLo[k]!) >>> 0;
      if (this.mem.get(hi, lo) < 0) this.mem.add(hi, lo, ordinal);
    }
  }

  /** Closes and deletes every run file. */
  destroy(): void {
    for (const r of this.runs) r.run.destroy();
    this.runs = [];
    this.mem.clear();
  }

  private get(hi: number, lo: number): number {
    const o = this.mem.get(hi, lo);
    if (o >= 0) return o;
    for (let i = this.runs.length - 1; i >= 0; i--) {
      const r = this.runs[i]!.run.get(hi, lo);
      if (r >= 0) return r;
    }
    return -1;
  }

  private newWriter(expectedKeys: number): RunWriter {
    return new RunWriter(join(this.dir, `run-${String(this.nextFile++).padStart(6, '0')}.bin`), expectedKeys, this.bitsPerKey);
  }

  /** Writes the memtable as a level-0 run, then merges full levels. */
  private flush(): void {
    if (this.mem.size === 0) return;
    const { his, los, ords } = this.mem.sortedEntries();
    const w = this.newWriter(his.length);
    try {
      for (let i = 0; i < his.length; i++) w.add(his[i]!, los[i]!, ords[i]!);
    } catch (e) {
      w.abort();
      throw e;
    }
    this.runs.push({ run: w.finish(), level: 0 });
    this.mem.clear();
    this.spills++;
    this.compact();
  }

  private compact(): void {
    for (;;) {
      const n = this.runs.length;
      if (n < this.fanIn) return;
      const level = this.runs[n - 1]!.level;
      if (this.runs[n - this.fanIn]!.level !== level) return;
      const group = this.runs.slice(n - this.fanIn);
      const merged = this.merge(group.map((g) => g.run));
      for (const g of group) g.run.destroy();
      this.runs = [...this.runs.slice(0, n - this.fanIn), { run: merged, level: level + 1 }];
      this.compactions++;
    }
  }

  /** Streaming k-way merge; on an equal key (never expected) the smaller ordinal wins. */
  private merge(inputs: SortedRun[]): SortedRun {
    const cursors: RunCursor[] = inputs.map((r) => r.cursor());
    const w = this.newWriter(inputs.reduce((s, r) => s + r.count, 0));
    try {
      for (;;) {
        let m = -1;
        for (let i = 0; i < cursors.length; i++) {
          const c = cursors[i]!;
          if (c.done) continue;
          if (m < 0) m = i;
          else {
            const b = cursors[m]!;
            if (c.hi < b.hi || (c.hi === b.hi && (c.lo < b.lo || (c.lo === b.lo && c.ord < b.ord)))) m = i;
          }
        }
        if (m < 0) break;
        const best = cursors[m]!;
        const hi = best.hi, lo = best.lo, ord = best.ord;
        w.add(hi, lo, ord);
        for (const c of cursors) while (!c.done && c.hi === hi && c.lo === lo) c.advance();
      }
    } catch (e) {
      w.abort();
      throw e;
    }
    return w.finish();
  }
}
