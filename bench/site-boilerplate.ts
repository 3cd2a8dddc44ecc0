// bench/site-boilerplate: how much site chrome (navigation, breadcrumbs, cookie banners, footers, lists of
// other posts) the web recipe keeps on a crawled multi-host site, with and without boilerplate_lines, and
// what boilerplate_lines costs. The site (cli/demo/site/: ten hosts, ten languages, six real-world templates,
// UDHR article text) is served on 127.0.0.1 and crawled once by the real crawler into WARC; each recipe then
// curates that WARC in this process, one after the other; the streaming path (crawl --curate) crawls again.
// Measured on each: kept pages, the share of them with a line of site chrome (bylines counted apart), the
// share of the articles' own text kept, the recipe's time and the boilerplate_lines step's time.
// Usage: npm run bench -- site-boilerplate [--quick] (--quick: five hosts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { startMultiSite, SITES, type MultiSite } from '../cli/demo/site/multiSite.js';
import { siteLeaks, SITE_CHROME } from '../cli/demo/site/siteLeaks.js';
import { Crawler } from '../crawler/crawler.js';
import { crawlDocuments } from '../crawler/crawlDocuments.js';
import { curate } from '../pipelines/curate.js';
import { shippedRecipe } from '../pipelines/defaultRecipe.js';
import { readDocuments } from '../datasets/readers.js';
import type { Document } from '../core/document.js';
import type { StepSpec } from '../core/step.js';

const quick = process.argv.includes('--quick');
const HOSTS = quick ? 5 : SITES.length;
const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
const extractCommit = git('log', '-1', '--format=%h %cs', '--', 'filters/extract');
const extractDirty = git('status', '--porcelain', '--', 'filters/extract') !== '';

const site: MultiSite = await startMultiSite(HOSTS);
const dir = mkdtempSync(join(tmpdir(), 'cf-bench-site-'));
const seeds = site.sites.map((s) => `${s.origin}/`);
const crawlOptions = { seeds, delayMs: 0, allowPrivate: true, concurrency: 8, perHostConcurrency: 2 };

