/**
 * boilerplate_lines: lines that repeat across the pages of a site are removed after their first
 * page(s), the article text stays, memory is bounded, and a resumed run decides exactly like an
 * uninterrupted one (also through the real curate executor).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { boilerplateLinesStep, SeenLineTable, type BoilerplateLinesOptions } from '../filters/dedup/boilerplateLines.js';
import { extractStep } from '../filters/extract/extract.js';
import type { Document } from '../core/document.js';
import { isUserError } from '../core/errors.js';
import { curate } from '../pipelines/curate.js';
import { readDocuments } from '../datasets/readers.js';
import { tempDir } from './helpers/tmp.js';

const TOPICS = ['rivers', 'bridges', 'lakes', 'forests', 'harbours', 'mountains', 'islands', 'valleys'];
const SIGNUP = 'Sign up for the Example Daily newsletter and get our best stories in your inbox every morning.';
const BYLINE = (i: number) => `By Staff Writer, ${1 + (i % 27)} March 2024, ${3 + (i % 7)} minutes to read.`;

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

/** A news page whose newsletter line and byline sit inside the article: the per-page classifier keeps them. */
function page(host: string, i: number): Document {
  const topic = TOPICS[i % TOPICS.length]!;
  const html = `<html><head><title>${topic} ${i}</title></head><body><main><article>
<h1>The ${topic}, part ${i}</h1><p>${BYLINE(i)}</p>
<p>${article(topic, i)}</p><p>${SIGNUP}</p><p>${article(topic, i + 55)}</p>
</article></main></body></html>`;
  return { id: `${host}-${i}`, text: html, url: `https://${host}/news/${i}`, source: 'test', metadata: { format: 'html' } };
}

function extracted(docs: Document[]): Document[] {
  return extractStep.worker!(extractStep.parseOptions({})).run(docs).kept;
}

const step = (raw: Record<string, unknown> = {}) => boilerplateLinesStep.coordinator!(boilerplateLinesStep.parseOptions(raw) as BoilerplateLinesOptions);

test('boilerplate_lines removes lines repeated across a site that the per-page classifier keeps', () => {
  const docs = extracted([0, 1, 2, 3].map((i) => page('a.example', i)));
  assert.equal(docs.length, 4);
  for (const d of docs) assert.ok(d.text.includes(SIGNUP), 'extract keeps the newsletter line on every page');
  const out = step().decide(docs);
  assert.equal(out.kept.length, 4);
  assert.ok(out.kept[0]!.text.includes(SIGNUP) && out.kept[0]!.text.includes(BYLINE(0)), 'the first page is untouched');
  for (const [k, d] of out.kept.slice(1).entries()) {
    assert.ok(!d.text.includes(SIGNUP), d.text);
    // Bylines differ only in digits: normalised, they are one line.
    assert.ok(!d.text.includes(BYLINE(k + 1)), d.text);
    assert.ok(d.text.includes(article(TOPICS[(k + 1) % TOPICS.length]!, k + 1)), 'article text stays');
  }
  assert.equal(out.counters!['boilerplate_lines.units_removed'], 6);
  assert.equal(out.counters!['boilerplate_lines.docs_changed'], 3);
  assert.equal(out.counters!['boilerplate_lines.chars_removed'], 3 * SIGNUP.length + [1, 2, 3].reduce((n, i) => n + BYLINE(i).length, 0));
});

test('boilerplate_lines: hosts are separate unless scope is global; minSeen; too little text left is a drop', () => {
  const docs = extracted([page('a.example', 0), page('b.example', 1), page('a.example', 2)]);
  const byHost = step().decide(docs);
  assert.ok(byHost.kept[1]!.text.includes(SIGNUP), 'another host does not inherit a.example lines');
  assert.ok(!byHost.kept[2]!.text.includes(SIGNUP));
  const global = step({ scope: 'global' }).decide(docs);
  assert.ok(!global.kept[1]!.text.includes(SIGNUP));

  const twice = step({ minSeen: 2 }).decide(extracted([0, 1, 2].map((i) => page('a.example', i))));
  assert.deepEqual(twice.kept.map((d) => d.text.includes(SIGNUP)), [true, true, false]);

  const thin = (i: number): Document => ({ id: `t${i}`, text: `${SIGNUP}\n${BYLINE(i)}\nShort note ${i}.`, url: 'https://c.example/x', source: 't', metadata: {} });
  const out = step().decide([thin(0), thin(1)]);
  assert.deepEqual(out.kept.map((d) => d.id), ['t0']);
  assert.deepEqual(out.dropped.map((r) => [r.doc.id, r.reason, r.doc.text]), [['t1', 'boilerplate_lines:too_little_text', 'Short note 1.']]);
  // Short lines are never counted: a page that is only short lines is left alone.
  const short = step().decide([0, 1].map((i) => ({ id: `s${i}`, text: 'Read more\nShare', source: 't', metadata: {} })));
  assert.equal(short.kept.length, 2);
  assert.equal(short.kept[1]!.text, 'Read more\nShare');
});

test('boilerplate_lines: a line repeated on one page does not count against that page; paragraphs as units', () => {
  const doc = (id: string, text: string): Document => ({ id, text, url: 'https://d.example/', source: 't', metadata: {} });
  const repeatedOnPage = step().decide([doc('x', `${SIGNUP}\n${SIGNUP}`)]);
  assert.equal(repeatedOnPage.kept[0]!.text, `${SIGNUP}\n${SIGNUP}`);
  const para = `${SIGNUP}\nSecond line of the same paragraph, long enough to count.`;
  const out = step({ unit: 'paragraph', minRemainingChars: 0 }).decide([doc('p0', `${para}\n\nFirst page text that is long enough.`), doc('p1', `Other page text that is long enough.\n\n${para}`), doc('p2', SIGNUP)]);
  assert.equal(out.kept[1]!.text, 'Other page text that is long enough.');
  assert.equal(out.kept[2]!.text, SIGNUP, 'a paragraph is one unit: its first line alone is new');
});

test('SeenLineTable stays within maxEntries and keeps repeated lines when it evicts', () => {
  const t = new SeenLineTable(1024);
  for (let i = 0; i < 100; i++) for (let r = 0; r < 3; r++) t.add(7, i);
  for (let i = 0; i < 5000; i++) t.add(9, i);
  assert.ok(t.entries <= 1024, `${t.entries}`);
  assert.ok(t.evictions >= 1);
  for (let i = 0; i < 100; i++) assert.equal(t.get(7, i), 3, 'repeated lines survive eviction');
  assert.equal(t.capacity, 2048);
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
  for (const bad of [{ minSeen: 0 }, { scope: 'site' }, { minchars: 5 }, { maxLines: 10 }]) {
    assert.throws(() => boilerplateLinesStep.parseOptions(bad), (e: unknown) => isUserError(e) && /boilerplate_lines/.test((e as Error).message));
  }
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
  assert.equal(s.counters['boilerplate_lines.docs_changed'], 57, JSON.stringify(s));
  assert.equal(s.out, 60, 'every page keeps its article');
  const fullTexts = await texts(join(dir, 'full'));
  assert.equal(fullTexts.filter((t) => t.includes(SIGNUP)).length, 3, 'only the first page of each host keeps the line');

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
