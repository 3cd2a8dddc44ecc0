// Our encoder against the reference `tiktoken` (Rust/WASM) on the same ranks: ids must be identical.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { get_encoding, type TiktokenEncoding } from 'tiktoken';
import gpt2 from 'js-tiktoken/ranks/gpt2';
import cl100k from 'js-tiktoken/ranks/cl100k_base';
import o200k from 'js-tiktoken/ranks/o200k_base';
import { tokenizerFromTiktokenData, type TiktokenBpeData } from '../tokenizer/tiktokenRanks.js';
import { EDGE_CASES } from './helpers/udhrText.js';
import { udhrPlainTexts } from '../datasets/udhrSample.js';
import { mulberry32 } from '../datasets/seededRandom.js';

// Code point pools that stress the split rules: ASCII, spaces of every kind, marks, digits, scripts, emoji.
const POOLS: readonly (readonly [number, number])[] = [
  [0x20, 0x7e], [0x09, 0x0d], [0x80, 0x24f], [0x300, 0x36f], [0x370, 0x3ff], [0x400, 0x4ff], [0x590, 0x6ff],
  [0x900, 0x97f], [0xe00, 0xe7f], [0x1680, 0x1680], [0x2000, 0x206f], [0x3000, 0x30ff], [0x4e00, 0x4e80],
  [0xac00, 0xac80], [0xfe00, 0xfe0f], [0xfeff, 0xfeff], [0xff00, 0xffef], [0x1f300, 0x1f6ff], [0x1f900, 0x1f9ff],
  [0x1d400, 0x1d7ff], [0x10000, 0x1007f], [0xe0000, 0xe007f],
];

function randomStrings(count: number, seed: number): string[] {
  const r = mulberry32(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const len = 1 + Math.floor(r() * 40);
    let s = '';
    for (let j = 0; j < len; j++) {
      const [lo, hi] = POOLS[Math.floor(r() * POOLS.length)]!;
      s += String.fromCodePoint(lo + Math.floor(r() * (hi - lo + 1)));
      if (r() < 0.15) s += ["'s", "'LL", ' ', '\n', '  ', '\u200d', '123'][Math.floor(r() * 7)]!;
    }
    out.push(s);
  }
  return out;
}

/** Thousands of strings: lines from every UDHR translation, the edge cases and random mixes. */
function cases(): string[] {
  const out: string[] = [...EDGE_CASES];
  for (const d of udhrPlainTexts()) {
    const lines = d.text.split('\n');
    out.push(lines.slice(0, 8).join('\n') + '\n');
    for (const line of lines.slice(8, 14)) out.push(line);
  }
  out.push(...randomStrings(1500, 42));
  return out;
}

const ENCODINGS: readonly [TiktokenEncoding, TiktokenBpeData][] = [
  ['gpt2', gpt2],
  ['cl100k_base', cl100k],
  ['o200k_base', o200k],
];

const CASES = cases();

for (const [name, data] of ENCODINGS) {
  test(`${name}: ids identical to tiktoken on ${CASES.length} strings, and decode round-trips`, () => {
    assert.ok(CASES.length > 5000);
    const ours = tokenizerFromTiktokenData(data);
    const ref = get_encoding(name);
    try {
      let mismatches = 0;
      let first = '';
      for (const s of CASES) {
        const got = ours.encodeOrdinary(s);
        const want = Array.from(ref.encode_ordinary(s));
        if (got.length !== want.length || got.some((v, i) => v !== want[i])) {
          if (mismatches++ === 0) first = `${JSON.stringify(s.slice(0, 80))}: ${got.slice(0, 12)} vs ${want.slice(0, 12)}`;
        }
        assert.equal(ours.decode(got), s);
      }
      assert.equal(mismatches, 0, `first mismatch ${first}`);
    } finally {
      ref.free();
    }
  });
}

test('special tokens are plain text unless asked for, then match tiktoken', () => {
  const ours = tokenizerFromTiktokenData(cl100k);
  const ref = get_encoding('cl100k_base');
  try {
    const text = 'a<|endoftext|>b <|fim_prefix|><|endofprompt|>';
    assert.deepEqual(ours.encode(text), Array.from(ref.encode_ordinary(text)));
    assert.deepEqual(ours.encode(text, { allowedSpecial: 'all' }), Array.from(ref.encode(text, 'all')));
    const onlyEot = ours.encode(text, { allowedSpecial: ['<|endoftext|>'] });
    assert.deepEqual(onlyEot, Array.from(ref.encode(text, ['<|endoftext|>'], [])));
    assert.ok(onlyEot.includes(100257) && !onlyEot.includes(100258));
    assert.equal(ours.decode(ours.encode(text, { allowedSpecial: 'all' })), text);
  } finally {
    ref.free();
  }
});

test('decode round-trips random valid Unicode exactly', () => {
  const ours = tokenizerFromTiktokenData(gpt2);
  const r = mulberry32(7);
  for (let i = 0; i < 500; i++) {
    let s = '';
    const len = Math.floor(r() * 60);
    for (let j = 0; j < len; j++) {
      let cp = Math.floor(r() * 0x110000);
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0x20; // lone surrogates are not valid Unicode text
      s += String.fromCodePoint(cp);
    }
    assert.equal(ours.decode(ours.encode(s)), s);
  }
});
