import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MinHasher, simplifyText, DEFAULT_MINHASH_CONFIG } from '../filters/dedup/minhash/signature.js';
import { fmix32, mixWord, seededWords } from '../filters/dedup/hash.js';
import { segmentWordLike } from '../filters/text/segmenter.js';
import { hasUnspacedScript } from '../filters/text/words.js';

/** The signature written plainly: words of simplifyText, shingle by shingle, 112 permutations each. */
function referenceSignature(text: string): Uint32Array | undefined {
  const { nGrams: n, buckets, hashesPerBucket, seed } = DEFAULT_MINHASH_CONFIG;
  const simplified = simplifyText(text);
  const words = hasUnspacedScript(text) ? segmentWordLike(simplified) : simplified === '' ? [] : simplified.split(' ');
  const wordHashes = words.map((w) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 0x01000193);
    return fmix32(h);
  });
  if (wordHashes.length < n) return undefined;
  const H = buckets * hashesPerBucket;
  const xs = seededWords(seed, H);
  const ms = seededWords(seed ^ 0x5bd1e995, H).map((m) => m | 1);
  const mins = new Uint32Array(H).fill(0xffffffff);
  for (let s = 0; s + n <= wordHashes.length; s++) {
    let h = 0x2545f491;
    for (let j = 0; j < n; j++) h = mixWord(h, wordHashes[s + j]!);
    const x = fmix32(h ^ n);
    for (let k = 0; k < H; k++) {
      let v = Math.imul(x ^ xs[k]!, ms[k]!);
      v ^= v >>> 15;
      v = Math.imul(v, 0x2c1b3c6d);
      v = (v ^ (v >>> 13)) >>> 0;
      if (v < mins[k]!) mins[k] = v;
    }
  }
  return mins;
}

test('minhash signatures equal the plain shingle-by-shingle computation', () => {
  let seed = 3;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const pieces = ['The', 'right', 'to', 'ÉCOLE', 'naïve', '3.14', '1,000', 'x²', '😀', '—', 'ﬃ', '한국어', 'Straße', 'İstanbul', '½', '\u00a0', '\n', '...'];
  const texts = [
    '', 'one two three four', 'one two three four five', '人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。',
    'ทุกคนเกิดมามีอิสระและเสมอภาคกันในเกียรติศักดิ์และสิทธิ', 'a'.repeat(10_000) + ' b c d e f',
  ];
  for (let t = 0; t < 300; t++) {
    const words = Array.from({ length: Math.floor(rand() * 80) }, () => pieces[Math.floor(rand() * pieces.length)]!);
    texts.push(words.join(rand() < 0.5 ? ' ' : '  '));
  }
  // Two hashers: the scratch buffers of one must not leak into the next text or the other hasher.
  const hashers = [new MinHasher(), new MinHasher()];
  texts.forEach((text, i) => {
    const got = hashers[i % 2]!.signature(text);
    const want = referenceSignature(text);
    assert.deepEqual(got && [...got], want && [...want], JSON.stringify(text.slice(0, 60)));
  });
});
