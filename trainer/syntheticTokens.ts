import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomicSync } from '../core/atomicFile.js';

export interface SyntheticTokenOptions {
  vocabSize: number;
  documents: number;
  /** Tokens per document before the end-of-text token. */
  docLength: number;
  seed?: number;
  /** Probability that a token follows the deterministic successor rule (the learnable part). */
  regularity?: number;
}

/**
 * Writes a token directory in the `corpusforge tokenize` format (tokens.bin, tokens.idx, manifest.json) with
 * documents from a simple Markov rule (next = (7 * prev + 3) mod (vocab - 1), else random), so a small model
 * can learn it. For tests, benchmarks and smoke runs without a real corpus.
 */
export function writeSyntheticTokenDir(dir: string, o: SyntheticTokenOptions): { eotId: number; totalTokens: number } {
  mkdirSync(dir, { recursive: true });
  const eotId = o.vocabSize - 1;
  const body = o.vocabSize - 1;
  let s = (o.seed ?? 1) >>> 0 || 1;
  const rand = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const regularity = o.regularity ?? 0.9;
  const total = o.documents * (o.docLength + 1);
  const wide = o.vocabSize > 65536;
  const tokens = wide ? new Uint32Array(total) : new Uint16Array(total);
  const lengths = new Int32Array(o.documents);
  let at = 0;
  for (let d = 0; d < o.documents; d++) {
    let t = Math.floor(rand() * body);
    for (let i = 0; i < o.docLength; i++) {
      tokens[at++] = t;
      t = rand() < regularity ? (7 * t + 3) % body : Math.floor(rand() * body);
    }
    tokens[at++] = eotId;
    lengths[d] = o.docLength + 1;
  }
  const bin = new Uint8Array(tokens.buffer);
  const idx = megatronIndex(lengths, wide ? 4 : 8, wide ? 4 : 2);
  writeFileAtomicSync(path.join(dir, 'tokens.bin'), bin);
  writeFileAtomicSync(path.join(dir, 'tokens.idx'), idx);
  const info = (file: string, data: Uint8Array) => ({ file, bytes: data.byteLength, sha256: createHash('sha256').update(data).digest('hex') });
  const manifest = {
    version: 1, kind: 'tokens', vocab_size: o.vocabSize, eot_id: eotId, dtype: wide ? 'uint32' : 'uint16',
    total_tokens: total, documents: o.documents, files: [info('tokens.bin', bin), info('tokens.idx', idx)],
  };
  writeFileAtomicSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return { eotId, totalTokens: total };
}

/** Megatron MMIDIDX v1: one sequence per document. */
function megatronIndex(lengths: Int32Array, dtypeCode: number, bytesPerToken: number): Uint8Array {
  const n = lengths.length;
  const head = Buffer.alloc(34);
  Buffer.from('MMIDIDX\0\0', 'latin1').copy(head, 0);
  head.writeBigUInt64LE(1n, 9);
  head.writeUInt8(dtypeCode, 17);
  head.writeBigUInt64LE(BigInt(n), 18);
  head.writeBigUInt64LE(BigInt(n + 1), 26);
  const pointers = new BigInt64Array(n);
  let p = 0n;
  for (let i = 0; i < n; i++) {
    pointers[i] = p;
    p += BigInt(lengths[i]! * bytesPerToken);
  }
  const docIdx = new BigInt64Array(n + 1);
  for (let i = 0; i <= n; i++) docIdx[i] = BigInt(i);
  return Buffer.concat([head, Buffer.from(lengths.buffer), Buffer.from(pointers.buffer), Buffer.from(docIdx.buffer)]);
}
