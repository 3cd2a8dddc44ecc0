// What a crawl hands on: documents decoded with the right charset, and WARC files any reader can read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Crawler } from '../crawler/crawler.js';
import { crawlDocuments } from '../crawler/crawlDocuments.js';
import { readWarc } from '../datasets/warcReader.js';
import type { Document } from '../core/document.js';
import { createHash } from 'node:crypto';
import { base32 } from '../crawler/warcWriter.js';
import { FAST, html, links, readWarcResponses, startServer, tempDir } from './crawler-helpers.js';

const PAGES: Record<string, { type: string; body: Buffer; expect: string }> = {
  '/sjis': { type: 'text/html; charset=Shift_JIS', body: Buffer.concat([Buffer.from('<p>'), Buffer.from([0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea])]), expect: '日本語' },
  '/gb18030': { type: 'text/html', body: Buffer.concat([Buffer.from('<meta charset="GB18030"><p>'), Buffer.from([0xd6, 0xd0, 0xce, 0xc4])]), expect: '中文' },
  '/latin1': { type: 'text/html; charset=iso-8859-1', body: Buffer.from([0x3c, 0x70, 0x3e, 0x93, 0x63, 0x61, 0x66, 0xe9, 0x94]), expect: '“café”' },
  '/cp1252-meta': { type: 'text/html', body: Buffer.concat([Buffer.from('<meta http-equiv="content-type" content="text/html; charset=windows-1252"><p>'), Buffer.from([0x80, 0x35])]), expect: '€5' },
  '/utf16-bom': { type: 'text/html', body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<p>ﬁne ✓ Ελληνικά</p>', 'utf16le')]), expect: 'ﬁne ✓ Ελληνικά' },
  '/utf16be': { type: 'text/html; charset=UTF-16BE', body: Buffer.from('<p>big ✓</p>', 'utf16le').swap16(), expect: 'big ✓' },
  '/utf8-gzip': { type: 'text/html; charset=utf-8', body: Buffer.from('<p>naïve résumé</p>'), expect: 'naïve résumé' },
};

async function charsetServer() {
  return startServer((req, res, path) => {
    if (path === '/') return html(res, links(...Object.keys(PAGES), '/image.png'));
    if (path === '/image.png') {
      res.writeHead(200, { 'content-type': 'image/png' });
      return res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    }
    const p = PAGES[path];
    if (!p) return html(res, '', 404);
    if (path === '/utf8-gzip') {
      res.writeHead(200, { 'content-type': p.type, 'content-encoding': 'gzip' });
      return res.end(gzipSync(p.body));
    }
    res.writeHead(200, { 'content-type': p.type });
    res.end(p.body);
  });
}

test('charsets: pages are decoded right for the documents the crawl hands on (and the WARC keeps the raw bytes)', async () => {
  const srv = await charsetServer();
  const t = await tempDir();
  try {
    const docs: Document[] = [];
    await new Crawler({ ...FAST, seeds: [`${srv.origin}/`], outDir: t.dir, onDocument: (d) => docs.push(d) }).run();
    const byPath = new Map(docs.map((d) => [new URL(d.url!).pathname, d]));
    for (const [path, p] of Object.entries(PAGES)) {
      const d = byPath.get(path);
      assert.ok(d, path);
      assert.ok(d.text.includes(p.expect), `${path}: ${JSON.stringify(d.text)}`);
      assert.equal(d.metadata.format, 'html');
    }
    assert.ok(!byPath.has('/image.png'), 'non-HTML is not a document');
    const warc = await readWarcResponses(t.dir);
    const sjis = warc.find((r) => r.uri.endsWith('/sjis'))!;
    assert.deepEqual(Buffer.from(sjis.body), PAGES['/sjis']!.body, 'raw bytes archived, not transcoded');
    for (const r of warc) {
      assert.equal(r.payloadDigest, `sha1:${base32(createHash('sha1').update(r.body).digest())}`, `payload digest of ${r.uri}`);
    }
    assert.equal(base32(Buffer.from('foobar')), 'MZXW6YTBOI======', 'RFC 4648 test vector');
  } finally {
    await srv.close();
    await t.cleanup();
  }
});

test('WARC reader: one document per HTML/text 2xx response, decoded, with record offset and WARC metadata', async () => {
  const srv = await charsetServer();
  const t = await tempDir();
  try {
    const crawled: Document[] = [];
    await new Crawler({ ...FAST, seeds: [`${srv.origin}/`], outDir: t.dir, onDocument: (d) => crawled.push(d) }).run();
    const files = (await readdir(t.dir)).filter((f) => f.endsWith('.warc.gz'));
    assert.equal(files.length, 1);
    const docs: Document[] = [];
    for await (const d of readWarc(join(t.dir, files[0]!))) docs.push(d);
    // The seed page, the 7 charset pages; not the image, not the 404 robots.txt/sitemap responses.
    assert.equal(docs.length, 1 + Object.keys(PAGES).length);
    for (const d of docs) {
      const path = new URL(d.url!).pathname;
      if (PAGES[path]) assert.ok(d.text.includes(PAGES[path]!.expect), path);
      assert.match(d.source, /crawl-00000\.warc\.gz@\d+$/);
      assert.equal(d.metadata.http_status, 200);
      assert.match(String(d.metadata.warc_record_id), /^<urn:uuid:/);
      assert.ok(d.metadata.warc_date);
      // Same id and text as the live crawl produced: curate from WARC == curate from the crawl.
      const live = crawled.find((c) => c.url === d.url)!;
      assert.equal(live.id, d.id);
      assert.equal(live.text, d.text);
    }
    const offsets = docs.map((d) => Number(d.source.split('@')[1]));
    assert.deepEqual([...offsets].sort((a, b) => a - b), offsets, 'in file order');
  } finally {
    await srv.close();
    await t.cleanup();
  }
});

test('crawlDocuments streams pages as they arrive and stops the crawl when the consumer stops', async () => {
  const srv = await startServer((req, res, path) => {
    const n = Number(path.slice(1)) || 0;
    html(res, links(`/${n + 1}`, `/${n + 2}`));
  });
  const t = await tempDir();
  try {
    let seen = 0;
    for await (const d of crawlDocuments({ ...FAST, seeds: [`${srv.origin}/0`], outDir: t.dir, sitemaps: false }, { highWaterMark: 4 })) {
      assert.equal(d.metadata.format, 'html');
      if (++seen === 10) break;
    }
    assert.equal(seen, 10);
    // Backpressure: the crawl paused at the high-water mark instead of running ahead.
    const fetched = [...srv.hits.keys()].filter((p) => /^\/\d+$/.test(p)).length;
    assert.ok(fetched < 10 + 4 + FAST.concurrency + 2, `fetched ${fetched}`);
    const warc = await readWarcResponses(t.dir);
    assert.equal(warc.filter((r) => /\/\d+$/.test(r.uri)).length, fetched, 'pages in flight at the stop were committed');
  } finally {
    await srv.close();
    await t.cleanup();
  }
});
