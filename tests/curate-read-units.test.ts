import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { tempDir } from './helpers/tmp.js';
import { jsonlChunks, jsonlChunkDocuments, readJsonl } from '../datasets/jsonlReader.js';
import { readWarc } from '../datasets/warcReader.js';
import { isPerRecordWarcGzip } from '../datasets/gzipMembers.js';
import { serialiseRecord } from '../crawler/warcWriter.js';
import { mulberry32 } from '../datasets/seededRandom.js';
import { curate } from '../pipelines/index.js';
import { WARC_RANGE_BYTES } from '../pipelines/readUnits.js';
import type { Document } from '../core/document.js';

const WORDS = 'the of river stone light quiet market winter garden people north bright paper window seven morning letter city field'.split(' ');

/** Words plus random tokens, so that gzip leaves the file large enough to span several read ranges. */
function text(r: () => number, words: number): string {
  return Array.from({ length: words }, () => (r() < 0.5 ? WORDS[Math.floor(r() * WORDS.length)]! : Math.floor(r() * 2 ** 31).toString(36))).join(' ');
}

/** WARC records (warcinfo, then responses with text/plain bodies), each its own gzip member or one stream. */
function warc(n: number, seed: number, wordsPerDoc: number): { members: Buffer[]; bodies: string[] } {
  const r = mulberry32(seed);
  const members = [gzipSync(serialiseRecord([['WARC-Type', 'warcinfo'], ['WARC-Record-ID', '<urn:uuid:info>']], Buffer.from('software: test\r\n')))];
  const bodies: string[] = [];
  for (let i = 0; i < n; i++) {
    const body = text(r, wordsPerDoc);
    bodies.push(body);
    const http = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`);
    const rec = serialiseRecord([['WARC-Type', 'response'], ['WARC-Record-ID', `<urn:uuid:r${i}>`], ['WARC-Target-URI', `https://example.org/${i}`], ['Content-Type', 'application/http; msgtype=response']], http);
    members.push(gzipSync(rec));
  }
  return { members, bodies };
}

async function collect(it: AsyncIterable<Document> | Iterable<Document>): Promise<Document[]> {
  const out: Document[] = [];
  for await (const d of it) out.push(d);
  return out;
}

test('JSONL chunks end on line ends and keep line numbers for ids, sources and warnings', async () => {
  const dir = await tempDir();
  const file = join(dir, 'c.jsonl');
  const lines: string[] = [];
  for (let i = 1; i <= 400; i++) {
    if (i % 50 === 0) lines.push(''); // blank line: numbered, skipped
    else if (i % 97 === 0) lines.push('{"text": broken');
    else lines.push(JSON.stringify({ text: `line ${i} ` + 'x'.repeat(i % 40) }) + (i % 3 === 0 ? '\r' : ''));
  }
  await writeFile(file, lines.join('\n')); // no newline at the end
  const chunks = await collect2(jsonlChunks(file, false, { chunkBytes: 512 }));
  assert.ok(chunks.length > 10, `many chunks (${chunks.length})`);
  for (const c of chunks.slice(0, -1)) assert.equal(c.data.at(-1), 10, 'a chunk ends with a newline');
  assert.equal(chunks.reduce((n, c) => n + c.fileBytes, 0), (await readFile(file)).length, 'every file byte is accounted once');
  const warnings: string[] = [];
  const docs = chunks.flatMap((c) => [...jsonlChunkDocuments(file, c, { onWarning: (m) => warnings.push(m) })]);
  const expected = lines.flatMap((l, i) => (l === '' || l.startsWith('{"text": b') ? [] : [{ id: `c.jsonl:${i + 1}`, text: JSON.parse(l).text as string }]));
  assert.deepEqual(docs.map((d) => ({ id: d.id, text: d.text })), expected);
  assert.deepEqual(warnings, [97, 194, 291, 388].map((n) => `${file}:${n}: not valid JSON; skipped`));
  // The streaming reader is the same framing and parsing, gzipped or not.
  const gz = join(dir, 'c.jsonl.gz');
  await writeFile(gz, gzipSync(await readFile(file)));
  assert.deepEqual((await collect(readJsonl(gz, true))).map((d) => d.text), expected.map((d) => d.text));
});

async function collect2<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test('a per-record WARC.gz cut into byte ranges yields every record exactly once, in order', async () => {
  const dir = await tempDir();
  const { members, bodies } = warc(120, 7, 150);
  const file = join(dir, 'r.warc.gz');
  await writeFile(file, Buffer.concat(members));
  const single = join(dir, 'one-stream.warc.gz');
  await writeFile(single, gzipSync(Buffer.concat(members.map((m) => gunzipSync(m)))));
  assert.equal(await isPerRecordWarcGzip(file), true);
  assert.equal(await isPerRecordWarcGzip(single), false, 'one gzip stream cannot be cut by member');

  const whole = await collect(readWarc(file));
  assert.deepEqual(whole.map((d) => d.text), bodies);
  const size = members.reduce((n, m) => n + m.length, 0);
  for (const step of [700, 4096, 9999, size]) {
    const parts: Document[] = [];
    for (let start = 0; start < size; start += step) parts.push(...(await collect(readWarc(file, {}, { start, end: Math.min(size, start + step) }))));
    assert.deepEqual(parts.map((d) => d.source), whole.map((d) => d.source), `ranges of ${step} bytes`);
    assert.deepEqual(parts.map((d) => d.text), bodies);
  }
});

test('curate reads a multi-range WARC.gz in the workers: same shards for 0, 1 and 2 workers, and a resumed run matches', async () => {
  const dir = await tempDir();
  // Enough records that the file spans two read ranges.
  const { members, bodies } = warc(1600, 11, 900);
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
