/**
 * boilerplate_lines: lines that repeat across the pages of a site are removed (also from the first
 * pages when later ones share the batch), except the page's title and a lone lead paragraph that
 * listing pages quote; breadcrumb lines built of repeated segments go; memory is bounded; a resumed run
 * decides exactly like an uninterrupted one (also through the real curate executor).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { boilerplateLinesStep, SeenLineTable, type BoilerplateLinesOptions } from '../filters/dedup/boilerplateLines.js';
import { extractStep } from '../filters/extract/extract.js';
import type { Document } from '../core/document.js';
import { curate } from '../pipelines/curate.js';
import { readDocuments } from '../datasets/readers.js';
import { tempDir } from './helpers/tmp.js';
import { assertOptionsRejected } from './helpers/stepOptions.js';

const TOPICS = ['rivers', 'bridges', 'lakes', 'forests', 'harbours', 'mountains', 'islands', 'valleys'];
const SIGNUP = 'Sign up for the Example Daily newsletter and get our best stories in your inbox every morning.';
const FOOTER = ['Example Daily, 12 Harbour Street, Leeds LS1 4DY', '© 2024 Example Daily. All rights reserved.'];

const NAMES = ['Alder', 'Birch', 'Cedar', 'Dunmore', 'Elmwood', 'Fairhaven', 'Glenrock', 'Hollis', 'Ivybridge', 'Juniper'];
/** Article text unique to page i (not only in its digits, which the step ignores). */
function article(topic: string, i: number): string {
  const place = `${NAMES[i % 10]} ${NAMES[Math.floor(i / 10) % 10]}`;
  return [
    `The ${topic} of ${place} have shaped trade, settlement and farming for more than a thousand years, and this page tells how.`,
    `Local records from the ${topic} describe floods, droughts and the people who rebuilt their villages each time, in letters kept by families.`,
    `Today visitors come to the ${topic} for walking and fishing, while scientists measure how the climate changes the landscape around them.`,
  ].join(' ');
}

/** A news page whose newsletter line sits inside the article: the per-page classifier keeps it. */
function page(host: string, i: number): Document {
  const topic = TOPICS[i % TOPICS.length]!;
  const html = `<html><head><title>${topic} ${i}</title></head><body><main><article>
<h1>The ${topic}, part ${i}</h1>
<p>${article(topic, i)}</p><p>${SIGNUP}</p><p>${article(topic, i + 55)}</p>
</article></main></body></html>`;
  return { id: `${host}-${i}`, text: html, url: `https://${host}/news/${i}`, source: 'test', metadata: { format: 'html' } };
}

function extracted(docs: Document[]): Document[] {
  return extractStep.worker!(extractStep.parseOptions({})).run(docs).kept;
}

const step = (raw: Record<string, unknown> = {}) => boilerplateLinesStep.coordinator!(boilerplateLinesStep.parseOptions(raw) as BoilerplateLinesOptions);
const doc = (id: string, url: string, lines: string[], title?: string): Document => ({ id, text: lines.join('\n'), url, source: 't', metadata: title ? { title } : {} });

test('boilerplate_lines removes a line repeated across a site that the per-page classifier keeps, from every page of the batch', () => {
  const docs = extracted([0, 1, 2, 3].map((i) => page('a.example', i)));
  assert.equal(docs.length, 4);
  for (const d of docs) assert.ok(d.text.includes(SIGNUP), 'extract keeps the newsletter line on every page');
  const out = step().decide(docs);
  assert.equal(out.kept.length, 4);
  for (const [i, d] of out.kept.entries()) {
    assert.ok(!d.text.includes(SIGNUP), `page ${i}, the first too: later pages of its host are in the batch\n${d.text}`);
    assert.ok(d.text.includes(article(TOPICS[i]!, i)) && d.text.includes(article(TOPICS[i]!, i + 55)), 'article text stays');
  }
  assert.deepEqual(out.counters, { 'boilerplate_lines.units_removed': 4, 'boilerplate_lines.chars_removed': 4 * SIGNUP.length, 'boilerplate_lines.docs_changed': 4 });
  // Across batches: the line met in an earlier batch goes from a later page.
  const s = step();
  s.decide(docs.slice(0, 1));
  assert.ok(s.decide(docs.slice(1, 2)).kept[0]!.text.includes(article(TOPICS[1]!, 1)));
});

