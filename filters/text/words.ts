/**
 * Word splitting shared by the quality filters.
 *
 * Output mimics what datatrove's filters see from NLTK's word_tokenize: word tokens plus
 * punctuation tokens (",", ".", "..."), because several Gopher ratios are taken over *all*
 * tokens. Scripts written without spaces (Han, Kana, Thai, Lao, Khmer, Myanmar) go through
 * Intl.Segmenter's dictionary-based word breaking, so a Chinese paragraph becomes words rather
 * than one giant "word" that would fail every word-count and word-length rule.
 */

import { segmentChunked } from './segmenter.js';
import { boundedMemo } from './boundedMemo.js';
import type { Spans } from './spans.js';
import { allOfClass, anyOfClass, anyOfScript, ASCII_CLASS, classAt, countOfScript, DENSE, SCRIPTS_START, LETTER, NUMBER, PAIR, SPACE, SYMBOL, UNSPACED, WORD } from './charClass.js';

export const UNSPACED_CHAR = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;
// A word: letters/marks/digits, with inner apostrophes, hyphens or number separators ("don't",
// "well-known", "3.14", "1,000"); "..." stays one token as in NLTK; any other non-space char is
// its own punctuation token. scanTokens() implements exactly this regex (the tests compare them).
export const TOKEN = /[\p{L}\p{M}\p{N}]+(?:['’\-][\p{L}\p{M}\p{N}]+|[.,]\p{N}+)*|\.\.\.|[^\s\p{L}\p{M}\p{N}]/gu;
// Scripts whose words are short in characters because one character is a syllable or a word:
// the Latin-derived 3-10 characters mean word length does not apply to them.
export const DENSE_CHAR = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}\p{sc=Yi}]/u;
/** Every character of the scripts above is at or past U+0E00 (Thai); the tests check this bound. */
export const DENSE_SCRIPTS_START = SCRIPTS_START;

/** True when the text contains characters of a script that is written without spaces. */
export function hasUnspacedScript(text: string): boolean {
  return anyOfScript(text, UNSPACED);
}

// What the last skipClass() run saw: the OR of its characters' class bits, and its surrogate pairs.
let runBits = 0;
let runPairs = 0;

/** Index past the run of code points with `bits` starting at i (see runBits/runPairs). */
function skipClass(s: string, i: number, bits: number): number {
  let seen = 0;
  let pairs = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      const k = ASCII_CLASS[c]!;
      if (!(k & bits)) break;
      seen |= k;
      i++;
      continue;
    }
    const k = classAt(s, i);
    if (!(k & bits)) break;
    seen |= k;
    if (k & PAIR) {
      i += 2;
      pairs++;
    } else i++;
  }
  runBits = seen;
  runPairs = pairs;
  return i;
}

/**
 * The TOKEN regex's matches in s, as a hand-written scan (the regex's Unicode classes were several %
 * of a worker's time). Pushes the tokens to `out`, adds their counts to `stats` and their
 * [start, end) to `spans` when given; returns the number of tokens.
 */
export function scanTokens(s: string, out?: string[], stats?: TokenStats, spans?: Spans): number {
  const n = s.length;
  let count = 0;
  let i = 0;
  while (i < n) {
    const c0 = s.charCodeAt(i);
    if (c0 === 32) {
      i++; // the commonest character, first
      continue;
    }
    const k = c0 < 0x80 ? ASCII_CLASS[c0]! : classAt(s, i);
    const width = k & PAIR ? 2 : 1;
    const start = i;
    if (k & WORD) {
      // Greedy like the regex: a maximal run, then joiners while a word (or number) follows.
      i = skipClass(s, i, WORD);
      let bits = runBits;
      let pairs = runPairs;
      while (i + 1 < n) {
        const c = s.charCodeAt(i);
        if ((c === 39 || c === 0x2019 || c === 45) && classAt(s, i + 1) & WORD) i = skipClass(s, i + 1, WORD);
        else if ((c === 46 || c === 44) && classAt(s, i + 1) & NUMBER) i = skipClass(s, i + 1, NUMBER);
        else break;
        bits |= runBits;
        pairs += runPairs;
      }
      if (stats) {
        // Starts with a letter/mark/digit, so never a symbol token; no lone surrogates inside.
        stats.contentCodePoints += i - start - pairs;
        if (bits & LETTER) {
          stats.letterTokens++;
          if (bits & DENSE) stats.denseLetterTokens++;
        }
      }
    } else if (k & SPACE) {
      i += width;
      continue;
    } else if (s.charCodeAt(i) === 46 && s.charCodeAt(i + 1) === 46 && s.charCodeAt(i + 2) === 46) {
      i += 3;
      if (stats) stats.symbolTokens++;
    } else {
      i += width;
      if (stats) {
        // One character that is not a letter: a symbol, or content of len() 1 (0 for a lone high surrogate).
        const c = s.charCodeAt(start);
        if (k & SYMBOL) stats.symbolTokens++;
        else stats.contentCodePoints += width === 2 || (c >= 0xd800 && c <= 0xdbff) ? width - 1 : 1;
      }
    }
    if (out) out.push(s.slice(start, i));
    if (spans) spans.add(start, i);
    count++;
  }
  return count;
}

/** The TOKEN regex's matches (`text.match(TOKEN) ?? []`). */
export function regexTokens(text: string): string[] {
  const out: string[] = [];
  scanTokens(text, out);
  return out;
}

