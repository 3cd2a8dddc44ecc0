// End to end through the CLI: tokenizer train -> tokenize -> train -> sample / eval, and one-line errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Document } from '../core/document.js';
import { toHfJson } from '../tokenizer/hfJson.js';
import { pretokenizerByName } from '../tokenizer/pretokenize.js';
import { tokenizeDocuments } from '../tokenizer/tokenizeCorpus.js';
import { saveTokenizerFile } from '../tokenizer/tokenizerFile.js';
import { trainFromTexts } from '../tokenizer/trainPipeline.js';

const root = new URL('..', import.meta.url).pathname;
const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'bin/corpusforge.js'), ...args], { cwd: root, encoding: 'utf8' });

const WORDS = ['the', 'river', 'rose', 'slowly', 'through', 'night', 'and', 'fields', 'near', 'mill', 'were', 'under', 'water', 'farmers', 'moved', 'animals'];

function corpus(): string[] {
  let s = 7;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  return Array.from({ length: 120 }, (_, d) =>
    Array.from({ length: 30 }, (_, i) => WORDS[(d + i * 3 + (rand() < 0.2 ? 1 : 0)) % WORDS.length]).join(' ') + '.');
}

/** The tokenizer and token folder come from the tokenizer area's library (in-process, to keep the test fast). */
async function tokenized(dir: string): Promise<{ tok: string; tokens: string }> {
  const texts = corpus();
  const pattern = pretokenizerByName('gpt2')!;
  const report = await trainFromTexts(texts, { pattern, vocabSize: 300, specialTokens: ['<|endoftext|>'], workers: 0 });
  const tok = path.join(dir, 'tokenizer.json');
  await saveTokenizerFile(tok, toHfJson(report.trained, pattern));
  async function* docs(): AsyncGenerator<Document> {
    for (const [i, text] of texts.entries()) yield { id: `d${i}`, text, source: 'test', metadata: {} };
  }
  const tokens = path.join(dir, 'tokens');
  await tokenizeDocuments(docs(), { tokenizerPath: tok, outDir: tokens, workers: 0 });
  return { tok, tokens };
}

test('train, sample and eval run on the output of tokenize', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cf-trainer-cli-'));
  try {
    const { tok, tokens } = await tokenized(dir);
    const out = path.join(dir, 'run');
    let r = cli('train', '--data', tokens, '--tokenizer', tok, '--out', out, '--steps', '6', '--batch-size', '4',
      '--context', '16', '--layers', '1', '--heads', '2', '--dim', '16', '--eval-every', '3', '--lr', '0.01', '--threads', '1');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /backend wasm: WebAssembly SIMD/);
    assert.match(r.stdout, /step 3 loss [\d.]+ val_loss [\d.]+/);
    assert.match(r.stdout, /trained to step 6: loss [\d.]+, val loss [\d.]+; checkpoint in/);
    assert.equal(readFileSync(path.join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').length, 6);
    r = cli('sample', '--checkpoint', out, '--prompt', 'the river', '--tokens', '5', '--seed', '3');
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.startsWith('the river'), r.stdout);
    assert.ok(r.stdout.trim().length > 'the river'.length, 'sample generated nothing');
    r = cli('eval', '--checkpoint', out, '--data', tokens, '--json');
    assert.equal(r.status, 0, r.stderr);
    const ev = JSON.parse(r.stdout) as { loss: number; perplexity: number; tokens: number };
    assert.ok(ev.tokens > 0 && ev.loss > 0 && Math.abs(ev.perplexity - Math.exp(ev.loss)) < 1e-6 * ev.perplexity);
    assert.ok(ev.loss < Math.log(300), `held-out loss ${ev.loss} is no better than uniform`);
    // The Parquet input_ids shards that tokenize wrote hold the same stream: the same held-out loss.
    r = cli('eval', '--checkpoint', out, '--data', tokens, '--data-format', 'parquet', '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), ev);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad input gives one error line and exit code 2', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cf-trainer-cli-'));
  try {
    const r = cli('train', '--data', path.join(dir, 'missing'), '--out', path.join(dir, 'o'), '--backend', 'tensorflow');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^(note: .*\n)*error: backend 'tensorflow' cannot run here: @tensorflow\/tfjs-node is not installed; .*npm install @tensorflow\/tfjs-node@4\.22\.0/);
    assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('error:')).length, 1);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    const f = cli('train', '--data', dir, '--out', path.join(dir, 'o'), '--data-format', 'csv');
    assert.equal(f.status, 2);
    assert.equal(f.stderr.trim(), "error: --data-format must be one of auto, bin, parquet, got 'csv'");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
