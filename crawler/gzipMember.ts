/**
 * Each WARC record as its own gzip member (what WARC readers seek to). Two ways to make one, same bytes
 * out of gunzip: gzipRecord (one call, zlib set up per record) and reusedGzip (one deflate state reset
 * between records, for the compression worker's batches).
 */
import { randomBytes } from 'node:crypto';
import { constants, createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { GrowableBuffer } from './growableBuffer.js';

/**
 * gzip options sized to the record: zlib's set-up of its default 256 KB state costs more than compressing
 * a 2.5 KB page, so small records get a small window (same output size for records under the window).
 */
export function gzipRecord(record: Uint8Array, level: number): Buffer {
  const windowBits = record.length <= 4096 ? 12 : record.length <= 16384 ? 14 : 15;
  return gzipSync(record, { level, windowBits, memLevel: windowBits - 6, chunkSize: record.length <= 4096 ? 2048 : 16384 });
}

/** Deflates a record as one gzip member appended to `out`. */
export type GzipInto = (record: Buffer, out: GrowableBuffer) => void;

/** The native handle of a zlib stream: Node internals (its own sync path uses them the same way). */
interface ZlibInternals {
  _handle?: {
    writeSync(flush: number, input: Buffer, inOff: number, inLen: number, output: Buffer, outOff: number, outLen: number): void;
    reset(): void;
  };
  /** [avail_out, avail_in] after each writeSync. */
  _writeState?: Uint32Array;
  destroyed: boolean;
}

/**
 * gzipSync builds and tears down a zlib stream per call, a third of the cost of a 2 KB record; this keeps
 * one deflate state and resets it between records, writing straight into `out` (no intermediate buffer).
 * It uses the stream's native handle, so it is checked against gunzip first: undefined where that fails
 * (another Node version), and the caller falls back to gzipRecord.
 */
export function reusedGzip(level: number): GzipInto | undefined {
  try {
    const z = createGzip({ level, windowBits: 15, memLevel: 8 }) as unknown as ZlibInternals;
    const h = z._handle;
    const st = z._writeState;
    if (!h || typeof h.writeSync !== 'function' || typeof h.reset !== 'function' || !(st instanceof Uint32Array)) return undefined;
    const gz: GzipInto = (record, out) => {
      const start = out.len;
      let inOff = 0;
      let inLeft = record.length;
      out.reserve(64 + (record.length >> 1));
      for (;;) {
        const avail = out.buf.length - out.len;
        h.writeSync(constants.Z_FINISH, record, inOff, inLeft, out.buf, out.len, avail);
        if (z.destroyed || !z._handle) {
          out.len = start;
          throw new Error('zlib stream failed');
        }
        const availOut = st[0]!;
        const availIn = st[1]!;
        inOff += inLeft - availIn;
        inLeft = availIn;
        out.len += avail - availOut;
        if (availOut !== 0) break; // Z_FINISH with room left: the member is complete
        out.reserve(out.buf.length);
      }
      h.reset();
    };
    const probe = Buffer.from('WARC/1.1 probe '.repeat(5000) + randomBytes(3000).toString('hex'));
    const o = new GrowableBuffer(16);
    gz(probe, o);
    const first = o.len;
    gz(probe.subarray(0, 100), o);
    const same = gunzipSync(o.buf.subarray(0, first)).equals(probe) && gunzipSync(o.buf.subarray(first, o.len)).equals(probe.subarray(0, 100));
    return same ? gz : undefined;
  } catch {
    return undefined;
  }
}
