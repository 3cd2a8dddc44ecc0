/**
 * Ids of kept documents, by ordinal, on disk: UTF-8 bytes appended to `ids.bin` and each id's
 * end offset (float64 LE) appended to `ends.bin`. Only a write buffer (bounded) lives in memory,
 * so the id of any kept document costs nothing in RAM; `get` (needed only for a duplicate's
 * `duplicate_of`) is two small preads, or a buffer read for the newest ids.
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const encoder = new TextEncoder();

export class SpilledIdStore {
  private readonly idsPath: string;
  private readonly endsPath: string;
  private readonly idsFd: number;
  private readonly endsFd: number;
  private readonly bufferBytes: number;
  private pending: Buffer; // id bytes not written yet
  private pendingUsed = 0;
  private pendingEnds: number[] = []; // end offsets (absolute) of ids not written yet
  private written = 0; // ids written to disk
  private writtenBytes = 0;
  private readonly scratch = Buffer.alloc(16);

  constructor(dir: string, bufferBytes = 1 << 20) {
    this.idsPath = join(dir, 'ids.bin');
    this.endsPath = join(dir, 'ends.bin');
    this.idsFd = openSync(this.idsPath, 'w+');
    this.endsFd = openSync(this.endsPath, 'w+');
    this.bufferBytes = Math.max(1024, bufferBytes);
    this.pending = Buffer.alloc(this.bufferBytes);
  }

  get size(): number {
    return this.written + this.pendingEnds.length;
  }

  /** Bytes held in memory (the write buffer). */
  get byteLength(): number {
    return this.pending.byteLength + this.pendingEnds.length * 8;
  }

  add(id: string): number {
    const bytes = encoder.encode(id);
    if (this.pendingUsed + bytes.length > this.pending.length) this.drain();
    if (bytes.length > this.pending.length) this.pending = Buffer.alloc(bytes.length);
    this.pending.set(bytes, this.pendingUsed);
    this.pendingUsed += bytes.length;
    this.pendingEnds.push(this.writtenBytes + this.pendingUsed);
    if (this.pendingEnds.length * 8 >= this.bufferBytes) this.drain();
    return this.size - 1;
  }

  get(ordinal: number): string {
    if (!Number.isInteger(ordinal) || ordinal < 0 || ordinal >= this.size) throw new RangeError(`no id with ordinal ${ordinal}`);
    let start: number;
    let end: number;
    if (ordinal >= this.written) {
      const i = ordinal - this.written;
      end = this.pendingEnds[i]!;
      start = i === 0 ? this.writtenBytes : this.pendingEnds[i - 1]!;
    } else if (ordinal === 0) {
      start = 0;
      end = this.readEnd(0);
    } else {
      this.readExactly(this.endsFd, this.scratch, 16, (ordinal - 1) * 8);
      start = this.scratch.readDoubleLE(0);
      end = this.scratch.readDoubleLE(8);
    }
    if (start >= this.writtenBytes) {
      return this.pending.toString('utf8', start - this.writtenBytes, end - this.writtenBytes);
    }
    const out = Buffer.alloc(end - start);
    this.readExactly(this.idsFd, out, out.length, start);
    return out.toString('utf8');
  }

  /** Closes and deletes both files. */
  destroy(): void {
    closeSync(this.idsFd);
    closeSync(this.endsFd);
    rmSync(this.idsPath, { force: true });
    rmSync(this.endsPath, { force: true });
  }

  private readEnd(ordinal: number): number {
    this.readExactly(this.endsFd, this.scratch, 8, ordinal * 8);
    return this.scratch.readDoubleLE(0);
  }

  private readExactly(fd: number, buf: Buffer, length: number, position: number): void {
    let got = 0;
    while (got < length) {
      const n = readSync(fd, buf, got, length - got, position + got);
      if (n === 0) throw new Error('dedup index: id file is shorter than expected');
      got += n;
    }
  }

  private drain(): void {
    if (this.pendingEnds.length === 0) return;
    for (let off = 0; off < this.pendingUsed; ) off += writeSync(this.idsFd, this.pending, off, this.pendingUsed - off);
    const ends = Buffer.alloc(this.pendingEnds.length * 8);
    this.pendingEnds.forEach((e, i) => ends.writeDoubleLE(e, i * 8));
    for (let off = 0; off < ends.length; ) off += writeSync(this.endsFd, ends, off, ends.length - off);
    this.written += this.pendingEnds.length;
    this.writtenBytes += this.pendingUsed;
    this.pendingUsed = 0;
    this.pendingEnds = [];
  }
}
