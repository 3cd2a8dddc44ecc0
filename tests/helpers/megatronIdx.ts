// An independent reader of Megatron-LM's MMIDIDX index, written from the format's description (not from
// datasets/tokenShards.ts), shared by the tokenize and merge-tokens tests.
import assert from 'node:assert/strict';

/**
 * Megatron-LM MMIDIDX, read field by field: magic "MMIDIDX\0\0", u64 version, u8 dtype code, u64 sequence
 * count, u64 document count, i32 lengths[seq], i64 byte pointers[seq], i64 document indices[doc].
 */
export function parseIdx(buf: Buffer) {
  assert.equal(buf.subarray(0, 9).toString('latin1'), 'MMIDIDX\x00\x00');
  let at = 9;
  const version = buf.readBigUInt64LE(at); at += 8;
  const dtypeCode = buf.readUInt8(at); at += 1;
  const seqCount = Number(buf.readBigUInt64LE(at)); at += 8;
  const docCount = Number(buf.readBigUInt64LE(at)); at += 8;
  const lengths: number[] = [];
  for (let i = 0; i < seqCount; i++, at += 4) lengths.push(buf.readInt32LE(at));
  const pointers: number[] = [];
  for (let i = 0; i < seqCount; i++, at += 8) pointers.push(Number(buf.readBigInt64LE(at)));
  const docIndices: number[] = [];
  for (let i = 0; i < docCount; i++, at += 8) docIndices.push(Number(buf.readBigInt64LE(at)));
  assert.equal(at, buf.length, 'no trailing bytes');
  return { version, dtypeCode, lengths, pointers, docIndices };
}
