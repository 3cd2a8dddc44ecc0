import { GrowableBuffer } from './growableBuffer.js';

/**
 * The uncompressed WARC records of one commit batch, written straight into one growing buffer that is
 * handed to the compression worker without a copy. Building records as separate Buffers and concatenating
 * them cost four copies of every page and ~27 us per page on the main thread (bench/crawl profile);
 * here each byte is written once.
 */
export class RecordBatch extends GrowableBuffer {
  private recordStart = 0;
  /** Per record: byte length, offset of its payload-digest placeholder (-1: none), payload length (-1: none). */
  private meta: number[] = [];

  constructor(capacity = 1 << 20) {
    super(capacity);
  }

  get count(): number {
    return this.meta.length / 3;
  }

  get byteLength(): number {
    return this.len;
  }

  /** Appends a string as UTF-8. */
  utf8(s: string): void {
    this.reserve(s.length * 3);
    this.len += this.buf.write(s, this.len, 'utf8');
  }

  /** Appends a string one byte per character (HTTP heads, kept byte for byte as received). */
  latin1(s: string): void {
    this.reserve(s.length);
    this.len += this.buf.write(s, this.len, 'latin1');
  }

  /** Offset of the next byte from the start of the current record. */
  get offsetInRecord(): number {
    return this.len - this.recordStart;
  }

  /**
   * Ends the current record. `digestAt` (offset in the record of a 32-character placeholder) asks the
   * compressor to write there the sha1 (base32) of the last `payloadLength` bytes before the closing CRLFs.
   */
  endRecord(digestAt = -1, payloadLength = -1): void {
    this.meta.push(this.len - this.recordStart, digestAt, payloadLength);
    this.recordStart = this.len;
  }

  /** The records' bytes (exactly byteLength long, over a transferable ArrayBuffer) and their metadata. */
  take(): { data: Buffer; meta: Int32Array } {
    return { data: this.buf.subarray(0, this.len), meta: Int32Array.from(this.meta) };
  }
}
