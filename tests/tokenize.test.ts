// `corpusforge tokenize` end to end: tokens.bin/.idx checked with an independent MMIDIDX parser written from
// the format description, Parquet read back by DuckDB, manifest checked against the files on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { duckQuery, lit } from './helpers/duckdb.js';
import { tempDir } from './helpers/tmp.js';
import { trainFromTexts } from '../tokenizer/trainPipeline.js';
import { toHfJson, tokenizerFromHfJson, tokenizerFromTrained } from '../tokenizer/hfJson.js';
import { Tokenizer } from '../tokenizer/tokenizer.js';
import { PRETOKENIZERS } from '../tokenizer/pretokenize.js';
import { saveTokenizerFile } from '../tokenizer/tokenizerFile.js';
import { TokenBinWriter } from '../datasets/tokenShards.js';
import { tokenizeInputs } from '../tokenizer/tokenizeCorpus.js';
import { udhrPlainTexts } from '../datasets/udhrSample.js';
import { parseIdx } from './helpers/megatronIdx.js';

const DOCS = udhrPlainTexts().slice(0, 60).map((d) => ({ id: `udhr-${d.code}`, text: d.text }));

const trained = trainFromTexts(DOCS.map((d) => d.text), {
  pattern: PRETOKENIZERS.cl100k, vocabSize: 800, specialTokens: ['<|endoftext|>'],
});

async function setup() {
  const dir = await tempDir('cf-tokenize-');
  const report = await trained;
  const tokPath = join(dir, 'tokenizer.json');
  await saveTokenizerFile(tokPath, toHfJson(report.trained, PRETOKENIZERS.cl100k));
  // A document that contains the special token's text must still be encoded as plain text.
  const docs = [...DOCS, { id: 'tricky', text: 'plain <|endoftext|> text' }, { id: 'empty', text: '' }];
  await writeFile(join(dir, 'docs.jsonl'), docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  return { dir, tokPath, docs, tok: tokenizerFromTrained(report.trained, PRETOKENIZERS.cl100k) };
}

test('tokenize writes bin/idx/parquet/manifest that independent readers agree on', async () => {
  const { dir, tokPath, docs, tok } = await setup();
  const out = join(dir, 'out');
  const r = await runCli(['tokenize', '-i', join(dir, 'docs.jsonl'), '-t', tokPath, '-o', out, '-w', '2', '--shard-docs', '25']);
  assert.equal(r.code, 0, r.stderr);
  const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
  const eot = 0;
  const expected = docs.map((d) => tok.encode(d.text));
  const total = expected.reduce((n, e) => n + e.length + 1, 0);
  assert.deepEqual(
    { version: manifest.version, kind: manifest.kind, vocab_size: manifest.vocab_size, eot_id: manifest.eot_id, dtype: manifest.dtype,
      total_tokens: manifest.total_tokens, documents: manifest.documents },
    { version: 1, kind: 'tokens', vocab_size: 800, eot_id: eot, dtype: 'uint16', total_tokens: total, documents: docs.length },
  );
  assert.equal(manifest.tokenizer_sha256, createHash('sha256').update(await readFile(tokPath)).digest('hex'));
  // The manifest lists exactly the finished files, with true sizes and hashes; no temp files remain.
  const onDisk = (await readdir(out)).filter((f) => f !== 'manifest.json').sort();
  assert.deepEqual(manifest.files.map((f: { file: string }) => f.file).sort(), onDisk);
  assert.deepEqual(onDisk, ['tokens-00000.parquet', 'tokens-00001.parquet', 'tokens-00002.parquet', 'tokens.bin', 'tokens.idx']);
  for (const f of manifest.files) {
    const bytes = await readFile(join(out, f.file));
    assert.equal(bytes.length, f.bytes);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), f.sha256);
  }

  // tokens.bin: little-endian uint16, each document then EOT; tokens.idx: one sequence per document.
  const bin = await readFile(join(out, 'tokens.bin'));
  assert.equal(bin.length, total * 2);
  const idx = parseIdx(await readFile(join(out, 'tokens.idx')));
  assert.equal(idx.version, 1n);
  assert.equal(idx.dtypeCode, 8); // Megatron's code for uint16
  assert.equal(idx.lengths.length, docs.length);
  assert.deepEqual(idx.docIndices, [...Array(docs.length + 1).keys()]);
  for (let d = 0; d < docs.length; d++) {
    const seq: number[] = [];
    for (let i = 0; i < idx.lengths[d]!; i++) seq.push(bin.readUInt16LE(idx.pointers[d]! + 2 * i));
    assert.deepEqual(seq, [...expected[d]!, eot], `document ${docs[d]!.id}`);
    assert.equal(tok.decode(seq.slice(0, -1)), docs[d]!.text);
  }

  // Parquet: DuckDB reads id + input_ids (no EOT), in input order across shards.
  const rows = await duckQuery(
    `SELECT id, input_ids FROM read_parquet(${lit(join(out, 'tokens-*.parquet'))}, filename = true, file_row_number = true)
     ORDER BY filename, file_row_number`,
  );
  assert.deepEqual(rows.map((x) => x.id), docs.map((d) => d.id));
  rows.forEach((row, i) => assert.deepEqual(row.input_ids, expected[i]));
});

