/**
 * Pre-tokenizers as scanners: for each known pattern (gpt2, cl100k, o200k), a hand-written function that
 * gives the end of the word starting at a position, exactly where the pattern's regex match would end, without
 * allocating a string per word. Each branch below is one alternative of the regex, tried in the regex's order,
 * with the regex's greedy-then-backtrack result worked out in closed form. tests/word-scanner.test.ts checks
 * every split against the regex on the UDHR in all languages and on random strings of every Unicode category.
 * Any other pattern runs as a regex (`regexScanner`).
 */
import { classAt, widthAt, runEnd, LETTER, NUMBER, SPACE, UPPER, LOWER, NEWLINE, OTHER } from './codepointClasses.js';
import { compilePattern, type PretokenizerPattern } from './pretokenize.js';

/** End (exclusive, a UTF-16 index) of the word that starts at `pos`; pos < text.length. */
export type WordScanner = (text: string, pos: number) => number;

const APOSTROPHE = 39;

/** `'s|'t|'re|'ve|'m|'ll|'d` at i (text[i] is an apostrophe): the end, or -1. */
function contraction(text: string, i: number): number {
  const a = text.charCodeAt(i + 1);
  if (a === 115 || a === 116 || a === 109 || a === 100) return i + 2; // s t m d
  const b = text.charCodeAt(i + 2);
  if ((a === 114 || a === 118) && b === 101) return i + 3; // re ve
  if (a === 108 && b === 108) return i + 3; // ll
  return -1;
}

/** `(?i:'s|'t|'re|'ve|'m|'ll|'d)` at i under Unicode simple case folding (s also U+017F): the end, or -1. */
function contractionAnyCase(text: string, i: number): number {
  const a = text.charCodeAt(i + 1) | 0x20; // ASCII lower case; U+017F is tested on its own
  if (a === 115 || a === 116 || a === 109 || a === 100 || text.charCodeAt(i + 1) === 0x17f) return i + 2;
  const b = text.charCodeAt(i + 2) | 0x20;
  if ((a === 114 || a === 118) && b === 101) return i + 3;
  if (a === 108 && b === 108) return i + 3;
  return -1;
}

/** `\s+(?!\S)|\s+`: a run of white space, less its last character when a non-space follows it. */
function spaceEnd(text: string, i: number): number {
  const j = runEnd(text, i, SPACE);
  return j === text.length || j - i < 2 ? j : j - 1; // white space is all in the BMP: one unit each
}

/** `\s*[\r\n]+|\s+(?!\S)|\s+`: up to the last line break of the white-space run, else as spaceEnd. */
function newlineOrSpaceEnd(text: string, i: number): number {
  const j = runEnd(text, i, SPACE);
  for (let p = j - 1; p >= i; p--) {
    const c = text.charCodeAt(p);
    if (c === 10 || c === 13) return p + 1;
  }
  return j === text.length || j - i < 2 ? j : j - 1;
}

/** `\p{N}{1,3}` */
function digitsEnd(text: string, i: number): number {
  let j = i;
  for (let count = 0; count < 3 && j < text.length && (classAt(text, j) & NUMBER) !== 0; count++) j += widthAt(text, j);
  return j;
}

/** `[\r\n/]*` */
function newlineOrSlashEnd(text: string, j: number): number {
  for (let c = text.charCodeAt(j); c === 10 || c === 13 || c === 47; c = text.charCodeAt(++j));
  return j;
}

/** GPT-2: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+` */
export function gpt2WordEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === APOSTROPHE) {
    const e = contraction(text, i);
    if (e > 0) return e;
  }
  if (c === 32 && i + 1 < text.length) {
    const next = classAt(text, i + 1);
    if (next & LETTER) return runEnd(text, i + 1, LETTER);
    if (next & NUMBER) return runEnd(text, i + 1, NUMBER);
    if (next & OTHER) return runEnd(text, i + 1, OTHER);
  }
  const k = classAt(text, i);
  if (k & LETTER) return runEnd(text, i, LETTER);
  if (k & NUMBER) return runEnd(text, i, NUMBER);
  if (k & OTHER) return runEnd(text, i, OTHER);
  return spaceEnd(text, i);
}

/**
 * cl100k: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|
 * \s+(?!\S)|\s+`
 */
