/**
 * Unicode character classes the text filters test per character, as bit flags in a lookup table.
 *
 * Each class is defined by the regex below and a code point's bits are computed once, lazily, by
 * running those regexes on that one character (so the sets are the regexes' sets by construction;
 * tests/text-words.test.ts checks every code point). Scanning with charCodeAt and a table
 * replaced regexes with Unicode property classes that took several % of a curation worker's time.
 */

/** \p{L} \p{M} \p{N}: characters of a word. */
export const WORD = 1;
/** \p{N} */
export const NUMBER = 2;
/** \s (JavaScript's whitespace set). */
export const SPACE = 4;
/** \p{L} */
export const LETTER = 8;
/** \p{P} \p{S}: punctuation and symbols. */
export const SYMBOL = 16;
/** Scripts written without spaces (words come from Intl.Segmenter). */
export const UNSPACED = 32;
/** Logographic or syllabic scripts: one character carries about two Latin letters. */
export const DENSE = 64;
const KNOWN = 128;

export const CLASS_REGEX: Readonly<Record<number, RegExp>> = {
  [WORD]: /^[\p{L}\p{M}\p{N}]$/u,
  [NUMBER]: /^\p{N}$/u,
  [SPACE]: /^\s$/u,
  [LETTER]: /^\p{L}$/u,
  [SYMBOL]: /^[\p{P}\p{S}]$/u,
  [UNSPACED]: /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]$/u,
  [DENSE]: /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}\p{sc=Yi}]$/u,
};
const CLASSES = Object.entries(CLASS_REGEX).map(([bit, re]) => [Number(bit), re] as const);

const BMP = new Uint8Array(0x10000);
/** Class bits of the ASCII characters (filled at load): loops read it directly for c < 0x80. */
export const ASCII_CLASS = BMP.subarray(0, 0x80);
const ASTRAL = new Map<number, number>();

function compute(cp: number): number {
  const ch = String.fromCodePoint(cp);
  let bits = KNOWN;
  for (const [bit, re] of CLASSES) if (re.test(ch)) bits |= bit;
  return bits;
}

/** The class bits of a code point (a lone surrogate is a code point of its own, as in /u regexes). */
export function classOf(cp: number): number {
  if (cp < 0x10000) {
    const k = BMP[cp]!;
    return k !== 0 ? k : (BMP[cp] = compute(cp));
  }
  let k = ASTRAL.get(cp);
  if (k === undefined) ASTRAL.set(cp, (k = compute(cp)));
  return k;
}

/** Code point at i (a surrogate pair, or the single code unit). */
export function codePointAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
  }
  return c;
}

/** Set in classAt's answer when the code point at i is a surrogate pair (two code units). */
export const PAIR = 256;

/** The class bits of the code point at i, plus PAIR when it takes two code units. */
export function classAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) {
    const k = BMP[c]!;
    return k !== 0 ? k : (BMP[c] = compute(c));
  }
  const cp = codePointAt(s, i);
  return cp > 0xffff ? classOf(cp) | PAIR : classOf(cp);
}

/** True when some code point of s[from, to) has one of the `bits`. */
export function anyOfClass(s: string, bits: number, from = 0, to = s.length): boolean {
  for (let i = from; i < to; i++) {
    const k = classAt(s, i);
    if (k & bits) return true;
    if (k & PAIR) i++;
  }
  return false;
}

/** Every UNSPACED or DENSE character is at or past U+0E00 (Thai); the tests check this bound. */
export const SCRIPTS_START = 0x0e00;

// Finds the first code unit at or past U+0E00: the regex engine scans a long Latin text several
// times faster than a charCodeAt loop.
const PAST_SCRIPTS_START = /[\u0e00-\uffff]/;

/** anyOfClass for UNSPACED/DENSE bits: characters below U+0E00 are skipped without a lookup. */
export function anyOfScript(s: string, bits: number): boolean {
  const first = s.search(PAST_SCRIPTS_START);
  if (first < 0) return false;
  for (let i = first; i < s.length; i++) {
    if (s.charCodeAt(i) < SCRIPTS_START) continue;
    const k = classAt(s, i);
    if (k & bits) return true;
    if (k & PAIR) i++;
  }
  return false;
}

/** True when every code point of `s` has one of the `bits` (true for ''). */
export function allOfClass(s: string, bits: number): boolean {
  for (let i = 0; i < s.length; i++) {
    const k = classAt(s, i);
    if (!(k & bits)) return false;
    if (k & PAIR) i++;
  }
  return true;
}

/** Code points of `s` with one of the UNSPACED/DENSE `bits`. */
export function countOfScript(s: string, bits: number): number {
  const first = s.search(PAST_SCRIPTS_START);
  if (first < 0) return 0;
  let n = 0;
  for (let i = first; i < s.length; i++) {
    if (s.charCodeAt(i) < SCRIPTS_START) continue;
    const k = classAt(s, i);
    if (k & bits) n++;
    if (k & PAIR) i++;
  }
  return n;
}

// ASCII is read from ASCII_CLASS without the lazy check, so it is filled now.
for (let c = 0; c < 0x80; c++) classOf(c);
