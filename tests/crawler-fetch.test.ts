// The crawler against real HTTP servers on 127.0.0.1: robots, redirects, retries, timeouts, caps, scope, traps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGzip } from 'node:zlib';
import { Crawler } from '../crawler/crawler.js';
import type { CrawlOptions } from '../crawler/options.js';
import { Fetcher } from '../crawler/fetcher.js';
import { FAST, html, links, readCrawlLog, readWarcResponses, startServer, tempDir } from './crawler-helpers.js';

async function crawl(seeds: string[], extra: Partial<CrawlOptions> = {}) {
  const t = await tempDir();
  const summary = await new Crawler({ ...FAST, seeds, outDir: t.dir, ...extra }).run();
  return { ...t, summary, log: await readCrawlLog(t.dir) };
}

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

test('retries: 503 twice then 200 is fetched; 429 honours Retry-After; a permanent 500 gives up after the tries', async () => {
  const srv = await startServer((req, res, path) => {
    const n = srv.hits.get(path)!;
    if (path === '/') return html(res, links('/flaky', '/limited', '/broken'));
    if (path === '/flaky') return n <= 2 ? html(res, 'busy', 503) : html(res, 'ok now');
    if (path === '/limited') return n === 1 ? html(res, 'slow down', 429, { 'retry-after': '0' }) : html(res, 'ok');
    if (path === '/broken') return html(res, 'error', 500);
    html(res, '', 404);
  });
  const c = await crawl([`${srv.origin}/`], { maxTries: 3 });
  try {
    const byPath = new Map(c.log.map((l) => [new URL(l.url).pathname, l]));
    assert.equal(srv.hits.get('/flaky'), 3);
    assert.equal(byPath.get('/flaky')!.status, 200);
    assert.equal(byPath.get('/flaky')!.attempts, 3);
    assert.equal(srv.hits.get('/limited'), 2);
    assert.equal(byPath.get('/limited')!.status, 200);
    assert.equal(srv.hits.get('/broken'), 3);
    assert.equal(byPath.get('/broken')!.error, 'http_500');
    const warc = await readWarcResponses(c.dir);
    assert.equal(warc.filter((r) => r.uri.endsWith('/flaky')).length, 1, 'only the final answer is archived');
  } finally {
    await srv.close();
    await c.cleanup();
  }
});

test('a page that never answers times out while the other pages of the host are fetched', async () => {
  let slowOpen = false;
  let servedWhileSlowOpen = 0;
  const srv = await startServer((req, res, path) => {
    if (path === '/slow') {
      slowOpen = true;
      req.socket.on('close', () => (slowOpen = false));
      return; // never answers
    }
    if (path.startsWith('/p') && slowOpen) servedWhileSlowOpen++;
    html(res, path === '/' ? links('/slow', ...Array.from({ length: 20 }, (_, i) => `/p${i}`)) : 'page');
  });
  const c = await crawl([`${srv.origin}/`], { timeoutMs: 1500, maxTries: 1, perHostConcurrency: 2, sitemaps: false });
  try {
    const byPath = new Map(c.log.map((l) => [new URL(l.url).pathname, l]));
    assert.match(byPath.get('/slow')!.error ?? '', /^timeout/);
    for (let i = 0; i < 20; i++) assert.equal(byPath.get(`/p${i}`)!.status, 200);
    assert.equal(servedWhileSlowOpen, 20, 'every other page was served while the slow one was pending');
  } finally {
    await srv.close();
    await c.cleanup();
  }
});

test('a server that drips bytes within the idle timeout is cut off at the whole-request deadline', async () => {
  const timers: NodeJS.Timeout[] = [];
  const srv = await startServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const t = setInterval(() => res.write('x'), 50); // well inside the 300 ms idle timeout, never ends
    timers.push(t);
    req.socket.on('close', () => clearInterval(t));
  });
  const f = new Fetcher({ userAgent: 'test', timeoutMs: 300, totalTimeoutMs: 600, maxBytes: 1 << 20, allowPrivate: true, connectionsPerOrigin: 1 });
  try {
    await assert.rejects(f.fetch(`${srv.origin}/drip`), (e: Error & { kind?: string }) => e.kind === 'timeout' && /600 ms/.test(e.message));
  } finally {
    for (const t of timers) clearInterval(t);
    await f.destroy();
    await srv.close();
  }
});

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

test('an infinite calendar trap is stopped by --max-depth; off-scope links are not followed', async () => {
  const srv = await startServer((req, res, path) => {
    const m = /^\/cal\?d=(-?\d+)$/.exec(path);
    if (m) {
      const d = Number(m[1]);
      return html(res, links(`/cal?d=${d + 1}`, `/cal?d=${d - 1}`, `http://localhost:${srv.port}/other-host`, 'https://example.invalid/x'));
    }
    html(res, '', 404);
  });
  const c = await crawl([`${srv.origin}/cal?d=0`], { maxDepth: 3 });
  try {
    const fetched = c.log.filter((l) => l.status === 200).map((l) => Number(new URL(l.url).searchParams.get('d'))).sort((a, b) => a - b);
    assert.deepEqual(fetched, [-3, -2, -1, 0, 1, 2, 3]);
    assert.equal(srv.hits.get('/cal?d=4'), undefined);
    assert.equal(srv.hits.get('/other-host'), undefined, 'another host (localhost vs 127.0.0.1) is off scope');
    assert.equal(c.summary.stoppedBy, 'done');
  } finally {
    await srv.close();
    await c.cleanup();
  }
});

