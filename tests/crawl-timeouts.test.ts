import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fetcher } from '../crawler/fetcher.js';
import { crawl, html, links, startServer } from './helpers/crawlSite.js';

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
