import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OriginRobots, robotsVerdict, productToken } from '../crawler/robots.js';
import { FetchError, type FetchResponse } from '../crawler/fetcher.js';
import { crawl, html, links, startServer } from './helpers/crawlSite.js';

function response(status: number, body: string): FetchResponse {
  return { url: 'https://a.com/robots.txt', status, statusText: '', headerLines: [], headers: {}, body: Buffer.from(body), decoded: false, truncated: false, requestHead: '', fetchedAt: new Date() };
}

test('robots verdicts: 2xx rules with agent groups, wildcards and Crawl-delay; 4xx allow all; 5xx, 429, network errors unavailable', () => {
  const txt = 'User-agent: *\nDisallow: /private\n\nUser-agent: corpusforge\nDisallow: /*.pdf$\nAllow: /private/ok\nDisallow: /private\nCrawl-delay: 2\nSitemap: https://a.com/sm.xml\n';
  const rules = new OriginRobots(robotsVerdict('https://a.com/robots.txt', response(200, txt)), productToken('corpusforge/0.1 (+https://x)'));
  assert.equal(rules.allows('https://a.com/doc.pdf'), false);
  assert.equal(rules.allows('https://a.com/doc.pdf?x'), true);
  assert.equal(rules.allows('https://a.com/private/ok'), true);
  assert.equal(rules.allows('https://a.com/private/no'), false);
  assert.equal(rules.crawlDelayMs(), 2000);
  assert.deepEqual(rules.sitemaps(), ['https://a.com/sm.xml']);
  const other = new OriginRobots(robotsVerdict('https://a.com/robots.txt', response(200, txt)), 'otherbot');
  assert.equal(other.allows('https://a.com/doc.pdf'), true);
  assert.equal(other.allows('https://a.com/private/ok'), false);
  assert.equal(robotsVerdict('https://a.com/robots.txt', response(404, '')).kind, 'allow-all');
  assert.equal(robotsVerdict('https://a.com/robots.txt', response(403, '')).kind, 'allow-all');
  assert.equal(robotsVerdict('https://a.com/robots.txt', response(503, '')).kind, 'unavailable');
  assert.equal(robotsVerdict('https://a.com/robots.txt', response(429, '')).kind, 'unavailable');
  assert.equal(robotsVerdict('https://a.com/robots.txt', new FetchError('timeout', 't')).kind, 'unavailable');
  assert.equal(robotsVerdict('https://a.com/robots.txt', new FetchError('address_refused', 'r')).kind, 'refused');
});

test('robots.txt: Disallowed URLs are never requested; our agent group applies, not *', async () => {
  const srv = await startServer((req, res, path) => {
    if (path === '/robots.txt') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('User-agent: *\nDisallow: /\n\nUser-agent: corpusforge\nDisallow: /private\nDisallow: /*.pdf$\n');
    }
    html(res, links('/a', '/private/x', '/doc.pdf', '/b'));
  });
  const c = await crawl([`${srv.origin}/`]);
  try {
    assert.equal(srv.hits.get('/private/x'), undefined);
    assert.equal(srv.hits.get('/doc.pdf'), undefined);
    assert.equal(srv.hits.get('/a'), 1);
    assert.equal(srv.hits.get('/robots.txt'), 1, 'robots.txt fetched once and cached');
    const disallowed = c.log.filter((l) => l.error === 'robots_disallowed').map((l) => new URL(l.url).pathname).sort();
    assert.deepEqual(disallowed, ['/doc.pdf', '/private/x']);
  } finally {
    await srv.close();
    await c.cleanup();
  }
});

test('robots.txt Crawl-delay spaces the requests to a host (it overrides a smaller --delay-ms)', async () => {
  const starts: number[] = [];
  const srv = await startServer((req, res, path) => {
    if (path === '/robots.txt') return html(res, 'User-agent: *\nCrawl-delay: 0.3\n', 200, { 'content-type': 'text/plain' });
    starts.push(performance.now());
    html(res, path === '/' ? links('/1', '/2', '/3') : 'page');
  });
  const c = await crawl([`${srv.origin}/`], { sitemaps: false, delayMs: 0, perHostConcurrency: 4 });
  try {
    assert.equal(starts.length, 4);
    // The delay is kept between request starts at the crawler; the server sees them shifted by network and
    // scheduling jitter, so it checks 2/3 of the delay (without the delay the gaps would be ~0).
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! - starts[i - 1]! >= 200, `gap ${starts[i]! - starts[i - 1]!} ms`);
  } finally {
    await srv.close();
    await c.cleanup();
  }
});

test('robots.txt 5xx: host is off limits until a retry succeeds; 4xx means allow all', async () => {
  let robotsCalls = 0;
  const srv = await startServer((req, res, path) => {
    if (path === '/robots.txt') {
      robotsCalls++;
      if (robotsCalls < 3) return html(res, 'down', 503);
      return html(res, 'gone', 404);
    }
    html(res, links('/next'));
  });
  const c = await crawl([`${srv.origin}/`], { robotsMaxTries: 5, sitemaps: false });
  try {
    assert.equal(robotsCalls, 3);
    assert.equal(srv.hits.get('/'), 1);
    assert.equal(srv.hits.get('/next'), 1);
  } finally {
    await srv.close();
    await c.cleanup();
  }
});
