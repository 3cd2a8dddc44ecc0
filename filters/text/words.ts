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

const UNSPACED_CHAR = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;
// A word: letters/marks/digits, with inner apostrophes, hyphens or number separators ("don't",
// "well-known", "3.14", "1,000"); "..." stays one token as in NLTK; any other non-space char is
// its own punctuation token.
const TOKEN = /[\p{L}\p{M}\p{N}]+(?:['’\-][\p{L}\p{M}\p{N}]+|[.,]\p{N}+)*|\.\.\.|[^\s\p{L}\p{M}\p{N}]/gu;
const NOT_SYMBOL = /[^\p{P}\p{S}]/u;
// Scripts whose words are short in characters because one character is a syllable or a word:
// the Latin-derived 3-10 characters mean word length does not apply to them.
const DENSE_CHAR = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}\p{sc=Yi}]/u;
const LETTER = /\p{L}/u;

/** True when the text contains characters of a script that is written without spaces. */
export function hasUnspacedScript(text: string): boolean {
  return UNSPACED_CHAR.test(text);
}

/** Splits text into word and punctuation tokens (see module comment). */
export function tokenize(text: string): string[] {
  if (!UNSPACED_CHAR.test(text)) return text.match(TOKEN) ?? [];
  const out: string[] = [];
  for (const s of segmentChunked(text)) {
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
const CACHE_LIMIT = 1024;
const cache = new Map<string, readonly string[]>();

/** tokenize() with a small per-process cache; the returned array must not be modified. */
export function tokenizeCached(text: string): readonly string[] {
  let tokens = cache.get(text);
  if (!tokens) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    tokens = tokenize(text);
    cache.set(text, tokens);
  }
  return tokens;
}

/** A token made only of punctuation/symbol characters (datatrove's PUNCTUATION_SET test). */
export function isSymbolToken(token: string): boolean {
  return !NOT_SYMBOL.test(token);
}

/** Python's `any(c.isalpha() for c in w)`. */
export function hasLetter(token: string): boolean {
  return LETTER.test(token);
}

/** Share of word tokens written in a logographic or syllabic script (Han, Kana, Hangul, Thai...). */
export function denseScriptShare(tokens: readonly string[]): number {
  let words = 0;
  let dense = 0;
  for (const t of tokens) {
    if (!hasLetter(t)) continue;
    words++;
    if (DENSE_CHAR.test(t)) dense++;
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
  if (!DENSE_CHAR.test(text)) return text.length;
  return text.length + (text.match(DENSE_GLOBAL)?.length ?? 0);
}
