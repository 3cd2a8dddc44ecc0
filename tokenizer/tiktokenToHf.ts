/**
 * tiktoken ranks -> tokenizer.json: vocab from the ranks, merges from every split of a token into two tokens
 * (ordered by the merged token's rank, then the left part's length, as transformers' tiktoken converter
 * does), `ignore_merges` on so a word that is a token is taken whole, as tiktoken does.
 */
import { bytesToByteLevel } from './byteLevel.js';
import { parseCompressedRanks, type TiktokenBpeData } from './tiktokenRanks.js';
import { patternFromSource } from './pretokenize.js';
import { toHfJson, type HfTokenizerJson } from './hfJson.js';

export function tiktokenToHfJson(data: TiktokenBpeData): HfTokenizerJson {
  const ranks = parseCompressedRanks(data.bpe_ranks).sort((a, b) => a[1] - b[1]);
  const tokenBytes: (Uint8Array | undefined)[] = [];
  const byName = new Map<string, number>();
  for (const [bytes, rank] of ranks) {
    tokenBytes[rank] = bytes;
    byName.set(bytesToByteLevel(bytes), rank);
  }
  const merges: [number, number, number][] = [];
  for (const [bytes, rank] of ranks) {
    if (bytes.length < 2) continue;
    const name = bytesToByteLevel(bytes);
    for (let i = 1; i < name.length; i++) {
      const a = byName.get(name.slice(0, i));
      const b = byName.get(name.slice(i));
      if (a !== undefined && b !== undefined) merges.push([a, b, rank]);
    }
  }
  const json = toHfJson(
    { tokenBytes, merges, specialTokens: new Map(Object.entries(data.special_tokens)) },
    patternFromSource(data.pat_str),
  );
  json.model.ignore_merges = true;
  return json;
}