test('sitemaps: pages listed only in sitemaps (robots.txt Sitemap lines, gzip sitemap index, /sitemap.xml) are found', async () => {
  const gz = await import('node:zlib');
  const srv = await startServer((req, res, path) => {
    const o = srv.origin;
    if (path === '/robots.txt') return html(res, `User-agent: *\nAllow: /\nSitemap: ${o}/index.xml\n`, 200, { 'content-type': 'text/plain' });
    if (path === '/index.xml') return html(res, `<?xml version="1.0"?><sitemapindex><sitemap><loc>${o}/s1.xml.gz</loc></sitemap></sitemapindex>`, 200, { 'content-type': 'application/xml' });
    if (path === '/s1.xml.gz') {
      res.writeHead(200, { 'content-type': 'application/gzip' });
      return res.end(gz.gzipSync(`<urlset><url><loc>${o}/hidden1</loc></url><url><loc>${o}/hidden2</loc></url><url><loc>https://off.example/x</loc></url></urlset>`));
    }
    if (path === '/sitemap.xml') return html(res, `<urlset><url><loc>${o}/hidden3</loc></url></urlset>`, 200, { 'content-type': 'application/xml' });
    html(res, path === '/' ? '<p>no links here</p>' : 'hidden page');
  });
  const c = await crawl([`${srv.origin}/`]);
  try {
    for (const p of ['/hidden1', '/hidden2', '/hidden3']) assert.equal(srv.hits.get(p), 1, p);
    assert.ok(!c.log.some((l) => l.url.includes('off.example')));
    const sitemapLines = c.log.filter((l) => l.kind === 'sitemap');
    assert.equal(sitemapLines.length, 3);
  } finally {
    await srv.close();
    await c.cleanup();
  }
});

test('private addresses are refused without --allow-private (no request reaches the server)', async () => {
  const srv = await startServer((req, res) => html(res, 'secret'));
  const t = await tempDir();
  try {
    await assert.rejects(
      new Crawler({ ...FAST, allowPrivate: false, seeds: [`${srv.origin}/`, `http://localhost:${srv.port}/`], outDir: t.dir }).run(),
      /every seed resolves to a loopback, private or otherwise non-public address/,
    );
    // The connection-level guard (what DNS rebinding would meet): literal IP and a name resolving to loopback.
    const f = new Fetcher({ userAgent: 'test', timeoutMs: 2000, maxBytes: 1000, allowPrivate: false, connectionsPerOrigin: 1 });
    await assert.rejects(f.fetch(`${srv.origin}/x`), (e: Error & { kind?: string }) => e.kind === 'address_refused');
    await assert.rejects(f.fetch(`http://localhost:${srv.port}/y`), (e: Error & { kind?: string }) => e.kind === 'address_refused');
    await f.close();
    assert.equal(srv.hits.size, 0);
  } finally {
    await srv.close();
    await t.cleanup();
  }
});

test('--max-pages stops the crawl; a resumed crawl with a higher limit continues without fetching a page twice', async () => {
  const srv = await startServer((req, res, path) => {
    const n = Number(/^\/n\/(\d+)$/.exec(path)?.[1] ?? -1);
    if (n < 0) return html(res, '', 404);
    html(res, links(...[n + 1, n + 2].filter((k) => k < 30).map((k) => `/n/${k}`)));
  });
  const t = await tempDir();
  try {
    const base = { ...FAST, seeds: [`${srv.origin}/n/0`], outDir: t.dir, sitemaps: false };
    const first = await new Crawler({ ...base, maxPages: 8 }).run();
    assert.equal(first.stoppedBy, 'max-pages');
    assert.equal((await readWarcResponses(t.dir)).length, 8);
    const second = await new Crawler({ ...base, maxPages: 20, resume: true }).run();
    assert.equal(second.stoppedBy, 'max-pages');
    assert.equal(second.pagesFetched, 12, 'the limit counts pages of earlier runs too');
    const stop = new AbortController();
    const third = new Crawler({ ...base, resume: true, signal: stop.signal, onDocument: () => stop.abort() }).run();
    assert.equal((await third).stoppedBy, 'signal');
    await assert.rejects(new Crawler({ ...base, resume: true, scope: 'any' }).run(), /used --scope host; resume it with the same --scope/);
    // Resumed with another seed: the original seed's host stays in scope.
    const last = await new Crawler({ ...base, seeds: [`http://localhost:${srv.port}/leaf`], resume: true }).run();
    assert.equal(last.stoppedBy, 'done');
    const all = (await readWarcResponses(t.dir)).map((r) => r.uri);
    assert.ok(all.includes(`http://localhost:${srv.port}/leaf`), 'the new seed was crawled');
    const uris = all.filter((u) => u.startsWith(srv.origin));
    assert.equal(uris.length, 30, 'the original seed host stayed in scope');
    assert.equal(new Set(uris).size, 30);
    for (let n = 0; n < 30; n++) assert.equal(srv.hits.get(`/n/${n}`), 1, `/n/${n} requested once`);
  } finally {
    await srv.close();
    await t.cleanup();
  }
});
