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

export const UNSPACED_CHAR = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;
// A word: letters/marks/digits, with inner apostrophes, hyphens or number separators ("don't",
// "well-known", "3.14", "1,000"); "..." stays one token as in NLTK; any other non-space char is
// its own punctuation token.
const TOKEN = /[\p{L}\p{M}\p{N}]+(?:['’\-][\p{L}\p{M}\p{N}]+|[.,]\p{N}+)*|\.\.\.|[^\s\p{L}\p{M}\p{N}]/gu;
const NOT_SYMBOL = /[^\p{P}\p{S}]/u;
// Scripts whose words are short in characters because one character is a syllable or a word:
// the Latin-derived 3-10 characters mean word length does not apply to them.
export const DENSE_CHAR = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}\p{sc=Yi}]/u;
const LETTER = /\p{L}/u;
/** Every character of the scripts above is at or past U+0E00 (Thai); the tests check this bound. */
export const DENSE_SCRIPTS_START = 0x0e00;

/**
 * `re.test(text)` for the script regexes above, skipping text with no code unit from U+0E00 on:
 * a charCodeAt loop rejects Latin/Cyrillic/Arabic text several times faster than the Unicode
 * script classes do.
 */
function testPast0E00(re: RegExp, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= DENSE_SCRIPTS_START) return re.test(text);
  return false;
}

/** True when the text contains characters of a script that is written without spaces. */
export function hasUnspacedScript(text: string): boolean {
  return testPast0E00(UNSPACED_CHAR, text);
}

/** Splits text into word and punctuation tokens (see module comment). */
export function tokenize(text: string): string[] {
  if (!testPast0E00(UNSPACED_CHAR, text)) return text.match(TOKEN) ?? [];
  // Line by line: no token spans a newline (ICU breaks around it, the regex never matches it), and
  // the same lines come back from later steps (C4 counts words per line, FineWeb re-tokenises C4's
  // output), so each line is segmented once (Intl.Segmenter is 10-20x slower than the regex).
  const out: string[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end > start) for (const t of segmentedLine(text.slice(start, end))) out.push(t);
    start = end + 1;
  }
  return out;
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
      const parts = s.segment.match(TOKEN);
      if (parts) for (const p of parts) out.push(p);
    }
  }
  return out;
}

// Consecutive steps (gopher_repetition, then gopher_quality) tokenise the same unchanged text of
// the same batch; a bounded cache keyed by the text saves the second pass. Bounded so that a
// worker's memory does not grow with the run: cleared whenever it holds more than a batch or two.
/** tokenize() with a small per-process cache; the returned array must not be modified. */
export const tokenizeCached: (text: string) => readonly string[] = boundedMemo(1024, (text) => tokenize(text));

/** A token made only of punctuation/symbol characters (datatrove's PUNCTUATION_SET test). */
export function isSymbolToken(token: string): boolean {
  return !NOT_SYMBOL.test(token);
}

/** Python's `any(c.isalpha() for c in w)`. */
export function hasLetter(token: string): boolean {
  // ASCII fast path (most tokens); the Unicode test only for tokens with other characters.
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c >= 0x80) return LETTER.test(token);
    if (((c | 0x20) >= 97 && (c | 0x20) <= 122)) return true;
  }
  return false;
}

/** True when the text holds any logographic or syllabic character (Han, Kana, Hangul, Thai...). */
export function hasDenseScript(text: string): boolean {
  return testPast0E00(DENSE_CHAR, text);
}

/**
 * Share of word tokens written in a logographic or syllabic script (Han, Kana, Hangul, Thai...).
 * Pass the tokens' source text when known: text without such characters answers 0 at once.
 */
export function denseScriptShare(tokens: readonly string[], text?: string): number {
  if (text !== undefined && !testPast0E00(DENSE_CHAR, text)) return 0;
  let words = 0;
  let dense = 0;
  for (const t of tokens) {
    if (!hasLetter(t)) continue;
    words++;
    if (testPast0E00(DENSE_CHAR, t)) dense++;
  }
  return words === 0 ? 0 : dense / words;
}

const DENSE_GLOBAL = new RegExp(DENSE_CHAR.source, 'gu');

/**
 * Length with logographic/syllabic characters (Han, Kana, Hangul, Thai...) counted twice: one such
 * character carries about as much text as two Latin letters, so character-length thresholds
 * tuned on English (short lines, short blocks) do not misjudge Chinese, Japanese or Korean.
 */
export function weightedLength(text: string): number {
  if (!testPast0E00(DENSE_CHAR, text)) return text.length;
  return text.length + (text.match(DENSE_GLOBAL)?.length ?? 0);
}