try {
  const t0 = performance.now();
  const summary = await new Crawler({ ...crawlOptions, outDir: join(dir, 'crawl') }).run();
  console.log(`site: ${HOSTS} hosts, ${site.sites.reduce((n, s) => n + s.pages.size, 0)} pages; crawled ${summary.pagesFetched} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`extract step: filters/extract at ${extractCommit}${extractDirty ? ' WITH UNCOMMITTED CHANGES (numbers are not those of main)' : ''}`);
  console.log(`machine: ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(1)).join(' ')} (shared: compare rows of this run only)`);

  const web = await shippedRecipe('web');
  const withoutBoilerplate = web.filter((s) => s.step !== 'boilerplate_lines');
  if (withoutBoilerplate.length === web.length) throw new Error('pipelines/web.json has no boilerplate_lines step');
  const withOptions = (o: Record<string, unknown>): StepSpec[] => web.map((s) => (s.step === 'boilerplate_lines' ? { ...s, ...o } : s));

  const rows: string[][] = [];
  const measure = async (name: string, run: (out: string) => Promise<{ stats: { steps: Record<string, { ms: number; in: number }>; reports: Record<string, unknown> } }>) => {
    const out = join(dir, `out-${rows.length}`);
    const c0 = performance.now();
    const r = await run(out);
    const ms = performance.now() - c0;
    const docs: Document[] = [];
    for await (const d of readDocuments([out])) docs.push(d);
    const all = siteLeaks(site, docs);
    const articles = siteLeaks(site, docs.filter((d) => site.pageOf(d.url!)?.page.kind === 'article'));
    const b = r.stats.steps.boilerplate_lines;
    const table = r.stats.reports.boilerplate_lines as { table_bytes?: number } | undefined;
    rows.push([
      name, String(all.pages), `${(100 * all.share).toFixed(1)}%`, `${(100 * all.withAnyChrome / Math.max(1, all.pages)).toFixed(1)}%`,
      `${(100 * articles.share).toFixed(1)}%`, `${(100 * articles.contentKept).toFixed(1)}%`, (ms / 1000).toFixed(2),
      b ? `${b.ms.toFixed(0)} ms (${((b.ms / b.in) * 1000).toFixed(0)} us/page, ${((100 * b.ms) / ms).toFixed(1)}% of the run)` : '-',
      table?.table_bytes ? `${(table.table_bytes / 2 ** 20).toFixed(0)} MiB` : '-',
    ]);
    const kinds = SITE_CHROME.filter((k) => all.byKind[k] > 0).map((k) => `${k} ${all.byKind[k]}`).join(', ');
    console.log(`${name}: pages with site chrome by kind: ${kinds || 'none'}; with a byline: ${all.byKind.byline}`);
    for (const e of all.examples.filter((x) => x.kind !== 'byline').slice(0, 4)) console.log(`    ${e.kind}: ${JSON.stringify(e.line)} (${new URL(e.url).pathname})`);
  };
  const fromWarc = (steps: StepSpec[]) => (out: string) => curate({ inputs: [join(dir, 'crawl')], out, steps, workers: 1 });
  await measure('web recipe without boilerplate_lines (reference)', fromWarc(withoutBoilerplate));
  await measure('web recipe (boilerplate_lines, defaults)', fromWarc(web));
  await measure('web recipe, boilerplate_lines remove: all (CCNet: every repeated line)', fromWarc(withOptions({ remove: 'all' })));
  await measure('web recipe, boilerplate_lines minSeen: 2', fromWarc(withOptions({ minSeen: 2 })));
  for (const batchSize of [256, 64]) {
    await measure(`web recipe, streaming (crawl --curate), batches of ${batchSize}${batchSize === 256 ? ' (default)' : ''}`, (out) =>
      curate({ source: crawlDocuments({ ...crawlOptions, outDir: join(dir, `crawl-stream-${batchSize}`) }), out, steps: web, workers: 1, batchSize }));
  }

  // Cost at scale: the step alone on the reference run's kept pages, copied onto 40 hosts each (the
  // run above is too small for a per-page time: the table's allocation dominates it), beside the whole
  // web recipe's time per input page in the reference row.
  const kept: Document[] = [];
  for await (const d of readDocuments([join(dir, 'out-0')])) kept.push(d);
  const pages = Array.from({ length: 40 }, (_, copy) => kept.map((d) => ({ ...d, id: `${copy}-${d.id}`, url: d.url!.replace('127.0.0.1', `127.0.0.${copy + 2}`) }))).flat();
  const { stepRegistry } = await import('../filters/registry.js');
  /** us per page of a coordinator step deciding all the pages in batches of 256. */
  const timeAlone = (name: string) => {
    const def = stepRegistry.get(name)!;
    const coordinator = def.coordinator!(def.parseOptions({}), { stateDir: join(dir, `state-${name}`) });
    const s0 = performance.now();
    for (let i = 0; i < pages.length; i += 256) coordinator.decide(pages.slice(i, i + 256));
    const us = ((performance.now() - s0) * 1000) / pages.length;
    return { us, report: coordinator.report?.(), close: () => coordinator.close?.() };
  };
  const exact = timeAlone('exact_dedup'); // the reference: one hash of the whole text per page
  const lines = timeAlone('boilerplate_lines');
  exact.close();
  lines.close();
  console.log(`\ncoordinator steps alone on ${pages.length} pages (${kept.length} kept pages x 40 hosts, batches of 256): exact_dedup ${exact.us.toFixed(0)} us/page (reference), ` +
    `boilerplate_lines ${lines.us.toFixed(0)} us/page = ${(lines.us / exact.us).toFixed(1)}x; its table: ${JSON.stringify(lines.report)}`);

  console.log('\n| recipe | kept pages | with site chrome | with any chrome (bylines too) | articles with site chrome | article text kept | curate s | boilerplate_lines | its table |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
} finally {
  await site.close();
  rmSync(dir, { recursive: true, force: true });
}
