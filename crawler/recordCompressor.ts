import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import type { RecordBatch } from './recordBatch.js';

/**
 * gzip options sized to the record: zlib's set-up of its default 256 KB state costs more than compressing
 * a 2.5 KB page, so small records get a small window (same output size for records under the window).
 */
export function gzipRecord(record: Uint8Array, level: number): Buffer {
  const windowBits = record.length <= 4096 ? 12 : record.length <= 16384 ? 14 : 15;
  return gzipSync(record, { level, windowBits, memLevel: windowBits - 6, chunkSize: record.length <= 4096 ? 2048 : 16384 });
}

// Plain JS evaluated in the worker (no TypeScript loader needed there). Fills in payload digests (sha1,
// RFC 4648 base32) at the offsets the batch names, then makes each record its own gzip member.
// gzipSync builds and tears down a zlib stream per call, a third of the cost of a 2 KB record; the worker
// keeps one deflate state and resets it between records instead. That uses the stream's native handle
// (zlib's own sync path does the same), so it is checked against gunzip at start and gzipSync is the fallback.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
const crypto = require('node:crypto');
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function base32(bytes) {
  let out = '', bits = 0, value = 0;
  for (const b of bytes) { value = (value << 8) | b; bits += 8; while (bits >= 5) { out += B32[(value >>> (bits - 5)) & 31]; bits -= 5; } }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}
function oneShot(rec, level) {
  const wb = rec.length <= 4096 ? 12 : rec.length <= 16384 ? 14 : 15;
  return zlib.gzipSync(rec, { level, windowBits: wb, memLevel: wb - 6, chunkSize: rec.length <= 4096 ? 2048 : 16384 });
}
// The output of one batch: gzip members appended in place, grown by doubling; its own ArrayBuffer (transferred).
class Output {
  constructor(size) { this.buf = Buffer.allocUnsafeSlow(Math.max(size, 1024)); this.len = 0; }
  room(n) {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const grown = Buffer.allocUnsafeSlow(cap);
    this.buf.copy(grown, 0, 0, this.len);
    this.buf = grown;
  }
  append(b) { this.room(b.length); this.len += b.copy(this.buf, this.len); }
}
let reused = null;
function reusable(level) {
  if (reused && reused.level === level) return reused.fn;
  let fn = null;
  try {
    const z = zlib.createGzip({ level, windowBits: 15, memLevel: 8 });
    const h = z._handle, st = z._writeState;
    if (h && typeof h.writeSync === 'function' && typeof h.reset === 'function' && st instanceof Uint32Array) {
      // Deflates rec as one gzip member straight into out (no intermediate buffer).
      const gz = (rec, out) => {
        const start = out.len;
        let inOff = 0, inLeft = rec.length;
        out.room(64 + (rec.length >> 1));
        for (;;) {
          const avail = out.buf.length - out.len;
          h.writeSync(zlib.constants.Z_FINISH, rec, inOff, inLeft, out.buf, out.len, avail);
          if (z.destroyed || !z._handle) { out.len = start; throw new Error('zlib stream failed'); }
          const availOut = st[0], availIn = st[1];
          inOff += inLeft - availIn; inLeft = availIn;
          out.len += avail - availOut;
          if (availOut !== 0) break; // Z_FINISH with room left: the member is complete
          out.room(out.buf.length);
        }
        h.reset();
      };
      const probe = Buffer.from('WARC/1.1 probe '.repeat(5000) + crypto.randomBytes(3000).toString('hex'));
      const o = new Output(16);
      gz(probe, o);
      const first = o.len;
      gz(probe.subarray(0, 100), o);
      if (zlib.gunzipSync(o.buf.subarray(0, first)).equals(probe) && zlib.gunzipSync(o.buf.subarray(first, o.len)).equals(probe.subarray(0, 100))) fn = gz;
    }
  } catch { fn = null; }
  reused = { level, fn };
  return fn;
}
parentPort.on('message', ({ id, buf, len, meta, level }) => {
  const data = Buffer.from(buf, 0, len);
  const m = new Int32Array(meta);
  const gz = reusable(level);
  const out = new Output(len >> 2);
  let off = 0;
  for (let i = 0; i < m.length; i += 3) {
    const rlen = m[i], digestAt = m[i + 1], pl = m[i + 2];
    const rec = data.subarray(off, off + rlen);
    off += rlen;
    if (digestAt >= 0) {
      const digest = crypto.createHash('sha1').update(rec.subarray(rlen - 4 - pl, rlen - 4)).digest();
      rec.write(base32(digest), digestAt, 'latin1');
    }
    if (gz) {
      try { gz(rec, out); continue; } catch { reused = { level, fn: null }; }
    }
    out.append(oneShot(rec, level));
  }
  parentPort.postMessage({ id, buf: out.buf.buffer, len: out.len }, [out.buf.buffer]);
});
`;

/**
 * Compresses batches of WARC records, each into its own gzip member, on a worker thread: gzip was the
 * largest single cost of the crawl loop (27% of main-thread time on 2 KB pages, bench/crawl profile), and
 * off the main thread it overlaps with fetching. Batches come back in the order they were sent.
 */
export class RecordCompressor {
  private worker: Worker | null = null;
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;

  constructor(private readonly level: number) {}

  private start(): Worker {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.unref();
    w.on('message', ({ id, buf, len }: { id: number; buf: ArrayBuffer; len: number }) => {
      const p = this.waiting.get(id);
      this.waiting.delete(id);
      p?.resolve(Buffer.from(buf, 0, len));
    });
    const fail = (e: Error): void => {
      this.failure = e;
      for (const p of this.waiting.values()) p.reject(e);
      this.waiting.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => {
      if (this.waiting.size) fail(new Error(`WARC compression worker exited (code ${code})`));
    });
    return w;
  }

  /** The gzip members of the batch's records (payload digests filled in), concatenated in order. */
  compress(batch: RecordBatch): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    if (batch.count === 0) return Promise.resolve(Buffer.alloc(0));
    this.worker ??= this.start();
    const { data, meta } = batch.take();
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // The batch buffer is its own ArrayBuffer (RecordBatch allocates it so): transferred, not copied.
      const buf = data.buffer as ArrayBuffer;
      const metaBuf = meta.buffer as ArrayBuffer;
      this.worker!.postMessage({ id, buf, len: data.length, meta: metaBuf, level: this.level }, [buf, metaBuf]);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
