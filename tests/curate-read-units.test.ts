import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from './helpers/tmp.js';
import { curate } from '../pipelines/index.js';
import { WARC_RANGE_BYTES } from '../pipelines/readUnits.js';
import { textWarc } from './helpers/warcFixture.js';

test('curate reads a multi-range WARC.gz in the workers: same shards for 0, 1 and 2 workers, and a resumed run matches', async () => {
  const dir = await tempDir();
  // Enough records that the file spans two read ranges.
  const { members, bodies } = textWarc(1600, 11, 900);
  const file = join(dir, 'big.warc.gz');
  writeFileSync(file, Buffer.concat(members));
  const size = members.reduce((n, m) => n + m.length, 0);
  assert.ok(size > WARC_RANGE_BYTES, `input spans ranges (${size} bytes)`);
  const steps = [{ step: 'normalise' }, { step: 'exact_dedup' }];
  const shardTexts = async (out: string) => {
    const m = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { shards: { file: string; rows: number }[] };
    return m.shards.map((s) => `${s.file}:${s.rows}`);
  };
  const runs: string[][] = [];
  for (const workers of [0, 1, 2]) {
    const out = join(dir, `w${workers}`);
    const r = await curate({ inputs: [file], out, steps, workers, shardDocs: 500 });
    assert.equal(r.stats.input.docs, bodies.length);
    assert.equal(r.stats.output.docs, new Set(bodies).size);
    assert.equal(r.stats.input.bytes, size);
    runs.push(await shardTexts(out));
  }
  assert.deepEqual(runs[1], runs[0]);
  assert.deepEqual(runs[2], runs[0]);

  // A crash after 3 commits: keep the first 3 journal entries and resume.
  const out = join(dir, 'resumed');
  await curate({ inputs: [file], out, steps, workers: 2, shardDocs: 500 });
  const journal = join(out, 'state', 'journal.jsonl');
  const entries = (await readFile(journal, 'utf8')).split('\n').filter(Boolean);
  await writeFile(journal, entries.slice(0, 3).join('\n') + '\n');
  const run = join(out, 'state', 'run.json');
  await writeFile(run, JSON.stringify({ ...JSON.parse(await readFile(run, 'utf8')), complete: false }));
  const resumed = await curate({ inputs: [file], out, steps, workers: 2, shardDocs: 500, resume: true });
  assert.ok(resumed.resumedDocs > 0);
  assert.deepEqual(await shardTexts(out), runs[0]);
  assert.equal(resumed.stats.input.docs, bodies.length);
  assert.equal(resumed.stats.input.bytes, size);
  const w0 = JSON.parse(await readFile(join(dir, 'w0', 'manifest.json'), 'utf8')) as { shards: { sha256?: string }[] };
  const again = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { shards: { sha256?: string }[] };
  assert.deepEqual(again.shards.map((s) => s.sha256), w0.shards.map((s) => s.sha256));
});
