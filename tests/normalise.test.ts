import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractStep, extractMainText } from '../filters/extract/extract.js';
import { normaliseStep, normaliseText } from '../filters/format/normalise.js';
import { exactDedupText } from '../filters/dedup/exactDedup.js';
import { mulberry32 } from '../datasets/seededRandom.js';

test('normalise: mojibake, zero-width characters, NFC, whitespace; option to keep mojibake', () => {
  assert.equal(normaliseText('cafÃ©\u200b au\u00adlait\uFEFF  \r\n\r\n\r\nok'), 'café aulait\n\nok');
  assert.equal(normaliseText('e\u0301'), 'é');
  const step = normaliseStep.worker!(normaliseStep.parseOptions({}));
  const out = step.run([
    { id: '1', text: 'na\u00c3\u00afve', source: 's', metadata: {} },
    { id: '2', text: '\u200b\u200d ', source: 's', metadata: {} },
  ]);
  assert.equal(out.kept[0]!.text, 'naïve');
  assert.equal(out.dropped[0]!.doc.id, '2');
  assert.equal(out.counters?.['normalise.mojibake_repaired'], 1);
  const keep = normaliseStep.worker!(normaliseStep.parseOptions({ fixMojibake: false }));
  assert.equal(keep.run([{ id: '1', text: 'cafÃ©', source: 's', metadata: {} }]).kept[0]!.text, 'cafÃ©');
});

test('normalise, extract and exact dedup fold every whitespace run to one space, and only runs', () => {
  // Random mixes of the whitespace kinds each pass treats: the result must equal folding every maximal
  // run, written out the slow way here.
  const kinds = [' ', '\t', '\u00a0', '\u3000', '\n', '\r', '\f', '\v', '\u2028', 'a', 'b', '.'];
  const random = mulberry32(7);
  const next = () => Math.floor(random() * 1e9);
  const foldRuns = (s: string, isSpace: (c: string) => boolean) => {
    let out = '';
    for (let i = 0; i < s.length; ) {
      if (!isSpace(s[i]!)) out += s[i++];
      else {
        while (i < s.length && isSpace(s[i]!)) i++;
        out += ' ';
      }
    }
    return out;
  };
  for (let n = 0; n < 300; n++) {
    const s = Array.from({ length: 1 + (next() % 40) }, () => kinds[next() % kinds.length]).join('');
    assert.equal(exactDedupText(s, 'whitespace'), foldRuns(s, (c) => /\s/.test(c)).trim(), JSON.stringify(s));
    const horizontal = s.replace(/[\r\f\v\u2028]/g, '');
    const normalised = foldRuns(horizontal, (c) => /\s/.test(c) && c !== '\n').replace(/ +\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
    assert.equal(normaliseText(horizontal, 'NFC', false), normalised, JSON.stringify(horizontal));
  }
  const html = '<p>one\t\ttwo \n three\u00a0four  five six</p>';
  assert.equal(extractMainText(html, extractStep.parseOptions({ classify: false })).text, 'one two three four five six');
});

test('normalise keeps the format characters that are spelling: ZWNJ/ZWJ between letters, ZWSP in Thai/Khmer, the Mongolian vowel separator', () => {
  // Persian "I want" and Hindi conjunct control: removing U+200C/U+200D changes the word.
  assert.equal(normaliseText('می\u200Cخواهم'), 'می\u200Cخواهم');
  assert.equal(normaliseText('क्\u200Dष'), 'क्\u200Dष');
  // An emoji ZWJ sequence (family) stays one sequence.
  assert.equal(normaliseText('👨\u200D👩\u200D👧'), '👨\u200D👩\u200D👧');
  // Zero-width space as the word-break hint of Thai and Khmer text stays; between Latin letters it goes.
  assert.equal(normaliseText('ภาษา\u200Bไทย'), 'ภาษา\u200Bไทย');
  assert.equal(normaliseText('ភាសា\u200Bខ្មែរ'), 'ភាសា\u200Bខ្មែរ');
  assert.equal(normaliseText('zero\u200Bwidth'), 'zerowidth');
  // Mongolian vowel separator inside Mongolian, not elsewhere.
  assert.equal(normaliseText('ᠨᠠ\u180Eᠠ'), 'ᠨᠠ\u180Eᠠ');
  assert.equal(normaliseText('a\u180Eb'), 'ab');
  // Next to whitespace or at the ends they join nothing.
  assert.equal(normaliseText('\u200Cword \u200Dnext\u200C'), 'word next');
});
