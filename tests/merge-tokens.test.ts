// `corpusforge merge-tokens`: per-rank outputs of a split tokenize run, merged, equal the single-process output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { access, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { duckQuery, lit } from './helpers/duckdb.js';
import { tempDir } from './helpers/tmp.js';
import { trainFromTexts } from '../tokenizer/trainPipeline.js';
import { toHfJson, tokenizerFromTrained } from '../tokenizer/hfJson.js';
import { PRETOKENIZERS } from '../tokenizer/pretokenize.js';
import { saveTokenizerFile } from '../tokenizer/tokenizerFile.js';
import { tokenizeInputs } from '../tokenizer/tokenizeCorpus.js';
import { udhrPlainTexts } from '../datasets/udhrSample.js';
import { parseIdx } from './helpers/megatronIdx.js';

const DOCS = udhrPlainTexts().slice(0, 24).map((d) => ({ id: `udhr-${d.code}`, text: d.text.slice(0, 3000) }));
const trained = (vocabSize: number) =>
  trainFromTexts(DOCS.map((d) => d.text), { pattern: PRETOKENIZERS.gpt2, vocabSize, specialTokens: ['<|endoftext|>'] });
const tok600 = trained(600);

/** Three input files (one per rank), tokenized as a 3-rank split run and as one process. */
async function setup() {
  const dir = await tempDir('cf-tokmerge-');
  const report = await tok600;
  const tokPath = join(dir, 'tokenizer.json');
  await saveTokenizerFile(tokPath, toHfJson(report.trained, PRETOKENIZERS.gpt2));
  const parts = [DOCS.slice(0, 9), [...DOCS.slice(9, 13), { id: 'empty', text: '' }], DOCS.slice(13)];
  for (let i = 0; i < parts.length; i++) {
    await writeFile(join(dir, `in-${i}.jsonl`), parts[i]!.map((d) => JSON.stringify(d)).join('\n') + '\n');
  }
  const input = [join(dir, 'in-*.jsonl')];
  const split = join(dir, 'split');
  for (const rank of [0, 1, 2]) {
    await tokenizeInputs(input, {}, { tokenizerPath: tokPath, outDir: split, workers: 0, rank, worldSize: 3, shardDocs: 4 });
  }
  const single = join(dir, 'single');
  await tokenizeInputs(input, {}, { tokenizerPath: tokPath, outDir: single, workers: 0, shardDocs: 4 });
  return { dir, tokPath, split, single, docs: parts.flat(), tok: tokenizerFromTrained(report.trained, PRETOKENIZERS.gpt2) };
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

test('merge-tokens: ranks 0..2 merged equal the single-process bin/idx byte for byte; Parquet renumbered in order', async () => {
  const { dir, split, single, docs, tok } = await setup();
  const merged = join(dir, 'merged');
  const r = await runCli(['merge-tokens', '-i', split, '-o', merged]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /merge-tokens: 25 documents, \d+ tokens \(uint16\), 8 Parquet shards/); // 9 + 5 + 11 docs, 4 per shard

  for (const f of ['tokens.bin', 'tokens.idx']) {
    assert.ok((await readFile(join(merged, f))).equals(await readFile(join(single, f))), `${f} equals the single run's`);
  }
  // The index, read by the independent parser, points at every document's tokens + EOT in tokens.bin.
  const bin = await readFile(join(merged, 'tokens.bin'));
  const idx = parseIdx(await readFile(join(merged, 'tokens.idx')));
  assert.equal(idx.dtypeCode, 8);
  assert.deepEqual(idx.docIndices, [...Array(docs.length + 1).keys()]);
  for (let d = 0; d < docs.length; d++) {
    const seq: number[] = [];
    for (let i = 0; i < idx.lengths[d]!; i++) seq.push(bin.readUInt16LE(idx.pointers[d]! + 2 * i));
    assert.deepEqual(seq, [...tok.encode(docs[d]!.text), 0], docs[d]!.id);
  }

  // Manifest: the single run's totals; every listed file exists with its size and sha256; nothing else there.
  const m = JSON.parse(await readFile(join(merged, 'manifest.json'), 'utf8'));
  const s = JSON.parse(await readFile(join(single, 'manifest.json'), 'utf8'));
  for (const k of ['version', 'kind', 'vocab_size', 'eot_id', 'dtype', 'total_tokens', 'documents', 'tokenizer_sha256']) assert.equal(m[k], s[k], k);
  assert.equal(m.rank, undefined);
  const names = m.files.map((f: { file: string }) => f.file);
  assert.deepEqual(names, [...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `tokens-0000${i}.parquet`), 'tokens.bin', 'tokens.idx']);
  assert.deepEqual((await readdir(merged)).sort(), [...names, 'manifest.json'].sort());
  for (const f of m.files) {
    const bytes = await readFile(join(merged, f.file));
    assert.equal(bytes.length, f.bytes, f.file);
    assert.equal(sha(bytes), f.sha256, f.file);
  }
  assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith('.')), [], 'no staging folder left');

  // Parquet: rank 0's shards, then rank 1's, then rank 2's: the documents in input order.
  const rows = await duckQuery(
    `SELECT id, input_ids FROM read_parquet(${lit(join(merged, 'tokens-*.parquet'))}, filename = true, file_row_number = true)
     ORDER BY filename, file_row_number`,
  );
  assert.deepEqual(rows.map((x) => x.id), docs.map((d) => d.id));
  rows.forEach((row, i) => assert.deepEqual(row.input_ids, tok.encode(docs[i]!.text)));
});