test('boilerplate_lines keeps what repeats as content: the page title other pages list, and the first paragraph listing pages quote under it', () => {
  const posts = [0, 1, 2].map((i) => ({ title: `The ${TOPICS[i]} of the north, a history`, lead: article(TOPICS[i]!, i), rest: article(TOPICS[i]!, i + 55) }));
  const home = doc('home', 'https://b.example/', [...posts.flatMap((p) => [p.title, p.lead, 'Read more']), ...FOOTER], 'B Example Journal');
  const archive = doc('archive', 'https://b.example/2024/', [...posts.flatMap((p) => [p.title, p.lead]), ...FOOTER], '2024 – B Example Journal');
  const post = (i: number) => doc(`p${i}`, `https://b.example/p${i}`, [posts[i]!.title, `By Staff Writer, ${i + 3} March 2024`, posts[i]!.lead, posts[i]!.rest, ...FOOTER], `${posts[i]!.title} – B Example Journal`);
  const out = step().decide([home, archive, post(0), post(1), post(2)]);
  assert.deepEqual(out.dropped.map((r) => [r.doc.id, r.reason]), [['home', 'boilerplate_lines:too_little_text'], ['archive', 'boilerplate_lines:too_little_text']], 'listing pages are all quotes and chrome');
  assert.equal(out.dropped[0]!.doc.text, 'Read more\nRead more\nRead more', 'short lines are neither counted nor removed');
  for (const [i, d] of out.kept.entries()) {
    // The byline differs from page to page only in its digits: normalised, it is one repeated line.
    assert.equal(d.text, [posts[i]!.title, posts[i]!.lead, posts[i]!.rest].join('\n'), 'title, lead and text kept; byline and footer gone');
  }
  // CCNet's rule (remove: all) takes the title and the lead out of the posts too.
  const all = step({ remove: 'all' }).decide([home, archive, post(0), post(1), post(2)]);
  assert.deepEqual(all.kept.map((d) => d.text), posts.map((p) => p.rest));
  // A repeated line that no page shows under this page's title is chrome, wherever it stands.
  const mid = (i: number) => doc(`m${i}`, 'https://c.example/x', [article('lakes', i), SIGNUP, article('lakes', i + 20)]);
  assert.deepEqual(step().decide([mid(0), mid(1)]).kept.map((d) => d.text.includes(SIGNUP)), [false, false]);
});

test('boilerplate_lines: breadcrumb and previous/next lines built of repeated segments go wherever they stand; prose with the same signs stays', () => {
  const titles = ['Rivers of the north and their floods', 'Bridges of the old town in winter', 'Lakes and the birds that come in spring'];
  const crumb = (i: number) => `You are here: Home > News > ${titles[i]}`;
  const prose = ['Prices rose > 5% in May | see the table below for each county.', 'Rents fell in the west / north, and the survey | its authors explain why.', 'Wages kept pace » for once « in the towns of the river valley this year.'];
  const pageOf = (i: number) => doc(`n${i}`, 'https://d.example/n' + i, [crumb(i), titles[i]!, article('rivers', i), `« ${titles[(i + 2) % 3]} | ${titles[(i + 1) % 3]} »`, prose[i]!], `${titles[i]} | D News`);
  const out = step().decide([0, 1, 2].map(pageOf));
  for (const [i, d] of out.kept.entries()) assert.equal(d.text, [titles[i], article('rivers', i), prose[i]].join('\n'), d.text);
});

test('boilerplate_lines: hosts (with their ports) are separate unless scope is global; minSeen; a line repeated on one page counts once; paragraphs as units', () => {
  const docs = extracted([page('a.example', 0), page('a.example:8080', 1), page('b.example', 2), page('a.example', 3)]);
  const byHost = step().decide(docs);
  assert.deepEqual(byHost.kept.map((d) => d.text.includes(SIGNUP)), [false, true, true, false]);
  const global = step({ scope: 'global' }).decide(docs);
  assert.deepEqual(global.kept.map((d) => d.text.includes(SIGNUP)), [false, false, false, false]);
  const twice = step({ minSeen: 2 }).decide(extracted([0, 1].map((i) => page('a.example', i))));
  assert.deepEqual(twice.kept.map((d) => d.text.includes(SIGNUP)), [true, true]);
  assert.deepEqual(step({ minSeen: 2 }).decide(extracted([0, 1, 2].map((i) => page('a.example', i)))).kept.map((d) => d.text.includes(SIGNUP)), [false, false, false]);

  const e = (id: string, text: string): Document => ({ id, text, url: 'https://e.example/', source: 't', metadata: {} });
  assert.equal(step().decide([e('x', `${SIGNUP}\n${SIGNUP}`)]).kept[0]!.text, `${SIGNUP}\n${SIGNUP}`, 'not repeated across pages');
  const para = `${SIGNUP}\nSecond line of the same paragraph, long enough to count.`;
  const out = step({ unit: 'paragraph', minRemainingChars: 0 }).decide([e('p0', `First page text that is long enough.\n\n${para}`), e('p1', `Other page text that is long enough.\n\n${para}`), e('p2', `${SIGNUP}\n\nThird page text that is long enough.`)]);
  assert.deepEqual(out.kept.map((d) => d.text), ['First page text that is long enough.', 'Other page text that is long enough.', `${SIGNUP}\n\nThird page text that is long enough.`], 'a paragraph is one unit: its first line alone is new');
});

test('SeenLineTable stays within maxEntries and keeps repeated lines when it evicts', () => {
  const t = new SeenLineTable(1024);
  for (let i = 0; i < 100; i++) for (let r = 0; r < 300; r++) t.add(7, i);
  for (let i = 0; i < 5000; i++) t.add(9, i);
  assert.ok(t.entries <= 1024, `${t.entries}`);
  assert.ok(t.evictions >= 1);
  for (let i = 0; i < 100; i++) assert.equal(t.get(7, i), 300, 'repeated lines survive eviction, counts beyond 255');
  assert.equal(t.capacity, 2048);
});