test('output is byte-identical with 0, 1, 2 and 3 workers on a multi-shard input; reader warnings replayed in order', async () => {
  const { dir, tokPath, docs } = await setup();
  // A second file after the first, a malformed line and a document over the size limit: units end inside shards,
  // shards end inside units, and workers parse the JSONL and report what they skipped.
  const input = join(dir, 'mixed.jsonl');
  const lines = docs.map((d) => JSON.stringify(d));
  lines.splice(20, 0, '{"id": "broken", "text": ');
  lines.splice(40, 0, JSON.stringify({ id: 'huge', text: 'x'.repeat(200_000) }));
  await writeFile(input, lines.join('\n') + '\n');
  await writeFile(join(dir, 'more.txt'), DOCS.slice(0, 3).map((d) => d.text).join('\n\n'));
  const hashes: string[] = [];
  const logs: string[] = [];
  for (const workers of [0, 1, 2, 3]) {
    const out = join(dir, `w${workers}`);
    const log: string[] = [];
    const m = await tokenizeInputs([input, join(dir, 'more.txt')], {
      maxDocumentBytes: 100_000,
      onWarning: (w) => log.push(w),
      onMalformed: () => log.push('malformed'),
      onDropped: (r) => log.push(`dropped ${r}`),
    }, { tokenizerPath: tokPath, outDir: out, workers, shardDocs: 9, batchChars: 3000 });
    assert.equal(m.documents, docs.length + 1);
    assert.equal(m.files.filter((f) => f.file.endsWith('.parquet')).length, Math.ceil((docs.length + 1) / 9));
    const files = (await readdir(out)).sort();
    const h = createHash('sha256');
    for (const f of files) h.update(f).update(await readFile(join(out, f)));
    hashes.push(h.digest('hex'));
    logs.push(log.join('\n'));
  }
  assert.deepEqual(hashes, [hashes[0], hashes[0], hashes[0], hashes[0]]);
  assert.deepEqual(logs, [logs[0], logs[0], logs[0], logs[0]]);
  assert.match(logs[0]!, /mixed\.jsonl:21: not valid JSON; skipped\nmalformed\n.*mixed\.jsonl:41: document of 200000 bytes is over the 100000-byte document limit.*\ndropped too_large$/s);
  const noEot = await runCli(['tokenize', '-i', join(dir, 'docs.jsonl'), '-t', tokPath, '-o', join(dir, 'c'), '--eot', '<|nope|>']);
  assert.equal(noEot.code, 2);
  assert.equal(noEot.stderr.trim().split('\n').length, 1);
  assert.match(noEot.stderr, /^error: the tokenizer has no special token '<\|nope\|>'/);
});

test('uint32 token files for vocabularies over 65536: idx dtype code 4 (int32 bytes)', async () => {
  const dir = await tempDir('cf-tokbin-');
  const w = new TokenBinWriter(join(dir, 't.bin'), join(dir, 't.idx'), 'uint32', 100_000);
  await w.open();
  await w.append(Int32Array.of(70_000, 5, 99_999, 1), Int32Array.of(3, 0, 1));
  const [bin] = await w.finish();
  const bytes = await readFile(join(dir, 't.bin'));
  assert.equal(bin.bytes, bytes.length);
  const ids = [...Array(bytes.length / 4).keys()].map((i) => bytes.readUInt32LE(4 * i));
  assert.deepEqual(ids, [70_000, 5, 99_999, 100_000, 100_000, 1, 100_000]);
  const idx = parseIdx(await readFile(join(dir, 't.idx')));
  assert.equal(idx.dtypeCode, 4);
  assert.deepEqual(idx.lengths, [4, 1, 2]);
  assert.deepEqual(idx.pointers, [0, 16, 20]);
  assert.deepEqual(idx.docIndices, [0, 1, 2, 3]);
});

