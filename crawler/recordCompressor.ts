import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import type { PendingRecord } from './warcWriter.js';

/**
 * gzip options sized to the record: zlib's set-up of its default 256 KB state costs more than compressing
 * a 2.5 KB page, so small records get a small window (same output size for records under the window).
 */
export function gzipRecord(record: Uint8Array, level: number): Buffer {
  const windowBits = record.length <= 4096 ? 12 : record.length <= 16384 ? 14 : 15;
  return gzipSync(record, { level, windowBits, memLevel: windowBits - 6, chunkSize: record.length <= 4096 ? 2048 : 16384 });
}

// Plain JS evaluated in the worker (no TypeScript loader needed there). Mirrors gzipRecord; fills in the
// payload digest (sha1, RFC 4648 base32) over the placeholder of records that ask for one.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
const crypto = require('node:crypto');
const MARKER = Buffer.from('WARC-Payload-Digest: sha1:');
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function base32(bytes) {
  let out = '', bits = 0, value = 0;
  for (const b of bytes) { value = (value << 8) | b; bits += 8; while (bits >= 5) { out += B32[(value >>> (bits - 5)) & 31]; bits -= 5; } }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}
parentPort.on('message', ({ id, buf, lengths, payloads, level }) => {
  const data = Buffer.from(buf);
  const outs = [];
  let off = 0;
  for (let i = 0; i < lengths.length; i++) {
    const len = lengths[i];
    const rec = data.subarray(off, off + len);
    off += len;
    const pl = payloads[i];
    if (pl >= 0) {
      const at = rec.indexOf(MARKER);
      const digest = crypto.createHash('sha1').update(rec.subarray(len - 4 - pl, len - 4)).digest();
      if (at >= 0) rec.write(base32(digest), at + MARKER.length, 'latin1');
    }
    const wb = len <= 4096 ? 12 : len <= 16384 ? 14 : 15;
    outs.push(zlib.gzipSync(rec, { level, windowBits: wb, memLevel: wb - 6, chunkSize: len <= 4096 ? 2048 : 16384 }));
  }
  const total = outs.reduce((n, b) => n + b.length, 0);
  const out = Buffer.allocUnsafeSlow(total);
  let o = 0;
  for (const b of outs) { b.copy(out, o); o += b.length; }
  parentPort.postMessage({ id, buf: out.buffer }, [out.buffer]);
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
    w.on('message', ({ id, buf }: { id: number; buf: ArrayBuffer }) => {
      const p = this.waiting.get(id);
      this.waiting.delete(id);
      p?.resolve(Buffer.from(buf));
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

  /** The gzip members of `records` (payload digests filled in), concatenated in order. */
  compress(pending: PendingRecord[]): Promise<Buffer> {
    const records = pending.map((p) => p.record);
    if (this.failure) return Promise.reject(this.failure);
    if (records.length === 0) return Promise.resolve(Buffer.alloc(0));
    this.worker ??= this.start();
    // Copy into one fresh ArrayBuffer: small Buffers share Node's pool, which must not be transferred.
    let total = 0;
    for (const r of records) total += r.length;
    const data = Buffer.allocUnsafeSlow(total);
    let off = 0;
    for (const r of records) off += r.copy(data, off);
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const payloads = pending.map((p) => p.payloadLength);
      this.worker!.postMessage({ id, buf: data.buffer, lengths: records.map((r) => r.length), payloads, level: this.level }, [data.buffer]);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
