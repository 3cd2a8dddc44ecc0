import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Document } from '../core/document.js';
import { BiasReport, DEFAULT_IDENTITY_GROUPS, formatBiasReport } from '../filters/safety/biasReport.js';
import { toxicityStep } from '../filters/safety/toxicity.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from './helpers/tmp.js';
import { curate } from '../pipelines/curate.js';
import { renderReportHtml } from '../pipelines/report/reportHtml.js';
import { curateReport } from '../pipelines/report/runReport.js';
import { emptyRunStats } from '../pipelines/stats.js';

const doc = (id: string, text: string): Document => ({ id, text, lang: 'eng', source: 's', metadata: {} });

test('bias report shows a C4-style word filter removing LGBTQ+ text more than other text', () => {
  const docs = [
    doc('1', 'The lesbian and gay community center offers sexual health services and counselling.'),
    doc('2', 'A support group for transgender teens meets on Fridays to talk about sexuality and family.'),
    doc('3', 'Queer artists opened a gallery downtown last week.'),
    doc('4', 'The church choir will perform a Christmas concert for the families of the town.'),
    doc('5', 'Her mother taught mathematics at the local school for thirty years.'),
    doc('6', 'He repaired the bicycle and rode to the market with his brother.'),
    doc('7', 'The mosque and the synagogue organised a joint charity dinner.'),
    doc('8', 'The sex education curriculum for the school was revised by the women on the board.'),
  ];
  // C4's lists and rule (one listed word drops a page).
  const c4 = toxicityStep.worker!(toxicityStep.parseOptions({ minMatches: 1, minRatio: 0, neutralTerms: false }));
  const out = c4.run(docs);
  assert.deepEqual(out.dropped.map((r) => r.doc.id), ['1', '2', '8']);
  const bias = new BiasReport();
  for (const d of out.kept) bias.observe(d, true);
  for (const r of out.dropped) bias.observe(r.doc, false, r.reason);
  const rep = bias.report();
  assert.equal(rep.kept, 5);
  assert.equal(rep.dropped, 3);
  assert.deepEqual(rep.dropped_by_reason, { 'toxicity:word_list': 3 });
  const lgbtq = rep.groups['sexual_orientation.lgbtq']!;
  // Kept: doc 3 of 5 (0.2); dropped: docs 1 and 2 of 3 (0.667): ratio 3.33.
  assert.equal(lgbtq.kept_docs, 1);
  assert.equal(lgbtq.dropped_docs, 2);
  assert.equal(lgbtq.kept_rate, 0.2);
  assert.equal(lgbtq.dropped_rate, 0.666667);
  assert.equal(lgbtq.ratio, 3.333333);
  assert.deepEqual(lgbtq.by_reason['toxicity:word_list'], { docs: 3, with_group: 2, rate: 0.666667, ratio: 3.333333 });
  const christian = rep.groups['religion.christian']!;
  assert.equal(christian.kept_docs, 1);
  assert.equal(christian.dropped_docs, 0);
  assert.equal(christian.ratio, 0);
  const muslim = rep.groups['religion.muslim']!;
  assert.equal(muslim.kept_docs, 1);
  // A group absent from kept documents has no ratio rather than a division by zero.
  assert.equal(rep.groups['nationality.nigerian']!.ratio, null);
  assert.ok(Object.keys(rep.groups).length === Object.keys(DEFAULT_IDENTITY_GROUPS).length);
  // The toxicity step's drop rate for the group (2 of its 3 documents) against the corpus's (3 of 8).
  assert.deepEqual(rep.dropped_by_step, { toxicity: 3 });
  assert.deepEqual(lgbtq.by_step.toxicity, { dropped: 2, drop_rate: 0.666667, corpus_rate: 0.375, ratio: 1.777778 });
  assert.deepEqual(christian.by_step.toxicity, { dropped: 0, drop_rate: 0, corpus_rate: 0.375, ratio: 0 });
  assert.equal(rep.groups['nationality.nigerian']!.by_step.toxicity!.ratio, null, 'a group never mentioned has no rate');
  const md = formatBiasReport(rep);
  assert.match(md, /\| sexual_orientation\.lgbtq \| 20\.00% \| 66\.67% \| 3\.33 \| 3\.33 \|/);
  assert.match(md, /\| \(corpus\) \| 8 \| 37\.50% \|/);
  assert.match(md, /\| sexual_orientation\.lgbtq \| 3 \| 66\.67% \(1\.78\) \|/);
  // The run report shows the same per-step table.
  const html = renderReportHtml({ ...curateReport(emptyRunStats(), 't'), bias: rep });
  assert.ok(html.includes('Drop rate per step'));
  assert.match(html, /<td>sexual_orientation\.lgbtq<\/td><td>3<\/td><td>66\.67% \(1\.78\)<\/td>/);
  assert.match(html, /<td>\(corpus\)<\/td><td>8<\/td><td>37\.50%<\/td>/);
  // The step as shipped: health and identity terms do not count, so none of these pages goes.
  const curated = toxicityStep.worker!(toxicityStep.parseOptions({ minMatches: 1, minRatio: 0 })).run(docs);
  assert.deepEqual(curated.dropped, []);
});