test('--rank/--world-size split input files; each rank writes its own -rR files', async () => {
  const { dir, tokPath, tok } = await setup();
  const parts = [DOCS.slice(0, 10), DOCS.slice(10, 15), DOCS.slice(15, 18)];
  for (let i = 0; i < parts.length; i++) {
    await writeFile(join(dir, `in-${i}.jsonl`), parts[i]!.map((d) => JSON.stringify(d)).join('\n') + '\n');
  }
  const out = join(dir, 'split');
  for (const rank of [0, 1]) {
    await tokenizeInputs([join(dir, 'in-*.jsonl')], {}, { tokenizerPath: tokPath, outDir: out, workers: 0, rank, worldSize: 2 });
  }
  const files = (await readdir(out)).sort();
  assert.deepEqual(files, [
    'manifest-r0.json', 'manifest-r1.json', 'tokens-r0-00000.parquet', 'tokens-r0.bin', 'tokens-r0.idx',
    'tokens-r1-00000.parquet', 'tokens-r1.bin', 'tokens-r1.idx',
  ]);
  const m0 = JSON.parse(await readFile(join(out, 'manifest-r0.json'), 'utf8'));
  const m1 = JSON.parse(await readFile(join(out, 'manifest-r1.json'), 'utf8'));
  assert.equal(m0.documents, 13); // files 0 and 2
  assert.equal(m1.documents, 5);
  const bin1 = await readFile(join(out, 'tokens-r1.bin'));
  const ids = [...Array(bin1.length / 2).keys()].map((i) => bin1.readUInt16LE(2 * i));
  assert.deepEqual(ids, parts[1]!.flatMap((d) => [...tok.encode(d.text), 0]));
  const bad = await runCli(['tokenize', '-i', join(dir, 'in-*.jsonl'), '-t', tokPath, '-o', out, '--rank', '2', '--world-size', '2']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: --rank must be in/);
});

test('--resume after an interruption gives the same files as an uninterrupted run', async () => {
  const { dir, tokPath } = await setup();
  const input = [join(dir, 'docs.jsonl')];
  const clean = join(dir, 'clean');
  await tokenizeInputs(input, {}, { tokenizerPath: tokPath, outDir: clean, workers: 0, shardDocs: 7, batchChars: 20_000 });
  // Interrupt: the reader fails after 30 documents (a crash mid-run leaves temp files and a journal).
  const cut = join(dir, 'cut');
  const { readDocuments } = await import('../datasets/readers.js');
  const { tokenizeDocuments } = await import('../tokenizer/tokenizeCorpus.js');
  const { expandInputs } = await import('../datasets/inputs.js');
  const inputsKey = JSON.stringify((await expandInputs(input)).map((f) => [f.path, f.bytes]));
  async function* failing() {
    let n = 0;
    for await (const d of readDocuments(input)) {
      if (n++ === 30) throw new Error('simulated crash');
      yield d;
    }
  }
  await assert.rejects(
    tokenizeDocuments(failing(), { tokenizerPath: tokPath, outDir: cut, workers: 0, shardDocs: 7, batchChars: 20_000, inputsKey }),
    /simulated crash/,
  );
  const left = await readdir(cut);
  assert.ok(left.includes('tokens.journal.jsonl') && !left.includes('manifest.json'));
  await assert.rejects(tokenizeInputs(input, {}, { tokenizerPath: tokPath, outDir: cut }), /already holds token files/);
  const m = await tokenizeInputs(input, {}, { tokenizerPath: tokPath, outDir: cut, workers: 2, shardDocs: 7, resume: true });
  const files = (await readdir(clean)).sort();
  assert.deepEqual((await readdir(cut)).sort(), files);
  for (const f of files) assert.ok((await readFile(join(cut, f))).equals(await readFile(join(clean, f))), f);
  assert.equal(m.documents, 62);
  // Resuming a finished run says so and changes nothing; a finished run of another tokenizer is refused.
  const before = await Promise.all(files.map(async (f) => [f, (await stat(join(cut, f))).mtimeMs] as const));
  const again = await runCli(['tokenize', '-i', input[0]!, '-t', tokPath, '-o', cut, '--resume', '-w', '0']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /manifest\.json is already complete \(62 documents, \d+ tokens\); nothing to do/);
  assert.deepEqual((await readdir(cut)).sort(), files);
  for (const [f, mtime] of before) {
    assert.equal((await stat(join(cut, f))).mtimeMs, mtime, f);
    assert.ok((await readFile(join(cut, f))).equals(await readFile(join(clean, f))), f);
  }
  await writeFile(join(dir, 'tok2.json'), (await readFile(tokPath, 'utf8')) + ' ');
  const other = await runCli(['tokenize', '-i', input[0]!, '-t', join(dir, 'tok2.json'), '-o', cut, '--resume']);
  assert.equal(other.code, 2);
  assert.match(other.stderr, /^error: .*cut was finished with another tokenizer/);
});

