// Real text in every legacy encoding of the WHATWG Encoding standard, as legacy pages carry it: the UDHR
// translation of a language that encoding was made for, encoded by iconv-lite (an encoder independent of
// the decoders under test), characters the encoding lacks written as numeric character references.
import iconv from 'iconv-lite';
import { udhrDeclaration, udhrSections } from '../../datasets/udhrSample.js';

export interface LegacyCase {
  /** The WHATWG encoding name decoding must report. */
  encoding: string;
  /** A label for it that is not its name (an alias a server sends), for the Content-Type header. */
  alias: string;
  /** iconv-lite's name for the encoder (ISO-2022-JP is built from EUC-JP, x-user-defined by hand). */
  iconv: string;
  udhr: string;
}

export const LEGACY_CASES: LegacyCase[] = [
  { encoding: 'ibm866', alias: 'cp866', iconv: 'cp866', udhr: 'rus' },
  { encoding: 'iso-8859-2', alias: 'latin2', iconv: 'iso88592', udhr: 'pol' },
  { encoding: 'iso-8859-3', alias: 'ISO_8859-3', iconv: 'iso88593', udhr: 'mlt' },
  { encoding: 'iso-8859-4', alias: 'l4', iconv: 'iso88594', udhr: 'lit' },
  { encoding: 'iso-8859-5', alias: 'cyrillic', iconv: 'iso88595', udhr: 'bul' },
  { encoding: 'iso-8859-6', alias: 'arabic', iconv: 'iso88596', udhr: 'arb' },
  { encoding: 'iso-8859-7', alias: 'greek', iconv: 'iso88597', udhr: 'ell_monotonic' },
  { encoding: 'iso-8859-8', alias: 'hebrew', iconv: 'iso88598', udhr: 'heb' },
  { encoding: 'iso-8859-8-i', alias: 'logical', iconv: 'iso88598', udhr: 'heb' },
  { encoding: 'iso-8859-10', alias: 'latin6', iconv: 'iso885910', udhr: 'isl' },
  { encoding: 'iso-8859-13', alias: 'iso8859-13', iconv: 'iso885913', udhr: 'lav' },
  { encoding: 'iso-8859-14', alias: 'iso885914', iconv: 'iso885914', udhr: 'cym' },
  { encoding: 'iso-8859-15', alias: 'l9', iconv: 'iso885915', udhr: 'fin' },
  { encoding: 'iso-8859-16', alias: 'ISO-8859-16', iconv: 'iso885916', udhr: 'ron_2006' },
  { encoding: 'koi8-r', alias: 'koi8', iconv: 'koi8r', udhr: 'rus' },
  { encoding: 'koi8-u', alias: 'koi8-ru', iconv: 'koi8u', udhr: 'ukr' },
  { encoding: 'macintosh', alias: 'x-mac-roman', iconv: 'macintosh', udhr: 'fra' },
  { encoding: 'windows-874', alias: 'tis-620', iconv: 'cp874', udhr: 'tha' },
  { encoding: 'windows-1250', alias: 'x-cp1250', iconv: 'cp1250', udhr: 'ces' },
  { encoding: 'windows-1251', alias: 'cp1251', iconv: 'cp1251', udhr: 'ukr' },
  { encoding: 'windows-1252', alias: 'iso-8859-1', iconv: 'cp1252', udhr: 'deu_1996' },
  { encoding: 'windows-1253', alias: 'cp1253', iconv: 'cp1253', udhr: 'ell_monotonic' },
  { encoding: 'windows-1254', alias: 'iso-8859-9', iconv: 'cp1254', udhr: 'tur' },
  { encoding: 'windows-1255', alias: 'cp1255', iconv: 'cp1255', udhr: 'heb' },
  { encoding: 'windows-1256', alias: 'cp1256', iconv: 'cp1256', udhr: 'pes_1' },
  { encoding: 'windows-1257', alias: 'x-cp1257', iconv: 'cp1257', udhr: 'est' },
  { encoding: 'windows-1258', alias: 'cp1258', iconv: 'cp1258', udhr: 'vie' },
  { encoding: 'x-mac-cyrillic', alias: 'x-mac-ukrainian', iconv: 'maccyrillic', udhr: 'bel' },
  { encoding: 'gbk', alias: 'gb2312', iconv: 'gbk', udhr: 'cmn_hans' },
  // Pages labelled gb2312 that hold GB18030's four-byte sequences (Uyghur): the standard's gbk decoder is gb18030's.
  { encoding: 'gbk', alias: 'GB_2312-80', iconv: 'gb18030', udhr: 'uig_arab' },
  { encoding: 'gb18030', alias: 'GB18030', iconv: 'gb18030', udhr: 'uig_arab' },
  { encoding: 'big5', alias: 'big5-hkscs', iconv: 'big5hkscs', udhr: 'yue' },
  { encoding: 'euc-jp', alias: 'x-euc-jp', iconv: 'eucjp', udhr: 'jpn' },
  { encoding: 'iso-2022-jp', alias: 'csiso2022jp', iconv: 'eucjp', udhr: 'jpn' },
  { encoding: 'shift_jis', alias: 'ms932', iconv: 'shiftjis', udhr: 'jpn' },
  { encoding: 'euc-kr', alias: 'ks_c_5601-1987', iconv: 'cp949', udhr: 'kor' },
];

