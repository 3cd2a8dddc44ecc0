/**
 * One immutable sorted run of the disk-backed key index: a file of 12-byte little-endian records
 * (key hi, key lo, ordinal) sorted by key, read in 4 KB blocks of 341 records. In memory a run
 * keeps a Bloom filter (10 bits per key) and a sparse index (the first key of each block,
 * 8 bytes per 4 KB), so a lookup is: Bloom says no (almost always, for a new key), or one binary
 * search in the sparse index + one block read (pread) + a binary search in the block.
 * Runs are written once, sequentially (`RunWriter`), and read back sequentially only to be merged
 * (`RunCursor`). The files are derived state: a crashed run's files are deleted, never trusted.
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { BloomFilter } from './bloomFilter.js';

export const RECORD_BYTES = 12;
export const BLOCK_RECORDS = 341; // 4,092 bytes: one 4 KB page
const BLOCK_BYTES = BLOCK_RECORDS * RECORD_BYTES;
const WRITE_BUFFER_BLOCKS = 64; // 256 KB per write() call
const READ_BUFFER_BLOCKS = 64;

/** Compares two unsigned 64-bit keys given as (hi, lo) word pairs. */
function cmp(ah: number, al: number, bh: number, bl: number): number {
  return ah !== bh ? (ah < bh ? -1 : 1) : al !== bl ? (al < bl ? -1 : 1) : 0;
}

export class SortedRun {
  private readonly block = Buffer.alloc(BLOCK_BYTES);

  constructor(
    readonly path: string,
    private readonly fd: number,
    readonly count: number,
    private readonly bloom: BloomFilter,
    /** First key of each block: hi, lo interleaved. */
    private readonly firstKeys: Uint32Array,
  ) {}

  /** Bytes this run holds in memory (Bloom filter + sparse index). */
  get memoryBytes(): number {
    return this.bloom.bytes + this.firstKeys.byteLength + BLOCK_BYTES;
  }

  get fileBytes(): number {
    return this.count * RECORD_BYTES;
  }

  /** The ordinal stored under (hi, lo), or -1. `hi`/`lo` must be unsigned (>>> 0). */
  get(hi: number, lo: number): number {
    if (this.count === 0 || !this.bloom.mayContain(hi, lo)) return -1;
    const keys = this.firstKeys;
    const blocks = keys.length / 2;
    // Last block whose first key <= target.
    let a = 0;
    let b = blocks - 1;
    if (cmp(hi, lo, keys[0]!, keys[1]!) < 0) return -1;
    while (a < b) {
      const m = (a + b + 1) >>> 1;
      if (cmp(keys[2 * m]!, keys[2 * m + 1]!, hi, lo) <= 0) a = m;
      else b = m - 1;
    }
    const n = Math.min(BLOCK_RECORDS, this.count - a * BLOCK_RECORDS);
    const got = readSync(this.fd, this.block, 0, n * RECORD_BYTES, a * BLOCK_BYTES);
    if (got !== n * RECORD_BYTES) throw new Error(`dedup index: short read from ${this.path}`);
    const buf = this.block;
    let lo2 = 0;
    let hi2 = n - 1;
    while (lo2 <= hi2) {
      const m = (lo2 + hi2) >>> 1;
      const c = cmp(buf.readUInt32LE(m * RECORD_BYTES), buf.readUInt32LE(m * RECORD_BYTES + 4), hi, lo);
      if (c === 0) return buf.readUInt32LE(m * RECORD_BYTES + 8);
      if (c < 0) lo2 = m + 1;
      else hi2 = m - 1;
    }
    return -1;
  }

  cursor(): RunCursor {
    return new RunCursor(this.fd, this.count);
  }

  /** Closes and deletes the file. */
  destroy(): void {
    closeSync(this.fd);
    rmSync(this.path, { force: true });
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Sequential reader of a run, for merging: `hi`, `lo`, `ord` hold the current record. */
export class RunCursor {
  hi = 0;
  lo = 0;
  ord = 0;
  done = false;
  private readonly buf = Buffer.alloc(BLOCK_BYTES * READ_BUFFER_BLOCKS);
  private filled = 0;
  private at = 0;
  private next = 0; // records read from the file so far

  constructor(
    private readonly fd: number,
    private readonly count: number,
  ) {
    this.advance();
  }

  advance(): void {
    if (this.at >= this.filled) {
      if (this.next >= this.count) {
        this.done = true;
        return;
      }
      const n = Math.min(BLOCK_RECORDS * READ_BUFFER_BLOCKS, this.count - this.next);
      const got = readSync(this.fd, this.buf, 0, n * RECORD_BYTES, this.next * RECORD_BYTES);
      if (got !== n * RECORD_BYTES) throw new Error('dedup index: short read while merging runs');
      this.next += n;
      this.filled = n * RECORD_BYTES;
      this.at = 0;
    }
    this.hi = this.buf.readUInt32LE(this.at);
    this.lo = this.buf.readUInt32LE(this.at + 4);
    this.ord = this.buf.readUInt32LE(this.at + 8);
    this.at += RECORD_BYTES;
  }
}

/** Writes records in ascending key order into a new run file; `finish()` opens it for reads. */
export class RunWriter {
  private readonly fd: number;
  private readonly buf = Buffer.alloc(BLOCK_BYTES * WRITE_BUFFER_BLOCKS);
  private used = 0;
  private count = 0;
  private readonly bloom: BloomFilter;
  private firstKeys: Uint32Array;
  private lastHi = -1;
  private lastLo = -1;

  constructor(
    private readonly path: string,
    expectedKeys: number,
    bitsPerKey: number,
  ) {
    this.fd = openSync(path, 'w+');
    this.bloom = new BloomFilter(expectedKeys, bitsPerKey);
    this.firstKeys = new Uint32Array(2 * Math.max(1, Math.ceil(expectedKeys / BLOCK_RECORDS)));
  }

  add(hi: number, lo: number, ord: number): void {
    if (cmp(hi, lo, this.lastHi >>> 0, this.lastLo >>> 0) <= 0 && this.count > 0) {
      throw new Error('dedup index: run keys out of order');
    }
    this.lastHi = hi;
    this.lastLo = lo;
    if (this.count % BLOCK_RECORDS === 0) {
      const b = this.count / BLOCK_RECORDS;
      if (2 * b + 2 > this.firstKeys.length) {
        const next = new Uint32Array(this.firstKeys.length * 2);
        next.set(this.firstKeys);
        this.firstKeys = next;
      }
      this.firstKeys[2 * b] = hi;
      this.firstKeys[2 * b + 1] = lo;
    }
    this.bloom.add(hi, lo);
    this.buf.writeUInt32LE(hi, this.used);
    this.buf.writeUInt32LE(lo, this.used + 4);
    this.buf.writeUInt32LE(ord, this.used + 8);
    this.used += RECORD_BYTES;
    this.count++;
    if (this.used === this.buf.length) this.drain();
  }

  finish(): SortedRun {
    this.drain();
    const blocks = Math.ceil(this.count / BLOCK_RECORDS);
    return new SortedRun(this.path, this.fd, this.count, this.bloom, this.firstKeys.slice(0, 2 * blocks));
  }

  /** Gives up: closes and deletes the partial file. */
  abort(): void {
    closeSync(this.fd);
    rmSync(this.path, { force: true });
  }

  private drain(): void {
    let off = 0;
    while (off < this.used) off += writeSync(this.fd, this.buf, off, this.used - off);
    this.used = 0;
  }
}
