import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classOf, CLASS_REGEX, DENSE, LETTER, NUMBER, SPACE, SYMBOL, UNSPACED, WORD } from '../filters/text/charClass.js';
import {
  countLetterTokens, countTokens, DENSE_CHAR, denseScriptShare, hasDenseScript, hasLetter, hasUnspacedScript, isSymbolToken,
  regexTokens, TOKEN, tokenize, tokenStats, denseShareOf, UNSPACED_CHAR, weightedLength,
} from '../filters/text/words.js';
import { analyseWords } from '../filters/text/wordAnalysis.js';
import { wordIdsOf } from '../filters/text/ngrams.js';

// Pieces that exercise every branch of the token scanner: joiners, number separators, "...",
// astral letters/digits, combining marks, emoji, unusual spaces and lone surrogates.
const PIECES = [
  'word', "don't", 'rock’n’roll', 'well-known', '-x', 'x-', "x'", '3.14', '1,000,000', 'a.1b', '1.5-fold', 'x.', '.5', ',,',
  '...', '....', '…', '. . .', 'e\u0301', '\u0301a', '𝐀𝐁', '𝟙𝟚', 'x𝟙.𝟚', '😀', '👍🏽', '\ud800', '\udc00', 'a\ud800b', '\u00a0',
  '\u3000', '\ufeff', '\u2028', '\t', '\n', ' ', '  ', '#', '$5', '(a)', '«x»', 'Straße', 'привет', 'مرحبا', '١٢٣', '한국어',
  'Ⅻ', '½', 'x²', '_', 'a_b', 'Ελληνικά', 'ʼ', "'", '-', '.', ',', '0', 'ꀀ', 'ᄀ',
];
const UNSPACED_PIECES = ['東京', 'ไทย', 'カタカナ', 'ひらがな', '𠀀', '。', '「引用」'];

function randomStrings(count: number, withUnspaced: boolean): string[] {
  let seed = 5;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const pool = withUnspaced ? [...PIECES, ...UNSPACED_PIECES] : PIECES;
  return Array.from({ length: count }, () => {
    let s = '';
    const len = Math.floor(rand() * 12);
    for (let k = 0; k < len; k++) s += pool[Math.floor(rand() * pool.length)]! + (rand() < 0.5 ? ' ' : '');
    return s;
  });
}

test('the token scanner gives exactly the TOKEN regex matches', () => {
  for (const s of [...PIECES, ...randomStrings(4000, false)]) {
    const expected = s.match(TOKEN) ?? [];
    assert.deepEqual(regexTokens(s), expected, JSON.stringify(s));
    assert.equal(countTokens(s), expected.length);
    if (!UNSPACED_CHAR.test(s)) assert.deepEqual(tokenize(s), expected);
  }
});

test('script and letter helpers answer as their regex definitions', () => {
  for (const s of [...PIECES, ...UNSPACED_PIECES, ...randomStrings(3000, true)]) {
    const tokens = tokenize(s);
    assert.equal(countTokens(s), tokens.length);
    assert.equal(countLetterTokens(s), tokens.filter((t) => /\p{L}/u.test(t)).length);
    assert.equal(hasUnspacedScript(s), UNSPACED_CHAR.test(s), JSON.stringify(s));
    assert.equal(hasDenseScript(s), DENSE_CHAR.test(s));
    assert.equal(hasLetter(s), /\p{L}/u.test(s));
    assert.equal(isSymbolToken(s), !/[^\p{P}\p{S}]/u.test(s));
    assert.equal(weightedLength(s), s.length + (s.match(new RegExp(DENSE_CHAR.source, 'gu'))?.length ?? 0));
    const words = tokens.filter((t) => /\p{L}/u.test(t));
    const share = words.length === 0 ? 0 : words.filter((t) => DENSE_CHAR.test(t)).length / words.length;
    assert.equal(denseScriptShare(tokens, s), share);
  }
});

test('token stats equal the per-token Gopher counts they replace', () => {
  // Python len() as gopher_quality counted it: UTF-16 units minus high surrogates.
  const pyLen = (w: string) => w.length - (w.match(/[\ud800-\udbff]/g)?.length ?? 0);
  const texts = [...PIECES, ...UNSPACED_PIECES, ...randomStrings(2000, true)];
  for (const tokens of [texts, ...texts.map((s) => tokenize(s)), texts.map((s) => s.replace(/ /g, ''))]) {
    const st = tokenStats(tokens);
    const content = tokens.filter((t) => !isSymbolToken(t));
    assert.equal(st.symbolTokens, tokens.length - content.length);
    assert.equal(st.letterTokens, tokens.filter(hasLetter).length);
    assert.equal(st.contentCodePoints, content.reduce((n, w) => n + pyLen(w), 0));
    assert.equal(denseShareOf(st), denseScriptShare(content));
  }
});

test('word analysis (ids, lengths, stats counted during the scan) equals that of the token strings', () => {
  const texts = [...PIECES, ...UNSPACED_PIECES, ...randomStrings(3000, true), PIECES.join(''), PIECES.join(' '), PIECES.join(' ').repeat(3)];
  for (const s of texts) {
    const tokens = tokenize(s);
    const a = analyseWords(s);
    const want = wordIdsOf(tokens);
    assert.equal(a.count, tokens.length);
    assert.deepEqual([...a.ids], [...want.ids], JSON.stringify(s));
    assert.deepEqual([...a.lengths], [...want.lengths]);
    assert.deepEqual(a.stats, tokenStats(tokens), JSON.stringify(s));
    assert.deepEqual(Array.from({ length: a.count }, (_, i) => a.token(i)), tokens);
  }
});

// Last: it fills the whole lazy table, which would hide a lookup that skips the lazy fill.
test('character class table matches the Unicode regexes on every code point', () => {
  const regexes: Array<[number, RegExp]> = [
    [WORD, /[\p{L}\p{M}\p{N}]/u], [NUMBER, /\p{N}/u], [SPACE, /\s/u], [LETTER, /\p{L}/u], [SYMBOL, /[\p{P}\p{S}]/u],
    [UNSPACED, UNSPACED_CHAR], [DENSE, DENSE_CHAR],
  ];
  assert.equal(Object.keys(CLASS_REGEX).length, regexes.length);
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    const ch = String.fromCodePoint(cp);
    const bits = classOf(cp);
    for (const [bit, re] of regexes) {
      if (((bits & bit) !== 0) !== re.test(ch)) assert.fail(`U+${cp.toString(16)} class ${bit}`);
    }
  }
});
