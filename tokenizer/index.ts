// Public, typed API of the tokenizer area.
export { Tokenizer, type EncodeOptions, type TokenizerParts } from './tokenizer.js';
export { BpeModel } from './bpeModel.js';
export {
  PRETOKENIZERS,
  pretokenize,
  pretokenizerByName,
  patternFromSource,
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
