// The WARC compression thread that RecordCompressor starts: fills in the payload digests of a batch of records
// and makes each record its own gzip member, all members concatenated in one buffer sent back without a copy.
import { parentPort } from 'node:worker_threads';
import { GrowableBuffer } from './growableBuffer.js';
import { gzipRecord, reusedGzip, type GzipInto } from './gzipMember.js';
import { fillPayloadDigest } from './payloadDigest.js';

export interface CompressRequest {
  id: number;
  /** The records back to back (RecordBatch.take), transferred. */
  data: ArrayBuffer;
  length: number;
  /** Per record: byte length, digest placeholder offset (-1: none), payload length. */
  meta: ArrayBuffer;
  level: number;
}

export interface CompressReply {
  id: number;
  /** The gzip members, transferred. */
  data: ArrayBuffer;
  length: number;
}

let reused: { level: number; gz: GzipInto | undefined } | undefined;

/** The batch's records (digests filled in, in place) as gzip members, in order. */
export function compressRecords(data: Buffer, meta: Int32Array, level: number): GrowableBuffer {
  if (reused?.level !== level) reused = { level, gz: reusedGzip(level) };
  const out = new GrowableBuffer(Math.max(data.length >> 2, 1024));
  let off = 0;
  for (let i = 0; i < meta.length; i += 3) {
    const record = data.subarray(off, off + meta[i]!);
    off += record.length;
    if (meta[i + 1]! >= 0) fillPayloadDigest(record, meta[i + 1]!, meta[i + 2]!);
    if (reused.gz) {
      try {
        reused.gz(record, out);
        continue;
      } catch {
        reused.gz = undefined;
      }
    }
    out.append(gzipRecord(record, level));
  }
  return out;
}

/** Answers RecordCompressor's requests on this thread's parent port (called by the worker's entry). */
export function serveCompressRequests(): void {
  const port = parentPort!;
  port.on('message', (r: CompressRequest) => {
    const out = compressRecords(Buffer.from(r.data, 0, r.length), new Int32Array(r.meta), r.level);
    const reply: CompressReply = { id: r.id, data: out.buf.buffer as ArrayBuffer, length: out.len };
    port.postMessage(reply, [reply.data]);
  });
}
