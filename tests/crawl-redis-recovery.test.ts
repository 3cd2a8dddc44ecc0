// `crawl --redis` under failure: kill -9 of one of three crawler processes mid-crawl loses no page and
// archives none twice (its leases return to the frontier; restarted with the same --worker and --resume it
// reopens what it had fetched but not yet written), and a crawl whose every process was killed resumes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { archivedCounts, assertCrawled, crawlArgs, crawlerProcess, withSharedCrawl, type CrawlerProcess } from './helpers/sharedSite.js';

const PAGES = 1000;
const WORKERS = ['w0', 'w1', 'w2'];

test('kill -9 of one crawler mid-crawl: the others take over its leases; restarted, it reopens its unwritten pages; every page archived once', async (t) => {
  await withSharedCrawl(t, PAGES, async (site, dir, redisUrl) => {
    const runs = WORKERS.map((w) => crawlerProcess(crawlArgs(dir, redisUrl, w)));
    let served = 0;
    let servedAtKill = 0;
    site.onPage = () => {
      if (++served === 300) {
        runs[1]!.child.kill('SIGKILL');
        servedAtKill = served;
      }
    };
    const [r0, r1, r2] = await Promise.all(runs.map((r) => r.done));
    assert.equal(r1!.signal, 'SIGKILL', `w1 killed mid-crawl (${r1!.stderr})`);
    assert.ok(servedAtKill > 0 && served > servedAtKill + 100, 'the others went on after the kill');
    assert.equal(r0!.code, 0, r0!.stderr);
    assert.equal(r2!.code, 0, r2!.stderr);
    // The scheduler restarts the killed worker under its name.
    const again = await crawlerProcess(crawlArgs(dir, redisUrl, 'w1', ['--resume'])).done;
    assert.equal(again.code, 0, again.stderr);
    assertCrawled(site, await archivedCounts(join(dir, 'out')));
  });
});

test('every crawler killed mid-crawl, then all restarted with --resume: the crawl continues where it stood', async (t) => {
  await withSharedCrawl(t, PAGES, async (site, dir, redisUrl) => {
    let runs: CrawlerProcess[] = WORKERS.map((w) => crawlerProcess(crawlArgs(dir, redisUrl, w)));
    let served = 0;
    site.onPage = () => {
      if (++served === 300) for (const r of runs) r.child.kill('SIGKILL');
    };
    for (const r of await Promise.all(runs.map((x) => x.done))) assert.equal(r.signal, 'SIGKILL', r.stderr);
    const before = (await archivedCounts(join(dir, 'out'))).size;
    assert.ok(before < site.expected.length, 'stopped mid-crawl');
    site.onPage = null;
    runs = WORKERS.map((w) => crawlerProcess(crawlArgs(dir, redisUrl, w, ['--resume'])));
    for (const r of await Promise.all(runs.map((x) => x.done))) assert.equal(r.code, 0, r.stderr);
    assertCrawled(site, await archivedCounts(join(dir, 'out')));
    const refetched = site.expected.filter((u) => (site.served.get(u) ?? 0) > 1).length;
    assert.ok(refetched < 100, `only pages in flight at the kill were requested again (${refetched})`);
  });
});
