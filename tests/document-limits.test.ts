import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from './helpers/tmp.js';
import { runCli } from './helpers/cli.js';
import { curate } from '../pipelines/curate.js';
import { readDocuments } from '../datasets/readers.js';
import { writeDocumentShard } from '../datasets/parquetShardWriter.js';
import { serialiseRecord } from '../crawler/warcWriter.js';
import { DEFAULT_MAX_DOCUMENT_BYTES, utf8LengthOver, type DropReason } from '../datasets/readOptions.js';
import { jsonlLineLimit } from '../datasets/jsonlReader.js';

const LIMIT = 1000;
const small = 'a small document. '.repeat(10);
const big = 'x'.repeat(LIMIT + 1);

function warcResponse(i: number, body: Buffer, headers = 'Content-Type: text/plain; charset=utf-8'): Buffer {
  const http = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\n${headers}\r\n\r\n`), body]);
  return serialiseRecord([['WARC-Type', 'response'], ['WARC-Record-ID', `<urn:uuid:r${i}>`], ['WARC-Target-URI', `https://example.org/${i}`], ['Content-Type', 'application/http; msgtype=response']], http);
}

/** One folder with a small and an over-limit document in every input format. */
async function inputs(dir: string): Promise<string> {
  const inDir = join(dir, 'in');
  const jsonl = [JSON.stringify({ id: 'j1', text: small }), JSON.stringify({ id: 'j2', text: big }), JSON.stringify({ id: 'j3', text: small + '3' })].join('\n') + '\n';
  const { mkdir } = await import('node:fs/promises');
  await mkdir(inDir);
  await writeFile(join(inDir, 'a.jsonl'), jsonl);
  await writeFile(join(inDir, 'b.jsonl.gz'), gzipSync(jsonl));
  // A line far past the line limit for this document limit: dropped while it streams, never parsed.
  await writeFile(join(inDir, 'c.jsonl'), `{"text":"${'y'.repeat(jsonlLineLimit(LIMIT) + 10)}"}\n{"text":"after the long line"}\n`);
  await writeDocumentShard(join(inDir, 'd.parquet'), [
    { id: 'p1', text: small, source: 'p', metadata: {} },
    { id: 'p2', text: big, source: 'p', metadata: {} },
  ]);
  await writeFile(join(inDir, 'e.txt'), small);
  await writeFile(join(inDir, 'f.txt'), big);
  await writeFile(join(inDir, 'g.html'), `<html><body><p>${big}</p></body></html>`);
  // WARC: a plain payload over the limit, and a gzip Content-Encoding bomb (2 KB that inflates to 20 MB).
  const bomb = gzipSync(Buffer.alloc(20 << 20, 0x20));
  const warc = [
    warcResponse(1, Buffer.from(small)),
    warcResponse(2, Buffer.from(big)),
    warcResponse(3, bomb, 'Content-Type: text/plain\r\nContent-Encoding: gzip'),
    warcResponse(4, Buffer.from(small + '4')),
  ];
  await writeFile(join(inDir, 'h.warc'), Buffer.concat(warc));
  await writeFile(join(inDir, 'i.warc.gz'), Buffer.concat(warc.map((r) => gzipSync(r))));
  return inDir;
}

test('utf8LengthOver answers without a scan where the length decides, and exactly near the limit', () => {
  assert.equal(utf8LengthOver('a'.repeat(11), 10), true);
  assert.equal(utf8LengthOver('é'.repeat(3), 10), false);
  assert.equal(utf8LengthOver('é'.repeat(5), 10), false); // 10 bytes
  assert.equal(utf8LengthOver('é'.repeat(6), 10), true); // 12 bytes
  assert.equal(utf8LengthOver('\ud800'.repeat(4), 10), true, 'a lone surrogate is written as 3 bytes');
  assert.equal(DEFAULT_MAX_DOCUMENT_BYTES, 10 * 1024 * 1024);
});

test('every reader drops a document over maxDocumentBytes, names it and counts it, and reads on', async () => {
  const dir = await tempDir();
  const inDir = await inputs(dir);
  const warnings: string[] = [];
  const dropped: DropReason[] = [];
  const docs = [];
  for await (const d of readDocuments([inDir], { maxDocumentBytes: LIMIT, onWarning: (w) => warnings.push(w), onDropped: (r) => dropped.push(r) })) docs.push(d);
  assert.deepEqual(
    docs.map((d) => d.text.length),
    [small.length, small.length + 1, small.length, small.length + 1, 'after the long line'.length, small.length, small.length, small.length, small.length + 1, small.length, small.length + 1],
  );
  // a.jsonl, b.jsonl.gz, c.jsonl, d.parquet, f.txt, g.html, h.warc x2, i.warc.gz x2
  assert.equal(dropped.length, 10, warnings.join('\n'));
  assert.ok(dropped.every((r) => r === 'too_large'));
  assert.ok(warnings.some((w) => w.includes('a.jsonl:2: document of 1001 bytes is over the 1000-byte document limit')), warnings.join('\n'));
  assert.ok(warnings.some((w) => /h\.warc@\d+: document of at least \d+ bytes/.test(w)), 'the bomb is named by its record offset');
});

test('curate counts reading drops in stats.json input.dropped, with threads and inline alike', async () => {
  const dir = await tempDir();
  const inDir = await inputs(dir);
  for (const workers of [0, 1]) {
    const out = join(dir, `out${workers}`);
    const r = await curate({ inputs: [inDir], out, steps: [{ step: 'normalise' }], workers, maxDocumentBytes: LIMIT });
    assert.deepEqual(r.stats.input.dropped, { too_large: 10 });
    assert.equal(r.stats.input.docs, 11);
    assert.equal(r.stats.input.malformed, 0);
    const stats = JSON.parse(await readFile(join(out, 'stats.json'), 'utf8'));
    assert.deepEqual(stats.input.dropped, { too_large: 10 });
  }
});

test('--max-document-bytes on the command line', async () => {
  const dir = await tempDir();
  const path = join(dir, 'in.jsonl');
  await writeFile(path, [JSON.stringify({ text: small }), JSON.stringify({ text: big })].join('\n'));
  const r = await runCli(['curate', '--input', path, '--out', join(dir, 'out'), '--config', await recipe(dir), '--max-document-bytes', String(LIMIT), '--workers', '0', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /1 docs read \(0 malformed skipped, 1 over --max-document-bytes dropped\)/);
  assert.match(r.stderr, /in\.jsonl:2: document of 1001 bytes is over the 1000-byte document limit/);
  const bad = await runCli(['curate', '--input', path, '--out', join(dir, 'out2'), '--max-document-bytes', '0', '--quiet']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /error: --max-document-bytes must be an integer >= 1/);
});

async function recipe(dir: string): Promise<string> {
  const p = join(dir, 'pipeline.json');
  await writeFile(p, JSON.stringify({ steps: [{ step: 'normalise' }] }));
  return p;
}
