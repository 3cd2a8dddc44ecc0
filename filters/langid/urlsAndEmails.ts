/**
 * Blanks URLs and e-mail addresses out of a language-ID sample (they are no language and pull short
 * samples towards English). A scanner, not the regex it replaces,
 * `/\b(?:https?:\/\/|www\.)\S+|[^\s@]+@[^\s@]+\.[a-z]{2,}/gi`: that regex backtracks quadratically on a long
 * run without spaces (every start position rescans the run looking for an `@`). This gives the same matches
 * (leftmost, URL before e-mail at the same position), each replaced by one space, in linear time.
 */

/** JavaScript's `\s` (WhiteSpace and LineTerminator). */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** `\w` without the `u` flag. */
function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
}

function isAsciiLetter(c: number): boolean {
  return (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
}

const AT = 0x40;
const DOT = 0x2e;

/** Length of `https://`, `http://` or `www.` (any case) at i, else 0. */
function urlPrefixAt(s: string, i: number): number {
  const c = s.charCodeAt(i) | 0x20;
  if (c === 0x77) return s.slice(i, i + 4).toLowerCase() === 'www.' ? 4 : 0;
  if (c !== 0x68 || s.slice(i, i + 4).toLowerCase() !== 'http') return 0;
  if (s.startsWith('://', i + 4)) return 7;
  return (s.charCodeAt(i + 4) | 0x20) === 0x73 && s.startsWith('://', i + 5) ? 8 : 0;
}

/** End of the run of characters that are neither `\s` nor `@`, from i. */
function runEnd(s: string, i: number): number {
  while (i < s.length && !isSpace(s.charCodeAt(i)) && s.charCodeAt(i) !== AT) i++;
  return i;
}

/**
 * Where `[^\s@]+\.[a-z]{2,}` (greedy) ends when matched at k, or -1: the last dot of the run with one character
 * or more before it and two letters after it, then every letter after that dot.
 */
function domainEnd(s: string, k: number): number {
  const m = runEnd(s, k);
  for (let p = m - 3; p > k; p--) {
    if (s.charCodeAt(p) === DOT && isAsciiLetter(s.charCodeAt(p + 1)) && isAsciiLetter(s.charCodeAt(p + 2))) {
      let e = p + 3;
      while (e < m && isAsciiLetter(s.charCodeAt(e))) e++;
      return e;
    }
  }
  return -1;
}

/** `text` with every URL and e-mail address replaced by one space. */
export function blankUrlsAndEmails(text: string): string {
  let out = '';
  let copied = 0;
  let noEmailBefore = 0; // no e-mail match starts before this position (its run has no usable `@`)
  let i = 0;
  while (i < text.length) {
    const prefix = i === 0 || !isWordChar(text.charCodeAt(i - 1)) ? urlPrefixAt(text, i) : 0;
    if (prefix > 0 && i + prefix < text.length && !isSpace(text.charCodeAt(i + prefix))) {
      let e = i + prefix + 1;
      while (e < text.length && !isSpace(text.charCodeAt(e))) e++;
      out += text.slice(copied, i) + ' ';
      copied = i = e;
      continue;
    }
    const c = text.charCodeAt(i);
    if (i >= noEmailBefore && !isSpace(c) && c !== AT) {
      const at = runEnd(text, i);
      const e = text.charCodeAt(at) === AT ? domainEnd(text, at + 1) : -1;
      if (e > 0) {
        out += text.slice(copied, i) + ' ';
        copied = i = e;
        continue;
      }
      noEmailBefore = at;
    }
    i++;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
