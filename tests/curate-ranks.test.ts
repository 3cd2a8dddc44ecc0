import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { duckQuery, lit } from './helpers/duckdb.js';
import { tempDir } from './helpers/tmp.js';
import { curate } from '../pipelines/curate.js';

test('--rank/--world-size split the files; merge-manifests joins the ranks into one manifest', async () => {
  const dir = await tempDir();
  const inputs = join(dir, 'in');
  await import('node:fs/promises').then((fs) => fs.mkdir(inputs));
  for (let f = 0; f < 5; f++) {
    await writeFile(join(inputs, `part-${f}.jsonl`), [...Array(40).keys()].map((i) => JSON.stringify({ id: `f${f}-${i}`, text: `file ${f} row ${i}` })).join('\n') + '\n');
  }
  const out = join(dir, 'out');
  await curate({ inputs: [inputs], out, steps: [{ step: 'normalise' }], workers: 0, rank: 1, worldSize: 2 });
  const early = await runCli(['merge-manifests', out]);
  assert.equal(early.code, 2);
  assert.match(early.stderr, /error: .*ranks 0 of 2 have no manifest yet/);
  await curate({ inputs: [inputs], out, steps: [{ step: 'normalise' }], workers: 0, rank: 0, worldSize: 2 });

  const names = (await readdir(out)).filter((n) => n.endsWith('.parquet')).sort();
  assert.deepEqual(names, ['docs-r0-00000.parquet', 'docs-r1-00000.parquet']);
  const merged = await runCli(['merge-manifests', out]);
  assert.equal(merged.code, 0, merged.stderr);
  const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
  assert.equal(manifest.totals.rows, 200);
  assert.equal(manifest.world_size, 2);
  const stats = JSON.parse(await readFile(join(out, 'stats.json'), 'utf8'));
  assert.equal(stats.input.docs, 200);
  // rank 0 took files 0, 2, 4; rank 1 took files 1, 3
  const perRank = await duckQuery(`select filename like '%r0-%' as r0, count(*)::int as n, min(id) as first from read_parquet(${lit(join(out, 'docs-*.parquet'))}, filename=true) group by all order by r0 desc`);
  assert.deepEqual(perRank, [{ r0: true, n: 120, first: 'f0-0' }, { r0: false, n: 80, first: 'f1-0' }]);
});

test('a bad rank is a clear error', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'a.jsonl'), '{"text":"x"}\n');
  const r = await runCli(['curate', '--input', join(dir, 'a.jsonl'), '--out', join(dir, 'o'), '--rank', '2', '--world-size', '2']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: --rank must be in \[0, --world-size\)/m);
});

test('merge-manifests merges the bias report and the corpus profile as one process over all files counts them', async () => {
  const dir = await tempDir();
  const inputs = join(dir, 'in');
  await import('node:fs/promises').then((fs) => fs.mkdir(inputs));
  const texts = [
    'The lesbian and gay community center offers counselling and sexual health services to everyone.',
    'The church choir will perform a Christmas concert for the families of the town this winter.',
    'Her mother taught mathematics at the local school for thirty years and loved every class.',
    'The mosque and the synagogue organised a joint charity dinner for the whole neighbourhood.',
    'A support group for transgender teens meets on Fridays to talk about family and school.',
  ];
  for (let f = 0; f < 4; f++) {
    const rows = [...Array(12).keys()].map((i) => ({ id: `f${f}-${i}`, text: `${texts[(f + i) % texts.length]} Row ${i} of file ${f}.`, url: `https://site${(f * 7 + i) % 5}.example.org/p${i}` }));
    await writeFile(join(inputs, `part-${f}.jsonl`), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  }
  // Steps without global decisions, so the ranks together decide what one process decides.
  const steps = [{ step: 'normalise' }, { step: 'toxicity', minMatches: 1, minRatio: 0, neutralTerms: false }];
  const split = join(dir, 'split');
  for (const rank of [0, 1, 2]) await curate({ inputs: [inputs], out: split, steps, workers: 0, rank, worldSize: 3 });
  const merged = await runCli(['merge-manifests', split]);
  assert.equal(merged.code, 0, merged.stderr);
  const one = join(dir, 'one');
  await curate({ inputs: [inputs], out: one, steps, workers: 0 });
  const mergedStats = JSON.parse(await readFile(join(split, 'stats.json'), 'utf8'));
  const oneStats = JSON.parse(await readFile(join(one, 'stats.json'), 'utf8'));
  assert.ok(oneStats.reports.bias.dropped > 0 && oneStats.reports.bias.kept > 0, 'the word filter dropped some documents');
  assert.deepEqual(mergedStats.reports.bias, oneStats.reports.bias);
  assert.deepEqual(mergedStats.reports.profile, oneStats.reports.profile);
});
