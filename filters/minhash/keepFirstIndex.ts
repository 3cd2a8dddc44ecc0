/**
 * The shared state of every keep-first deduplicator (exact text, URL, MinHash LSH): a set of
 * kept documents, each indexed under `numKeys` 64-bit keys (1 for exact/URL, one per LSH band).
 * A document is a duplicate iff one of its keys was indexed by an earlier kept document.
 *
 * Per kept document it holds numKeys table entries (12 or 8 bytes / load factor each), its id
 * (UTF-8 + 8 bytes) and a 4-byte duplicate count for the cluster-size histogram. Every change
 * is also appended to a delta log that checkpointDelta() hands to the executor with each
 * committed shard, so restoreDelta() can rebuild exactly the committed state after a crash.
 */
import { UserError } from '../../pipelines/errors.js';
import { FingerprintTable } from './fingerprintTable.js';
import { PartitionedKeyTable } from './partitionedKeyTable.js';
import { IdStore } from './idStore.js';

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

export class KeepFirstIndex {
  readonly numKeys: number;
  private readonly tables: KeyTable[];
  private readonly ids = new IdStore();
  private dupCounts = new Uint32Array(1024);
  private readonly log = new ByteLog();
  private logged = 0;

  /**
   * `compact`: 8-byte partitioned tables (44 effective key bits, for LSH bands whose own false
   * candidates dwarf a 2^-44 chance); otherwise exact 64-bit keys in 12-byte slots (exact, URL).
   */
  constructor(numKeys: number, compact = false) {
    this.numKeys = numKeys;
    this.tables = Array.from({ length: numKeys }, () => (compact ? new PartitionedKeyTable() : new FingerprintTable()));
  }

  /** Number of kept (indexed) documents. */
  get size(): number {
    return this.ids.size;
  }

  /** Bytes of typed storage held (tables + ids + counts), excluding the pending delta log. */
  get bytes(): number {
    let b = this.ids.byteLength + this.dupCounts.byteLength;
    for (const t of this.tables) b += t.bytes;
    return b;
  }

  /**
   * The ordinal of the earliest kept document sharing a key with `keys` (2 words per key), or
   * -1 when there is none. Taking the smallest ordinal keeps the answer independent of band order.
   */
  find(keys: Uint32Array): number {
    let best = -1;
    for (let k = 0; k < this.numKeys; k++) {
      const o = this.tables[k]!.get(keys[2 * k]!, keys[2 * k + 1]!);
      if (o >= 0 && (best < 0 || o < best)) best = o;
    }
    return best;
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
    this.dupCounts[ordinal]!++;
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
          this.dupCounts[ordinal]!++;
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
      const d = this.dupCounts[o]!;
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
    if (ordinal >= this.dupCounts.length) {
      const next = new Uint32Array(this.dupCounts.length * 2);
      next.set(this.dupCounts);
      this.dupCounts = next;
    }
    for (let k = 0; k < this.numKeys; k++) this.tables[k]!.setIfAbsent(keys[2 * k]!, keys[2 * k + 1]!, ordinal);
    return ordinal;
  }
}
