/**
 * Files of fixed-size records of uint32 words (little-endian), the currency of the staged dedup: written
 * through a block buffer, read back in blocks, so a stage holds a few blocks per open file, never a file.
 */
import { closeSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';

const BLOCK_WORDS = 1 << 14; // 64 KB per buffer

/** Appends records to a file (created or truncated); `close` fsyncs it. */
export class RecordWriter {
  private readonly fd: number;
  private readonly buf = new Uint32Array(BLOCK_WORDS);
  private used = 0;
  /** Records written so far. */
  count = 0;

  constructor(
    readonly path: string,
    private readonly words: number,
  ) {
    this.fd = openSync(path, 'w');
  }

  /** Appends `n` records from `src` starting at record `from`. */
  write(src: Uint32Array, from = 0, n = (src.length / this.words) | 0): void {
    let i = from * this.words;
    const end = (from + n) * this.words;
    while (i < end) {
      const take = Math.min(end - i, this.buf.length - this.used);
      this.buf.set(src.subarray(i, i + take), this.used);
      this.used += take;
      i += take;
      if (this.used === this.buf.length) this.flush();
    }
    this.count += n;
  }

  /** Appends one record given as its words. */
  push(...record: number[]): void {
    if (this.used + this.words > this.buf.length) this.flush();
    for (const w of record) this.buf[this.used++] = w;
    this.count++;
  }

  private flush(): void {
    if (this.used === 0) return;
    writeSync(this.fd, new Uint8Array(this.buf.buffer, 0, this.used * 4));
    this.used = 0;
  }

  close(): void {
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
  }
}

/** Reads a record file (or a range of it) front to back, one record at a time. */
export class RecordReader {
  private readonly fd: number;
  private readonly buf: Uint32Array;
  private filled = 0;
  private pos = 0;
  private fileRecord: number;
  private readonly endRecord: number;
  /** The current record's first word in `data` (valid after next() returned true). */
  at = -1;

  constructor(
    path: string,
    private readonly words: number,
    /** Records in the file (or the end of the range). */
    count: number,
    firstRecord = 0,
  ) {
    this.fd = openSync(path, 'r');
    this.buf = new Uint32Array(Math.max(words, BLOCK_WORDS - (BLOCK_WORDS % words)));
    this.fileRecord = firstRecord;
    this.endRecord = count;
  }

  get data(): Uint32Array {
    return this.buf;
  }

  /** Advances to the next record; false at the end (the file is closed then). */
  next(): boolean {
    if (this.pos + this.words > this.filled) {
      const left = this.endRecord - this.fileRecord;
      if (left <= 0) {
        this.close();
        return false;
      }
      const records = Math.min(left, this.buf.length / this.words);
      const bytes = records * this.words * 4;
      const got = readSync(this.fd, new Uint8Array(this.buf.buffer, 0, bytes), 0, bytes, this.fileRecord * this.words * 4);
      if (got !== bytes) throw new Error(`short read of ${this.fd}: ${got} of ${bytes} bytes`);
      this.fileRecord += records;
      this.filled = records * this.words;
      this.pos = 0;
    }
    this.at = this.pos;
    this.pos += this.words;
    return true;
  }

  private closed = false;
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/** Lexicographic comparison of the first `keyWords` words of two records (unsigned). */
export function compareRecords(a: Uint32Array, ai: number, b: Uint32Array, bi: number, keyWords: number): number {
  for (let k = 0; k < keyWords; k++) {
    const x = a[ai + k]!, y = b[bi + k]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
