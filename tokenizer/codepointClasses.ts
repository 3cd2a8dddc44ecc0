/**
 * Character classes of the pre-tokenizer patterns, per code point, as bits in one lookup table: what the
 * scanners (wordScanner.ts) test instead of running a regex. Each class is decided by V8's own regex engine
 * (the same Unicode tables the JavaScript patterns use), one 256-code-point block at a time, the first time a
 * code point of the block is seen: a text in one script touches a handful of blocks.
 */

/** \p{L} */
export const LETTER = 1;
/** \p{N} */
export const NUMBER = 2;
/** Unicode White_Space (Rust's and Oniguruma's `\s`). */
export const SPACE = 4;
/** [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]: o200k's "upper" class. */
export const UPPER = 8;
/** [\p{Ll}\p{Lm}\p{Lo}\p{M}]: o200k's "lower" class. */
export const LOWER = 16;
/** \r or \n */
export const NEWLINE = 32;
/** Neither letter, number nor white space: [^\s\p{L}\p{N}] (marks and lone surrogates included). */
export const OTHER = 64;
/** Set on every entry once its block is classified; 0 means "not looked at yet". */
const KNOWN = 128;

const BLOCK = 256;
const table = new Uint8Array(0x110000);

const TESTS: readonly [RegExp, number][] = [
  [/^\p{L}$/u, LETTER],
  [/^\p{N}$/u, NUMBER],
  [/^[\t-\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]$/u, SPACE],
  [/^[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]$/u, UPPER],
  [/^[\p{Ll}\p{Lm}\p{Lo}\p{M}]$/u, LOWER],
  [/^[\r\n]$/u, NEWLINE],
];

function classify(cp: number): number {
  // Surrogate code points stand alone (a paired one is decoded before the lookup): no property but OTHER.
  const s = cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
  let bits = KNOWN;
  for (const [re, bit] of TESTS) if (re.test(s)) bits |= bit;
  if ((bits & (LETTER | NUMBER | SPACE)) === 0) bits |= OTHER;
  return bits;
}

function fillBlock(cp: number): number {
  const start = cp - (cp % BLOCK);
  for (let c = start; c < start + BLOCK; c++) table[c] = classify(c);
  return table[cp]!;
}

fillBlock(0);

/** The class bits of a code point (0 <= cp <= 0x10FFFF). */
export function classOf(cp: number): number {
  const bits = table[cp]!;
  return bits !== 0 ? bits : fillBlock(cp);
}

/** The class bits of the code point starting at UTF-16 index `i` (i < text.length); lone surrogates stand alone. */
export function classAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff || i + 1 >= text.length) return classOf(c);
  const d = text.charCodeAt(i + 1);
  return d < 0xdc00 || d > 0xdfff ? classOf(c) : classOf(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
}

/** Code units taken by the code point at `i`: 2 for a surrogate pair, else 1. */
export function widthAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff || i + 1 >= text.length) return 1;
  const d = text.charCodeAt(i + 1);
  return d < 0xdc00 || d > 0xdfff ? 1 : 2;
}

/** End of the run of code points from `i` whose class has a bit of `mask`. */
export function runEnd(text: string, i: number, mask: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff || i + 1 >= n) {
      const bits = table[c]!;
      if (((bits !== 0 ? bits : fillBlock(c)) & mask) === 0) return i;
      i++;
      continue;
    }
    const d = text.charCodeAt(i + 1);
    const paired = d >= 0xdc00 && d <= 0xdfff;
    if ((classOf(paired ? ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000 : c) & mask) === 0) return i;
    i += paired ? 2 : 1;
  }
  return n;
}
