import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Document } from '../core/document.js';
import { isUserError } from '../core/errors.js';
import { UrlBlocklist } from '../filters/safety/urlBlocklist.js';
import { getStepDefinition } from '../filters/registry.js';
import { loadPipelineFile } from '../pipelines/pipelineFile.js';

const doc = (id: string, text: string, lang?: string, url?: string): Document => ({ id, text, lang, url, source: 's', metadata: {} });

test('URL blocklist: domains include subdomains, URL prefixes, IDN, comments; bad lines are user errors', async () => {
  const list = UrlBlocklist.parse('# adult sites\nbad.example\n*.casino.test\nhttps://news.example.org/ads/  # ads only\nbücher.de\n');
  assert.equal(list.check('https://bad.example/page'), 'domain');
  assert.equal(list.check('http://a.b.BAD.example:8080/x'), 'domain');
  assert.equal(list.check('https://notbad.example/'), undefined, 'suffix must be a whole label');
  assert.equal(list.check('https://www.casino.test/'), 'domain');
  assert.equal(list.check('news.example.org/ads/banner.html'), 'url');
  assert.equal(list.check('https://news.example.org/politics/'), undefined);
  assert.equal(list.check('https://xn--bcher-kva.de/buch'), 'domain');
  assert.throws(() => UrlBlocklist.parse('ok.example\nnot a domain\n', 'list.txt'), (e) => isUserError(e) && /list\.txt:2/.test((e as Error).message));

  const dir = await mkdtemp(join(tmpdir(), 'cf-blocklist-'));
  try {
    const file = join(dir, 'block.txt');
    await writeFile(file, 'bad.example\n');
    const def = getStepDefinition('url_blocklist');
    const step = def.worker!(def.parseOptions({ file }));
    const out = step.run([doc('1', 'x', 'eng', 'https://shop.bad.example/a'), doc('2', 'y', 'eng', 'https://good.example/'), doc('3', 'z')]);
    assert.deepEqual(out.kept.map((d) => d.id), ['2', '3']);
    assert.deepEqual(out.dropped.map((r) => r.reason), ['url_blocklist:domain']);
    assert.equal(out.counters!['url_blocklist.no_url'], 1);
    assert.throws(() => def.parseOptions({ file: join(dir, 'missing.txt') }), (e) => isUserError(e) && /url_blocklist/.test((e as Error).message));
    assert.throws(() => def.parseOptions({}), isUserError);
    // In a pipeline file the blocklist path is relative to the file, wherever the command runs from.
    await writeFile(join(dir, 'pipeline.json'), JSON.stringify({ input: ['docs.jsonl'], steps: [{ step: 'url_blocklist', file: 'block.txt' }] }));
    const pipeline = await loadPipelineFile(join(dir, 'pipeline.json'));
    assert.deepEqual(pipeline.steps, [{ step: 'url_blocklist', file }]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
