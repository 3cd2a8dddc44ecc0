import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from './helpers/tmp.js';
import { curate } from '../pipelines/curate.js';

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
