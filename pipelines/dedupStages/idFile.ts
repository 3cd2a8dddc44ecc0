/**
 * A part's document ids by sequence number, for the clusters stage to name duplicates and the documents they
 * repeat: `ids.bin` (UTF-8, one after another) and `ids.idx` (float64 end offsets). Written once front to
 * back, read back with one pread per id.
 */
import { closeSync, fsyncSync, openSync, readSync, writeSync } from 'node:fs';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class IdFileWriter {
  private readonly bin: number;
  private readonly idx: number;
  private bytes = Buffer.alloc(1 << 16);
  private used = 0;
  private readonly ends = new Float64Array(8192);
  private endsUsed = 0;
  private offset = 0;

  constructor(binPath: string, idxPath: string) {
    this.bin = openSync(binPath, 'w');
    this.idx = openSync(idxPath, 'w');
  }

  add(id: string): void {
    const need = id.length * 3;
    if (this.used + need > this.bytes.length) this.flushBytes();
    if (need > this.bytes.length) this.bytes = Buffer.alloc(need);
    const n = encoder.encodeInto(id, this.bytes.subarray(this.used)).written;
    this.used += n;
    this.offset += n;
    this.ends[this.endsUsed++] = this.offset;
    if (this.endsUsed === this.ends.length) this.flushEnds();
  }

  private flushBytes(): void {
    writeSync(this.bin, this.bytes.subarray(0, this.used));
    this.used = 0;
  }

  private flushEnds(): void {
    writeSync(this.idx, new Uint8Array(this.ends.buffer, 0, this.endsUsed * 8));
    this.endsUsed = 0;
  }

  close(): void {
    this.flushBytes();
    this.flushEnds();
    for (const fd of [this.bin, this.idx]) {
      fsyncSync(fd);
      closeSync(fd);
    }
  }
}

export class IdFileReader {
  private readonly bin: number;
  private readonly idx: number;
  private readonly pair = new Float64Array(2);
  private buf = Buffer.alloc(256);

  constructor(binPath: string, idxPath: string) {
    this.bin = openSync(binPath, 'r');
    this.idx = openSync(idxPath, 'r');
  }

  /** The id of document `seq`. */
  get(seq: number): string {
    const pair = new Uint8Array(this.pair.buffer);
    if (seq === 0) {
      this.pair[0] = 0;
      readSync(this.idx, pair, 8, 8, 0);
    } else readSync(this.idx, pair, 0, 16, (seq - 1) * 8);
    const len = this.pair[1]! - this.pair[0]!;
    if (len > this.buf.length) this.buf = Buffer.alloc(len);
    readSync(this.bin, this.buf, 0, len, this.pair[0]!);
    return decoder.decode(this.buf.subarray(0, len));
  }

  close(): void {
    closeSync(this.bin);
    closeSync(this.idx);
  }
}
