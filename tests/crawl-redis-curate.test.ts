// `crawl --redis` with --max-pages and --curate: the page limit holds for the whole crawl, not per process,
// and each process's --curate output is one rank of the same corpus (together: every page once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readDocuments } from '../datasets/readers.js';
import { archivedCounts, crawlArgs, crawlerProcess, withSharedCrawl } from './helpers/sharedSite.js';

test('--max-pages holds across processes: 3 crawlers archive exactly that many pages in all', async (t) => {
  await withSharedCrawl(t, 400, async (site, dir, redisUrl) => {
    const runs = ['w0', 'w1', 'w2'].map((w) => crawlerProcess(crawlArgs(dir, redisUrl, w, ['--max-pages', '120'])));
    const results = await Promise.all(runs.map((r) => r.done));
    for (const r of results) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /crawl stopped \(max-pages\)/);
    }
    const counts = await archivedCounts(join(dir, 'out'));
    assert.equal([...counts.values()].reduce((a, b) => a + b, 0), 120);
    assert.equal(counts.size, 120);
  });
});

test('crawl --redis --curate: each process writes its own rank; together they hold every page once', async (t) => {
  await withSharedCrawl(t, 120, async (site, dir, redisUrl) => {
    const cfg = join(dir, 'extract.json');
    await writeFile(cfg, JSON.stringify({ steps: [{ step: 'extract' }] }));
    const curated = join(dir, 'curated');
    const missing = await crawlerProcess(crawlArgs(dir, redisUrl, 'w9', ['--curate', curated])).done;
    assert.match(missing.stderr, /^error: crawl --redis --curate: give --rank R --world-size W/m);
    const runs = [0, 1].map((rank) => crawlerProcess(crawlArgs(dir, redisUrl, `w${rank}`, [
      '--curate', curated, '--config', cfg, '--workers', '1', '--rank', String(rank), '--world-size', '2',
    ])));
    const results = await Promise.all(runs.map((r) => r.done));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const urls: string[] = [];
    for await (const d of readDocuments([curated])) urls.push(d.url!);
    assert.equal(urls.length, site.expected.length, 'every page once');
    assert.deepEqual(new Set(urls), new Set(site.expected));
    for (const r of results) assert.match(r.stdout, /curate: [1-9]\d* pages in/, 'both processes curated pages');
  });
});
