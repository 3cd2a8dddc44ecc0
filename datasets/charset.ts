/**
 * Character-set detection and decoding for fetched HTML, following the WHATWG encoding-sniffing order:
 * a byte-order mark wins (those bytes only exist when the text really is in that encoding), then the
 * Content-Type header's charset, then `<meta charset>` / `<meta http-equiv="Content-Type">` in the first
 * 1,024 bytes, then UTF-8 if the bytes are valid UTF-8, else windows-1252 (the web's legacy default).
 * Labels are resolved by TextDecoder (WHATWG labels: `iso-8859-1` means windows-1252, `sjis` means Shift_JIS).
 */

export type CharsetSource = 'bom' | 'header' | 'meta' | 'utf8-valid' | 'default';

export interface DetectedCharset {
  /** The WHATWG encoding name TextDecoder resolved, e.g. `utf-8`, `shift_jis`, `gb18030`, `windows-1252`. */
  encoding: string;
  source: CharsetSource;
}

const decoders = new Map<string, TextDecoder | null>();

/** A cached TextDecoder for a label, or null when the label is unknown. */
function decoderFor(label: string): TextDecoder | null {
  const key = label.trim().toLowerCase();
  let d = decoders.get(key);
  if (d === undefined) {
    try {
      d = new TextDecoder(key);
    } catch {
      d = null;
    }
    if (decoders.size < 256) decoders.set(key, d);
  }
  return d;
}

/** The `charset` parameter of a Content-Type value, if any. */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const m = /;\s*charset\s*=\s*("?)([^";,\s]+)\1/i.exec(contentType);
  return m?.[2];
}

function bomEncoding(b: Uint8Array): string | undefined {
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  return undefined;
}

const NAME_CHAR = /[A-Za-z0-9_:.+-]/;
const isAsciiWordChar = (ch: string | undefined) => ch !== undefined && /\w/.test(ch);
const isSpaceChar = (ch: string | undefined) => ch !== undefined && /\s/.test(ch);

/** The charset name a `charset=` inside one tag's text gives: the first occurrence that parses. */
function charsetInTag(tag: string, lower: string): string | undefined {
  for (let at = lower.indexOf('charset'); at >= 0; at = lower.indexOf('charset', at + 1)) {
    if (isAsciiWordChar(tag[at - 1])) continue;
    let i = at + 7;
    while (isSpaceChar(tag[i])) i++;
    if (tag[i] !== '=') continue;
    i++;
    while (isSpaceChar(tag[i])) i++;
    if (tag[i] === '"' || tag[i] === "'") i++;
    while (isSpaceChar(tag[i])) i++;
    const start = i;
    while (i < tag.length && NAME_CHAR.test(tag[i]!)) i++;
    if (i > start) return tag.slice(start, i);
  }
  return undefined;
}

/**
 * The charset a `<meta>` tag in the first 1,024 bytes declares (the WHATWG prescan window): what
 * `/<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)/i` finds, as a scan of each `<meta` tag up to its
 * `>` (that regex backtracks polynomially on a head full of `<meta`s without a charset).
 */
export function charsetFromMeta(b: Uint8Array): string | undefined {
  const head = Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, 1024)).toString('latin1');
  const lower = head.toLowerCase();
  for (let at = lower.indexOf('<meta'); at >= 0; at = lower.indexOf('<meta', at + 1)) {
    if (isAsciiWordChar(head[at + 5])) continue;
    const close = head.indexOf('>', at);
    const end = close < 0 ? head.length : close;
    const found = charsetInTag(head.slice(at, end), lower.slice(at, end));
    if (found) return found;
  }
  return undefined;
}

const utf8Fatal = new TextDecoder('utf-8', { fatal: true });

function isValidUtf8(b: Uint8Array): boolean {
  try {
    utf8Fatal.decode(b);
    return true;
  } catch {
    return false;
  }
}

/** Decides which encoding the body is in. */
export function detectCharset(body: Uint8Array, contentType?: string): DetectedCharset {
  const bom = bomEncoding(body);
  if (bom) return { encoding: bom, source: 'bom' };
  const header = charsetFromContentType(contentType);
  const fromHeader = header ? decoderFor(header) : null;
  if (fromHeader) return { encoding: fromHeader.encoding, source: 'header' };
  const meta = charsetFromMeta(body);
  const fromMeta = meta ? decoderFor(meta) : null;
  if (fromMeta) {
    // A meta tag read by an ASCII prescan cannot be describing UTF-16 bytes; WHATWG maps it to UTF-8.
    const enc = fromMeta.encoding.startsWith('utf-16') ? 'utf-8' : fromMeta.encoding;
    return { encoding: enc, source: 'meta' };
  }
  if (isValidUtf8(body)) return { encoding: 'utf-8', source: 'utf8-valid' };
  return { encoding: 'windows-1252', source: 'default' };
}

// windows-1252 bytes 0x80-0x9F (undefined ones map to the C1 control, as WHATWG says).
const CP1252_HIGH = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const C1 = /[\x80-\x9f]/g;

/**
 * windows-1252 by hand: Node 20's TextDecoder('windows-1252') (and so 'iso-8859-1', which WHATWG maps to
 * it) decodes 0x80-0x9F as C1 controls instead of “ ” € … (measured on Node 20.20: 0x93 -> U+0093).
 */
function decodeWindows1252(body: Uint8Array): string {
  const latin = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  return latin.replace(C1, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!);
}

/** Decodes bytes with a detected encoding (invalid sequences become U+FFFD; a leading BOM is dropped). */
export function decodeWith(body: Uint8Array, encoding: string): string {
  const d = decoderFor(encoding);
  if (d === null || d.encoding === 'windows-1252') return decodeWindows1252(body);
  return d.decode(body);
}

/** Detects the charset and decodes in one call. */
export function decodeHtml(body: Uint8Array, contentType?: string): { text: string; charset: DetectedCharset } {
  const charset = detectCharset(body, contentType);
  return { text: decodeWith(body, charset.encoding), charset };
}
