/**
 * Character-set detection and decoding for fetched HTML, as the WHATWG HTML and Encoding standards
 * have browsers do it: a byte-order mark wins (those bytes only exist when the text really is in that
 * encoding), then the Content-Type header's charset, then the `<meta>` prescan of the first 1,024
 * bytes (htmlPrescan.ts), then, for undeclared pages, ISO-2022-JP when its escape sequences are there
 * and nothing is 8-bit, UTF-8 if the bytes are valid UTF-8, else the legacy encoding the bytes look like
 * (chardet, ICU's statistical detector, as browsers guess undeclared pages: Firefox's chardetng, Chrome's
 * ced), and windows-1252 (the web's legacy default) where there is too little to tell.
 * Labels and decoders are the Encoding standard's (@exodus/bytes): Node 20's own TextDecoder lacks
 * iso-8859-16 and x-user-defined, decodes windows-1252 as Latin-1, EUC-KR without the UHC syllables
 * and Big5-HKSCS to private-use characters (docs/decisions.md).
 */
import { normalizeEncoding, TextDecoder as WhatwgDecoder } from '@exodus/bytes/encoding.js';
import { analyse } from 'chardet';
import { prescanMetaCharset } from './htmlPrescan.js';

export type CharsetSource = 'bom' | 'header' | 'meta' | 'sniffed' | 'utf8-valid' | 'detected' | 'default';

export interface DetectedCharset {
  /** The WHATWG encoding name, lower case, e.g. `utf-8`, `shift_jis`, `gb18030`, `windows-1252`, `replacement`. */
  encoding: string;
  source: CharsetSource;
}

/** The WHATWG encoding a label names (`sjis` -> `shift_jis`, `latin1` -> `windows-1252`), or undefined. */
export function encodingOfLabel(label: string): string | undefined {
  return normalizeEncoding(label) ?? undefined;
}

/**
 * The `charset` parameter of a Content-Type value, if any (a quoted value may hold `;`; single quotes
 * are not quotes in a MIME type, as WHATWG's MIME type parser reads it).
 */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const lower = contentType.toLowerCase();
  for (let at = lower.indexOf(';'); at >= 0; at = lower.indexOf(';', at + 1)) {
    let i = at + 1;
    while (lower[i] === ' ' || lower[i] === '\t') i++;
    if (!lower.startsWith('charset', i)) continue;
    i += 7;
    while (lower[i] === ' ' || lower[i] === '\t') i++;
    if (lower[i] !== '=') continue;
    i++;
    while (lower[i] === ' ' || lower[i] === '\t') i++;
    if (contentType[i] === '"') {
      const end = contentType.indexOf('"', i + 1);
      return contentType.slice(i + 1, end < 0 ? undefined : end).trim() || undefined;
    }
    let end = i;
    while (end < contentType.length && contentType[end] !== ';' && contentType[end] !== ',') end++;
    return contentType.slice(i, end).trim() || undefined;
  }
  return undefined;
}

/** The encoding a byte-order mark at the start says, if any. */
export function bomEncoding(b: Uint8Array): string | undefined {
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8';
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  return undefined;
}

/**
 * An undeclared ISO-2022-JP page: 7-bit bytes (so it also passes as UTF-8) with the escape sequences
 * that switch to JIS X 0208 (ESC $ @, ESC $ B) or JIS X 0201 katakana (ESC ( I). Browsers' detectors
 * look for the same; ESC never occurs in real UTF-8 or HTML text.
 */
function looksLikeIso2022Jp(b: Uint8Array): boolean {
  let escapes = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c >= 0x80) return false;
    if (c === 0x1b && (b[i + 1] === 0x24 && (b[i + 2] === 0x40 || b[i + 2] === 0x42) || (b[i + 1] === 0x28 && b[i + 2] === 0x49))) escapes++;
  }
  return escapes > 0;
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
  const label = charsetFromContentType(contentType);
  const fromHeader = label === undefined ? undefined : encodingOfLabel(label);
  if (fromHeader) return { encoding: fromHeader, source: 'header' };
  const fromMeta = prescanMetaCharset(body, encodingOfLabel);
  if (fromMeta) return { encoding: fromMeta, source: 'meta' };
  if (looksLikeIso2022Jp(body)) return { encoding: 'iso-2022-jp', source: 'sniffed' };
  if (isValidUtf8(body)) return { encoding: 'utf-8', source: 'utf8-valid' };
  const guessed = guessLegacyEncoding(body);
  return guessed ? { encoding: guessed, source: 'detected' } : { encoding: 'windows-1252', source: 'default' };
}

// A prefix is enough to tell (browsers look at the first few KB too) and bounds the cost on huge pages.
const DETECT_PREFIX = 16 * 1024;
// Below this many 8-bit bytes a statistical guess is noise (a lone 'é' fits every single-byte table).
const MIN_EIGHT_BIT = 8;

/**
 * The legacy encoding an undeclared, non-UTF-8 page most likely uses, or undefined when too few bytes are
 * 8-bit to tell. On UDHR text in 29 languages and 15 legacy encodings (66 pages of 300 and 2,000 characters)
 * this decodes 64 pages right where the windows-1252 default decodes 20; Thai (windows-874) is the miss.
 */
function guessLegacyEncoding(body: Uint8Array): string | undefined {
  const prefix = body.length > DETECT_PREFIX ? body.subarray(0, DETECT_PREFIX) : body;
  let eightBit = 0;
  for (let i = 0; i < prefix.length && eightBit < MIN_EIGHT_BIT; i++) if (prefix[i]! >= 0x80) eightBit++;
  if (eightBit < MIN_EIGHT_BIT) return undefined;
  for (const match of analyse(prefix)) {
    const encoding = encodingOfLabel(match.name);
    // UTF-8 and UTF-16/32 guesses for bytes that are not valid UTF-8 (and carry no BOM) are wrong here.
    if (encoding && !encoding.startsWith('utf-')) return encoding;
  }
  return undefined;
}

const decoders = new Map<string, { decode(b: Uint8Array): string }>();

/** A decoder per WHATWG encoding name: Node's own for UTF-8 and UTF-16 (native speed), the standard's for the rest. */
function decoderFor(encoding: string): { decode(b: Uint8Array): string } {
  let d = decoders.get(encoding);
  if (!d) {
    d = encoding === 'utf-8' || encoding === 'utf-16le' || encoding === 'utf-16be' ? new TextDecoder(encoding) : new WhatwgDecoder(encoding);
    decoders.set(encoding, d);
  }
  return d;
}

/**
 * Decodes bytes with a WHATWG encoding name or label (invalid sequences become U+FFFD; a leading BOM of
 * the encoding is dropped). `replacement` (the labels of ISO-2022-KR, ISO-2022-CN, HZ: encodings the web
 * dropped because they hide markup from filters) decodes to one U+FFFD, as in browsers; an unknown name
 * decodes as windows-1252.
 */
export function decodeWith(body: Uint8Array, encoding: string): string {
  const name = encodingOfLabel(encoding) ?? 'windows-1252';
  if (name === 'replacement') return body.length > 0 ? '\ufffd' : '';
  return decoderFor(name).decode(body);
}

/** Detects the charset and decodes in one call. */
export function decodeHtml(body: Uint8Array, contentType?: string): { text: string; charset: DetectedCharset } {
  const charset = detectCharset(body, contentType);
  return { text: decodeWith(body, charset.encoding), charset };
}
