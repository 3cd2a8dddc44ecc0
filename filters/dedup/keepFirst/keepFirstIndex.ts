/**
 * The shared state of every keep-first deduplicator (exact text, URL, MinHash LSH): a set of
 * kept documents, each indexed under `numKeys` 64-bit keys (1 for exact/URL, one per LSH band).
 * A document is a duplicate iff one of its keys was indexed by an earlier kept document.
 *
 * Two storage modes make the same decisions:
 * - in memory (default): per kept document numKeys table entries (12 or 8 bytes / load factor
 *   each), its id (UTF-8 + 8 bytes) and a 1-byte duplicate count;
 * - disk-backed (`disk`): keys in an LSM store under a memory budget (diskKeyStore.ts), ids in an
 *   append-only file (spilledIdStore.ts); in memory stay the budget, ~1.3 bytes per key of Bloom
 *   filters and the 1-byte duplicate counts. Its files are derived state: the directory is wiped
 *   when the index is created, and a resumed run rebuilds it from the deltas.
 * Every change is also appended to a delta log that checkpointDelta() hands to the executor with
 * each committed shard, so restoreDelta() can rebuild exactly the committed state after a crash.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../../core/errors.js';
import { FingerprintTable } from './fingerprintTable.js';
import { PartitionedKeyTable } from './partitionedKeyTable.js';
import { IdStore } from './idStore.js';
import { SpilledIdStore } from './spilledIdStore.js';
import { DiskKeyStore } from './diskKeyStore.js';
import { ClusterCounts } from './clusterCounts.js';

const MAGIC = 0x3149464b; // "KFI1" little-endian
const TAG_INSERT = 1;
const TAG_DUPLICATE = 2;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Append-only little-endian byte buffer for the delta log. */
class ByteLog {
  buf = new Uint8Array(4096);
  view = new DataView(this.buf.buffer);
  length = 0;
  reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v: number): void {
    this.reserve(1);
    this.buf[this.length++] = v;
  }
  u32(v: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, v, true);
    this.length += 4;
  }
  take(): Uint8Array {
    const out = this.buf.slice(0, this.length);
    this.length = 0;
    if (this.buf.length > 1 << 20) this.reset();
    return out;
  }
  private reset(): void {
    this.buf = new Uint8Array(4096);
    this.view = new DataView(this.buf.buffer);
  }
}

/** The operations the index needs from a key table (exact 64-bit keys or 44-bit partitioned ones). */
interface KeyTable {
  readonly bytes: number;
  get(hi: number, lo: number): number;
  setIfAbsent(hi: number, lo: number, ordinal: number): number;
}

/** Band keys -> smallest kept ordinal: in memory (one table per band) or on disk. */
interface KeyIndex {
  readonly memoryBytes: number;
  find(keys: Uint32Array): number;
  /** Only for a document whose find() was -1 (insert, and the replay of inserts, guarantee it). */
  add(keys: Uint32Array, ordinal: number): void;
}

/** Ids of kept documents by ordinal. */
interface IdList {
  readonly size: number;
  readonly byteLength: number;
  add(id: string): number;
  get(ordinal: number): string;
}

class MemoryKeyIndex implements KeyIndex {
  private readonly tables: KeyTable[];
  constructor(private readonly numKeys: number, compact: boolean) {
    this.tables = Array.from({ length: numKeys }, () => (compact ? new PartitionedKeyTable() : new FingerprintTable()));
  }
  get memoryBytes(): number {
    let b = 0;
    for (const t of this.tables) b += t.bytes;
    return b;
  }
  // The smallest ordinal over bands keeps the answer independent of band order.
  find(keys: Uint32Array): number {
    let best = -1;
    for (let k = 0; k < this.numKeys; k++) {
      const o = this.tables[k]!.get(keys[2 * k]!, keys[2 * k + 1]!);
      if (o >= 0 && (best < 0 || o < best)) best = o;
    }
    return best;
  }
  add(keys: Uint32Array, ordinal: number): void {
    for (let k = 0; k < this.numKeys; k++) this.tables[k]!.setIfAbsent(keys[2 * k]!, keys[2 * k + 1]!, ordinal);
  }
}

export interface KeepFirstIndexOptions {
  /**
   * In memory: 8-byte partitioned tables (44 effective key bits, for LSH bands whose own false
   * candidates dwarf a 2^-44 chance); otherwise exact 64-bit keys in 12-byte slots (exact, URL).
   * The disk mode always compares 64-bit keys.
   */
  compact?: boolean;
  /** Disk-backed mode: `memoryBytes` for the in-memory key table, files under `dir` (wiped first;
   * a fresh temporary directory when omitted). */
  disk?: { memoryBytes: number; dir?: string };
}

export class KeepFirstIndex {
  readonly numKeys: number;
  private readonly keys: KeyIndex;
  private readonly ids: IdList;
  private readonly counts = new ClusterCounts();
  private readonly log = new ByteLog();
  private logged = 0;
  private readonly diskDir: string | undefined;

  constructor(numKeys: number, options: KeepFirstIndexOptions = {}) {
    this.numKeys = numKeys;
    if (options.disk) {
      const dir = options.disk.dir ?? mkdtempSync(join(tmpdir(), 'corpusforge-dedup-'));
      // Leftovers of a crashed run describe a state the journal may not: start empty, resume
      // replays the committed deltas into fresh files.
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      this.diskDir = dir;
      this.keys = new DiskKeyStore(numKeys, { dir, memoryBytes: options.disk.memoryBytes });
      this.ids = new SpilledIdStore(dir);
    } else {
      this.keys = new MemoryKeyIndex(numKeys, options.compact ?? false);
      this.ids = new IdStore();
    }
  }

