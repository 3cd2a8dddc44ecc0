import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseUrl, normaliseLink, hostnameOf } from '../crawler/url.js';
import { crawl, html, links, startServer } from './helpers/crawlSite.js';

test('normaliseUrl: case, default ports, fragments, dot segments, tracking parameters, relative links', () => {
  assert.equal(normaliseUrl('HTTP://Example.COM:80/a/./b/../c#frag'), 'http://example.com/a/c');
  assert.equal(normaliseUrl('https://example.com:443/?utm_source=x&id=3&fbclid=y&UTM_Medium=z'), 'https://example.com/?id=3');
  assert.equal(normaliseUrl('https://example.com/p?utm_campaign=a'), 'https://example.com/p');
  assert.equal(normaliseUrl('../x?b=2&a=1', 'https://example.com/d/e/f'), 'https://example.com/d/x?b=2&a=1');
  assert.equal(normaliseUrl('https://user:pw@example.com./'), 'https://example.com/');
  assert.equal(normaliseUrl('mailto:a@b.c'), null);
  assert.equal(normaliseUrl('javascript:void(0)', 'https://example.com/'), null);
  assert.equal(normaliseUrl('ftp://example.com/'), null);
  assert.equal(normaliseUrl(`https://example.com/${'a'.repeat(3000)}`), null);
  assert.equal(normaliseUrl('not a url'), null);
  assert.equal(hostnameOf('http://127.0.0.1:8080/x?y'), '127.0.0.1');
  // The root-relative fast path gives what a full WHATWG parse gives.
  for (const href of ['/p/1', '/a/b-c_d~e/', '/', '//other.host/x', '/a/../b', '/x?utm_source=y', '/%7Ex', '/a b', '/é']) {
    const base = 'https://example.com:8443/dir/page?q=1';
    assert.equal(normaliseLink(href, base), normaliseUrl(href, base), href);
  }
  assert.equal(normaliseLink('/p/1', 'http://127.0.0.1:8080/a'), 'http://127.0.0.1:8080/p/1');
  assert.equal(hostnameOf('http://[::1]:8080/x'), '[::1]');
});

test('duplicates (fragments, tracking parameters, default port, dot segments) are fetched once', async () => {
  const srv = await startServer((req, res, path) => {
    if (path === '/') {
      const abs = `http://127.0.0.1:${srv.port}`;
      return html(res, links('/a', '/a#top', '/a?utm_source=news&utm_medium=mail', `${abs}/a`, '/x/../a', '/a?fbclid=123', '/A'));
    }
    html(res, path === '/a' || path === '/A' ? 'page' : '', path === '/a' || path === '/A' ? 200 : 404);
  });
  const c = await crawl([`${srv.origin}/`, `${srv.origin}/#again`]);
  try {
    assert.equal(srv.hits.get('/a'), 1);
    assert.equal(srv.hits.get('/A'), 1, 'paths are case-sensitive');
    assert.equal(srv.hits.get('/'), 1);
    assert.equal(c.log.filter((l) => l.url.endsWith('/a')).length, 1);
  } finally {
    await srv.close();
    await c.cleanup();
  }
});
