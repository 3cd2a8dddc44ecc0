// Public, typed API of the tokenizer area.
export { Tokenizer, type EncodeOptions, type TokenizerParts, type SharedTokenizer } from './tokenizer.js';
export { BpeModel } from './bpeModel.js';
export { IdBuffer } from './idBuffer.js';
export {
  PRETOKENIZERS,
  pretokenize,
  pretokenizerByName,
  patternFromSource,
  translateRustRegex,
  type PretokenizerName,
  type PretokenizerPattern,
} from './pretokenize.js';
export { BYTE_TO_CHAR, bytesToByteLevel, byteLevelToBytes } from './byteLevel.js';
export {
  tokenizerFromTiktokenData,
  loadTiktokenFile,
  parseTiktokenFile,
  parseCompressedRanks,
  type TiktokenBpeData,
} from './tiktokenRanks.js';
export { tiktokenToHfJson } from './tiktokenToHf.js';
export { toHfJson, tokenizerFromHfJson, tokenizerFromTrained, TokenizerJsonError, type HfTokenizerJson, type HfAddedToken } from './hfJson.js';
export { trainBpe, type TrainOptions, type TrainedBpe } from './bpeTrainer.js';
export { trainFromTexts, type TrainFromTextsOptions, type TrainReport } from './trainPipeline.js';
export { WordCounter, countWords, type PruneReport } from './wordCounts.js';
export { loadTokenizerFile, saveTokenizerFile, type LoadedTokenizer } from './tokenizerFile.js';
export { tokenizeDocuments, tokenizeInputs, tokenFileNames, TokenizeError, type TokenizeOptions } from './tokenizeCorpus.js';
export { mergeTokenDatasets, MergeTokensError } from './mergeTokens.js';
export {
  readTokenBin,
  readTokensManifest,
  splitDocuments,
  encodeMegatronIndex,
  readMegatronIndex,
  dtypeForVocab,
  MEGATRON_DTYPE_CODE,
  type TokensManifest,
  type TokenFileInfo,
  type TokenDtype,
} from '../datasets/tokenShards.js';
