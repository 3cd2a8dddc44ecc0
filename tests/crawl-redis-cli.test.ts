// `crawl --redis` flag checks: one `error:` line each, before anything is fetched or written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from './helpers/tmp.js';

/** Runs the CLI in this process, capturing what it prints. */
async function crawlCli(args: string[]): Promise<{ code: number; stderr: string }> {
  const { main } = await import('../cli/main.js');
  const err: string[] = [];
  const origErr = console.error;
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    return { code: await main(['crawl', ...args]), stderr: err.join('\n') };
  } finally {
    console.error = origErr;
  }
}

test('crawl --redis: missing or misplaced flags, bad names and an unreachable Redis are one error line each', async () => {
  const dir = await tempDir();
  const seeds = join(dir, 'seeds.txt');
  await writeFile(seeds, 'http://127.0.0.1:9/\n');
  const base = ['--seeds', seeds, '--out', join(dir, 'out'), '--allow-private'];
  const cases: [string[], RegExp][] = [
    [['--redis', 'unix:/nonexistent.sock'], /^error: crawl --redis: --crawl-id NAME is required/m],
    [['--crawl-id', 'x'], /^error: crawl: --crawl-id, --worker and --lease-ms go with --redis URL/m],
    [['--redis', 'http://localhost', '--crawl-id', 'x'], /^error: --redis must be redis:\/\/HOST:PORT\[\/DB\], rediss:\/\/\.\.\. or unix:\/PATH/m],
    [['--redis', 'unix:/nonexistent.sock', '--crawl-id', 'x', '--worker', 'a/b'], /^error: --worker must be 1-64 characters/m],
    [['--redis', 'unix:/nonexistent.sock', '--crawl-id', 'x', '--lease-ms', '10'], /^error: --lease-ms/m],
    [['--rank', '0', '--world-size', '2'], /^error: crawl: --rank and --world-size go with --curate DIR/m],
    [['--redis', `unix:${join(dir, 'none.sock')}`, '--crawl-id', 'x', '--worker', 'w0'], /^error: cannot connect to Redis: .*none\.sock/m],
  ];
  for (const [extra, expected] of cases) {
    const r = await crawlCli([...base, ...extra]);
    assert.equal(r.code, 2, `${extra.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, expected);
    assert.ok(!r.stderr.includes('    at '), 'no stack trace');
  }
});
