import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finewebQualityStep, finewebQualityReason, type FinewebQualityOptions } from '../filters/quality/finewebQuality.js';
import { randomLineTexts, sentence } from './helpers/qualityText.js';
import { tokenize, weightedLength } from '../filters/text/words.js';
import { endsWithAny, findDuplicates } from '../filters/text/lines.js';

const FW = finewebQualityStep.parseOptions({});

const good = (i: number) => sentence(10, i * 8);

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

/** FineWeb's rules written plainly on split lines, as the step computed them before. */
function referenceFineweb(text: string, o: FinewebQualityOptions): string | undefined {
  const lines = text.split('\n');
  let punct = 0;
  let short = 0;
  const nonEmpty: string[] = [];
  for (const line of lines) {
    if (endsWithAny(line, o.stopChars)) punct++;
    if (weightedLength(line) <= o.shortLineLength) short++;
    if (line.trim() !== '') nonEmpty.push(line);
  }
  const punctRatio = punct / lines.length;
  if (punctRatio <= o.linePunctThr && !(punctRatio === 0 && o.linePunctExcludeZero)) return 'line_punct_ratio';
  if (short / lines.length >= o.shortLineThr) return 'short_line_ratio';
  const chars = text.length - lines.length + 1;
  if (chars > 0 && findDuplicates(nonEmpty).chars / chars >= o.charDuplicatesRatio) return 'char_dup_ratio';
  const words = tokenize(text).length;
  if (words === 0 || (lines.length - 1) / words > o.newLineRatio) return 'list_ratio';
  return undefined;
}

test('fineweb_quality decides exactly as the plain rules on split lines', () => {
  const base = finewebQualityStep.parseOptions({});
  const options: FinewebQualityOptions[] = [
    base, { ...base, linePunctThr: 0, shortLineThr: 1, charDuplicatesRatio: 1 }, { ...base, linePunctThr: 0, shortLineLength: 5, shortLineThr: 0.9 },
    { ...base, linePunctThr: 0, shortLineThr: 1, charDuplicatesRatio: 0.3, stopChars: ['.', 'here!', '"'] }, { ...base, linePunctExcludeZero: true },
  ];
  randomLineTexts(2000).forEach((t, i) => {
    const o = options[i % options.length]!;
    assert.equal(finewebQualityReason(t, o), referenceFineweb(t, o), JSON.stringify(t));
  });
});