/** Splits text into word and punctuation tokens (see module comment). */
export function tokenize(text: string): string[] {
  if (!hasUnspacedScript(text)) return regexTokens(text);
  return tokenizeUnspaced(text);
}

/** tokenize() for text that contains an unspaced script. */
export function tokenizeUnspaced(text: string): string[] {
  // Line by line: no token spans a newline (ICU breaks around it, the regex never matches it), and
  // the same lines come back from later steps (C4 counts words per line, FineWeb re-tokenises C4's
  // output), so each line is segmented once (Intl.Segmenter is 10-20x slower than the regex).
  return tokensByLine(text, segmentedLine);
}

/** The tokens of each non-empty line of `text` ('\n'-separated), in order. */
export function tokensByLine(text: string, lineTokens: (line: string) => readonly string[]): string[] {
  const out: string[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end > start) for (const t of lineTokens(text.slice(start, end))) out.push(t);
    start = end + 1;
  }
  return out;
}

/** tokenize(text).length, without building the tokens when the text needs no segmenter. */
export function countTokens(text: string): number {
  return hasUnspacedScript(text) ? tokenizeUnspaced(text).length : scanTokens(text);
}

/** tokenize(text).filter(hasLetter).length */
export function countLetterTokens(text: string): number {
  let n = 0;
  for (const t of tokenize(text)) if (hasLetter(t)) n++;
  return n;
}

// Bounded: cleared when full, and long lines are not kept, so a worker's memory stays small
// (at most 8,192 lines of up to 4,096 characters and their tokens).
/** Tokens of one line of a text that contains an unspaced script (segmenter path). */
const segmentedLine = boundedMemo(8192, segmentLine, 4096);

function segmentLine(line: string): readonly string[] {
  const out: string[] = [];
  for (const s of segmentChunked(line)) {
    if (s.isWordLike) out.push(s.segment);
    else if (s.segment.trim() !== '') {
      // Non-word segments may hold several punctuation marks ("」。"); split them like the regex path.
      for (const p of regexTokens(s.segment)) out.push(p);
    }
  }
  return out;
}

/** A token made only of punctuation/symbol characters (datatrove's PUNCTUATION_SET test). */
export function isSymbolToken(token: string): boolean {
  return allOfClass(token, SYMBOL);
}

/** Python's `any(c.isalpha() for c in w)`. */
export function hasLetter(token: string): boolean {
  return anyOfClass(token, LETTER);
}

/** True when the text holds any logographic or syllabic character (Han, Kana, Hangul, Thai...). */
export function hasDenseScript(text: string): boolean {
  return anyOfScript(text, DENSE);
}

/**
 * Share of word tokens written in a logographic or syllabic script (Han, Kana, Hangul, Thai...).
 * Pass the tokens' source text when known: text without such characters answers 0 at once.
 */
export function denseScriptShare(tokens: readonly string[], text?: string): number {
  if (text !== undefined && !anyOfScript(text, DENSE)) return 0;
  let words = 0;
  let dense = 0;
  for (const t of tokens) {
    if (!anyOfClass(t, LETTER)) continue;
    words++;
    if (anyOfScript(t, DENSE)) dense++;
  }
  return words === 0 ? 0 : dense / words;
}

/**
 * Length with logographic/syllabic characters (Han, Kana, Hangul, Thai...) counted twice: one such
 * character carries about as much text as two Latin letters, so character-length thresholds
 * tuned on English (short lines, short blocks) do not misjudge Chinese, Japanese or Korean.
 */
export function weightedLength(text: string): number {
  return text.length + countOfScript(text, DENSE);
}

/** Per-document token counts the Gopher rules need (see tokenStats). */
export interface TokenStats {
  /** Tokens made only of punctuation/symbols (isSymbolToken). */
  symbolTokens: number;
  /** Tokens with a letter (hasLetter). */
  letterTokens: number;
  /** Tokens with a letter and a logographic/syllabic character. */
  denseLetterTokens: number;
  /** Python len() summed over the tokens that are not symbol tokens (UTF-16 units minus high surrogates). */
  contentCodePoints: number;
}

export function newStats(): TokenStats {
  return { symbolTokens: 0, letterTokens: 0, denseLetterTokens: 0, contentCodePoints: 0 };
}

/** Counts over `tokens` in one pass over their characters (scanTokens counts the same while scanning). */
export function tokenStats(tokens: readonly string[]): TokenStats {
  const st = newStats();
  for (const t of tokens) {
    let all = SYMBOL;
    let any = 0;
    let highSurrogates = 0;
    for (let i = 0; i < t.length; i++) {
      const k = classAt(t, i);
      all &= k;
      any |= k;
      if (k & PAIR) {
        i++;
        highSurrogates++;
      } else {
        const c = t.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdbff) highSurrogates++;
      }
    }
    if (all) st.symbolTokens++;
    else st.contentCodePoints += t.length - highSurrogates;
    if (any & LETTER) {
      st.letterTokens++;
      if (any & DENSE) st.denseLetterTokens++;
    }
  }
  return st;
}

/** denseScriptShare(tokens) from their stats. */
export function denseShareOf(st: TokenStats): number {
  return st.letterTokens === 0 ? 0 : st.denseLetterTokens / st.letterTokens;
}
