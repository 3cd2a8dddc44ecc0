import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readWarc } from '../datasets/warcReader.js';
import type { Document } from '../core/document.js';
import { PAGES, withCrawledCharsetSite } from './helpers/charsetSite.js';
import { gzipSync, gunzipSync } from 'node:zlib';
import { tempDir } from './helpers/tmp.js';
import { isPerRecordWarcGzip } from '../datasets/gzipMembers.js';
import { collect } from './helpers/collect.js';
import { textWarc } from './helpers/warcFixture.js';

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

test('a per-record WARC.gz cut into byte ranges yields every record exactly once, in order', async () => {
  const dir = await tempDir();
  const { members, bodies } = textWarc(120, 7, 150);
  const file = join(dir, 'r.warc.gz');
  await writeFile(file, Buffer.concat(members));
  const single = join(dir, 'one-stream.warc.gz');
  await writeFile(single, gzipSync(Buffer.concat(members.map((m) => gunzipSync(m)))));
  assert.equal(await isPerRecordWarcGzip(file), true);
  assert.equal(await isPerRecordWarcGzip(single), false, 'one gzip stream cannot be cut by member');

  const whole = await collect(readWarc(file));
  assert.deepEqual(whole.map((d) => d.text), bodies);
  const size = members.reduce((n, m) => n + m.length, 0);
  for (const step of [700, 4096, 9999, size]) {
    const parts: Document[] = [];
    for (let start = 0; start < size; start += step) parts.push(...(await collect(readWarc(file, {}, { start, end: Math.min(size, start + step) }))));
    assert.deepEqual(parts.map((d) => d.source), whole.map((d) => d.source), `ranges of ${step} bytes`);
    assert.deepEqual(parts.map((d) => d.text), bodies);
  }
});
