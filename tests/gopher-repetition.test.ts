import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gopherRepetitionStep, gopherRepetitionReason } from '../filters/quality/gopherRepetition.js';
import { NGramIndex } from '../filters/text/ngrams.js';
import { distinctWords, sentence, udhrArticles } from './helpers/qualityText.js';

const R = gopherRepetitionStep.parseOptions({});

test('gopher_repetition: duplicate paragraph and line fractions (0.3) and their character fractions (0.2)', () => {
  const paras = Array.from({ length: 10 }, (_, i) => sentence(12, i * 10));
  const withDupParas = (k: number) => [...paras.slice(0, 10 - k), ...paras.slice(0, k)].join('\n\n');
  assert.notEqual(gopherRepetitionReason(withDupParas(3), R), 'dup_para_frac', '3 of 10 is not above 0.3');
  assert.equal(gopherRepetitionReason(withDupParas(4), R), 'dup_para_frac');

  // One duplicated paragraph: duplicate characters / all characters, exactly.
  const text = withDupParas(1);
  const ratio = paras[0]!.length / text.length;
  assert.equal(gopherRepetitionReason(text, { ...R, dupParaCharFrac: ratio }), undefined);
  assert.equal(gopherRepetitionReason(text, { ...R, dupParaCharFrac: ratio - 1e-9 }), 'dup_para_char_frac');

  const lines = Array.from({ length: 10 }, (_, i) => sentence(12, i * 10));
  const withDupLines = (k: number) => [...lines.slice(0, 10 - k), ...lines.slice(0, k)].join('\n');
  assert.notEqual(gopherRepetitionReason(withDupLines(3), R), 'dup_line_frac');
  assert.equal(gopherRepetitionReason(withDupLines(4), R), 'dup_line_frac');
  const lineText = withDupLines(1);
  const lineRatio = lines[0]!.length / lineText.length;
  assert.equal(gopherRepetitionReason(lineText, { ...R, dupLineCharFrac: lineRatio }), undefined);
  assert.equal(gopherRepetitionReason(lineText, { ...R, dupLineCharFrac: lineRatio - 1e-9 }), 'dup_line_char_frac');
});

test('gopher_repetition: top n-gram and duplicated n-gram character fractions', () => {
  const prose = udhrArticles('eng').join('\n');
  assert.equal(gopherRepetitionReason(prose, R), undefined, 'real prose passes every rule');

  // "alpha beta" repeated among distinct words: its characters x count over the text length.
  const words = distinctWords(200);
  const spam = words.map((w, i) => (i % 10 === 0 ? `alpha beta ${w}` : w)).join(' ');
  const top2 = ('alpha beta'.length * 20) / spam.length;
  assert.equal(gopherRepetitionReason(spam, { ...R, topNGrams: [[2, top2]], dupNGrams: [] }), undefined);
  assert.equal(gopherRepetitionReason(spam, { ...R, topNGrams: [[2, top2 - 1e-9]], dupNGrams: [] }), 'top_2_gram');

  // A passage of m five-letter words said twice: the second copy is duplicated in whole n-gram steps.
  const m = 48;
  const passage = distinctWords(m).join(' ');
  const twice = `${passage} ${passage}`;
  const dup5 = (Math.floor(m / 5) * 5 * 5) / twice.length;
  assert.equal(gopherRepetitionReason(twice, { ...R, topNGrams: [], dupNGrams: [[5, dup5]] }), undefined);
  assert.equal(gopherRepetitionReason(twice, { ...R, topNGrams: [], dupNGrams: [[5, dup5 - 1e-9]] }), 'duplicated_5_n_grams');
  assert.equal(gopherRepetitionReason(twice, R), 'duplicated_5_n_grams', 'defaults catch a page said twice');
});

// datatrove's definitions written the plain way (joined strings), to check the hashed index against.
function naiveTop(words: string[], n: number): number {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= words.length; i++) {
    const g = words.slice(i, i + n).join(' ');
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  let best = '';
  let bestCount = 0;
  for (const [g, c] of counts) if (c > bestCount) [best, bestCount] = [g, c]; // Map order = first seen
  return best.length * bestCount;
}

function naiveDup(words: string[], n: number): number {
  const seen = new Set<string>();
  let chars = 0;
  let i = 0;
  while (i + n <= words.length) {
    const g = words.slice(i, i + n).join('');
    if (seen.has(g)) {
      chars += g.length;
      i += n;
    } else {
      seen.add(g);
      i++;
    }
  }
  return chars;
}

test('n-gram index gives exactly the plain-string results (ties, repeats, real text)', () => {
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const vocab = ['a', 'bb', 'ccc', 'dd', 'e', 'fff', 'gg'];
  const texts = [
    udhrArticles('eng').join(' ').split(' '),
    udhrArticles('rus').join(' ').split(' '),
    ...Array.from({ length: 20 }, () => Array.from({ length: 50 + Math.floor(rand() * 300) }, () => vocab[Math.floor(rand() * vocab.length)]!)),
  ];
  for (const words of texts) {
    const index = new NGramIndex(words, 10);
    for (const n of [1, 2, 3, 4]) assert.equal(index.topNGramChars(n), naiveTop(words, n), `top ${n}`);
    for (const n of [5, 6, 7, 8, 9, 10]) assert.equal(index.duplicateNGramChars(n), naiveDup(words, n), `dup ${n}`);
  }
});

test('gopher_repetition: n-grams of whitespace words (paper) or of datatrove tokens', () => {
  const R_DT = gopherRepetitionStep.parseOptions({ definitions: 'datatrove' });
  assert.equal(R.definitions, 'paper', 'the default');
  // A "see also" list of manual pages: datatrove's tokens make "( 8 ) ," one 4-gram repeated 40 times.
  const refs = distinctWords(40).map((w) => `${w}(8),`).join(' ');
  assert.equal(gopherRepetitionReason(refs, R), undefined);
  assert.equal(gopherRepetitionReason(refs, R_DT), 'top_2_gram');
  // Repetition of words is still repetition.
  const passage = distinctWords(48).join(' ');
  assert.equal(gopherRepetitionReason(`${passage} ${passage}`, R), 'duplicated_5_n_grams');
});
