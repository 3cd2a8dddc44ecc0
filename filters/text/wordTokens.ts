/**
 * The word tokenizer of the word-list steps (toxicity) and the bias report: both match whole words
 * and whole multi-word phrases of a list against a document's tokens.
 */
import { segmentWordLike } from './segmenter.js';
import { boundedMemo } from './boundedMemo.js';
import { anyOfScript, UNSPACED } from './charClass.js';

const NON_ASCII = /[^\x00-\x7f]/;
const WORD_CHAR = /^[\p{L}\p{M}\p{N}]$/u;
// Per-code-unit cache of "is a letter, mark or digit" (0 = not yet known, 1 = yes, 2 = no):
// a Unicode-property regex over whole texts measured ~150-250 us per 2 KB document here.
const BMP_CLASS = new Uint8Array(65536);
const ASTRAL_CLASS = new Map<number, boolean>();

function isWordAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) ? 1 : 0;
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const cp = s.codePointAt(i)!;
    let w = ASTRAL_CLASS.get(cp);
    if (w === undefined) ASTRAL_CLASS.set(cp, (w = WORD_CHAR.test(String.fromCodePoint(cp))));
    return w ? 2 : 0;
  }
  let k = BMP_CLASS[c]!;
  if (k === 0) BMP_CLASS[c] = k = WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 2;
  return k === 1 ? 1 : 0;
}

// The toxicity step and the bias report tokenise the same, usually unchanged, text of a batch: a
// bounded cache keyed by the text saves the second pass (cleared past about four batches).
/** wordTokens() with a small per-thread cache; the returned array must not be modified. */
export const wordTokensCached: (text: string) => readonly string[] = boundedMemo(1024, (text) => wordTokens(text));

/**
 * Lower-cased NFKC word tokens (NFKC folds full-width letters such as "ｓｅｘ"): runs of letters,
 * marks and digits, joined across inner apostrophes ("don't").
 */
export function wordTokens(text: string): string[] {
  const nonAscii = NON_ASCII.test(text);
  const s = nonAscii ? text.normalize('NFKC').toLowerCase() : text.toLowerCase();
  if (nonAscii && anyOfScript(s, UNSPACED)) return segmentWordLike(s);
  const out: string[] = [];
  const n = s.length;
  let i = 0;
  while (i < n) {
    let w = isWordAt(s, i);
    if (w === 0) {
      i++;
      continue;
    }
    const start = i;
    for (;;) {
      i += w; // 2 for a surrogate pair
      if (i >= n) break;
      w = isWordAt(s, i);
      if (w) continue;
      const c = s.charCodeAt(i);
      if ((c === 39 || c === 0x2019) && i + 1 < n && (w = isWordAt(s, i + 1))) {
        i++;
        continue;
      }
      break;
    }
    out.push(s.slice(start, i));
  }
  return out;
}
