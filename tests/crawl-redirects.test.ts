import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crawl, html, links, startServer } from './helpers/crawlSite.js';

test('redirects: chain followed (each hop logged), loops and over-long chains stopped, off-scope targets not followed', async () => {
  const srv = await startServer((req, res, path) => {
    const go = (to: string, code = 301) => {
      res.writeHead(code, { location: to });
      res.end();
    };
    if (path === '/') return html(res, links('/r1', '/loop1', '/m0', '/off'));
    if (path === '/r1') return go('/r2', 301);
    if (path === '/r2') return go('/r3', 302);
    if (path === '/r3') return go(`${srv.origin}/final`, 307);
    if (path === '/loop1') return go('/loop2');
    if (path === '/loop2') return go('/loop1');
    const m = /^\/m(\d+)$/.exec(path);
    if (m) return go(`/m${Number(m[1]) + 1}`);
    if (path === '/off') return go(`http://localhost:${srv.port}/elsewhere`);
    if (path === '/robots.txt' || path === '/sitemap.xml') return html(res, '', 404);
    html(res, 'final page');
  });
  const c = await crawl([`${srv.origin}/`]);
  try {
    assert.equal(srv.hits.get('/final'), 1);
    for (const p of ['/r1', '/r2', '/r3', '/loop1', '/loop2']) assert.equal(srv.hits.get(p), 1, p);
    const byPath = new Map(c.log.map((l) => [new URL(l.url).pathname, l]));
    assert.equal(byPath.get('/r2')!.status, 302);
    assert.equal(byPath.get('/r2')!.redirect, `${srv.origin}/r3`);
    assert.equal(byPath.get('/final')!.status, 200);
    assert.equal(byPath.get('/final')!.depth, 1, 'a redirect is not a link: same depth');
    assert.equal(byPath.get('/loop2')!.error, 'redirect_loop');
    assert.equal(srv.hits.get('/m5'), 1);
    assert.equal(byPath.get('/m5')!.error, 'too_many_redirects');
    assert.equal(srv.hits.get('/m6'), undefined);
    assert.equal(byPath.get('/off')!.error, 'redirect_off_scope');
    assert.equal(srv.hits.get('/elsewhere'), undefined);
  } finally {
    await srv.close();
    await c.cleanup();
  }
});
