// Every fuzz finding fixed in our readers (issue 19), as a fixed input: docs/security.md lists them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { jsonlChunkDocuments, jsonlChunks, readJsonl } from '../datasets/jsonlReader.js';
import { readParquetDocuments } from '../datasets/parquetReader.js';
import { writeDocumentShard } from '../datasets/parquetShardWriter.js';
import { expandInputs } from '../datasets/inputs.js';
import { isUserError } from '../core/errors.js';
import { normaliseUrl } from '../crawler/url.js';
import { extractLinks } from '../crawler/links.js';
import { OriginRobots, robotsVerdict } from '../crawler/robots.js';
import type { FetchResponse } from '../crawler/fetcher.js';
import { trainFromTexts } from '../tokenizer/trainPipeline.js';
import { TokenizerJsonError, toHfJson, tokenizerFromHfJson } from '../tokenizer/hfJson.js';
import { PRETOKENIZERS } from '../tokenizer/pretokenize.js';
import { serialiseRecord } from '../crawler/warcWriter.js';
import { readWarc } from '../datasets/warcReader.js';
import { loadPipelineFile } from '../pipelines/pipelineFile.js';
import { collect } from './helpers/collect.js';
import { tempDir } from './helpers/tmp.js';

/** A WARC response record of a small HTML page at https://example.org/N. */
function warcResponse(n: number, body = `Page ${n} of the crawl.`): Buffer {
  return serialiseRecord(
    [['WARC-Type', 'response'], ['WARC-Record-ID', `<urn:uuid:${n}>`], ['WARC-Target-URI', `https://example.org/${n}`], ['Content-Type', 'application/http; msgtype=response']],
    Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>${body}</p>`),
  );
}

/** Runs `work` and returns the UserError it must end in (one line). */
async function userError(work: () => Promise<unknown>): Promise<string> {
  try {
    await work();
  } catch (e) {
    assert.ok(isUserError(e), `a UserError, not ${String((e as Error)?.stack ?? e)}`);
    assert.doesNotMatch(e.message, /\n/);
    return e.message;
  }
  assert.fail('no error');
}

test('jsonl: an empty id is no id (every such record would share it)', async () => {
  const dir = await tempDir();
  const path = join(dir, 'a.jsonl');
  writeFileSync(path, '{"html":"","id":""}\n{"text":"t","id":""}\n');
  const docs = await collect(readJsonl(path, false));
  assert.deepEqual(docs.map((d) => d.id), ['a.jsonl:1', 'a.jsonl:2']);
});

test('parquet: a page that makes parquet-wasm trap is one UserError, and the next file still reads', async () => {
  // One byte of a zstd page changed (fuzz finding): parquet-wasm panicked in a microtask, the process died
  // with a wasm stack trace and the read never settled.
  const bad = new URL('./data/fuzz/trap-page.parquet', import.meta.url).pathname;
  const message = await userError(() => collect(readParquetDocuments(bad)));
  assert.match(message, /trap-page\.parquet: .*(unreadable|not a readable Parquet file)/);
  const dir = await tempDir();
  const good = join(dir, 'good.parquet');
  await writeDocumentShard(good, [{ id: '', text: 'x', source: 's', metadata: {} }]);
  const docs = await collect(readParquetDocuments(good));
  assert.deepEqual(docs.map((d) => [d.id, d.text]), [['good.parquet:0', 'x']], 'an empty id is no id here too');
});

test('url: a query that is itself "?" is kept, so normalising twice changes nothing', () => {
  assert.equal(normaliseUrl('http:/-??'), 'http://-/??');
  assert.equal(normaliseUrl(normaliseUrl('http:/-??')!), 'http://-/??');
  assert.equal(normaliseUrl('https://a.org/x?'), 'https://a.org/x');
});

test('links: bogus comments, raw-text end tags and tags cut off by the end of the page read as browsers read them', () => {
  assert.deepEqual(extractLinks('<i>x</ i, <a href="/in-bogus-comment">y</a><a href="/after">').hrefs, ['/after']);
  assert.deepEqual(extractLinks('<?php <a href="/in-pi"> ?><a href="/after">').hrefs, ['/after']);
  assert.deepEqual(extractLinks('<title>t</title\u0000><a href="/still-title"></title><a href="/after">').hrefs, ['/after']);
  assert.deepEqual(extractLinks('<a href="/a">a</a><a href="/cut').hrefs, ['/a']);
  assert.deepEqual(extractLinks('<a href=/a>a</a><a href=/cut').hrefs, ['/a']);
});

test('inputs: a curate folder whose manifest lists a shard without a file name, or a missing one, is one UserError', async () => {
  const dir = await tempDir();
  const write = (name: string, manifest: unknown) => {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'manifest.json'), JSON.stringify(manifest));
    return join(dir, name);
  };
  assert.match(await userError(() => expandInputs([write('nofile', { kind: 'docs', shards: [{ rows: 1 }] })])), /shards\[0\] does not name a shard file/);
  assert.match(await userError(() => expandInputs([write('escape', { kind: 'docs', shards: [{ file: '../x.jsonl' }] })])), /shards\[0\]/);
  assert.match(await userError(() => expandInputs([write('missing', { kind: 'docs', shards: [{ file: 'gone.jsonl' }] })])), /gone\.jsonl: no such file/);
  assert.equal(await expandInputs([write('odd', { kind: 'docs', shards: null })]).catch(() => 'error'), 'error', 'a folder of no inputs');
});

function robotsFor(body: string): OriginRobots {
  const res: FetchResponse = { url: 'https://example.org/robots.txt', status: 200, statusText: 'OK', headerLines: [], headers: {}, body: Buffer.from(body), decoded: false, truncated: false, requestHead: '', fetchedAt: new Date(0) };
  return new OriginRobots(robotsVerdict(res.url, res), 'corpusforge');
}

test("robots: many wildcard rules are matched without robots-parser's per-rule O(pattern x path) scan, with the same answers", () => {
  // 36,000 rules like this took robots-parser ~1.7 s per URL (2 KB path); the scanner takes milliseconds.
  const rules = Array.from({ length: 3000 }, (_, i) => `Disallow: /*x${i}*y$\nAllow: /*a${i}`).join('\n');
  const robots = robotsFor(`User-agent: *\n${rules}\nDisallow: /*.pdf$\nDisallow: /p*q*r\nAllow: /p*q*r*s$\n`);
  const verdict = robots.verdict;
  assert.equal(verdict.kind, 'rules');
  const paths = ['/', `/${'b'.repeat(2000)}`, '/zx17zzy', '/zx17zzyq', '/a.pdf', '/a.pdfx', '/p1q2r3', '/p1q2r3s', '/p1q2r3st', '/za2999', '/%7e/'];
  for (const p of paths) {
    const url = `https://example.org${p}`;
    if (verdict.kind === 'rules') assert.equal(robots.allows(url), verdict.robot.isAllowed(url, 'corpusforge') !== false, p);
  }
  assert.equal(robots.allows('https://example.org/x1zy'), false);
  assert.equal(robots.allows('https://example.org/p-q-r-s'), true, 'the longer allow wins');
  assert.equal(robots.allows('https://other.example/a.pdf'), true, 'another origin is not ruled by this file');
});

test('jsonl: a line past the line limit (a gzip bomb of one endless line) is dropped as it streams past, counted, and reading goes on', async () => {
  const dir = await tempDir();
  const path = join(dir, 'bomb.jsonl.gz');
  // 24 MB of one line in 24 KB of gzip, between two good records; the limit lowered to 1 MiB for the test.
  writeFileSync(path, gzipSync(Buffer.concat([Buffer.from('{"text":"before"}\n{"text":"'), Buffer.alloc(24 << 20, 0x61), Buffer.from('"}\n{"text":"after"}')])));
  const warnings: string[] = [];
  const docs = [];
  for await (const chunk of jsonlChunks(path, true, { maxLineBytes: 1 << 20 })) {
    assert.ok(chunk.data.length < 2 << 20, `a chunk of ${chunk.data.length} bytes: the long line was held`);
    docs.push(...jsonlChunkDocuments(path, chunk, { onWarning: (w) => warnings.push(w) }));
  }
  assert.deepEqual(docs.map((d) => [d.text, d.source]), [['before', `${path}:1`], ['after', `${path}:3`]]);
  assert.deepEqual(warnings, [`${path}:2: line of ${(24 << 20) + 11} bytes is over the 1 MiB limit; skipped`]);
  await assert.rejects(async () => {
    for await (const c of jsonlChunks(path, true, { maxLineBytes: 1 << 20 })) [...jsonlChunkDocuments(path, c, { strict: true })];
  }, /bomb\.jsonl\.gz:2: line of \d+ bytes is over the 1 MiB limit/);
});

test('tokenizer.json: a token id far past the vocabulary (1e9 in 300 tokens) is refused at load, not allocated and walked', async () => {
  const report = await trainFromTexts(['The river runs north to the sea, and the sea runs south.'], { pattern: PRETOKENIZERS.gpt2, vocabSize: 300 });
  const json = toHfJson(report.trained, PRETOKENIZERS.gpt2) as unknown as { model: { vocab: Record<string, number> }; added_tokens: { id: number }[] };
  const vocab = { ...json.model.vocab, ':': 1e9 };
  assert.throws(() => tokenizerFromHfJson({ ...json, model: { ...json.model, vocab } }), (e: Error) => e instanceof TokenizerJsonError && /id 1000000000 of token ":" is past \d+/.test(e.message));
  const added = [{ id: 1e9, content: '<|endoftext|>', special: true }];
  assert.throws(() => tokenizerFromHfJson({ ...json, added_tokens: added }), TokenizerJsonError);
  // Ids numbered with small gaps still load.
  const gapped = Object.fromEntries(Object.entries(json.model.vocab).map(([t, id]) => [t, id === 0 ? 0 : id + 5]));
  assert.ok(tokenizerFromHfJson({ ...json, added_tokens: [], model: { ...json.model, vocab: gapped } }).encode('The river').length > 0);
});

test('warc: a last record whose Content-Length runs past the end of the file ends the read (it spun forever in warcio)', async () => {
  const dir = await tempDir('cf-fuzz-warc-');
  const record = warcResponse;
  const first = record(1, 'The first page reads whole.');
  const second = record(2, 'The second page is cut off by the end of the file. '.repeat(20));
  const cut = second.subarray(0, second.length - 400);
  for (const [name, bytes] of [
    ['cut.warc', Buffer.concat([first, cut])],
    ['cut.warc.gz', Buffer.concat([gzipSync(first), gzipSync(cut)])],
  ] as const) {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    // In a child process with a deadline: the spin was in microtasks, where no timer of this test could fire.
    const reader = new URL('../datasets/warcReader.ts', import.meta.url).href;
    const code = `import { readWarc } from ${JSON.stringify(reader)}; const urls = []; for await (const d of readWarc(${JSON.stringify(path)}, { onWarning: () => {} })) urls.push(d.url); console.log(JSON.stringify(urls));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 15_000 });
    assert.equal(r.signal, null, `${name}: the read did not end`);
    const urls = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as string[];
    assert.equal(urls[0], 'https://example.org/1', name);
    assert.ok(urls.length <= 2, name);
  }
});

test('pipeline file: a JSON error quoting newlines and NUL bytes of the file is still one printable line', async () => {
  const dir = await tempDir('cf-fuzz-pipeline-');
  const path = join(dir, 'pipeline.json');
  writeFileSync(path, '\n\u0000{"description": "x",\n "steps": [\u0001]}\n');
  const message = await userError(() => loadPipelineFile(path));
  assert.match(message, /pipeline\.json: not valid JSON/);
  assert.doesNotMatch(message, /[\u0000-\u001f]/);
});

test('links: U+001C and U+000F inside <title> are text, not "<" and "/" (htmlparser2 folds them so; the fuzz oracle now does not)', () => {
  assert.deepEqual(extractLinks('<title>\u001c/title><a href=t>x</a>').hrefs, []);
  assert.deepEqual(extractLinks('<title>x<\u000ftitle><a href=t>x</a>').hrefs, []);
  assert.deepEqual(extractLinks('<title>x</title><a href=t>x</a>').hrefs, ['t']);
});

test('warc: a record whose version line is not WARC/ is skipped with a warning, as the byte-range reader skips it', async () => {
  const dir = await tempDir('cf-fuzz-warc-');
  const record = (n: number) => warcResponse(n);
  const bad = Buffer.from(record(2));
  bad[0] = 0x56; // "VARC/1.1"
  const path = join(dir, 'v.warc.gz');
  const members = [gzipSync(record(1)), gzipSync(bad), gzipSync(record(3))];
  writeFileSync(path, Buffer.concat(members));
  const warnings: string[] = [];
  const whole = await collect(readWarc(path, { onWarning: (w) => warnings.push(w) }));
  assert.deepEqual(whole.map((d) => d.url), ['https://example.org/1', 'https://example.org/3']);
  assert.match(warnings.join('\n'), /malformed WARC record: version line "VARC\/1\.1"; skipped/);
  const cut = members[0]!.length + 5; // inside the bad member: that range starts at the third record
  const ranges = [...(await collect(readWarc(path, {}, { start: 0, end: cut }))), ...(await collect(readWarc(path, {}, { start: cut, end: Infinity })))];
  assert.deepEqual(ranges.map((d) => d.url), whole.map((d) => d.url));
  await assert.rejects(collect(readWarc(path, { strict: true })), /VARC/);
});

test('warc.gz: a record whose Content-Length runs past its gzip member does not swallow the next members\' records', async () => {
  const dir = await tempDir('cf-fuzz-warc-');
  const record = (n: number) => warcResponse(n);
  const liar = Buffer.from(record(1).toString('latin1').replace(/Content-Length: \d+/, 'Content-Length: 99999'), 'latin1');
  const members = [gzipSync(liar), gzipSync(record(2)), gzipSync(record(3))];
  const path = join(dir, 'liar.warc.gz');
  writeFileSync(path, Buffer.concat(members));
  const urls = async (range?: { start: number; end: number }) => (await collect(readWarc(path, { onWarning: () => {} }, range))).map((d) => d.url);
  const whole = await urls();
  assert.deepEqual(whole.slice(-2), ['https://example.org/2', 'https://example.org/3']);
  const cut = members[0]!.length + 3;
  assert.deepEqual([...(await urls({ start: 0, end: cut })), ...(await urls({ start: cut, end: Infinity }))], whole);
});
