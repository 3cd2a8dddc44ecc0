/**
 * tokens.bin's layout of documents (each document's ids, then the end-of-text id; uint16 or uint32, little-endian),
 * apart from the Parquet code in tokenShards.ts so a tokenize worker lays out its documents without loading Arrow.
 */
export type TokenDtype = 'uint16' | 'uint32';

/** tokens.bin bytes of documents given as flat ids plus per-document lengths: each document's ids, then EOT. */
export function tokenBinRecords(flat: ArrayLike<number>, docLengths: ArrayLike<number>, dtype: TokenDtype, eotId: number): Uint8Array {
  const out = dtype === 'uint16' ? new Uint16Array(flat.length + docLengths.length) : new Uint32Array(flat.length + docLengths.length);
  let src = 0;
  let dst = 0;
  for (let d = 0; d < docLengths.length; d++) {
    const len = docLengths[d]!;
    for (let i = 0; i < len; i++) out[dst++] = flat[src++]!;
    out[dst++] = eotId;
  }
  // Typed arrays are host-endian; every platform Node supports in practice is little-endian, checked here.
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('big-endian hosts are not supported');
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
