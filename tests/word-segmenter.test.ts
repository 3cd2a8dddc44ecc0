import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize, hasUnspacedScript, hasDenseScript, DENSE_SCRIPTS_START, UNSPACED_CHAR, DENSE_CHAR } from '../filters/text/words.js';
import { segmentWordLike } from '../filters/text/segmenter.js';
import { udhrDeclaration, udhrSections } from '../datasets/udhrSample.js';

// Intl.Segmenter is fed in ~1,000-unit pieces (one pass over a long string is quadratic on Node 20);
// the pieces must never change the words found.
test('long texts in scripts without spaces segment exactly as their lines do', async () => {
  const lines: string[] = [];
  for (const code of ['cmn_hans', 'jpn', 'tha', 'eng', 'khm']) {
    const d = await udhrDeclaration(code).catch(() => undefined);
    if (d) lines.push(...udhrSections(d.html).flatMap((s) => s.paragraphs));
  }
  assert.ok(lines.join('').length > 20_000, 'a text longer than many pieces');
  const long = lines.join('\n');
  assert.deepEqual(tokenize(long), lines.flatMap((l) => tokenize(l)));
  assert.deepEqual(segmentWordLike(long), lines.flatMap((l) => segmentWordLike(l)));
});

test('no character below U+0E00 belongs to a script without spaces or a dense script (fast-path bound)', () => {
  for (let c = 0; c < DENSE_SCRIPTS_START; c++) {
    const ch = String.fromCharCode(c);
    assert.ok(!UNSPACED_CHAR.test(ch) && !DENSE_CHAR.test(ch), `U+${c.toString(16)}`);
  }
  assert.ok(hasUnspacedScript('abc 東京') && hasUnspacedScript('ไทย') && !hasUnspacedScript('한국어 Straße'));
  assert.ok(hasDenseScript('한국어') && hasDenseScript('x 😀 ꀀ') && !hasDenseScript('Ελληνικά русский عربي'));
});

test('chunked Intl.Segmenter gives the same words as one pass when text has breaks, and surrogate pairs survive', () => {
  const unit = '人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。𠀀𠀁 ';
  const text = unit.repeat(120); // ~6,000 code units: several pieces
  const whole = [...new Intl.Segmenter('und', { granularity: 'word' }).segment(text)].filter((s) => s.isWordLike).map((s) => s.segment);
  assert.deepEqual(segmentWordLike(text), whole);
  const run = '中'.repeat(4000); // no break at all: cut every 1,500 units, nothing lost
  assert.equal(segmentWordLike(run).join(''), run);
  const astral = '𠀀'.repeat(2000);
  assert.equal(segmentWordLike(astral).join(''), astral);
});
