// Piscina worker of RecordCompressor: fills in the payload digests of a batch of WARC records and makes each
// record its own gzip member, all members concatenated in one buffer that moves back to the main thread.
import { move } from 'piscina';
import { GrowableBuffer } from './growableBuffer.js';
import { gzipRecord, reusedGzip, type GzipInto } from './gzipMember.js';
import { fillPayloadDigest } from './payloadDigest.js';

export interface CompressTask {
  /** The records back to back (RecordBatch.take), transferred. */
  data: ArrayBuffer;
  length: number;
  /** Per record: byte length, digest placeholder offset (-1: none), payload length. */
  meta: ArrayBuffer;
  level: number;
}

let reused: { level: number; gz: GzipInto | undefined } | undefined;

export default function compressRecords(task: CompressTask): unknown {
  const data = Buffer.from(task.data, 0, task.length);
  const meta = new Int32Array(task.meta);
  if (reused?.level !== task.level) reused = { level: task.level, gz: reusedGzip(task.level) };
  const out = new GrowableBuffer(Math.max(task.length >> 2, 1024));
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
    out.append(gzipRecord(record, task.level));
  }
  // Transferred, not copied: the view's ArrayBuffer moves to the main thread.
  return move(new Uint8Array(out.buf.buffer, 0, out.len));
}
