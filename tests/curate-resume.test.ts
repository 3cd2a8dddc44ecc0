import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { CLI, runCli } from './helpers/cli.js';
import { duckQuery, lit } from './helpers/duckdb.js';
import { tempDir } from './helpers/tmp.js';
import { journalLines } from './helpers/journalLines.js';

const N = 120_000;

async function makeInput(path: string): Promise<void> {
  const ws = createWriteStream(path);
  for (let i = 0; i < N; i++) {
    if (!ws.write(JSON.stringify({ id: `doc-${i}`, text: `Row ${i}: the committee met again   on a grey morning and agreed.` }) + '\n')) await once(ws, 'drain');
  }
  ws.end();
  await once(ws, 'finish');
}

/** Starts a curate child and SIGKILLs it once the journal holds more than `after` commits. */
async function killAfterCommits(args: string[], out: string, after: number): Promise<boolean> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: 'ignore' });
  const exited = once(child, 'exit');
  let killed = false;
  for (;;) {
    const done = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(r, 10)).then(() => false)]);
    if (done) break;
    if ((await journalLines(out)) > after) {
      child.kill('SIGKILL');
      killed = true;
      await exited;
      break;
    }
  }
  return killed;
}

test('kill -9 at any commit, then --resume: every input document exactly once', async () => {
  const dir = await tempDir();
  const input = join(dir, 'in.jsonl');
  await makeInput(input);
  const out = join(dir, 'out');
  // normalise only: the default text recipe would rightly drop these near-identical rows as duplicates.
  const config = join(dir, 'normalise.json');
  await writeFile(config, JSON.stringify({ steps: [{ step: 'normalise' }] }));
  const args = ['curate', '--config', config, '--input', input, '--out', out, '--shard-docs', '4000', '--batch-size', '200', '--workers', '2', '--quiet'];

  assert.ok(await killAfterCommits(args, out, 1), 'first run was killed mid-way');
  const afterFirst = await journalLines(out);
  // Leftovers a crash can leave: a temp shard and a renamed shard the journal never recorded.
  await writeFile(join(out, '.docs-00050.parquet.999.tmp'), 'partial');
  await writeFile(join(out, 'docs-00051.parquet'), 'renamed but not journaled');
  assert.ok(await killAfterCommits([...args, '--resume'], out, afterFirst + 1), 'second run was killed mid-way');

  const r = await runCli([...args, '--resume']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /resumed after \d+ committed docs/);

  const names = await readdir(out);
  assert.ok(!names.includes('docs-00051.parquet') || JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')).shards.some((s: { file: string }) => s.file === 'docs-00051.parquet'));
  assert.ok(!names.some((n) => n.endsWith('.tmp')), 'no temp files remain');
  const [agg] = await duckQuery(`select count(*)::int as n, count(distinct id)::int as ids from read_parquet(${lit(join(out, 'docs-*.parquet'))})`);
  assert.deepEqual(agg, { n: N, ids: N });
  const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
  assert.equal(manifest.complete, true);
  assert.equal(manifest.totals.rows, N);
  const stats = JSON.parse(await readFile(join(out, 'stats.json'), 'utf8'));
  assert.equal(stats.input.docs, N, 'stats continue across resumes without double counting');
  assert.equal(stats.steps.normalise.in, N);
});

test('with dedup steps, an interrupted and resumed run writes byte-identical shards to an uninterrupted one', async () => {
  const dir = await tempDir();
  const input = join(dir, 'dups.jsonl');
  const ws = createWriteStream(input);
  for (let i = 0; i < 30_000; i++) {
    // every 3rd doc repeats an earlier one exactly; every 5th is a near-duplicate (one word added)
    const base = i % 3 === 0 && i > 0 ? i - 3 : i;
    const extra = i % 5 === 0 && i > 0 ? ' indeed' : '';
    if (!ws.write(JSON.stringify({ id: `d${i}`, text: `record ${base} the quick brown fox jumps over the lazy dog near river ${base % 97} bank${extra}` }) + '\n')) await once(ws, 'drain');
  }
  ws.end();
  await once(ws, 'finish');
  const pipeline = join(dir, 'p.json');
  await writeFile(pipeline, JSON.stringify({ steps: [{ step: 'normalise' }, { step: 'exact_dedup' }, { step: 'minhash_dedup' }] }));
  const common = ['curate', '--config', pipeline, '--input', input, '--shard-docs', '1500', '--batch-size', '100', '--workers', '2', '--quiet'];

  const straight = join(dir, 'straight');
  assert.equal((await runCli([...common, '--out', straight])).code, 0);
  const interrupted = join(dir, 'interrupted');
  assert.ok(await killAfterCommits([...common, '--out', interrupted], interrupted, 1), 'killed mid-way');
  const r = await runCli([...common, '--out', interrupted, '--resume']);
  assert.equal(r.code, 0, r.stderr);

  const a = JSON.parse(await readFile(join(straight, 'manifest.json'), 'utf8'));
  const b = JSON.parse(await readFile(join(interrupted, 'manifest.json'), 'utf8'));
  assert.ok(a.totals.rows > 0 && a.totals.rows < 30_000);
  assert.deepEqual(b.shards.map((s: { sha256: string }) => s.sha256), a.shards.map((s: { sha256: string }) => s.sha256));
  const sa = JSON.parse(await readFile(join(straight, 'stats.json'), 'utf8'));
  const sb = JSON.parse(await readFile(join(interrupted, 'stats.json'), 'utf8'));
  for (const step of ['exact_dedup', 'minhash_dedup']) assert.deepEqual(sb.steps[step].dropped, sa.steps[step].dropped);
});
