import { readFile } from 'node:fs/promises';
import { BpeModel } from './bpeModel.js';
import { patternFromSource, PRETOKENIZERS, type PretokenizerPattern } from './pretokenize.js';
import { Tokenizer } from './tokenizer.js';

/** The shape js-tiktoken ships its encodings in (`js-tiktoken/ranks/<name>`). */
export interface TiktokenBpeData {
  pat_str: string;
  special_tokens: Record<string, number>;
  /** Lines of `! <offset> <base64> <base64> ...`: consecutive ranks from offset. */
  bpe_ranks: string;
}

/** Parses js-tiktoken's compressed rank lines. The tokens' bytes are views of one buffer (200k small ones churn the GC). */
export function parseCompressedRanks(text: string): [Uint8Array, number][] {
  const out: [Uint8Array, number][] = [];
  const all = Buffer.alloc(Math.ceil(text.length * 0.75));
  let used = 0;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [, offsetStr, ...tokens] = line.split(' ');
    const offset = Number.parseInt(offsetStr ?? '', 10);
    if (!Number.isInteger(offset)) throw new Error(`bad rank line: ${line.slice(0, 40)}`);
    tokens.forEach((t, i) => {
      const n = all.write(t, used, 'base64');
      out.push([new Uint8Array(all.buffer, all.byteOffset + used, n), offset + i]);
      used += n;
    });
  }
  return out;
}

/** Parses a `.tiktoken` file: one `<base64 bytes> <rank>` per line. */
export function parseTiktokenFile(text: string): [Uint8Array, number][] {
  const out: [Uint8Array, number][] = [];
  let lineNo = 0;
  for (const line of text.split('\n')) {
    lineNo++;
    if (!line.trim()) continue;
    const [b64, rankStr] = line.trim().split(/\s+/);
    const rank = Number(rankStr);
    if (!b64 || !Number.isInteger(rank)) throw new Error(`line ${lineNo}: expected '<base64> <rank>'`);
    out.push([new Uint8Array(Buffer.from(b64, 'base64')), rank]);
  }
  return out;
}

/** A tokenizer from js-tiktoken's data object (e.g. `(await import('js-tiktoken/ranks/cl100k_base')).default`). */
export function tokenizerFromTiktokenData(data: TiktokenBpeData): Tokenizer {
  return new Tokenizer({
    model: BpeModel.fromRanks(parseCompressedRanks(data.bpe_ranks)),
    pattern: patternFromSource(data.pat_str),
    specialTokens: new Map(Object.entries(data.special_tokens)),
  });
}

/** A tokenizer from a `.tiktoken` rank file plus its split pattern and special tokens. */
export async function loadTiktokenFile(
  path: string,
  pattern: PretokenizerPattern = PRETOKENIZERS.cl100k,
  specialTokens: Record<string, number> = {},
): Promise<Tokenizer> {
  const ranks = parseTiktokenFile(await readFile(path, 'utf8'));
  return new Tokenizer({ model: BpeModel.fromRanks(ranks), pattern, specialTokens: new Map(Object.entries(specialTokens)) });
}
