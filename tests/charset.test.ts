import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectCharset, decodeHtml } from '../datasets/charset.js';
import { createHash } from 'node:crypto';
import { base32 } from '../crawler/payloadDigest.js';
import { readWarcResponses } from './helpers/crawlSite.js';
import { PAGES, withCrawledCharsetSite } from './helpers/charsetSite.js';

test('charset: Shift_JIS, GB18030, windows-1252 (as iso-8859-1), UTF-16 by BOM and header, meta http-equiv; order of trust', () => {
  const sjis = Buffer.from([0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea]); // 日本語
  assert.equal(decodeHtml(sjis, 'text/html; charset=Shift_JIS').text, '日本語');
  const gb = Buffer.concat([Buffer.from('<meta charset="gb18030"><p>'), Buffer.from([0xd6, 0xd0, 0xce, 0xc4])]);
  assert.ok(decodeHtml(gb, 'text/html').text.endsWith('中文'));
  const latin = Buffer.from([0x93, 0x63, 0x61, 0x66, 0xe9, 0x94]); // “café” in windows-1252
  assert.equal(decodeHtml(latin, 'text/html; charset=ISO-8859-1').text, '\u201ccaf\u00e9\u201d');
  const u16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<p>héllo ✓</p>', 'utf16le')]);
  assert.deepEqual(detectCharset(u16, 'text/html; charset=iso-8859-1'), { encoding: 'utf-16le', source: 'bom' });
  assert.equal(decodeHtml(u16, 'text/html').text, '<p>héllo ✓</p>');
  const be = Buffer.from('<p>ok ✓</p>', 'utf16le').swap16();
  assert.equal(decodeHtml(be, 'text/html; charset=utf-16be').text, '<p>ok ✓</p>');
  const equiv = Buffer.concat([Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'), Buffer.from([0xe9])]);
  assert.equal(detectCharset(equiv).source, 'meta');
  assert.ok(decodeHtml(equiv).text.endsWith('é'));
  // The header beats the meta tag; unknown labels fall through; undeclared bytes: UTF-8 if valid, else windows-1252.
  assert.equal(detectCharset(equiv, 'text/html; charset=utf-8').encoding, 'utf-8');
  assert.equal(detectCharset(equiv, 'text/html; charset=bogus-charset').source, 'meta');
  assert.equal(detectCharset(Buffer.from('plain ✓')).encoding, 'utf-8');
  assert.deepEqual(detectCharset(Buffer.from([0x63, 0x61, 0x66, 0xe9])), { encoding: 'windows-1252', source: 'default' });
});

test('charsets: pages are decoded right for the documents the crawl hands on (and the WARC keeps the raw bytes)', async () => {
  await withCrawledCharsetSite(async (outDir, docs) => {
    const byPath = new Map(docs.map((d) => [new URL(d.url!).pathname, d]));
    for (const [path, p] of Object.entries(PAGES)) {
      const d = byPath.get(path);
      assert.ok(d, path);
      assert.ok(d.text.includes(p.expect), `${path}: ${JSON.stringify(d.text)}`);
      assert.equal(d.metadata.format, 'html');
    }
    assert.ok(!byPath.has('/image.png'), 'non-HTML is not a document');
    const warc = await readWarcResponses(outDir);
    const sjis = warc.find((r) => r.uri.endsWith('/sjis'))!;
    assert.deepEqual(Buffer.from(sjis.body), PAGES['/sjis']!.body, 'raw bytes archived, not transcoded');
    for (const r of warc) {
      assert.equal(r.payloadDigest, `sha1:${base32(createHash('sha1').update(r.body).digest())}`, `payload digest of ${r.uri}`);
    }
    assert.equal(base32(Buffer.from('foobar')), 'MZXW6YTBOI======', 'RFC 4648 test vector');
  });
});
