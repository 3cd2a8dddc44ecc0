import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NGramIndex } from '../filters/text/ngrams.js';

// Reference semantics on word tuples (the index compares words, not their concatenation).
const key = (words: readonly string[], i: number, n: number) => words.slice(i, i + n).join('\u0000');

function naiveTop(words: readonly string[], n: number): number {
  const counts = new Map<string, { count: number; start: number }>();
  for (let i = 0; i + n <= words.length; i++) {
    const e = counts.get(key(words, i, n));
    if (e) e.count++;
    else counts.set(key(words, i, n), { count: 1, start: i });
  }
  let best = { count: 0, start: 0 };
  for (const e of counts.values()) if (e.count > best.count) best = e; // Map order = first seen: ties keep the earlier
  if (best.count === 0) return 0;
  return (words.slice(best.start, best.start + n).join(' ').length) * best.count;
}

function naiveDup(words: readonly string[], n: number): number {
  const seen = new Set<string>();
  let chars = 0;
  let i = 0;
  while (i + n <= words.length) {
    const k = key(words, i, n);
    if (seen.has(k)) {
      chars += words.slice(i, i + n).join('').length;
      i += n;
    } else {
      seen.add(k);
      i++;
    }
  }
  return chars;
}

function randomTexts(): string[][] {
  let seed = 11;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const texts: string[][] = [[], ['x'], ['a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a'], ['ab', 'c', 'a', 'bc', 'ab', 'c']];
  for (let t = 0; t < 60; t++) {
    const vocab = ['a', 'bb', 'ccc', 'dd', 'e', 'fff', 'gg', 'héllo', '東京'].slice(0, 2 + (t % 8));
    const words: string[] = [];
    const len = Math.floor(rand() * 400);
    while (words.length < len) {
      // Copy an earlier stretch now and then, so long n-grams repeat (and overlap) too.
      if (words.length > 10 && rand() < 0.2) {
        const from = Math.floor(rand() * (words.length - 5));
        words.push(...words.slice(from, from + 2 + Math.floor(rand() * 25)));
      } else words.push(vocab[Math.floor(rand() * vocab.length)]!);
    }
    texts.push(words);
  }
  return texts;
}

test('n-gram index matches plain tuple counting for n = 1..20, in any query order', () => {
  for (const words of randomTexts()) {
    const index = new NGramIndex(words, 20);
    const ns = Array.from({ length: 20 }, (_, k) => 20 - k); // longest first: levels built at once
    for (const n of ns) {
      assert.equal(index.topNGramChars(n), naiveTop(words, n), `top ${n} of ${words.length} words`);
      assert.equal(index.duplicateNGramChars(n), naiveDup(words, n), `dup ${n} of ${words.length} words`);
    }
  }
});

test('an index still answers after a newer index took the shared scratch space', () => {
  const [a, b] = randomTexts().filter((w) => w.length > 50);
  const ia = new NGramIndex(a!, 10);
  const ib = new NGramIndex(b!, 10);
  for (const n of [2, 5, 3, 8]) {
    assert.equal(ia.topNGramChars(n), naiveTop(a!, n));
    assert.equal(ib.duplicateNGramChars(n), naiveDup(b!, n));
    assert.equal(ia.duplicateNGramChars(n), naiveDup(a!, n));
    assert.equal(ib.topNGramChars(n), naiveTop(b!, n));
  }
});