test('a worker run stopped mid-file (strict read of a bad JSONL line) resumes to the bytes of an uninterrupted run', async () => {
  const { dir, tokPath, docs } = await setup();
  const input = join(dir, 'strict.jsonl');
  const good = docs.map((d) => JSON.stringify(d));
  // The broken line has the fixed line's length, so the resumed run sees the same inputs (path and size).
  const fixed = JSON.stringify({ id: 'late', text: 'ab' });
  const broken = fixed.slice(0, -1) + ' ';
  const withLine = (line: string) => [...good.slice(0, 45), line, ...good.slice(45)].join('\n') + '\n';
  await writeFile(input, withLine(fixed));
  const clean = join(dir, 'strict-clean');
  const settings = { tokenizerPath: tokPath, shardDocs: 7, batchChars: 20_000 };
  await tokenizeInputs([input], {}, { ...settings, outDir: clean, workers: 0 });
  await writeFile(input, withLine(broken));
  const cut = join(dir, 'strict-cut');
  await assert.rejects(tokenizeInputs([input], { strict: true }, { ...settings, outDir: cut, workers: 3 }), /strict\.jsonl:46: not valid JSON/);
  const journal = (await readFile(join(cut, 'tokens.journal.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
  // Checkpoints at every 7 documents up to the bad line's shard: a resume starts inside the file, mid-unit.
  assert.deepEqual(journal.filter((e) => e.kind === 'checkpoint').map((e) => e.documents), [7, 14, 21, 28, 35, 42]);
  await writeFile(input, withLine(fixed));
  await tokenizeInputs([input], {}, { ...settings, outDir: cut, workers: 2, resume: true });
  const files = (await readdir(clean)).sort();
  assert.deepEqual((await readdir(cut)).sort(), files);
  for (const f of files) assert.ok((await readFile(join(cut, f))).equals(await readFile(join(clean, f))), f);
});

test('a tokenizer adopted from its shared form (what workers get) encodes and decodes exactly like the original', async () => {
  const json = toHfJson((await trained).trained, PRETOKENIZERS.cl100k) as unknown as Record<string, any>;
  // Exercise every part the shared form carries: NFC, prefix space, ignore_merges, special tokens.
  json.normalizer = { type: 'NFC' };
  json.pre_tokenizer.pretokenizers[1].add_prefix_space = true;
  json.model.ignore_merges = true;
  const original = tokenizerFromHfJson(json);
  const shared = original.toShared();
  assert.ok(shared.model.bytes.buffer instanceof SharedArrayBuffer && shared.model.built.rules.slots.buffer instanceof SharedArrayBuffer);
  assert.ok(shared.model.built.trie.edgeKey.buffer instanceof SharedArrayBuffer && shared.model.built.backtrack?.shorter.buffer instanceof SharedArrayBuffer);
  const adopted = Tokenizer.fromShared(structuredClone(shared));
  assert.equal(adopted.vocabSize, original.vocabSize);
  for (const d of [...DOCS, { id: 'special', text: 'Cafe\u0301 <|endoftext|> x' }]) {
    const ids = original.encode(d.text, { allowedSpecial: 'all' });
    assert.deepEqual(adopted.encode(d.text, { allowedSpecial: 'all' }), ids, d.id);
    assert.equal(adopted.decode(ids), original.decode(ids));
  }
});
