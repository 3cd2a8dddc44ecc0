// The backtracking encoder and the origin-rules model against plain merging: the same ids on every word of the
// UDHR in all languages and on random byte strings (invalid UTF-8 included), for tiktoken's vocabularies and a
// trained one; a model the backtracking cannot take keeps merging, still exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get_encoding } from 'tiktoken';
import gpt2 from 'js-tiktoken/ranks/gpt2';
import cl100k from 'js-tiktoken/ranks/cl100k_base';
import o200k from 'js-tiktoken/ranks/o200k_base';
import { tokenizerFromTiktokenData, type TiktokenBpeData } from '../tokenizer/tiktokenRanks.js';
import { BpeModel } from '../tokenizer/bpeModel.js';
import { trainFromTexts } from '../tokenizer/trainPipeline.js';
import { tokenizerFromTrained } from '../tokenizer/hfJson.js';
import { PRETOKENIZERS, pretokenize } from '../tokenizer/pretokenize.js';
import { udhrPlainTexts } from '../datasets/udhrSample.js';
import { mulberry32 } from '../datasets/seededRandom.js';

const UDHR = udhrPlainTexts();

/** Distinct words of the UDHR (every language) as UTF-8, and random byte strings up to 300 bytes. */
function words(pattern = PRETOKENIZERS.cl100k): Uint8Array[] {
  const distinct = new Set<string>();
  for (const d of UDHR) for (const w of pretokenize(d.text, pattern)) distinct.add(w);
  const out = [...distinct].map((w) => new Uint8Array(Buffer.from(w)));
  const r = mulberry32(99);
  for (let i = 0; i < 3000; i++) {
    const bytes = new Uint8Array(1 + Math.floor(r() ** 3 * 300));
    // Mostly UTF-8 lead/continuation bytes and ASCII letters, so long tokens occur; some fully random.
    for (let j = 0; j < bytes.length; j++) bytes[j] = r() < 0.3 ? Math.floor(r() * 256) : [0xe4, 0xb8, 0x80, 0xc3, 0xa9, 0x61, 0x6e, 0x20][Math.floor(r() * 8)]!;
    out.push(bytes);
  }
  return out;
}

function assertSameIds(model: BpeModel, list: Uint8Array[], label: string): void {
  assert.ok(model.backtracking, `${label}: backtracking encoder in use`);
  let checked = 0;
  for (const w of list) {
    assert.deepEqual(model.encodeWordBy('backtrack', w), model.encodeWordBy('merge', w), `${label}: ${Buffer.from(w).toString('hex').slice(0, 80)}`);
    checked++;
  }
  assert.ok(checked > 20_000);
}

for (const [name, data] of [['gpt2', gpt2], ['cl100k_base', cl100k], ['o200k_base', o200k]] as [string, TiktokenBpeData][]) {
  test(`${name}: backtracking gives the merge loop's ids on every UDHR word and on random bytes`, () => {
    assertSameIds(tokenizerFromTiktokenData(data).model, words(), name);
  });
}

test('a trained vocabulary: backtracking gives the merge loop\'s ids', async () => {
  const report = await trainFromTexts(UDHR.filter((_, i) => i % 4 === 0).map((d) => d.text), { pattern: PRETOKENIZERS.gpt2, vocabSize: 4000 });
  assertSameIds(tokenizerFromTrained(report.trained, PRETOKENIZERS.gpt2).model, words(PRETOKENIZERS.gpt2), 'trained');
});

test('a token made before its part (rule ranked below the part\'s): the model keeps merging, exactly', () => {
  const b = (s: string): Uint8Array => new Uint8Array(Buffer.from(s));
  // ids: a b c ab abc; rank 0 makes abc from (ab, c), rank 1 makes ab: abc exists only once ab does.
  const model = new BpeModel([b('a'), b('b'), b('c'), b('ab'), b('abc')], [[3, 2, 4], [0, 1, 3]], false);
  assert.equal(model.backtracking, false);
  const ids = (s: string): number[] => {
    const out: number[] = [];
    model.encodeWord(b(s), out);
    return out;
  };
  assert.deepEqual(ids('abc'), [4]);
  assert.deepEqual(ids('abcab'), [4, 3]);
  assert.deepEqual(ids('cab'), [2, 3]);
  assert.deepEqual(ids('ab'.repeat(40) + 'c'), [...Array(39).fill(3), 4]);
});

test('lone surrogates encode as U+FFFD, as in tiktoken', () => {
  const ref = get_encoding('cl100k_base');
  try {
    const ours = tokenizerFromTiktokenData(cl100k);
    for (const s of ['a\ud800b', '\udc00', 'x \ud83d', '\ud83d\ude00\ude00 \ud800\ud800 end', 'abc\udfff'.repeat(50)]) {
      assert.deepEqual(ours.encodeOrdinary(s), Array.from(ref.encode_ordinary(s)), JSON.stringify(s));
    }
  } finally {
    ref.free();
  }
});
