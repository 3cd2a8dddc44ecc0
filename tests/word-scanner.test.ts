// The pre-tokenizer scanners against the regexes they replace: the same words, split for split, on the UDHR in
// every language, on this repository's English docs and code, and on random strings of every Unicode category.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PRETOKENIZERS, compilePattern, patternFromSource, type PretokenizerPattern } from '../tokenizer/pretokenize.js';
import { wordScannerFor, regexScanner } from '../tokenizer/wordScanner.js';
import { udhrPlainTexts } from '../datasets/udhrSample.js';
import { EDGE_CASES } from './helpers/udhrText.js';
import { mulberry32 } from '../datasets/seededRandom.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PATTERNS = [PRETOKENIZERS.gpt2, PRETOKENIZERS.cl100k, PRETOKENIZERS.o200k];

function scan(pattern: PretokenizerPattern, text: string): string[] {
  const next = wordScannerFor(pattern);
  const words: string[] = [];
  for (let pos = 0; pos < text.length; ) {
    const end = next(text, pos);
    assert.ok(end > pos, `no progress at ${pos}`);
    words.push(text.slice(pos, end));
    pos = end;
  }
  return words;
}

/** First difference between the scanner's and the regex's words, or '' when they agree. */
function difference(pattern: PretokenizerPattern, text: string): string {
  const got = scan(pattern, text);
  const want = text.match(compilePattern(pattern)) ?? [];
  for (let i = 0; i < Math.max(got.length, want.length); i++) {
    if (got[i] !== want[i]) {
      return `${pattern.name} word ${i} of ${JSON.stringify(text.slice(0, 60))}: ${JSON.stringify(got[i])} vs regex ${JSON.stringify(want[i])}`;
    }
  }
  return '';
}

/**
 * Code points of every general category: all of U+0000-U+33FF (Latin to CJK symbols: marks, titlecase, modifier
 * letters, every kind of space, lone surrogates come later), lone surrogates, private use, variation selectors,
 * U+FEFF, astral letters and digits, emoji, tags, the last code point.
 */
function codePointPool(): number[] {
  const ranges: [number, number][] = [
    [0, 0x33ff], [0x4e00, 0x4e3f], [0xac00, 0xac3f], [0xd7fe, 0xe00f], [0xfe00, 0xfe2f], [0xfeff, 0xff6f],
    [0xfff9, 0xffff], [0x10000, 0x1003f], [0x10a00, 0x10a3f], [0x16fe0, 0x16fe4], [0x1d400, 0x1d4ff],
    [0x1d7ce, 0x1d7ff], [0x1e900, 0x1e95f], [0x1f300, 0x1f3ff], [0x1f900, 0x1f9ff], [0xe0000, 0xe007f], [0x10fffd, 0x10ffff],
  ];
  const out: number[] = [];
  for (const [lo, hi] of ranges) for (let c = lo; c <= hi; c++) out.push(c);
  return out;
}

const STRUCTURE = [' ', '  ', "'", "'s", "'LL", "'ſ", "'Re", '\n', '\r\n', '\t', '/', '1', '12345', 'a', 'A', 'Ab', 'aB', '\u0301',
  '\u00a0', '\u3000', '\u0085', '\ufeff', '\u200b', 'ǅ', 'ʰ', '中', '\ud800', '\udc00', '😀'];

function randomStrings(count: number, seed: number): string[] {
  const pool = codePointPool();
  const r = mulberry32(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = '';
    const len = 1 + Math.floor(r() * 50);
    for (let j = 0; j < len; j++) {
      const cp = pool[Math.floor(r() * pool.length)]!;
      s += r() < 0.5 ? STRUCTURE[Math.floor(r() * STRUCTURE.length)]! : cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
    }
    out.push(s);
  }
  return out;
}

test('the random strings cover every Unicode general category', () => {
  const cats = ['Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'Mn', 'Mc', 'Me', 'Nd', 'Nl', 'No', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po',
    'Sm', 'Sc', 'Sk', 'So', 'Zs', 'Zl', 'Zp', 'Cc', 'Cf', 'Cs', 'Co', 'Cn'];
  const chars = codePointPool().map((c) => (c >= 0xd800 && c <= 0xdfff ? String.fromCharCode(c) : String.fromCodePoint(c)));
  for (const cat of cats) {
    const re = new RegExp(`^\\p{gc=${cat}}$`, 'u');
    assert.ok(chars.some((ch) => re.test(ch)), `no code point of category ${cat}`);
  }
});

for (const pattern of PATTERNS) {
  test(`${pattern.name}: scanner splits exactly as the regex on the UDHR (all languages), docs and code, edge cases`, () => {
    const texts = [...EDGE_CASES, ...udhrPlainTexts().map((d) => d.text)];
    for (const dir of ['docs', 'tokenizer', 'tests']) {
      for (const f of readdirSync(join(ROOT, dir))) if (/\.(md|ts)$/.test(f)) texts.push(readFileSync(join(ROOT, dir, f), 'utf8'));
    }
    for (const t of texts) assert.equal(difference(pattern, t), '');
  });

  test(`${pattern.name}: scanner splits exactly as the regex on 20000 random strings of every category`, () => {
    for (const s of randomStrings(20_000, PATTERNS.indexOf(pattern) + 1)) assert.equal(difference(pattern, s), '');
  });
}

test('an unknown pattern runs as a regex; text it does not match stays a word of its own', () => {
  const custom = patternFromSource('\\p{L}+|\\p{N}');
  assert.equal(custom.name, 'custom');
  const next = regexScanner(custom);
  const text = 'ab, 12cd!';
  const words: string[] = [];
  for (let pos = 0; pos < text.length; pos = next(text, pos)) words.push(text.slice(pos, next(text, pos)));
  assert.deepEqual(words, ['ab', ', ', '1', '2', 'cd', '!']);
  // A known pattern given by its published source gets the scanner, not the regex.
  assert.equal(wordScannerFor(patternFromSource(PRETOKENIZERS.o200k.source)), wordScannerFor(PRETOKENIZERS.o200k));
});
