// The BPE trainer against the Rust reference (npm `tokenizers`): the same merges, in workers or inline, with caps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer as RustTokenizer, BPE, byteLevelPreTokenizer } from 'tokenizers';
import { trainBpe } from '../tokenizer/bpeTrainer.js';
import { trainFromTexts } from '../tokenizer/trainPipeline.js';
import { toHfJson, tokenizerFromHfJson, tokenizerFromTrained } from '../tokenizer/hfJson.js';
import { PRETOKENIZERS, pretokenize } from '../tokenizer/pretokenize.js';
import { bytesToByteLevel } from '../tokenizer/byteLevel.js';
import { udhrPlainTexts } from '../datasets/udhrSample.js';

const DECLS = udhrPlainTexts();

test('small example: merges and ids as HF BpeTrainer documents them (min_frequency 2)', () => {
  const counts: [string, number][] = [
    ['roses', 1], ['are', 2], ['red', 1], ['voilets', 1], ['blue', 1], ['BERT', 1], ['is', 2], ['big', 1],
    ['and', 1], ['so', 1], ['GPT-2', 1],
  ];
  const t = trainBpe(counts, { vocabSize: 30000, minFrequency: 2, alphabet: 'seen' });
  const names = t.tokenBytes.map((b) => bytesToByteLevel(b!));
  assert.deepEqual(names.slice(0, 22).join(''), '-2BEGPRTabdegilnorstuv');
  assert.deepEqual(names.slice(22), ['re', 'are', 'is']);
  assert.deepEqual(t.merges, [[17, 11, 22], [8, 22, 23], [13, 18, 24]]);
});

test('merges identical to the Rust trainer (npm tokenizers, default settings) on UDHR text', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cf-tok-'));
  try {
    const text = DECLS.slice(0, 40).map((d) => d.text).join('\n') + '\n';
    const file = join(dir, 'corpus.txt');
    await writeFile(file, text);
    const rust = new RustTokenizer(BPE.empty());
    rust.setPreTokenizer(byteLevelPreTokenizer(false, true));
    rust.train([file]); // BpeTrainer defaults: vocab 30000, min_frequency 0, alphabet = bytes seen
    rust.save(join(dir, 'rust.json'));
    const rustJson = JSON.parse(await readFile(join(dir, 'rust.json'), 'utf8')) as {
      model: { vocab: Record<string, number>; merges: (string | string[])[] };
    };
    // Matching mode: the Rust file trainer pre-tokenizes line by line and keeps only bytes it has seen.
    const report = await trainFromTexts([text], { pattern: PRETOKENIZERS.gpt2, vocabSize: 30000, alphabet: 'seen', splitLines: true });
    const ours = toHfJson(report.trained, PRETOKENIZERS.gpt2);
    const rustMerges = rustJson.model.merges.map((m) => (Array.isArray(m) ? m.join(' ') : m));
    assert.ok(rustMerges.length > 10000);
    assert.deepEqual(ours.model.merges, rustMerges);
    assert.deepEqual(ours.model.vocab, rustJson.model.vocab);
    // And the Rust-written file imports: same ids as Rust encodes.
    const imported = tokenizerFromHfJson(rustJson);
    for (const d of DECLS.slice(0, 40)) {
      const line = d.text.split('\n')[3] ?? d.text;
      const r = await rust.encode(line, null, { addSpecialTokens: false });
      assert.deepEqual(imported.encode(line), r.getIds());
    }
    // Text with bytes the Rust trainer never saw (so the vocabulary has no token for them): Rust drops each
    // such byte and merges across the gap; ours must give the same ids, not throw (a fuzzing finding).
    for (const line of ['日本語のテキスト and 🙂 emoji', 'ab\u0001cd\u00ffef \t\u0002', 'Ωmega ÷ ∑ €100']) {
      const r = await rust.encode(line, null, { addSpecialTokens: false });
      assert.deepEqual(imported.encode(line), r.getIds(), line);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('word counting in worker threads gives the same merges as inline', async () => {
  const texts = DECLS.slice(0, 30).map((d) => d.text);
  const opts = { pattern: PRETOKENIZERS.gpt2, vocabSize: 1200 };
  const inline = await trainFromTexts(texts, opts);
  const pooled = await trainFromTexts(texts, { ...opts, workers: 2, batchChars: 20_000 });
  assert.equal(pooled.documents, 30);
  assert.deepEqual(pooled.trained.merges, inline.trained.merges);
});

test('distinct-word cap prunes rare words and reports it', async () => {
  const texts = DECLS.slice(0, 20).map((d) => d.text);
  const distinct = new Set(texts.flatMap((t) => pretokenize(t, PRETOKENIZERS.gpt2))).size;
  const capped = await trainFromTexts(texts, { pattern: PRETOKENIZERS.gpt2, vocabSize: 600, maxWords: 1000 });
  assert.ok(distinct > 1000);
  assert.ok(capped.distinctWords <= 1000);
  assert.ok(capped.pruned.words >= distinct - 1000);
  assert.ok(capped.pruned.maxPrunedCount >= 1);
  const full = await trainFromTexts(texts, { pattern: PRETOKENIZERS.gpt2, vocabSize: 600 });
  assert.equal(full.pruned.words, 0);
  assert.equal(full.distinctWords, distinct);
});

test('all-bytes alphabet: any text encodes, even bytes never seen in training', async () => {
  const report = await trainFromTexts(['just some plain ascii text, nothing else'], { pattern: PRETOKENIZERS.gpt2, vocabSize: 300 });
  const tok = tokenizerFromTrained(report.trained, PRETOKENIZERS.gpt2);
  const s = '日本語 👨‍👩‍👧 \u0000';
  assert.equal(tok.decode(tok.encode(s)), s);
});
