// Site boilerplate on a crawled multi-host site (cli/demo/site/): crawled by the real crawler, curated from
// its WARC and streamed through `crawl --curate`, boilerplate_lines leaves the chrome that extraction misses
// off the kept pages without taking the articles' own text. The numbers with the whole web recipe on all
// ten hosts are bench/site-boilerplate.ts's (docs/benchmarks.md).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startMultiSite, type MultiSite } from '../cli/demo/site/multiSite.js';
import { siteLeaks } from '../cli/demo/site/siteLeaks.js';
import { Crawler } from '../crawler/crawler.js';
import { curate } from '../pipelines/curate.js';
import { readDocuments } from '../datasets/readers.js';
import type { Document } from '../core/document.js';
import { tempDir } from './helpers/tmp.js';
import { runCli } from './helpers/cli.js';

async function kept(out: string): Promise<Document[]> {
  const docs: Document[] = [];
  for await (const d of readDocuments([out])) docs.push(d);
  return docs;
}

let site: MultiSite;
const started = startMultiSite(3).then((s) => (site = s));
after(() => site?.close());

test('a crawled multi-host site: extract leaves chrome on many pages, boilerplate_lines takes it off and keeps the articles', async () => {
  await started;
  const dir = await tempDir('cf-site-');
  const crawl = join(dir, 'crawl');
  await new Crawler({ seeds: site.sites.map((s) => `${s.origin}/`), outDir: crawl, delayMs: 0, allowPrivate: true, concurrency: 1, perHostConcurrency: 1 }).run();
  const run = async (name: string, steps: { step: string }[]) => {
    const out = join(dir, name);
    await curate({ inputs: [crawl], out, steps, workers: 0 });
    const docs = await kept(out);
    return { all: siteLeaks(site, docs), articles: siteLeaks(site, docs.filter((d) => site.pageOf(d.url!)?.page.kind === 'article')) };
  };
  const extracted = await run('extract', [{ step: 'extract' }, { step: 'normalise' }]);
  const cleaned = await run('boilerplate', [{ step: 'extract' }, { step: 'normalise' }, { step: 'boilerplate_lines' }]);
  assert.ok(extracted.all.share > 0.3, `the site is a fair test: extraction alone leaves chrome on ${extracted.all.withChrome}/${extracted.all.pages} pages`);
  assert.ok(cleaned.all.share < 0.05, `site chrome left on ${cleaned.all.withChrome}/${cleaned.all.pages} pages: ${JSON.stringify(cleaned.all.examples)}`);
  assert.equal(cleaned.articles.pages, extracted.articles.pages, 'every article kept');
  assert.ok(cleaned.articles.contentKept >= extracted.articles.contentKept - 0.001, `article text kept: ${cleaned.articles.contentKept} vs ${extracted.articles.contentKept}`);
});

test('crawl --curate without --config streams the pages through the web recipe, boilerplate_lines included', async () => {
  await started;
  const dir = await tempDir('cf-site-');
  const seeds = join(dir, 'seeds.txt');
  await writeFile(seeds, site.sites.map((s) => `${s.origin}/`).join('\n') + '\n');
  const out = join(dir, 'corpus');
  const r = await runCli(['crawl', '--seeds', seeds, '--out', join(dir, 'crawl'), '--allow-private', '--delay-ms', '0', '--curate', out, '--workers', '1']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /crawl --curate: recipe: web \(pipelines\/web\.json\)/);
  const stats = JSON.parse(await readFile(join(out, 'stats.json'), 'utf8'));
  assert.equal(stats.recipe.name, 'web');
  assert.ok(stats.steps.boilerplate_lines.counters['boilerplate_lines.units_removed'] > 0, JSON.stringify(stats.steps.boilerplate_lines));
  const leaks = siteLeaks(site, await kept(out));
  assert.ok(leaks.pages > 10 && leaks.share < 0.1, `site chrome on ${leaks.withChrome}/${leaks.pages} kept pages: ${JSON.stringify(leaks.examples)}`);
});
