/**
 * Bytes appended into one buffer that doubles when full. The buffer is its own ArrayBuffer (not Node's shared
 * pool), so `buf.buffer` can be transferred to another thread without a copy.
 */
export class GrowableBuffer {
  buf: Buffer;
  /** Bytes written so far, from the start of `buf`. */
  len = 0;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafeSlow(capacity);
  }

  /** Makes room for `n` more bytes after `len`. */
  reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const grown = Buffer.allocUnsafeSlow(cap);
    this.buf.copy(grown, 0, 0, this.len);
    this.buf = grown;
  }

  append(b: Buffer): void {
    this.reserve(b.length);
    this.len += b.copy(this.buf, this.len);
  }
}