test('merge-tokens refuses missing ranks, other tokenizers, damaged files and a non-empty output, leaving no output', async () => {
  const { dir, tokPath, split, single } = await setup();
  const fails = async (args: string[], pattern: RegExp): Promise<void> => {
    const r = await runCli(['merge-tokens', ...args]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, pattern);
  };
  const out = join(dir, 'out');

  // Another tokenizer (other vocabulary): its tokens mean something else.
  const other = join(dir, 'tok500.json');
  await saveTokenizerFile(other, toHfJson((await trained(500)).trained, PRETOKENIZERS.gpt2));
  const otherRun = join(dir, 'other');
  await tokenizeInputs([join(dir, 'in-0.jsonl')], {}, { tokenizerPath: other, outDir: otherRun, workers: 0 });
  await fails(['-i', single, '-i', otherRun, '-o', out], /^error: merge-tokens: .*manifest\.json: vocab_size 500 differs from .*'s 600/);
  // The same vocabulary size from a different tokenizer file is refused too (tokenizer_sha256).
  const json = JSON.parse(await readFile(tokPath, 'utf8'));
  json.added_tokens[0].lstrip = true;
  await writeFile(join(dir, 'tok-b.json'), JSON.stringify(json));
  const bRun = join(dir, 'b');
  await tokenizeInputs([join(dir, 'in-0.jsonl')], {}, { tokenizerPath: join(dir, 'tok-b.json'), outDir: bRun, workers: 0 });
  await fails(['-i', single, '-i', bRun, '-o', out], /tokenizer_sha256 .* differs/);

  // A damaged input file no longer matches its manifest.
  const binPath = join(split, 'tokens-r1.bin');
  const good = await readFile(binPath);
  const bad = Buffer.from(good);
  bad[3] = bad[3]! ^ 1;
  await writeFile(binPath, bad);
  await fails(['-i', split, '-o', out], /tokens-r1\.bin does not match the size\/sha256 in its manifest/);
  await writeFile(binPath, good);

  // A missing or unfinished rank.
  await rm(join(split, 'manifest-r2.json'));
  await fails(['-i', split, '-o', out], /rank 2 of 3 is missing/);
  await writeFile(join(split, 'tokens-r2.journal.jsonl'), '{}\n');
  await fails(['-i', split, '-o', out], /rank 2 of 3 is unfinished/);
  await assert.rejects(access(out), 'no output after a refused merge');

  // A non-empty output folder is never overwritten.
  await fails(['-i', single, '-o', split], /is not empty/);
  await fails(['-i', join(dir, 'nope'), '-o', out], /nope: no such folder/);
});
