import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGzip } from 'node:zlib';
import { crawl, html, links, readWarcResponses, startServer } from './helpers/crawlSite.js';

test('--max-bytes cuts a 50 MB page and a gzip bomb (counted after decompression) and stops reading them', async () => {
  const MB = 1024 * 1024;
  let bigSent = 0;
  let bigFinished = false;
  // A 256 MB gzip bomb (about 250 KB on the wire), made once by streaming zeros through gzip.
  const bomb = await new Promise<Buffer>((resolve) => {
    const gz = createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gz.on('data', (b: Buffer) => parts.push(b));
    gz.on('end', () => resolve(Buffer.concat(parts)));
    const zeros = Buffer.alloc(MB);
    for (let i = 0; i < 256; i++) gz.write(zeros);
    gz.end();
  });
  const srv = await startServer((req, res, path) => {
    if (path === '/big') {
      res.writeHead(200, { 'content-type': 'text/html' });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (bigSent < 50 * MB) {
          bigSent += chunk.length;
          if (!res.write(chunk)) return res.once('drain', pump);
        }
        bigFinished = true;
        res.end();
      };
      res.on('close', () => undefined);
      return pump();
    }
    if (path === '/bomb') {
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
      return res.end(bomb);
    }
    html(res, path === '/' ? links('/big', '/bomb') : '', path === '/' ? 200 : 404);
  });
  const rssBefore = process.memoryUsage().rss;
  const c = await crawl([`${srv.origin}/`], { maxBytes: MB });
  const rssGrowth = process.memoryUsage().rss - rssBefore;
  try {
    const byPath = new Map(c.log.map((l) => [new URL(l.url).pathname, l]));
    for (const p of ['/big', '/bomb']) {
      assert.equal(byPath.get(p)!.status, 200, p);
      assert.equal(byPath.get(p)!.bytes, MB, p);
      assert.equal(byPath.get(p)!.truncated, true, p);
    }
    assert.ok(!bigFinished && bigSent < 50 * MB, `the server was cut off (sent ${bigSent} bytes)`);
    assert.ok(rssGrowth < 200 * MB, `memory stays flat (rss grew ${(rssGrowth / MB).toFixed(0)} MB)`);
    const warc = await readWarcResponses(c.dir);
    const bombRecord = warc.find((r) => r.uri.endsWith('/bomb'))!;
    assert.equal(bombRecord.truncated, 'length');
    assert.equal(bombRecord.body.length, MB, 'stored decoded, cut at max-bytes');
  } finally {
    await srv.close();
    await c.cleanup();
  }
});
