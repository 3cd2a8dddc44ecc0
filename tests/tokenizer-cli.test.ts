// The `corpusforge tokenizer` command as a user runs it: train from JSONL + text, encode, decode, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';
import { loadTokenizerFile } from '../tokenizer/tokenizerFile.js';
import { udhrPlainTexts } from '../datasets/udhrSample.js';

test('tokenizer train -> tokenizer.json; encode and decode round-trip; the word cap is reported', async () => {
  const dir = await tempDir('cf-tokcli-');
  const decls = udhrPlainTexts().slice(0, 20);
  await writeFile(join(dir, 'a.jsonl'), decls.slice(0, 15).map((d) => JSON.stringify({ id: d.code, text: d.text })).join('\n') + '\n');
  await writeFile(join(dir, 'b.txt'), decls[15]!.text);
  const out = join(dir, 'tok.json');
  const r = await runCli([
    'tokenizer', 'train', '-i', dir, '--vocab-size', '700', '--out', out, '--pretokenizer', 'gpt4',
    '--special-tokens', '<|endoftext|>,<|pad|>', '--max-words', '2000', '-w', '0',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /trained cl100k BPE: vocab 700 .* from 16 documents/);
  assert.match(r.stderr, /^note: the distinct-word cap \(--max-words\) pruned \d+ rare words/m);
  const { tokenizer } = await loadTokenizerFile(out);
  assert.equal(tokenizer.vocabSize, 700);
  assert.deepEqual([tokenizer.specialId('<|endoftext|>'), tokenizer.specialId('<|pad|>')], [0, 1]);
  const json = JSON.parse(await readFile(out, 'utf8'));
  assert.equal(json.pre_tokenizer.type, 'Sequence');

  const text = 'Everyone has the right to life, liberty 👍 <|pad|>';
  const enc = await runCli(['tokenizer', 'encode', '-t', out, text]);
  assert.equal(enc.code, 0, enc.stderr);
  const ids = enc.stdout.trim().split(' ').map(Number);
  assert.deepEqual(ids, tokenizer.encode(text));
  assert.ok(!ids.includes(1), 'special tokens are plain text unless --special');
  const dec = await runCli(['tokenizer', 'decode', '-t', out, ids.join(',')]);
  assert.equal(dec.stdout, text + '\n');
});

test('tokenizer: bad flags and files give one error line and exit 2', async () => {
  const dir = await tempDir('cf-tokcli-');
  await writeFile(join(dir, 'bad.json'), '{"model": {"type": "WordPiece"}}');
  const cases: [string[], RegExp][] = [
    [['tokenizer', 'train', '-i', dir, '--out', join(dir, 'x.json')], /--vocab-size is required/],
    [['tokenizer', 'encode', '-t', join(dir, 'bad.json'), 'hi'], /bad\.json: model type WordPiece is not BPE/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, message);
  }
});