/** The first sections of a declaration as text lines (titles and paragraphs), NFC. */
export async function udhrLines(code: string, sections = 5): Promise<string[]> {
  return udhrSections((await udhrDeclaration(code)).html).slice(0, sections).flatMap((s) => [s.title, ...s.paragraphs]).map((l) => l.normalize('NFC'));
}

const encodes = (ch: string, enc: string) => iconv.decode(iconv.encode(ch, enc), enc) === ch;

/**
 * An HTML source as a legacy page has it: a character the encoding lacks is written as a base it has
 * and a combining tone mark (Vietnamese in windows-1258: "ầ" is "â" + U+0300), else as a numeric
 * character reference.
 */
export function pageSource(lines: string[], encoding: string, iconvName: string, head = ''): string {
  const body = lines.map((l) => `<p>${l}</p>`).join('\n');
  const html = `<!DOCTYPE html><html><head>${head}<title>UDHR</title></head><body><article>\n${body}\n</article></body></html>`;
  const fits = (ch: string) => ch.charCodeAt(0) < 0x80 || (encoding !== 'x-user-defined' && encodes(ch, iconvName));
  let out = '';
  for (const ch of html) {
    if (fits(ch)) out += ch;
    else {
      const nfd = ch.normalize('NFD');
      const base = nfd.slice(0, -1).normalize('NFC');
      out += nfd.length > 1 && fits(base) && fits(nfd.slice(-1)) ? base + nfd.slice(-1) : `&#${ch.codePointAt(0)};`;
    }
  }
  return out;
}

/** ISO-2022-JP from EUC-JP: JIS X 0208 pairs are EUC-JP's two bytes less 0x80, between ESC $ B and ESC ( B. */
function iso2022jp(source: string): Buffer {
  const euc = iconv.encode(source, 'eucjp');
  const out: number[] = [];
  let jis = false;
  for (let i = 0; i < euc.length; i++) {
    const c = euc[i]!;
    if (c < 0x80) {
      if (jis) out.push(0x1b, 0x28, 0x42);
      jis = false;
      out.push(c);
      continue;
    }
    if (c === 0x8e || c === 0x8f) throw new Error('ISO-2022-JP holds JIS X 0208 only');
    if (!jis) out.push(0x1b, 0x24, 0x42);
    jis = true;
    out.push(c - 0x80, euc[++i]! - 0x80);
  }
  if (jis) out.push(0x1b, 0x28, 0x42);
  return Buffer.from(out);
}

/** The bytes of an HTML source (from pageSource) in the case's encoding. */
export function encodePage(source: string, c: Pick<LegacyCase, 'encoding' | 'iconv'>): Buffer {
  if (c.encoding === 'iso-2022-jp') return iso2022jp(source);
  return iconv.encode(source, c.iconv);
}
