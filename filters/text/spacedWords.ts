/**
 * Words as the Gopher paper and C4 count them: whitespace-separated words, punctuation attached
 * ("apt(8)", "/etc/hosts", "word," are one word each). For scripts written without spaces (Han,
 * Kana, Thai, Lao, Khmer, Myanmar) a whitespace-separated run is split into Intl.Segmenter's
 * dictionary words, punctuation attached to the word before it ("宣言」。" stays one word), so a
 * Japanese sentence is words rather than one giant "word".
 *
 * datatrove's definition (text/words.ts) makes every punctuation mark a token of its own: prose
 * with paths, `apt(8)` or quotes then has 20-40% tokens without a letter and fails Gopher's "80% of
 * words contain a letter", though 93-99% of its words do (docs/decisions.md).
 */
import { boundedMemo } from './boundedMemo.js';
import { ASCII_CLASS, classAt, LETTER, DENSE, PAIR, SPACE, SYMBOL, UNSPACED, WORD, anyOfScript } from './charClass.js';
import { firstEqualSpans } from './lines.js';
import { segmentChunked } from './segmenter.js';
import { Spans } from './spans.js';
import { newStats, tokenStats, tokensByLine, type TokenStats } from './words.js';
import { wordIdsOf } from './ngrams.js';
import type { WordAnalysis } from './wordAnalysis.js';

const spans = new Spans();
const lineRuns = new Spans();

/**
 * The whitespace-separated words of a text without unspaced scripts, in one pass: adds their
 * counts to `stats` (tokenStats' definitions) and their [start, end) to `spans` when given;
 * returns their number.
 */
function scanSpaced(text: string, stats?: TokenStats, spans?: Spans): number {
  const n = text.length;
  let count = 0;
  let i = 0;
  for (;;) {
    while (i < n && (text.charCodeAt(i) < 0x80 ? ASCII_CLASS[text.charCodeAt(i)]! : classAt(text, i)) & SPACE) i++;
    if (i >= n) return count;
    const start = i;
    let all = SYMBOL;
    let any = 0;
    let highSurrogates = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      const k = c < 0x80 ? ASCII_CLASS[c]! : classAt(text, i);
      if (k & SPACE) break;
      all &= k;
      any |= k;
      if (k & PAIR) {
        i += 2;
        highSurrogates++;
      } else {
        if (c >= 0xd800 && c <= 0xdbff) highSurrogates++;
        i++;
      }
    }
    count++;
    if (spans) spans.add(start, i);
    if (stats) {
      if (all) stats.symbolTokens++;
      else stats.contentCodePoints += i - start - highSurrogates;
      if (any & LETTER) {
        stats.letterTokens++;
        if (any & DENSE) stats.denseLetterTokens++;
      }
    }
  }
}

function analyseSpaced(text: string): WordAnalysis {
  if (anyOfScript(text, UNSPACED)) {
    const tokens = spacedWordTokens(text);
    return { ...wordIdsOf(tokens), stats: tokenStats(tokens), token: (i) => tokens[i]! };
  }
  spans.reset();
  const stats = newStats();
  const count = scanSpaced(text, stats, spans);
  const starts = spans.starts.slice(0, count);
  const lengths = new Int32Array(count);
  for (let t = 0; t < count; t++) lengths[t] = spans.ends[t]! - starts[t]!;
  const ids = new Int32Array(count);
  firstEqualSpans(text, starts, spans.ends, count, ids);
  return { count, ids, lengths, stats, token: (i) => text.slice(starts[i], starts[i]! + lengths[i]!) };
}

/** The words of one whitespace-free run that holds an unspaced script (see module comment). */
function segmentRun(run: string, out: string[]): void {
  let pending = ''; // punctuation before the run's first word
  const first = out.length;
  for (const s of segmentChunked(run)) {
    if (s.isWordLike) {
      out.push(pending + s.segment);
      pending = '';
    } else if (out.length > first) out[out.length - 1] += s.segment;
    else pending += s.segment;
  }
  if (pending) out.push(pending);
}

/** The words of a line that holds an unspaced script. */
function lineWords(line: string): readonly string[] {
  const out: string[] = [];
  const runs = lineRuns;
  runs.reset();
  scanSpaced(line, undefined, runs);
  for (let r = 0; r < runs.count; r++) {
    const run = line.slice(runs.starts[r], runs.ends[r]);
    if (anyOfScript(run, UNSPACED)) segmentRun(run, out);
    else out.push(run);
  }
  return out;
}

// Bounded like words.ts's line cache: consecutive steps and C4's output re-read the same lines.
const cachedLineWords = boundedMemo(8192, lineWords, 4096);

/** Whitespace-separated words of a text, unspaced scripts segmented (as strings). */
export function spacedWordTokens(text: string): string[] {
  if (anyOfScript(text, UNSPACED)) return tokensByLine(text, cachedLineWords);
  spans.reset();
  const count = scanSpaced(text, undefined, spans);
  return Array.from({ length: count }, (_, t) => text.slice(spans.starts[t], spans.ends[t]));
}

/** The number of words spacedWordTokens() finds. */
export function countSpacedWords(text: string): number {
  return anyOfScript(text, UNSPACED) ? spacedWordTokens(text).length : scanSpaced(text);
}

/** A word without the punctuation around it, lower-cased ("(The" -> "the"): for stop-word lists. */
export function bareWord(word: string): string {
  let start = 0;
  let end = word.length;
  while (start < end) {
    const k = classAt(word, start);
    if (k & WORD) break;
    start += k & PAIR ? 2 : 1;
  }
  while (end > start) {
    const c = word.charCodeAt(end - 2);
    const last = end - 2 >= start && c >= 0xd800 && c <= 0xdbff ? end - 2 : end - 1; // a pair's first unit
    if (classAt(word, last) & WORD) break;
    end = last;
  }
  return word.slice(start, end).toLowerCase();
}

// Shared by gopher_repetition and gopher_quality on the same text (see wordAnalysis.ts).
/** The whitespace-word analysis of a text, cached per thread; the returned arrays must not be modified. */
export const analyseSpacedWords: (text: string) => WordAnalysis = boundedMemo(1024, analyseSpaced);