  /** Number of kept (indexed) documents. */
  get size(): number {
    return this.ids.size;
  }

  /** Bytes of typed storage held in memory (tables or budget + filters, ids, counts), excluding the pending delta log. */
  get bytes(): number {
    return this.keys.memoryBytes + this.ids.byteLength + this.counts.byteLength;
  }

  /** Disk-mode numbers for the report (undefined in memory mode). */
  get diskStats(): { runs: number; spills: number; compactions: number; file_bytes: number } | undefined {
    if (!(this.keys instanceof DiskKeyStore)) return undefined;
    const k = this.keys;
    return { runs: k.runCount, spills: k.spills, compactions: k.compactions, file_bytes: k.fileBytes };
  }

  /**
   * The ordinal of the earliest kept document sharing a key with `keys` (2 words per key), or
   * -1 when there is none.
   */
  find(keys: Uint32Array): number {
    return this.keys.find(keys);
  }

  /** Deletes the disk mode's files (the index is unusable afterwards); no-op in memory mode. */
  close(): void {
    if (this.keys instanceof DiskKeyStore) this.keys.destroy();
    if (this.ids instanceof SpilledIdStore) this.ids.destroy();
    if (this.diskDir) rmSync(this.diskDir, { recursive: true, force: true });
  }

  /** Indexes a kept document under its keys; returns its ordinal. */
  insert(id: string, keys: Uint32Array): number {
    const ordinal = this.apply(id, keys);
    const bytes = encoder.encode(id);
    this.log.u8(TAG_INSERT);
    this.log.u32(bytes.length);
    this.log.reserve(bytes.length);
    this.log.buf.set(bytes, this.log.length);
    this.log.length += bytes.length;
    for (let i = 0; i < 2 * this.numKeys; i++) this.log.u32(keys[i]!);
    this.logged++;
    return ordinal;
  }

  /** Records one more duplicate of the kept document `ordinal`; returns that document's id. */
  addDuplicate(ordinal: number): string {
    this.counts.increment(ordinal);
    this.log.u8(TAG_DUPLICATE);
    this.log.u32(ordinal);
    this.logged++;
    return this.ids.get(ordinal);
  }

  /** Changes since the previous call, as bytes; an empty array when nothing changed. */
  checkpointDelta(): Uint8Array {
    if (this.logged === 0) return new Uint8Array(0);
    const body = this.log.take();
    this.logged = 0;
    const out = new Uint8Array(8 + body.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, this.numKeys, true);
    out.set(body, 8);
    return out;
  }

  /** Replays one delta from checkpointDelta (they must be replayed in the order they were taken). */
  restoreDelta(delta: Uint8Array): void {
    if (delta.length === 0) return;
    const view = new DataView(delta.buffer, delta.byteOffset, delta.byteLength);
    if (delta.length < 8 || view.getUint32(0, true) !== MAGIC || view.getUint32(4, true) !== this.numKeys) {
      throw new UserError('dedup checkpoint does not match this dedup step or its options; rerun without --resume');
    }
    const keys = new Uint32Array(2 * this.numKeys);
    let p = 8;
    try {
      while (p < delta.length) {
        const tag = view.getUint8(p++);
        if (tag === TAG_INSERT) {
          const len = view.getUint32(p, true);
          p += 4;
          if (p + len > delta.length) throw new RangeError('truncated id');
          const id = decoder.decode(delta.subarray(p, p + len));
          p += len;
          for (let i = 0; i < keys.length; i++, p += 4) keys[i] = view.getUint32(p, true);
          this.apply(id, keys);
        } else if (tag === TAG_DUPLICATE) {
          const ordinal = view.getUint32(p, true);
          p += 4;
          if (ordinal >= this.ids.size) throw new RangeError('unknown ordinal');
          this.counts.increment(ordinal);
        } else {
          throw new RangeError(`bad record tag ${tag}`);
        }
      }
    } catch (e) {
      if (e instanceof RangeError) throw new UserError(`dedup checkpoint is corrupt (${e.message}); rerun without --resume`);
      throw e;
    }
  }

  /** Histogram of duplicate cluster sizes (kept document + its duplicates), for stats.json. */
  clusterReport(): { clusters: number; duplicates: number; cluster_sizes: Record<string, number> } {
    const hist = new Map<number, number>();
    let clusters = 0;
    let duplicates = 0;
    for (let o = 0; o < this.ids.size; o++) {
      const d = this.counts.get(o);
      if (d === 0) continue;
      clusters++;
      duplicates += d;
      hist.set(d + 1, (hist.get(d + 1) ?? 0) + 1);
    }
    const cluster_sizes: Record<string, number> = {};
    for (const size of [...hist.keys()].sort((a, b) => a - b)) cluster_sizes[String(size)] = hist.get(size)!;
    return { clusters, duplicates, cluster_sizes };
  }

  private apply(id: string, keys: Uint32Array): number {
    const ordinal = this.ids.add(id);
    this.counts.push();
    this.keys.add(keys, ordinal);
    return ordinal;
  }
}
