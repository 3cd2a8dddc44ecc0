import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crawl, html, links, readWarcResponses, startServer } from './helpers/crawlSite.js';

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

test('--max-pages: a started page that must be retried after the budget is spent is still finished', async () => {
  // A chain of pages; the last page the budget allows answers 503 once, after every other page started.
  const srv = await startServer((req, res, path) => {
    const n = Number(/^\/n\/(\d+)$/.exec(path)?.[1] ?? -1);
    if (n < 0) return html(res, '', 404);
    if (n === 4 && srv.hits.get(path) === 1) return html(res, 'busy', 503, { 'retry-after': '0' });
    html(res, links(`/n/${n + 1}`));
  });
  const c = await crawl([`${srv.origin}/n/0`], { maxPages: 5, maxTries: 3 });
  try {
    assert.equal(c.summary.stoppedBy, 'max-pages');
    const uris = (await readWarcResponses(c.dir)).filter((r) => r.status === 200).map((r) => new URL(r.uri).pathname).sort();
    assert.deepEqual(uris, ['/n/0', '/n/1', '/n/2', '/n/3', '/n/4'], 'the retried page is archived; no sixth page started');
    assert.equal(srv.hits.get('/n/4'), 2);
    assert.equal(srv.hits.get('/n/5'), undefined);
  } finally {
    await srv.close();
    await c.cleanup();
  }
});
