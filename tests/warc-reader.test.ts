import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readWarc } from '../datasets/warcReader.js';
import type { Document } from '../core/document.js';
import { PAGES, withCrawledCharsetSite } from './helpers/charsetSite.js';

test('WARC reader: one document per HTML/text 2xx response, decoded, with record offset and WARC metadata', async () => {
  await withCrawledCharsetSite(async (outDir, crawled) => {
    const files = (await readdir(outDir)).filter((f) => f.endsWith('.warc.gz'));
    assert.equal(files.length, 1);
    const docs: Document[] = [];
    for await (const d of readWarc(join(outDir, files[0]!))) docs.push(d);
    // The seed page, the 7 charset pages; not the image, not the 404 robots.txt/sitemap responses.
    assert.equal(docs.length, 1 + Object.keys(PAGES).length);
    for (const d of docs) {
      const path = new URL(d.url!).pathname;
      if (PAGES[path]) assert.ok(d.text.includes(PAGES[path]!.expect), path);
      assert.match(d.source, /crawl-00000\.warc\.gz@\d+$/);
      assert.equal(d.metadata.http_status, 200);
      assert.match(String(d.metadata.warc_record_id), /^<urn:uuid:/);
      assert.ok(d.metadata.warc_date);
      // Same id and text as the live crawl produced: curate from WARC == curate from the crawl.
      const live = crawled.find((c) => c.url === d.url)!;
      assert.equal(live.id, d.id);
      assert.equal(live.text, d.text);
    }
    const offsets = docs.map((d) => Number(d.source.split('@')[1]));
    assert.deepEqual([...offsets].sort((a, b) => a - b), offsets, 'in file order');
  });
});
