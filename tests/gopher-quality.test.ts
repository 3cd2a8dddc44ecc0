import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gopherQualityStep, gopherQualityReason } from '../filters/quality/gopherQuality.js';
import type { Document } from '../core/document.js';
import { assertOptionsRejected } from './helpers/stepOptions.js';
import { distinctWords, sentence, udhrArticles } from './helpers/qualityText.js';

const Q = gopherQualityStep.parseOptions({});

const q = (text: string, lang?: string) => gopherQualityReason(text, lang, Q);

test('gopher_quality: minimum and maximum word counts (50 / 100,000)', () => {
  assert.equal(q(sentence(49)), 'too_few_words');
  assert.equal(q(sentence(50)), undefined);
  const long = (n: number) => Array.from({ length: n / 50 }, (_, i) => sentence(50, i * 48)).join(' ');
  assert.equal(q(long(100_000)), undefined);
  assert.equal(q(long(100_000) + ' extra'), 'too_many_words');
});

test('gopher_quality: mean word length between 3 and 10', () => {
  const three = ['the', 'and', ...Array.from({ length: 58 }, (_, i) => ['cat', 'dog', 'sun', 'map'][i % 4]!)];
  assert.equal(q(three.join(' ') + '.'), undefined, 'mean exactly 3 passes');
  assert.equal(q(three.join(' ').replace('cat', 'ca') + '.'), 'avg_word_length_low');
  const ten = ['the', 'and', ...Array.from({ length: 58 }, () => 'abcdefghij')];
  // "the"/"and" pull the mean below 10: balance them with two 17-letter words for a mean of exactly 10.
  const tenExact = [...ten.slice(0, 58), 'abcdefghijklmnopq', 'abcdefghijklmnopq'];
  assert.equal(q(tenExact.join(' ') + '.'), undefined, 'mean exactly 10 passes');
  assert.equal(q(tenExact.join(' ').replace('abcdefghij ', 'abcdefghijk ') + '.'), 'avg_word_length_high');
});

test('gopher_quality: hash and ellipsis symbols per word at most 0.1', () => {
  // 89 words + "." + k symbol tokens: k / (90 + k) crosses 0.1 between k = 10 and 11.
  const words = sentence(89).slice(0, -1).split(' ');
  const withSymbols = (sym: string, k: number) => [...words.slice(0, k).map((w) => `${w} ${sym}`), ...words.slice(k)].join(' ') + '.';
  assert.equal(q(withSymbols('#', 10)), undefined);
  assert.equal(q(withSymbols('#', 11)), 'too_many_hashes');
  assert.equal(q(withSymbols('…', 10)), undefined);
  assert.equal(q(withSymbols('…', 11)), 'too_many_ellipsis');
});

test('gopher_quality: bullet lines at most 90%, ellipsis-ended lines at most 30%', () => {
  const lines = Array.from({ length: 10 }, (_, i) => sentence(8, i * 6));
  const bullets = (k: number) => lines.map((l, i) => (i < k ? `• ${l}` : l)).join('\n');
  assert.equal(q(bullets(9)), undefined);
  assert.equal(q(bullets(10)), 'too_many_bullet_lines');
  assert.equal(q(lines.map((l) => `- ${l}`).join('\n')), 'too_many_bullet_lines', '"-" counts as a bullet too');
  const ellipses = (k: number) => lines.map((l, i) => (i < k ? l.replace(/\.$/, '...') : l)).join('\n');
  assert.equal(q(ellipses(3)), undefined);
  assert.equal(q(ellipses(4)), 'too_many_ellipsis_lines');
});

test('gopher_quality: at least 80% of tokens contain a letter', () => {
  // 79 words + "." + k numbers: 79 / (80 + k) crosses 0.8 between k = 18 and 19.
  const words = sentence(79).slice(0, -1);
  const withNumbers = (k: number) => `${words} ${Array.from({ length: k }, (_, i) => String(100 + i)).join(' ')}.`;
  assert.equal(q(withNumbers(18)), undefined);
  assert.equal(q(withNumbers(19)), 'too_few_alpha_words');
});

test('gopher_quality: at least 2 stop words, from the document language', () => {
  const body = distinctWords(60).join(' ');
  assert.equal(q(`the ${body}.`), 'too_few_stop_words');
  assert.equal(q(`the ${body} with.`), undefined);
  const german = udhrArticles('deu_1996').slice(0, 4).join('\n');
  assert.equal(q(german, 'deu'), undefined, 'German prose has German stop words');
  assert.equal(q(german, 'eng'), 'too_few_stop_words', "and no English ones: the list follows the document's lang");
  assert.equal(gopherQualityReason(`the ${body} with.`, 'eng', { ...Q, minStopWords: null }), undefined);
});

test('gopher_quality step: reasons are prefixed with the step name; options are validated', () => {
  const step = gopherQualityStep.worker!(Q);
  const docs: Document[] = [sentence(60), sentence(10)].map((text, i) => ({ id: String(i), text, source: 's', metadata: {} }));
  const out = step.run(docs);
  assert.deepEqual(out.kept.map((d) => d.id), ['0']);
  assert.equal(out.dropped[0]!.reason, 'gopher_quality:too_few_words');
  assertOptionsRejected(gopherQualityStep, { minDocWords: 'x' }, { minWords: 3 });
});