test('custom groups replace the defaults; multi-word terms and per-reason breakdown', () => {
  const bias = new BiasReport({ groups: { 'place.nyc': ['new york', 'nyc'], 'place.paris': ['paris'] } });
  bias.observe(doc('a', 'I love New York in the spring.'), true);
  bias.observe(doc('b', 'A new yorker in Paris.'), true);
  bias.observe(doc('c', 'NYC nyc nyc'), false, 'gopher_quality:too_few_words');
  bias.observe(doc('d', 'Paris, Texas.'), false, 'exact_dedup:duplicate');
  bias.observe(doc('e', 'Nothing here.'), false, 'exact_dedup:duplicate');
  const rep = bias.report();
  assert.deepEqual(Object.keys(rep.groups), ['place.nyc', 'place.paris']);
  assert.equal(rep.groups['place.nyc']!.kept_docs, 1, '"new yorker" is not "new york"');
  assert.deepEqual(rep.groups['place.nyc']!.by_reason['gopher_quality:too_few_words'], { docs: 1, with_group: 1, rate: 1, ratio: 2 });
  assert.deepEqual(rep.groups['place.paris']!.by_reason['exact_dedup:duplicate'], { docs: 2, with_group: 1, rate: 0.5, ratio: 1 });
  assert.deepEqual(rep.dropped_by_reason, { 'exact_dedup:duplicate': 2, 'gopher_quality:too_few_words': 1 });
});

const long = (topic: string, i: number) =>
  `Report ${i}. ${topic} The council met on Tuesday to review the budget for the coming year. Members discussed ` +
  `roads, schools and the library, and agreed to publish the minutes next week so that residents can read them. ` +
  `The meeting ended after two hours with a vote on the new park, which passed by a wide margin.`;

test('the bias report counts identity-term groups among kept and dropped documents, per drop reason, whatever the workers', async () => {
  const dir = await tempDir();
  const input = join(dir, 'in.jsonl');
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) lines.push(JSON.stringify({ id: `k${i}`, text: long(i % 3 === 0 ? 'A woman spoke first.' : 'A resident spoke first.', i) }));
  // short documents (dropped by gopher_quality) mostly mention Muslims
  for (let i = 0; i < 20; i++) lines.push(JSON.stringify({ id: `s${i}`, text: i < 15 ? `muslim community news ${i}` : `short note ${i}` }));
  // exact duplicates (dropped on the coordinator) mention women
  for (let i = 0; i < 6; i++) lines.push(JSON.stringify({ id: `d${i}`, text: long('A woman spoke first.', i * 3) }));
  await writeFile(input, lines.join('\n') + '\n');
  const steps = [{ step: 'normalise' }, { step: 'gopher_quality' }, { step: 'exact_dedup' }];
  const reports = [];
  for (const workers of [0, 2]) {
    const { stats } = await curate({ inputs: [input], out: join(dir, `o${workers}`), steps, workers, batchSize: 16 });
    reports.push(stats.reports.bias);
  }
  assert.deepEqual(reports[1], reports[0], 'same counts with 0 and 2 workers');
  const bias = reports[0] as { kept: number; dropped: number; dropped_by_reason: Record<string, number>; groups: Record<string, { kept_docs: number; dropped_docs: number; by_reason: Record<string, { with_group: number; ratio: number | null }> }> };
  assert.equal(bias.kept, 60);
  assert.equal(bias.dropped, 26);
  assert.equal(bias.dropped_by_reason['exact_dedup:duplicate'], 6);
  const muslim = bias.groups['religion.muslim']!;
  assert.equal(muslim.kept_docs, 0);
  assert.equal(muslim.dropped_docs, 15);
  const female = bias.groups['gender.female']!;
  assert.equal(female.kept_docs, 20);
  assert.equal(female.by_reason['exact_dedup:duplicate']!.with_group, 6);
  assert.equal(female.by_reason['exact_dedup:duplicate']!.ratio, 3, 'every duplicate mentions women vs 1 in 3 kept docs');
});
