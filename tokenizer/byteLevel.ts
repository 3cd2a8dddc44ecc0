/**
 * GPT-2's byte-level alphabet: every byte maps to one printable Unicode character, so a byte string can be
 * stored as text in vocab/merges files (tokenizer.json). Printable Latin-1 bytes map to themselves; the rest
 * map to U+0100 upwards, in byte order.
 */
function buildByteToChar(): string[] {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const table = new Array<string>(256);
  const isPrintable = new Set(printable);
  let next = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = String.fromCodePoint(isPrintable.has(b) ? b : 256 + next++);
  }
  return table;
}

/** byte -> its one-character byte-level form. */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

const CHAR_TO_BYTE = new Map<string, number>(BYTE_TO_CHAR.map((c, b) => [c, b]));

/** Bytes -> byte-level text (as written in tokenizer.json). */
export function bytesToByteLevel(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += BYTE_TO_CHAR[bytes[i]!];
  return s;
}

/** Byte-level text -> bytes; undefined when a character is outside the 256-character alphabet. */
export function byteLevelToBytes(text: string): Uint8Array | undefined {
  const out = new Uint8Array(text.length);
  let n = 0;
  for (const ch of text) {
    const b = CHAR_TO_BYTE.get(ch);
    if (b === undefined) return undefined;
    out[n++] = b;
  }
  return out.subarray(0, n);
}

/** A byte string as a compact Map key: one UTF-16 unit per byte. */
export function bytesKey(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

const encoder = new TextEncoder();
/** UTF-8 bytes of a string (lone surrogates become U+FFFD, as everywhere in the WHATWG encoder). */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * Writes the UTF-8 bytes of text[start, end) to `out` (room for 3 bytes per code unit) and returns their count.
 * A lone surrogate becomes U+FFFD, as in TextEncoder.
 */
export function utf8Into(text: string, start: number, end: number, out: Uint8Array): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
    } else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdfff) {
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 0x3f);
      out[n++] = 0x80 | (c & 0x3f);
    } else {
      const d = c <= 0xdbff && i + 1 < end ? text.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        out[n++] = 0xf0 | (cp >> 18);
        out[n++] = 0x80 | ((cp >> 12) & 0x3f);
        out[n++] = 0x80 | ((cp >> 6) & 0x3f);
        out[n++] = 0x80 | (cp & 0x3f);
        i++;
      } else {
        out[n++] = 0xef;
        out[n++] = 0xbf;
        out[n++] = 0xbd;
      }
    }
  }
  return n;
}
