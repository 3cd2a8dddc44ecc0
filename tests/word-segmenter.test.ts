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
