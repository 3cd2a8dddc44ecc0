/**
 * One tokenisation of a document shared by gopher_repetition and gopher_quality: per token its
 * word id (the index of the first equal token) and length, plus the counts of tokenStats().
 *
 * For text without unspaced scripts the tokens are never built as strings: the scan records their
 * spans and equal tokens are found by hashing their characters in the document (a string per token
 * and a Map<string, number> were ~30% of gopher_repetition's time, much of it in GC). A token's
 * string is sliced only when asked for (stop words, usually a few tokens into the text).
 */
import { boundedMemo } from './boundedMemo.js';
import { wordIdsOf, type WordIds } from './ngrams.js';
import { firstEqualSpans } from './lines.js';
import { hasUnspacedScript, newStats, scanTokens, tokenStats, tokenizeUnspaced, type TokenStats } from './words.js';
import { Spans } from './spans.js';

/** WordIds (count = tokenize(text).length; equal = code unit for code unit) plus token counts. */
export interface WordAnalysis extends WordIds {
  readonly stats: TokenStats;
  /** Token i as a string (tokenize(text)[i]). */
  token(i: number): string;
}

const spans = new Spans();

function analyse(text: string): WordAnalysis {
  if (hasUnspacedScript(text)) return fromTokens(tokenizeUnspaced(text));
  spans.reset();
  const stats = newStats();
  const count = scanTokens(text, undefined, stats, spans);
  const starts = spans.starts.slice(0, count);
  const lengths = new Int32Array(count);
  for (let t = 0; t < count; t++) lengths[t] = spans.ends[t]! - starts[t]!;
  const ids = new Int32Array(count);
  firstEqualSpans(text, starts, spans.ends, count, ids);
  return { count, ids, lengths, stats, token: (i) => text.slice(starts[i], starts[i]! + lengths[i]!) };
}

/** The analysis of given token strings (the segmenter path). */
function fromTokens(tokens: readonly string[]): WordAnalysis {
  return { ...wordIdsOf(tokens), stats: tokenStats(tokens), token: (i) => tokens[i]! };
}

// Consecutive steps (gopher_repetition, then gopher_quality) look at the same unchanged text of the
// same batch; a bounded cache keyed by the text saves the second pass. Bounded so that a worker's
// memory does not grow with the run: cleared whenever it holds more than a batch or two.
/** The analysis of a text, cached per thread; the returned arrays must not be modified. */
export const analyseWords: (text: string) => WordAnalysis = boundedMemo(1024, analyse);
