import { test } from 'node:test';
import assert from 'node:assert/strict';
import { c4QualityStep, c4Quality } from '../filters/quality/c4Quality.js';
import { finewebQualityStep, finewebQualityReason } from '../filters/quality/finewebQuality.js';
import { gopherQualityStep, gopherQualityReason } from '../filters/quality/gopherQuality.js';
import { gopherRepetitionStep } from '../filters/quality/gopherRepetition.js';
import { langidStep } from '../filters/langid/langid.js';
import type { Document } from '../core/document.js';
import { sentence, udhrArticles } from './helpers/qualityText.js';

const C4 = c4QualityStep.parseOptions({});
const FW = finewebQualityStep.parseOptions({});
const good = (i: number) => sentence(10, i * 8);

test('c4_quality removes bad lines and keeps the rest', () => {
  const lines = [
    good(0),
    'Menu without punctuation',
    'Too short.',
    'Please enable JavaScript in your browser to continue.',
    'This site uses cookies, see our cookie policy for details.',
    `A line with ${'x'.repeat(1001)} inside it.`,
    `${good(1).slice(0, -1)} as noted before.[1][citation needed]`,
    good(2),
    good(3),
    good(4),
  ];
  const r = c4Quality(lines.join('\n'), C4);
  assert.equal(r.reason, undefined);
  assert.equal(r.text, [good(0), `${good(1).slice(0, -1)} as noted before.`, good(2), good(3), good(4)].join('\n'));
  assert.deepEqual(r.removed, { no_terminal_punct: 1, too_few_words: 1, javascript: 1, policy: 1, too_long_word: 1 });
  const step = c4QualityStep.worker!(C4).run([{ id: 'a', text: lines.join('\n'), source: 's', metadata: {} }]);
  assert.equal(step.kept[0]!.text, r.text);
  assert.equal(step.counters?.['c4_quality.lines_removed_javascript'], 1);
});

test('c4_quality: at least 5 sentences after line removal; 3 words per line; 1000-char words', () => {
  const five = [0, 1, 2, 3, 4].map(good).join('\n');
  assert.equal(c4Quality(five, C4).reason, undefined);
  assert.equal(c4Quality([0, 1, 2, 3].map(good).join('\n') + '\nno punctuation here', C4).reason, 'too_few_sentences');
  assert.equal(c4Quality([0, 1].map(good).join('\n') + '\nOne two three. Four five six. Seven eight nine.', C4).reason, undefined, 'sentences are counted inside lines');
  assert.equal(c4Quality(`${five}\nTwo words.`, C4).text, five, '2 words is below the minimum of 3');
  assert.equal(c4Quality(`${five}\nThree words here.`, C4).text, `${five}\nThree words here.`);
  assert.equal(c4Quality(`${five}\nA ${'y'.repeat(1000)} word.`, C4).text, `${five}\nA ${'y'.repeat(1000)} word.`);
});

test('c4_quality drops whole pages for lorem ipsum and curly brackets, unless disabled', () => {
  const five = [0, 1, 2, 3, 4].map(good).join('\n');
  assert.equal(c4Quality(`${five}\nLorem ipsum dolor sit amet.`, C4).reason, 'lorem_ipsum');
  assert.equal(c4Quality(`${five}\nThe object {a: 1} is here.`, C4).reason, 'curly_bracket');
  assert.equal(c4Quality(`${five}\nThe object {a: 1} is here.`, { ...C4, filterCurlyBracket: false }).reason, undefined);
  const out = c4QualityStep.worker!(C4).run([{ id: 'l', text: `${five}\nLorem ipsum dolor sit amet.`, source: 's', metadata: {} }]);
  assert.equal(out.dropped[0]!.reason, 'c4_quality:lorem_ipsum');
  assert.equal(out.dropped[0]!.doc.text, `${five}\nLorem ipsum dolor sit amet.`, 'a dropped page keeps its original text');
});

