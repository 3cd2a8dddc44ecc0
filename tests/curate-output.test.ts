import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, readFile, readdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from './helpers/cli.js';
import { duckQuery, lit } from './helpers/duckdb.js';
import { tempDir } from './helpers/tmp.js';
import { curate } from '../pipelines/curate.js';
import type { Manifest } from '../pipelines/manifest.js';

function jsonl(n: number, prefix: string, start = 0): string {
  let s = '';
  for (let i = start; i < start + n; i++) {
    s += JSON.stringify({ id: `${prefix}${i}`, text: `Document ${i} of ${prefix}:  some\ttext\r\nwith  spaces ${'é'.normalize('NFD')}`, url: i % 2 ? `https://example.org/${prefix}/${i}` : undefined }) + '\n';
  }
  return s;
}

test('curate CLI writes Parquet that DuckDB reads back with the expected rows and text', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'a.jsonl'), jsonl(700, 'a') + JSON.stringify({ id: 'blank', text: ' \u200b ' }) + '\n');
  await writeFile(join(dir, 'b.jsonl.gz'), gzipSync(jsonl(300, 'b')));
  const out = join(dir, 'out');
  const cfg = join(dir, 'normalise.json'); // the Parquet output of one step; the default text recipe would also dedup
  await writeFile(cfg, JSON.stringify({ steps: [{ step: 'normalise' }] }));
  const r = await runCli(['curate', '--input', join(dir, '*.jsonl*'), '--out', out, '--config', cfg, '--workers', '2', '--shard-docs', '256', '--batch-size', '64', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /1001 docs read .* 1000 kept/);

  const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as Manifest;
  assert.equal(manifest.complete, true);
  assert.equal(manifest.totals.rows, 1000);
  for (const s of manifest.shards) {
    assert.ok(s.rows <= 256, 'shards respect --shard-docs');
    const bytes = await readFile(join(out, s.file));
    assert.equal(createHash('sha256').update(bytes).digest('hex'), s.sha256);
    assert.equal(bytes.length, s.bytes);
  }
  const files = (await readdir(out)).filter((f) => f.endsWith('.parquet')).sort();
  assert.deepEqual(files, manifest.shards.map((s) => s.file));

  const glob = lit(join(out, 'docs-*.parquet'));
  const [agg] = await duckQuery(`select count(*)::int as n, count(distinct id)::int as ids, sum(length(text))::bigint as chars, count(url)::int as urls from read_parquet(${glob})`);
  const expectedChars = [...Array(700).keys()].map((i) => `Document ${i} of a: some text\nwith spaces é`.length).reduce((a, b) => a + b, 0)
    + [...Array(300).keys()].map((i) => `Document ${i} of b: some text\nwith spaces é`.length).reduce((a, b) => a + b, 0);
  assert.deepEqual({ ...agg, chars: Number(agg!.chars) }, { n: 1000, ids: 1000, chars: expectedChars, urls: 500 });
  const [row] = await duckQuery(`select text, url, source, metadata from read_parquet(${glob}) where id = 'a3'`);
  assert.equal(row!.text, 'Document 3 of a: some text\nwith spaces é', 'normalised: NFC, whitespace runs, CRLF');
  assert.equal(row!.url, 'https://example.org/a/3');
  assert.match(String(row!.source), /a\.jsonl:4$/);
  assert.deepEqual(JSON.parse(String(row!.metadata)), { format: 'text' });
  const stats = JSON.parse(await readFile(join(out, 'stats.json'), 'utf8'));
  assert.deepEqual(stats.steps.normalise.dropped, { 'normalise:empty': 1 });
  assert.equal(stats.input.docs, 1001);
});

test('the output is identical whatever the number of workers', async () => {
  const dir = await tempDir();
  const input = join(dir, 'in.jsonl');
  await writeFile(input, jsonl(2000, 'x'));
  const hashes: string[][] = [];
  for (const workers of [0, 1, 2]) {
    const { manifest } = await curate({ inputs: [input], out: join(dir, `o${workers}`), steps: [{ step: 'normalise' }], workers, shardDocs: 500, batchSize: 37 });
    hashes.push(manifest.shards.map((s) => s.sha256));
  }
  assert.equal(hashes[0]!.length, 5, '13 batches of 37 fit in 500 rows: 481+481+481+481+76');
  assert.deepEqual(hashes[1], hashes[0]);
  assert.deepEqual(hashes[2], hashes[0]);
});

test('--keep-rejected writes every dropped document with its reason', async () => {
  const dir = await tempDir();
  const input = join(dir, 'in.jsonl');
  await writeFile(input, jsonl(10, 'k') + JSON.stringify({ id: 'e1', text: '\t' }) + '\n' + JSON.stringify({ id: 'e2', text: '' }) + '\n');
  const out = join(dir, 'out');
  const { manifest } = await curate({ inputs: [input], out, steps: [{ step: 'normalise' }], workers: 0, keepRejected: true });
  assert.equal(manifest.totals.rejected_rows, 2);
  const rows = await duckQuery(`select id, reason from read_parquet(${lit(join(out, manifest.rejected[0]!.file))}) order by id`);
  assert.deepEqual(rows, [{ id: 'e1', reason: 'normalise:empty' }, { id: 'e2', reason: 'normalise:empty' }]);
});

test('an existing run is not overwritten without --resume, and a finished run resumes as a no-op', async () => {
  const dir = await tempDir();
  const input = join(dir, 'in.jsonl');
  await writeFile(input, jsonl(50, 'r'));
  const out = join(dir, 'out');
  const args = ['curate', '--input', input, '--out', out, '--workers', '0', '--quiet'];
  assert.equal((await runCli(args)).code, 0);
  const again = await runCli(args);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /^error: .*already holds a curate run/m);
  const resumed = await runCli([...args, '--resume']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /already complete/);
});