test('boilerplate_lines: one host flooding the table with unique lines does not make another host forget its chrome', () => {
  const s = step({ maxLines: 1024 });
  const chrome = (i: number) => doc(`c${i}`, 'https://small.example/' + i, [article('lakes', i), ...FOOTER]);
  s.decide([chrome(0), chrome(1)]);
  const word = (n: number) => n.toString(26).split('').map((c) => String.fromCharCode(97 + parseInt(c, 26))).join('');
  for (let b = 0; b < 20; b++) s.decide(Array.from({ length: 50 }, (_, i) => doc(`f${b}-${i}`, 'https://big.example/', [`A line of the big site that no other page has: ${word(b * 50 + i)}.`, `And a second one, just as unique: ${word(7919 * (b * 50 + i))}.`])));
  const report = s.report!() as { evictions: number; distinct_units: number; table_bytes: number };
  assert.ok(report.evictions >= 1 && report.distinct_units <= 1024 && report.table_bytes === 2048 * SeenLineTable.SLOT_BYTES, JSON.stringify(report));
  assert.equal(s.decide([chrome(2)]).kept[0]!.text, article('lakes', 2), 'small.example still knows its footer');
});

test('boilerplate_lines: restoring checkpoint deltas reproduces the decisions of an uninterrupted run', () => {
  const batches = [0, 1, 2].map((b) => extracted([0, 1, 2, 3].map((i) => page(i % 2 ? 'a.example' : 'b.example', b * 4 + i))));
  const full = step({ maxLines: 1024 });
  const fullOut = batches.map((b) => full.decide(b));
  const first = step({ maxLines: 1024 });
  const deltas = batches.slice(0, 2).map((b) => (first.decide(b), first.checkpointDelta!()));
  const resumed = step({ maxLines: 1024 });
  for (const d of deltas) resumed.restoreDelta!(d);
  assert.deepEqual(resumed.decide(batches[2]!), fullOut[2]);
  assert.deepEqual(resumed.report!(), full.report!());
});

test('boilerplate_lines options are validated', () => {
  assertOptionsRejected(boilerplateLinesStep, { minSeen: 0 }, { scope: 'site' }, { minchars: 5 }, { maxLines: 10 }, { remove: 'some' });
});

test('boilerplate_lines in curate: counters in stats, resume after a crash gives the same output', async () => {
  const dir = await tempDir('cf-boilerplate-');
  const input = join(dir, 'in.jsonl');
  const lines = Array.from({ length: 60 }, (_, i) => page(`site${i % 3}.example`, i)).map((d) => JSON.stringify({ id: d.id, html: d.text, url: d.url }));
  await writeFile(input, lines.join('\n') + '\n');
  const opts = { inputs: [input], steps: [{ step: 'extract' }, { step: 'boilerplate_lines' }], workers: 0, batchSize: 8, shardDocs: 16 };
  const texts = async (out: string) => {
    const files = (await readdir(out)).filter((f) => /^docs-\d+\.parquet$/.test(f)).sort();
    const all: string[] = [];
    for await (const d of readDocuments(files.map((f) => join(out, f)))) all.push(`${d.id}\n${d.text}`);
    return all;
  };
  const full = await curate({ ...opts, out: join(dir, 'full') });
  const s = full.stats.steps.boilerplate_lines!;
  assert.equal(s.counters['boilerplate_lines.docs_changed'], 60, JSON.stringify(s));
  assert.equal(s.out, 60, 'every page keeps its article');
  const fullTexts = await texts(join(dir, 'full'));
  assert.equal(fullTexts.filter((t) => t.includes(SIGNUP)).length, 0, 'every first page shares its batch with later pages of its host');

  const crashed = join(dir, 'crashed');
  await curate({ ...opts, out: crashed });
  const journal = join(crashed, 'state', 'journal.jsonl');
  const entries = (await readFile(journal, 'utf8')).split('\n').filter(Boolean);
  assert.ok(entries.length >= 3);
  await writeFile(journal, entries.slice(0, 2).join('\n') + '\n');
  const runInfo = join(crashed, 'state', 'run.json');
  await writeFile(runInfo, JSON.stringify({ ...JSON.parse(await readFile(runInfo, 'utf8')), complete: false }));
  const resumed = await curate({ ...opts, out: crashed, resume: true });
  assert.ok(resumed.resumedDocs > 0);
  assert.deepEqual(await texts(crashed), fullTexts);
  const { ms: _a, ...resumedStats } = resumed.stats.steps.boilerplate_lines!;
  const { ms: _b, ...fullStats } = s;
  assert.deepEqual(resumedStats, fullStats);
  assert.deepEqual(resumed.stats.reports.boilerplate_lines, full.stats.reports.boilerplate_lines);
});
