// One writer per output for tokenize and train (issue 19): while another process holds a folder's lock, a second
// run on it is refused before it writes anything; each rank of a split run holds its own lock; a finished run
// leaves no lock behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { lockOutput } from '../core/outputLock.js';
import { tokenizeInputs } from '../tokenizer/tokenizeCorpus.js';
import { trainFromTexts } from '../tokenizer/trainPipeline.js';
import { toHfJson } from '../tokenizer/hfJson.js';
import { PRETOKENIZERS } from '../tokenizer/pretokenize.js';
import { saveTokenizerFile } from '../tokenizer/tokenizerFile.js';
import { train } from '../trainer/train.js';
import { udhrPlainTexts } from '../datasets/udhrSample.js';
import { tempDir } from './helpers/tmp.js';
import { withTokenDir } from './helpers/tokenDir.js';

// Stale after an hour: a loaded CI machine must never see the test's own lock as abandoned.
const STALE = 3_600_000;

async function tokenizeFixture() {
  const dir = await tempDir('cf-tokenize-lock-');
  const docs = udhrPlainTexts().slice(0, 12).map((d) => ({ id: `udhr-${d.code}`, text: d.text }));
  const report = await trainFromTexts(docs.map((d) => d.text), { pattern: PRETOKENIZERS.cl100k, vocabSize: 300, specialTokens: ['<|endoftext|>'] });
  const tokenizerPath = path.join(dir, 'tokenizer.json');
  await saveTokenizerFile(tokenizerPath, toHfJson(report.trained, PRETOKENIZERS.cl100k));
  const input = path.join(dir, 'docs.jsonl');
  await writeFile(input, docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  return { dir, tokenizerPath, input };
}

test('tokenize: a second writer on a folder is refused while the first holds it; ranks lock apart', async () => {
  const { dir, tokenizerPath, input } = await tokenizeFixture();
  const out = path.join(dir, 'tokens');
  const held = await lockOutput(out, { name: 'tokens', command: 'corpusforge tokenize', staleMs: STALE });
  await assert.rejects(
    tokenizeInputs([input], {}, { tokenizerPath, outDir: out, resume: true }),
    (e: unknown) => e instanceof Error && /in use by .*corpusforge tokenize/.test(e.message),
  );
  assert.deepEqual((await readdir(out)).filter((f) => !f.startsWith('.corpusforge-lock')), [], 'the refused run wrote nothing');

  // Rank 1 of a split run owns other files, so another rank's lock does not stop it.
  const heldRank0 = await lockOutput(out, { name: 'tokens-r0', staleMs: STALE });
  const second = path.join(dir, 'docs-b.jsonl');
  await writeFile(second, '{"id":"b","text":"rank one takes the second file"}\n');
  const r1 = await tokenizeInputs([input, second], {}, { tokenizerPath, outDir: out, rank: 1, worldSize: 2 });
  assert.equal(r1.documents, 1);
  await heldRank0.release();
  await held.release();

  const m = await tokenizeInputs([input, second], {}, { tokenizerPath, outDir: out, rank: 0, worldSize: 2 });
  assert.equal(m.documents, 12);
  assert.deepEqual((await readdir(out)).filter((f) => f.startsWith('.corpusforge-lock')), [], 'no lock left after the runs');
});

test('train: a second trainer on a model folder is refused while the first holds it', async () => {
  await withTokenDir({ vocabSize: 32, documents: 20, docLength: 60, seed: 5, regularity: 0.95 }, async (f) => {
    const out = path.join(f.dir, 'model');
    const opts = {
      dataDir: f.data, outDir: out, steps: 2, batchSize: 4, gradAccum: 1, context: 16, layers: 1, heads: 2, dim: 16,
      lr: 1e-2, warmup: 1, evalEvery: 0, seed: 1, resume: true, valFraction: 0.1, backend: 'cpu' as const,
    };
    const held = await lockOutput(out, { name: 'train', command: 'corpusforge train', staleMs: STALE });
    await assert.rejects(train(opts), (e: unknown) => e instanceof Error && /in use by .*corpusforge train/.test(e.message));
    assert.deepEqual((await readdir(out)).filter((n) => !n.startsWith('.corpusforge-lock')), [], 'the refused trainer wrote nothing');
    await held.release();
    const r = await train(opts);
    assert.equal(r.steps, 2);
    assert.deepEqual((await readdir(out)).filter((n) => n.startsWith('.corpusforge-lock')), [], 'no lock left after training');
  });
});
