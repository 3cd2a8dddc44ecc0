import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gopherQualityStep, gopherQualityReason } from '../filters/quality/gopherQuality.js';
import type { Document } from '../core/document.js';
import { assertOptionsRejected } from './helpers/stepOptions.js';
import { distinctWords, sentence, udhrArticles } from './helpers/qualityText.js';
import { readFileSync } from 'node:fs';

/** The thresholds' arithmetic below is datatrove's (punctuation tokens count as words). */
const Q = gopherQualityStep.parseOptions({ definitions: 'datatrove' });
const P = gopherQualityStep.parseOptions({});

const q = (text: string, lang?: string) => gopherQualityReason(text, lang, Q);
const p = (text: string, lang?: string) => gopherQualityReason(text, lang, P);
const docsText = (name: string) => readFileSync(new URL(`data/docs-text/${name}`, import.meta.url), 'utf8');

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

test('gopher_quality (datatrove): at least 80% of tokens contain a letter', () => {
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

test('gopher_quality: the paper counts whitespace-separated words, so real documentation keeps its alphabetic words', () => {
  assert.equal(P.definitions, 'paper', 'the default');
  for (const name of ['debian-reference-apa.en.txt', 'debian-handbook-syslog.en.txt', 'python-tutorial-venv.en.txt']) {
    const text = docsText(name);
    const words = text.split(/\s+/).filter(Boolean);
    const alpha = words.filter((w) => /\p{L}/u.test(w)).length / words.length;
    assert.ok(alpha > 0.9, `${name}: ${alpha} of its whitespace words have a letter`);
    assert.equal(p(text, 'eng'), undefined, `${name} is kept`);
    // datatrove's tokens split "(DDP)", quotes and paths into punctuation tokens without letters.
    assert.equal(q(text, 'eng'), 'too_few_alpha_words', `${name} under datatrove's definitions`);
  }
});

test('gopher_quality (paper): at least 80% of words contain a letter; punctuation belongs to its word', () => {
  // 80 words (the last with its ".") + k numbers: 80 / (80 + k) crosses 0.8 between k = 20 and 21.
  const words = sentence(80);
  const withNumbers = (k: number) => `${words} ${Array.from({ length: k }, (_, i) => String(100 + i)).join(' ')}`;
  assert.equal(p(withNumbers(20)), undefined);
  assert.equal(p(withNumbers(21)), 'too_few_alpha_words');
  // References, paths and quotes are words with letters; a lone dash or number is not.
  const refs = `${sentence(50)} See apt(8), dpkg(1), /etc/apt/sources.list, "quoted" and (parenthesised) words.`;
  assert.equal(p(refs), undefined);
  assert.equal(q(refs), 'too_few_alpha_words', 'datatrove: "(", "8", ")", "," are words without letters');
  assert.equal(p(`${sentence(60)} ${Array.from({ length: 16 }, () => '—').join(' ')}`), 'too_few_alpha_words');
});

test('gopher_quality (paper): mean word length over words with their punctuation', () => {
  const words = (w: string, n: number) => ['the', 'and', ...Array.from({ length: n }, () => w)].join(' ');
  assert.equal(p(words('cat', 58)), undefined, 'mean exactly 3');
  assert.equal(p(words('ca', 58)), 'avg_word_length_low');
  assert.equal(p(words('ca.', 58)), undefined, '"ca." is three characters');
  assert.equal(p(words('abcdefghijkl', 58)), 'avg_word_length_high');
});

test('gopher_quality (paper): stop words without case or punctuation; blank lines are not lines', () => {
  const body = distinctWords(60).join(' ');
  assert.equal(p(`The ${body} (with them).`), undefined, '"The" and "(with" are stop words');
  assert.equal(q(`The ${body} (with them).`), 'too_few_stop_words', 'datatrove compares tokens as written');
  const items = Array.from({ length: 10 }, (_, i) => sentence(8, i * 6));
  const spaced = items.map((l) => `• ${l}`).join('\n\n');
  assert.equal(p(spaced), 'too_many_bullet_lines', 'ten bullets with blank lines between them are 100% bullets');
  assert.equal(q(spaced), undefined, 'datatrove: 10 of 19 lines');
  assert.equal(p(items.map((l) => `・${l}`).join('\n')), 'too_many_bullet_lines', 'the Japanese list mark counts');
  const ellipses = (k: number) => items.map((l, i) => (i < k ? l.replace(/\.$/, '…') : l)).join('\n\n');
  assert.equal(p(ellipses(3)), undefined);
  assert.equal(p(ellipses(4)), 'too_many_ellipsis_lines');
});
