/** WARC-Payload-Digest values: `sha1:` + base32, filled into a record's placeholder by the compression worker. */
import { createHash } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, the encoding WARC tools use for `sha1:` digests. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += '=';
  return out;
}

/**
 * Writes at `digestAt` in `record` the base32 sha1 (32 characters) of its last `payloadLength` bytes before
 * the closing CRLFs: the payload whose digest RecordBatch.endRecord left a placeholder for.
 */
export function fillPayloadDigest(record: Buffer, digestAt: number, payloadLength: number): void {
  const end = record.length - 4;
  const digest = createHash('sha1').update(record.subarray(end - payloadLength, end)).digest();
  record.write(base32(digest), digestAt, 'latin1');
}
