/**
 * WHATWG HTML's "prescan a byte stream to determine its encoding" over the first 1,024 bytes: comments
 * are skipped, each tag's attributes are read properly (a `>` inside a quoted value does not end the
 * tag), and a `<meta>` counts when it has `charset`, or `http-equiv="content-type"` together with a
 * `content` whose `charset=` names an encoding. A meta with an unknown label is passed over and the scan
 * goes on; UTF-16 from a meta means UTF-8 (an ASCII scan cannot have read UTF-16 bytes), x-user-defined
 * means windows-1252. A byte scanner, no regular expressions (nothing here can backtrack).
 */

/** How many bytes the prescan reads (the standard's value). */
export const PRESCAN_BYTES = 1024;

const isSpace = (c: number | undefined) => c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x20;
const isAsciiLetter = (c: number | undefined) => c !== undefined && ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a));
const lower = (c: number) => (c >= 0x41 && c <= 0x5a ? c + 0x20 : c);

/** Whether the bytes at `at` are `word` (ASCII, any case). */
function startsWith(b: Uint8Array, at: number, word: string): boolean {
  if (at + word.length > b.length) return false;
  for (let i = 0; i < word.length; i++) if (lower(b[at + i]!) !== word.charCodeAt(i)) return false;
  return true;
}

const latin1 = (b: Uint8Array, start: number, end: number) => Buffer.from(b.buffer, b.byteOffset + start, end - start).toString('latin1');

interface Attribute {
  name: string;
  value: string;
  /** Where the scan goes on. */
  next: number;
}

/** The standard's "get an attribute": undefined at the tag's `>` or the end of the bytes. */
function getAttribute(b: Uint8Array, at: number): Attribute | undefined {
  while (isSpace(b[at]) || b[at] === 0x2f) at++;
  if (at >= b.length || b[at] === 0x3e) return undefined;
  let name = '';
  for (;; at++) {
    if (at >= b.length) return undefined;
    const c = b[at]!;
    if (c === 0x3d && name !== '') break;
    if (isSpace(c)) {
      while (isSpace(b[at])) at++;
      if (b[at] !== 0x3d) return { name, value: '', next: at };
      break;
    }
    if (c === 0x2f || c === 0x3e) return { name, value: '', next: at };
    name += String.fromCharCode(lower(c));
  }
  at++; // past '='
  while (isSpace(b[at])) at++;
  const quote = b[at];
  if (quote === 0x22 || quote === 0x27) {
    const end = b.indexOf(quote, at + 1);
    if (end < 0) return undefined;
    return { name, value: latin1(b, at + 1, end).toLowerCase(), next: end + 1 };
  }
  if (at >= b.length || quote === 0x3e) return { name, value: '', next: at };
  const start = at;
  while (at < b.length && !isSpace(b[at]) && b[at] !== 0x3e) at++;
  if (at >= b.length) return undefined;
  return { name, value: latin1(b, start, at).toLowerCase(), next: at };
}

/** The standard's "extract a character encoding from a meta element": the label after `charset=` in `content`. */
export function charsetInContent(content: string): string | undefined {
  for (let at = content.indexOf('charset'); at >= 0; at = content.indexOf('charset', at + 1)) {
    let i = at + 7;
    while (isSpace(content.charCodeAt(i))) i++;
    if (content[i] !== '=') continue;
    i++;
    while (isSpace(content.charCodeAt(i))) i++;
    const q = content[i];
    if (q === '"' || q === "'") {
      const end = content.indexOf(q, i + 1);
      return end < 0 ? undefined : content.slice(i + 1, end);
    }
    let end = i;
    while (end < content.length && !isSpace(content.charCodeAt(end)) && content[end] !== ';') end++;
    return end > i ? content.slice(i, end) : undefined;
  }
  return undefined;
}

/** A `<meta>`'s encoding (already mapped as the standard maps a meta's), or undefined; `next` is after the tag's attributes. */
function metaEncoding(b: Uint8Array, at: number, resolve: (label: string) => string | undefined): { encoding?: string; next: number } {
  const seen = new Set<string>();
  let gotPragma = false;
  let needPragma: boolean | undefined;
  let charset: string | undefined;
  for (let attr = getAttribute(b, at); attr; attr = getAttribute(b, at)) {
    at = attr.next;
    if (seen.has(attr.name)) continue;
    seen.add(attr.name);
    if (attr.name === 'http-equiv') gotPragma ||= attr.value === 'content-type';
    else if (attr.name === 'content' && charset === undefined) {
      const label = charsetInContent(attr.value);
      const encoding = label === undefined ? undefined : resolve(label);
      if (encoding !== undefined) {
        charset = encoding;
        needPragma = true;
      }
    } else if (attr.name === 'charset') {
      // An unknown label is a failure ('') that a later content attribute does not replace.
      charset = resolve(attr.value) ?? '';
      needPragma = false;
    }
  }
  if (needPragma === undefined || (needPragma && !gotPragma) || !charset) return { next: at };
  if (charset === 'utf-16le' || charset === 'utf-16be') return { encoding: 'utf-8', next: at };
  return { encoding: charset === 'x-user-defined' ? 'windows-1252' : charset, next: at };
}

/** Skips a tag's name and attributes (from just after `<` or `</`). */
function skipTag(b: Uint8Array, at: number): number {
  while (at < b.length && !isSpace(b[at]) && b[at] !== 0x3e) at++;
  for (let attr = getAttribute(b, at); attr; attr = getAttribute(b, at)) at = attr.next;
  return at;
}

/**
 * The encoding a `<meta>` in the first PRESCAN_BYTES bytes declares, as `resolve` names labels
 * (WHATWG names), or undefined.
 */
export function prescanMetaCharset(bytes: Uint8Array, resolve: (label: string) => string | undefined): string | undefined {
  const b = bytes.subarray(0, PRESCAN_BYTES);
  for (let at = 0; at < b.length; at++) {
    if (b[at] !== 0x3c) continue;
    if (startsWith(b, at, '<!--')) {
      // To the first "-->" after the "<": its dashes may be those of "<!--" ("<!-->" is a whole comment).
      let close = at + 2;
      while (close + 2 < b.length && !(b[close] === 0x2d && b[close + 1] === 0x2d && b[close + 2] === 0x3e)) close++;
      if (close + 2 >= b.length) return undefined;
      at = close + 2;
    } else if (startsWith(b, at, '<meta') && (isSpace(b[at + 5]) || b[at + 5] === 0x2f)) {
      const meta = metaEncoding(b, at + 5, resolve);
      if (meta.encoding) return meta.encoding;
      at = meta.next;
    } else if (isAsciiLetter(b[at + 1]) || (b[at + 1] === 0x2f && isAsciiLetter(b[at + 2]))) {
      at = skipTag(b, at + (b[at + 1] === 0x2f ? 2 : 1));
    } else if (b[at + 1] === 0x21 || b[at + 1] === 0x2f || b[at + 1] === 0x3f) {
      const end = b.indexOf(0x3e, at + 1);
      if (end < 0) return undefined;
      at = end;
    }
  }
  return undefined;
}
