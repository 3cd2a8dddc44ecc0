import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crawl, html, links, readWarcResponses, startServer } from './helpers/crawlSite.js';

test('non-HTML bodies are recorded but not parsed for links', async () => {
  const srv = await startServer((req, res, path) => {
    if (path === '/') return html(res, links('/img.png', '/data.json', '/notes.txt'));
    if (path === '/img.png') {
      res.writeHead(200, { 'content-type': 'image/png' });
      return res.end('\x89PNG <a href="/from-png">x</a>');
    }
    if (path === '/data.json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"html":"<a href=\\"/from-json\\">"}');
    }
    if (path === '/notes.txt') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('<a href="/from-text">');
    }
    html(res, '', 404);
  });
  const c = await crawl([`${srv.origin}/`]);
  try {
    for (const p of ['/from-png', '/from-json', '/from-text']) assert.equal(srv.hits.get(p), undefined, p);
    const byPath = new Map(c.log.map((l) => [new URL(l.url).pathname, l]));
    assert.equal(byPath.get('/img.png')!.status, 200);
    assert.equal(byPath.get('/img.png')!.content_type, 'image/png');
    const warc = await readWarcResponses(c.dir);
    assert.ok(warc.some((r) => r.uri.endsWith('/img.png')));
  } finally {
    await srv.close();
    await c.cleanup();
  }
});
