// A loopback site whose pages are served in many charsets, crawled for the charset and WARC reader tests.
import { gzipSync } from 'node:zlib';
import { Crawler } from '../../crawler/crawler.js';
import type { Document } from '../../core/document.js';
import { FAST, html, links, startServer, tempDir } from './crawlSite.js';

/** Each page's content type, raw bytes and the text its decoded document must contain. */
export const PAGES: Record<string, { type: string; body: Buffer; expect: string }> = {
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

/** Crawls the charset site into a temp folder and hands `check` the folder and the documents the crawl handed on. */
export async function withCrawledCharsetSite(check: (outDir: string, docs: Document[]) => Promise<void>): Promise<void> {
  const srv = await charsetServer();
  const t = await tempDir();
  try {
    const docs: Document[] = [];
    await new Crawler({ ...FAST, seeds: [`${srv.origin}/`], outDir: t.dir, onDocument: (d) => docs.push(d) }).run();
    await check(t.dir, docs);
  } finally {
    await srv.close();
    await t.cleanup();
  }
}
