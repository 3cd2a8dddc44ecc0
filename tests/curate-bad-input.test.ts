import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, readFile, readdir, truncate, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';
import { writeDocumentShard } from '../datasets/parquetShardWriter.js';

const lines = (n: number, p = 'd') => [...Array(n).keys()].map((i) => JSON.stringify({ id: `${p}${i}`, text: `text number ${i}` })).join('\n') + '\n';

/** Every file in the out dir is finished and listed, or state; nothing half-written lies around. */
async function assertOnlyListedShards(out: string): Promise<string[]> {
  const names = await readdir(out).catch(() => [] as string[]);
  const manifest = names.includes('manifest.json') ? JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) : { shards: [], rejected: [] };
  const listed = new Set([...manifest.shards, ...manifest.rejected].map((s: { file: string }) => s.file));
  for (const n of names) {
    if (n === 'state' || n === 'manifest.json' || n === 'stats.json') continue;
    assert.ok(listed.has(n), `unlisted file left in out dir: ${n}`);
  }
  return [...listed] as string[];
}

function oneErrorLine(stderr: string, pattern: RegExp): void {
  const errors = stderr.split('\n').filter((l) => l.startsWith('error: '));
  assert.equal(errors.length, 1, stderr);
  assert.match(errors[0]!, pattern);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

test('a missing input path is one clear error and writes nothing', async () => {
  const dir = await tempDir();
  const r = await runCli(['curate', '--input', join(dir, 'nope.jsonl'), '--out', join(dir, 'out'), '--quiet']);
  assert.equal(r.code, 2);
  oneErrorLine(r.stderr, /nope\.jsonl: no such file or directory/);
  await assert.rejects(stat(join(dir, 'out', 'manifest.json')));
});

test('a .gz that is not gzip, a truncated gzip and a truncated Parquet are fatal, named, and leave no unfinished shard', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'a.jsonl'), lines(600));
  await writeFile(join(dir, 'plain.jsonl.gz'), lines(5));
  const gz = gzipSync(lines(2000, 'g'));
  await writeFile(join(dir, 'cut.jsonl.gz'), gz.subarray(0, gz.length >> 1));
  const pq = join(dir, 'cut.parquet');
  await writeDocumentShard(pq, [...Array(3000).keys()].map((i) => ({ id: `p${i}`, text: `parquet text ${i} `.repeat(20), source: 's', metadata: {} })), { rowGroupRows: 500 });
  await truncate(pq, (await stat(pq)).size >> 1);

  const cases: [string, RegExp][] = [
    ['plain.jsonl.gz', /plain\.jsonl\.gz: not a gzip file/],
    ['cut.jsonl.gz', /cut\.jsonl\.gz: truncated gzip file/],
    ['cut.parquet', /cut\.parquet: not a readable Parquet file/],
  ];
  for (const [bad, pattern] of cases) {
    const out = join(dir, `out-${bad}`);
    // a.jsonl comes first (sorted), so some shards are committed before the failure.
    const r = await runCli(['curate', '--input', join(dir, 'a.jsonl'), '--input', join(dir, bad), '--out', out, '--shard-docs', '256', '--batch-size', '64', '--workers', '1', '--quiet']);
    assert.equal(r.code, 2, `${bad}: ${r.stderr}`);
    oneErrorLine(r.stderr, pattern);
    const listed = await assertOnlyListedShards(out);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    assert.equal(manifest.complete, false, 'an interrupted run is not marked complete');
    assert.ok(listed.length >= 1, 'shards committed before the failure stay listed');
  }
});

test('malformed JSONL lines are warned with file and line, counted and skipped; --strict makes them fatal', async () => {
  const dir = await tempDir();
  const input = join(dir, 'm.jsonl');
  await writeFile(input, lines(3) + '{"id": "x", "text": \n' + JSON.stringify({ id: 'y', body: 'no text' }) + '\n' + lines(2, 'e'));
  const out = join(dir, 'out');
  const cfg = join(dir, 'normalise.json'); // one step, so that every well-formed line is kept (the default recipe dedups)
  await writeFile(cfg, JSON.stringify({ steps: [{ step: 'normalise' }] }));
  const r = await runCli(['curate', '--input', input, '--out', out, '--config', cfg, '--workers', '0', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: .*m\.jsonl:4: not valid JSON; skipped/);
  assert.match(r.stderr, /warning: .*m\.jsonl:5: missing string field 'text'; skipped/);
  const stats = JSON.parse(await readFile(join(out, 'stats.json'), 'utf8'));
  assert.equal(stats.input.malformed, 2);
  assert.equal(stats.output.docs, 5);

  const strict = await runCli(['curate', '--input', input, '--out', join(dir, 'strict'), '--workers', '0', '--strict', '--quiet']);
  assert.equal(strict.code, 2);
  oneErrorLine(strict.stderr, /m\.jsonl:4: not valid JSON/);
  await assertOnlyListedShards(join(dir, 'strict'));
});

test('--text-field picks another field; an unknown flag or step is a clear error', async () => {
  const dir = await tempDir();
  const input = join(dir, 'c.jsonl');
  await writeFile(input, JSON.stringify({ content: 'hello there' }) + '\n');
  const ok = await runCli(['curate', '--input', input, '--out', join(dir, 'o1'), '--text-field', 'content', '--workers', '0', '--quiet']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /1 kept/);
  const flag = await runCli(['curate', '--input', input, '--out', join(dir, 'o2'), '--shard-dcos', '3']);
  assert.equal(flag.code, 2);
  oneErrorLine(flag.stderr, /--shard-dcos/);
  const cfg = join(dir, 'p.json');
  await writeFile(cfg, JSON.stringify({ steps: [{ step: 'normalise', from: 'NFC' }] }));
  const step = await runCli(['curate', '--input', input, '--out', join(dir, 'o3'), '--config', cfg]);
  assert.equal(step.code, 2);
  oneErrorLine(step.stderr, /p\.json: steps\[0\]: step 'normalise': .*from/);
  await writeFile(cfg, JSON.stringify({ steps: [{ step: 'normalize' }] }));
  const unknown = await runCli(['run', cfg, '--input', input, '--out', join(dir, 'o4')]);
  oneErrorLine(unknown.stderr, /p\.json: steps\[0\]: unknown step 'normalize'; valid steps: .*normalise/);
  await writeFile(cfg, JSON.stringify({ steps: [{ step: 'exact_dedup' }, { step: 'gopher_quality' }] }));
  const order = await runCli(['run', cfg, '--input', input, '--out', join(dir, 'o5')]);
  oneErrorLine(order.stderr, /filter step 'gopher_quality' must come before the global step 'exact_dedup'/);
  await writeFile(cfg, JSON.stringify({ steps: [{ step: 'normalise' }], curate: { shardDocs: 'many' } }));
  const typed = await runCli(['run', cfg, '--input', input, '--out', join(dir, 'o6')]);
  oneErrorLine(typed.stderr, /p\.json: curate\.shardDocs: /);
  await writeFile(cfg, JSON.stringify({ steps: [{ step: 'normalise' }], stepz: [] }));
  const key = await runCli(['run', cfg, '--input', input, '--out', join(dir, 'o7')]);
  oneErrorLine(key.stderr, /p\.json: \(top level\): unknown key 'stepz'/);
});
