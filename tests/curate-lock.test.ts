// One writer per output folder: a second `curate --resume` on a folder whose run is alive is refused;
// once the owner is killed, the next --resume takes over and every input document lands exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import { CLI, runCli } from './helpers/cli.js';
import { duckQuery, lit } from './helpers/duckdb.js';
import { tempDir } from './helpers/tmp.js';
import { journalLines } from './helpers/journalLines.js';

// A heartbeat no run here outlives, however loaded the machine: the takeover must come from the owner being
// dead, and the stopped owner's lock must never go stale while the second run looks at it.
const env = { CORPUSFORGE_LOCK_STALE_MS: '3600000' };

const N = 60_000;

test('a second --resume on a live run is refused with one error line; after kill -9 of the owner a third takes over, exactly once', async () => {
  const dir = await tempDir();
  const input = join(dir, 'in.jsonl');
  const ws = createWriteStream(input);
  for (let i = 0; i < N; i++) if (!ws.write(JSON.stringify({ id: `doc-${i}`, text: `Row ${i}: the committee met on a grey morning.` }) + '\n')) await once(ws, 'drain');
  ws.end();
  await once(ws, 'finish');
  const out = join(dir, 'out');
  const config = join(dir, 'normalise.json');
  await writeFile(config, JSON.stringify({ steps: [{ step: 'normalise' }] }));
  const args = ['curate', '--config', config, '--input', input, '--out', out, '--shard-docs', '2000', '--batch-size', '200', '--workers', '1', '--quiet', '--resume'];

  const owner = spawn(process.execPath, [CLI, ...args], { stdio: 'ignore', env: { ...process.env, ...env } });
  const ownerExit = once(owner, 'exit');
  try {
    while ((await journalLines(out)) < 1) {
      assert.equal(owner.exitCode, null, 'the first run ended before its first commit was seen');
      await new Promise((r) => setTimeout(r, 10));
    }
    // Stopped, the owner is alive but does nothing: the second run meets a held lock, whatever the timing.
    owner.kill('SIGSTOP');
    const second = await runCli(args, { env });
    assert.notEqual(second.code, 0);
    const errors = second.stderr.split('\n').filter((l) => l.startsWith('error:'));
    assert.equal(errors.length, 1, second.stderr);
    assert.match(errors[0]!, new RegExp(`^error: .* is in use by corpusforge curate \\(pid ${owner.pid} on `));
    assert.doesNotMatch(second.stderr, /\n\s+at /, 'no stack trace');
  } finally {
    owner.kill('SIGKILL'); // also when an assertion failed: a stopped child would keep the test alive
    await ownerExit;
  }
  const third = await runCli(args, { env });
  assert.equal(third.code, 0, third.stderr);
  assert.match(third.stderr, new RegExp(`taking over the output lock of pid ${owner.pid}`));
  assert.match(third.stdout, /resumed after \d+ committed docs/);
  const [agg] = await duckQuery(`select count(*)::int as n, count(distinct id)::int as ids from read_parquet(${lit(join(out, 'docs-*.parquet'))})`);
  assert.deepEqual(agg, { n: N, ids: N });
});
