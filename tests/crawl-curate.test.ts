// `crawl --curate DIR`: pages flow from the crawl straight into the curate pipeline's Parquet shards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readDocuments } from '../datasets/readers.js';
import { html, links, startServer, tempDir } from './helpers/crawlSite.js';

const root = new URL('..', import.meta.url).pathname;

/** The CLI as a child process; async, because the test server lives in this process's event loop. */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin/corpusforge.js'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
const PROSE = [
  'The river rose slowly through the night, and by morning the low fields near the mill were under water.',
  'Farmers moved their animals to the ridge, where the old church stood above the flood line.',
  'By noon the rain had stopped, and the children came out to watch the brown water turning in slow circles.',
];

test('crawl --curate: every crawled HTML page is extracted and written to Parquet shards as it arrives', async () => {
  const srv = await startServer((req, res, path) => {
    const m = /^\/article\/(\d+)$/.exec(path);
    if (!m) return html(res, '', 404);
    const n = Number(m[1]);
    const next = n < 11 ? links(`/article/${n + 1}`) : '';
    html(res, `<html><head><title>Article ${n}</title></head><body><article><h1>Story number ${n}</h1>${PROSE.map((p) => `<p>${p} (part ${n})</p>`).join('')}</article><nav>${next}</nav></body></html>`);
  });
  const t = await tempDir();
  try {
    const seeds = join(t.dir, 'seeds.txt');
    await writeFile(seeds, `${srv.origin}/article/0\n`);
    // Extraction only: the default web recipe would (rightly) dedup these near-identical short pages.
    const cfg = join(t.dir, 'extract.json');
    await writeFile(cfg, JSON.stringify({ steps: [{ step: 'extract' }, { step: 'normalise' }] }));
    const r = await cli(['crawl', '--seeds', seeds, '--out', join(t.dir, 'crawl'), '--allow-private', '--delay-ms', '0', '--timeout-ms', '5000',
      '--curate', join(t.dir, 'curated'), '--config', cfg, '--workers', '1']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /curate: 12 pages in, 12 kept/);
    const docs = [];
    for await (const d of readDocuments([join(t.dir, 'curated')])) docs.push(d);
    assert.equal(docs.length, 12);
    const urls = new Set(docs.map((d) => d.url));
    for (let n = 0; n < 12; n++) assert.ok(urls.has(`${srv.origin}/article/${n}`), `article ${n}`);
    for (const d of docs) {
      assert.ok(d.text.includes('The river rose slowly'), d.text);
      assert.ok(!d.text.includes('<p>'), 'extracted text, not HTML');
    }
  } finally {
    await srv.close();
    await t.cleanup();
  }
});