export function cl100kWordEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === APOSTROPHE) {
    const e = contractionAnyCase(text, i);
    if (e > 0) return e;
  }
  const k = classAt(text, i);
  if (k & LETTER) return runEnd(text, i, LETTER);
  const w = widthAt(text, i);
  if ((k & (NUMBER | NEWLINE)) === 0 && i + w < text.length && (classAt(text, i + w) & LETTER) !== 0) {
    return runEnd(text, i + w, LETTER);
  }
  if (k & NUMBER) return digitsEnd(text, i);
  if (c === 32 && i + 1 < text.length && (classAt(text, i + 1) & OTHER) !== 0) return runEnd(text, runEnd(text, i + 1, OTHER), NEWLINE);
  if (k & OTHER) return runEnd(text, runEnd(text, i, OTHER), NEWLINE);
  return newlineOrSpaceEnd(text, i);
}

/**
 * o200k's `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+` from s: the greedy upper run, then a
 * lower run; when none follows, the regex backs into the upper run to its last code point that is also "lower"
 * (Lm, Lo, M), which then ends the match. -1 when there is none.
 */
function upperLowerEnd(text: string, s: number): number {
  const n = text.length;
  let j = s;
  let lastLowerEnd = -1;
  while (j < n) {
    const k = classAt(text, j);
    if ((k & UPPER) === 0) break;
    j += widthAt(text, j);
    if (k & LOWER) lastLowerEnd = j;
  }
  if (j < n && (classAt(text, j) & LOWER) !== 0) return runEnd(text, j, LOWER);
  return lastLowerEnd;
}

/** o200k's `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*` from s, or -1. */
function upperThenLowerEnd(text: string, s: number): number {
  const j = runEnd(text, s, UPPER);
  return j === s ? -1 : runEnd(text, j, LOWER);
}

/**
 * o200k: `[^\r\n\p{L}\p{N}]?U*W+C?|[^\r\n\p{L}\p{N}]?U+W*C?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|
 * \s+(?!\S)|\s+` with U, W the upper and lower classes and C the case-insensitive contractions.
 */
export function o200kWordEnd(text: string, i: number): number {
  const n = text.length;
  const c = text.charCodeAt(i);
  const k = classAt(text, i);
  const afterPrefix = (k & (LETTER | NUMBER | NEWLINE)) === 0 && i + 1 < n ? i + widthAt(text, i) : -1;
  let e = afterPrefix > 0 ? upperLowerEnd(text, afterPrefix) : -1;
  if (e < 0) e = upperLowerEnd(text, i);
  if (e < 0 && afterPrefix > 0) e = upperThenLowerEnd(text, afterPrefix);
  if (e < 0) e = upperThenLowerEnd(text, i);
  if (e >= 0) {
    if (text.charCodeAt(e) !== APOSTROPHE) return e;
    const withContraction = contractionAnyCase(text, e);
    return withContraction > 0 ? withContraction : e;
  }
  if (k & NUMBER) return digitsEnd(text, i);
  if (c === 32 && i + 1 < n && (classAt(text, i + 1) & OTHER) !== 0) return newlineOrSlashEnd(text, runEnd(text, i + 1, OTHER));
  if (k & OTHER) return newlineOrSlashEnd(text, runEnd(text, i, OTHER));
  return newlineOrSpaceEnd(text, i);
}

/**
 * Any other pattern, as a regex. Text the regex does not match becomes a word of its own (HF tokenizers' Split
 * keeps it, so no text is lost); empty matches are skipped.
 */
export function regexScanner(pattern: PretokenizerPattern): WordScanner {
  const re = compilePattern(pattern);
  return (text, pos) => {
    re.lastIndex = pos;
    for (;;) {
      const m = re.exec(text);
      if (m === null) return text.length;
      if (m[0].length > 0) return m.index > pos ? m.index : m.index + m[0].length;
      re.lastIndex = m.index + widthAt(text, m.index);
      if (re.lastIndex >= text.length) return text.length;
    }
  };
}

/** The scanner for a pattern: hand-written for the known ones, the regex otherwise. */
export function wordScannerFor(pattern: PretokenizerPattern): WordScanner {
  switch (pattern.name) {
    case 'gpt2':
      return gpt2WordEnd;
    case 'cl100k':
      return cl100kWordEnd;
    case 'o200k':
      return o200kWordEnd;
    default:
      return regexScanner(pattern);
  }
}
