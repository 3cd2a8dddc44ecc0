import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseSpacedWords, bareWord, countSpacedWords, spacedWordTokens } from '../filters/text/spacedWords.js';
import { tokenStats } from '../filters/text/words.js';
import { wordIdsOf } from '../filters/text/ngrams.js';
import { EDGE_CASES, udhrParagraphs } from './helpers/udhrText.js';
import { randomLineTexts } from './helpers/qualityText.js';

const hasUnspaced = (s: string) => /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u.test(s);

test('spaced words: whitespace-separated words, counted as tokenStats and wordIdsOf count them', () => {
  const texts = [...EDGE_CASES, ...randomLineTexts(300), udhrParagraphs('eng').join('\n'), udhrParagraphs('rus').join('\n\n'), 'See apt(8), "quoted" /etc/hosts — done.'];
  for (const text of texts.filter((t) => !hasUnspaced(t))) {
    const plain = text.split(/\s+/).filter((w) => w !== '');
    assert.deepEqual(spacedWordTokens(text), plain, JSON.stringify(text));
    assert.equal(countSpacedWords(text), plain.length);
    const a = analyseSpacedWords(text);
    assert.deepEqual(a.stats, tokenStats(plain));
    const ids = wordIdsOf(plain);
    assert.deepEqual([a.count, [...a.ids], [...a.lengths]], [ids.count, [...ids.ids], [...ids.lengths]]);
    assert.deepEqual(Array.from({ length: a.count }, (_, i) => a.token(i)), plain);
  }
});

test('spaced words: unspaced scripts become dictionary words, punctuation attached, nothing lost', () => {
  for (const code of ['jpn', 'cmn_hans', 'cmn_hant', 'tha', 'khm', 'lao', 'mya']) {
    const text = udhrParagraphs(code).slice(0, 12).join('\n');
    const words = spacedWordTokens(text);
    assert.equal(words.join(''), text.replace(/\s+/g, ''), `${code}: every character is in a word`);
    assert.ok(words.length > text.split(/\s+/).length * 2, `${code}: segmented (${words.length} words)`);
    assert.equal(countSpacedWords(text), words.length);
    assert.deepEqual(analyseSpacedWords(text).stats, tokenStats(words));
  }
  const ja = spacedWordTokens('『世界人権宣言』は、すべての人のものである。 Python 3.11の使い方');
  assert.equal(ja[0], '『世界', 'opening punctuation joins the first word');
  assert.ok(ja.some((w) => w.endsWith('』は、') || w.endsWith('』') || w.endsWith('、')), ja.join('|'));
  assert.ok(ja.includes('Python'), 'spaced words inside stay whole');
});

test('bareWord: stop-word form without surrounding punctuation, lower-cased', () => {
  assert.equal(bareWord('(The'), 'the');
  assert.equal(bareWord('with,'), 'with');
  assert.equal(bareWord('"don\'t"'), "don't");
  assert.equal(bareWord('—'), '');
  assert.equal(bareWord('𠀀.'), '𠀀', 'an astral letter is kept whole');
  assert.equal(bareWord('«Und»'), 'und');
});
