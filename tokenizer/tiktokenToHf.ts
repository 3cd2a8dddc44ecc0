/**
 * tiktoken ranks -> tokenizer.json: vocab from the ranks, merges from every split of a token into two tokens
 * (ordered by the merged token's rank, then the left part's length, as transformers' tiktoken converter
 * does), `ignore_merges` on so a word that is a token is taken whole, as tiktoken does.
 */
import { mergesFromRanks } from './bpeModel.js';
import { parseCompressedRanks, type TiktokenBpeData } from './tiktokenRanks.js';
import { patternFromSource } from './pretokenize.js';
import { toHfJson, type HfTokenizerJson } from './hfJson.js';

export function tiktokenToHfJson(data: TiktokenBpeData): HfTokenizerJson {
  const { tokenBytes, merges } = mergesFromRanks(parseCompressedRanks(data.bpe_ranks).sort((a, b) => a[1] - b[1]));
  const json = toHfJson(
    { tokenBytes, merges, specialTokens: new Map(Object.entries(data.special_tokens)) },
    patternFromSource(data.pat_str),
  );
  json.model.ignore_merges = true;
  return json;
}
