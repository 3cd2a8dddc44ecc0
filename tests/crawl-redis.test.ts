// `crawl --redis`: three crawler processes share one crawl through a real redis-server. Every reachable page
// is archived exactly once over all of them, and the per-origin limits hold across processes, as the site's
// own request log shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readCrawlLog } from './helpers/crawlSite.js';
import { archivedCounts, assertCrawled, crawlArgs, crawlerProcess, withSharedCrawl } from './helpers/sharedSite.js';

const PAGES = 1000;

test('3 crawler processes on one Redis: every page archived once, per-origin limits hold across processes', async (t) => {
  await withSharedCrawl(t, PAGES, async (site, dir, redisUrl) => {
    const runs = ['w0', 'w1', 'w2'].map((w) => crawlerProcess(crawlArgs(dir, redisUrl, w)));
    const results = await Promise.all(runs.map((r) => r.done));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const out = join(dir, 'out');
    assertCrawled(site, await archivedCounts(out));
    for (const url of site.expected) assert.equal(site.served.get(url), 1, `${url} requested once`);
    const perWorker = await Promise.all(['w0', 'w1', 'w2'].map((w) => readCrawlLog(out, `crawl-${w}.jsonl`)));
    for (const [i, rows] of perWorker.entries()) {
      assert.ok(rows.length > 0, `worker w${i} took part`);
      for (const row of rows) assert.equal(row.process, `w${i}`);
    }
    const rows = perWorker.flat();
    assert.equal(new Set(rows.map((r) => r.url)).size, rows.length, 'one log row per URL over all workers');
    assert.equal(rows.filter((r) => r.error === 'robots_disallowed').length, PAGES, 'each /private/N logged once as disallowed');
  });
});