test('fineweb_quality: share of lines ending in punctuation must exceed 0.12', () => {
  const lines = (withPunct: number) =>
    Array.from({ length: 100 }, (_, i) => (i < withPunct ? good(i) : good(i).slice(0, -1))).join('\n');
  assert.equal(finewebQualityReason(lines(12), FW), 'line_punct_ratio');
  assert.equal(finewebQualityReason(lines(13), FW), undefined);
  assert.equal(finewebQualityReason(lines(0), { ...FW, linePunctExcludeZero: true }), undefined);
});

test('fineweb_quality: short lines (<= 30 chars) must stay below 67%', () => {
  const doc = (short: number) =>
    Array.from({ length: 100 }, (_, i) => (i < short ? `Line ${String(i).padStart(3, '0')} is brief.` : good(i))).join('\n');
  assert.equal(finewebQualityReason(doc(66), FW), undefined);
  assert.equal(finewebQualityReason(doc(67), FW), 'short_line_ratio');
});

test('fineweb_quality: characters in duplicated lines must stay below 1%', () => {
  const lines = Array.from({ length: 20 }, (_, i) => good(i));
  const text = [...lines, lines[3]!].join('\n');
  const ratio = lines[3]!.length / text.replace(/\n/g, '').length;
  assert.ok(ratio > 0.01);
  assert.equal(finewebQualityReason(text, FW), 'char_dup_ratio');
  assert.equal(finewebQualityReason(text, { ...FW, charDuplicatesRatio: ratio }), 'char_dup_ratio', 'the rule is ">="');
  assert.equal(finewebQualityReason(text, { ...FW, charDuplicatesRatio: ratio + 1e-9 }), undefined);
  assert.equal(finewebQualityReason(lines.join('\n'), FW), undefined);
});

test('fineweb_quality: newlines per word at most 0.3 (list-like pages)', () => {
  // Each line: two long words and "." = 3 tokens; 3 tokens -> (L-1)/(3L) > 0.3, 4 tokens -> < 0.3.
  const three = Array.from({ length: 30 }, (_, i) => `Extraordinarily-long-item-number-${i} onwards.`).join('\n');
  const four = Array.from({ length: 30 }, (_, i) => `Extraordinarily-long-item-number-${i} goes onwards.`).join('\n');
  assert.equal(finewebQualityReason(three, FW), 'list_ratio');
  assert.equal(finewebQualityReason(four, FW), undefined);
});

function chain(text: string, lang?: string): string {
  const steps = [
    gopherRepetitionStep.worker!(gopherRepetitionStep.parseOptions({})),
    gopherQualityStep.worker!(gopherQualityStep.parseOptions({})),
    c4QualityStep.worker!(c4QualityStep.parseOptions({})),
    finewebQualityStep.worker!(finewebQualityStep.parseOptions({})),
  ];
  let batch: Document[] = [{ id: 'x', text, source: 's', metadata: {}, ...(lang ? { lang } : {}) }];
  for (const s of steps) {
    const out = s.run(batch);
    if (out.dropped.length) return out.dropped[0]!.reason;
    batch = out.kept;
  }
  return 'kept';
}

test('Chinese, Japanese and Korean pages survive every quality filter (words via Intl.Segmenter)', () => {
  for (const [file, lang] of [['cmn_hans', 'cmn'], ['jpn', 'jpn'], ['kor', 'kor'], ['eng', 'eng']] as const) {
    const text = udhrArticles(file, 10, 40).join('\n');
    const labelled = langidStep.worker!(langidStep.parseOptions({})).run([{ id: file, text, source: 's', metadata: {} }]);
    assert.equal(labelled.kept[0]?.lang, lang, `${file} is identified`);
    assert.equal(chain(text, lang), 'kept', `${file} page survives`);
  }
  // The rules still bite on CJK: one short article is far below gopher's 50-word minimum.
  const short = udhrArticles('cmn_hans', 10, 11).join('\n');
  assert.equal(gopherQualityReason(short, 'cmn', gopherQualityStep.parseOptions({})), 'too_few_words', 'and a genuinely short one still fails');
});
