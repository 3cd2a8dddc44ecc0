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
import { classAt, LETTER, DENSE, PAIR, SPACE, SYMBOL, UNSPACED, WORD, anyOfScript } from './charClass.js';
import { firstEqualSpans } from './lines.js';
import { segmentChunked } from './segmenter.js';
import { Spans } from './spans.js';
import { newStats, tokenStats, tokensByLine, type TokenStats } from './words.js';
import { wordIdsOf } from './ngrams.js';
import type { WordAnalysis } from './wordAnalysis.js';

const spans = new Spans();

/** Adds the counts of the word text[start, end) to `st` (tokenStats' definitions). */
function countWord(text: string, start: number, end: number, st: TokenStats): void {
  let all = SYMBOL;
  let any = 0;
  let highSurrogates = 0;
  for (let i = start; i < end; i++) {
    const k = classAt(text, i);
    all &= k;
    any |= k;
    if (k & PAIR) {
      i++;
      highSurrogates++;
    } else {
      const c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff) highSurrogates++;
    }
  }
  if (all) st.symbolTokens++;
  else st.contentCodePoints += end - start - highSurrogates;
  if (any & LETTER) {
    st.letterTokens++;
    if (any & DENSE) st.denseLetterTokens++;
  }
}

/** Index past the run of whitespace (want = true) or non-whitespace (false) starting at i. */
function skip(text: string, i: number, want: boolean): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const space = c < 0x80 ? c === 32 || (c >= 9 && c <= 13) : (classAt(text, i) & SPACE) !== 0;
    if (space !== want) return i;
    i++;
  }
  return i;
}

function analyseSpaced(text: string): WordAnalysis {
  if (anyOfScript(text, UNSPACED)) {
    const tokens = spacedWordTokens(text);
    return { ...wordIdsOf(tokens), stats: tokenStats(tokens), token: (i) => tokens[i]! };
  }
  spans.reset();
  const stats = newStats();
  for (let i = skip(text, 0, true); i < text.length; ) {
    const end = skip(text, i, false);
    countWord(text, i, end, stats);
    spans.add(i, end);
    i = skip(text, end, true);
  }
  const count = spans.count;
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
  for (let i = skip(line, 0, true); i < line.length; ) {
    const end = skip(line, i, false);
    const run = line.slice(i, end);
    if (anyOfScript(run, UNSPACED)) segmentRun(run, out);
    else out.push(run);
    i = skip(line, end, true);
  }
  return out;
}

// Bounded like words.ts's line cache: consecutive steps and C4's output re-read the same lines.
const cachedLineWords = boundedMemo(8192, lineWords, 4096);

/** Whitespace-separated words of a text, unspaced scripts segmented (as strings). */
export function spacedWordTokens(text: string): string[] {
  if (!anyOfScript(text, UNSPACED)) {
    const out: string[] = [];
    for (let i = skip(text, 0, true); i < text.length; ) {
      const end = skip(text, i, false);
      out.push(text.slice(i, end));
      i = skip(text, end, true);
    }
    return out;
  }
  return tokensByLine(text, cachedLineWords);
}

/** The number of words spacedWordTokens() finds. */
export function countSpacedWords(text: string): number {
  if (anyOfScript(text, UNSPACED)) return spacedWordTokens(text).length;
  let n = 0;
  for (let i = skip(text, 0, true); i < text.length; n++) i = skip(text, skip(text, i, false), true);
  return n;
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
