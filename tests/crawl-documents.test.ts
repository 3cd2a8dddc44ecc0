import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crawlDocuments } from '../crawler/crawlDocuments.js';
import { FAST, html, links, readWarcResponses, startServer, tempDir } from './helpers/crawlSite.js';

test('crawlDocuments streams pages as they arrive and stops the crawl when the consumer stops', async () => {
  const srv = await startServer((req, res, path) => {
    const n = Number(path.slice(1)) || 0;
    html(res, links(`/${n + 1}`, `/${n + 2}`));
  });
  const t = await tempDir();
  try {
    let seen = 0;
    for await (const d of crawlDocuments({ ...FAST, seeds: [`${srv.origin}/0`], outDir: t.dir, sitemaps: false }, { highWaterMark: 4 })) {
      assert.equal(d.metadata.format, 'html');
      if (++seen === 10) break;
    }
    assert.equal(seen, 10);
    // Backpressure: the crawl paused at the high-water mark instead of running ahead.
    const fetched = [...srv.hits.keys()].filter((p) => /^\/\d+$/.test(p)).length;
    assert.ok(fetched < 10 + 4 + FAST.concurrency + 2, `fetched ${fetched}`);
    const warc = await readWarcResponses(t.dir);
    assert.equal(warc.filter((r) => /\/\d+$/.test(r.uri)).length, fetched, 'pages in flight at the stop were committed');
  } finally {
    await srv.close();
    await t.cleanup();
  }
});
