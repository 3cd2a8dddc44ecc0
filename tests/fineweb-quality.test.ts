import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finewebQualityStep, finewebQualityReason, type FinewebQualityOptions } from '../filters/quality/finewebQuality.js';
import { randomLineTexts, sentence } from './helpers/qualityText.js';
import { tokenize, weightedLength } from '../filters/text/words.js';
import { endsWithAny, findDuplicates } from '../filters/text/lines.js';
import { spacedWordTokens } from '../filters/text/spacedWords.js';
import { readFileSync } from 'node:fs';

/** The thresholds' arithmetic in the first tests is datatrove's (every line, punctuation tokens). */
const FW = finewebQualityStep.parseOptions({ definitions: 'datatrove' });
const PAPER = finewebQualityStep.parseOptions({});

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

test('fineweb_quality (datatrove): characters in duplicated lines must stay below 1%', () => {
  const lines = Array.from({ length: 20 }, (_, i) => good(i));
  const text = [...lines, lines[3]!].join('\n');
  const ratio = lines[3]!.length / text.replace(/\n/g, '').length;
  assert.ok(ratio > 0.01);
  assert.equal(finewebQualityReason(text, FW), 'char_dup_ratio');
  assert.equal(finewebQualityReason(text, { ...FW, charDuplicatesRatio: ratio }), 'char_dup_ratio', 'the rule is ">="');
  assert.equal(finewebQualityReason(text, { ...FW, charDuplicatesRatio: ratio + 1e-9 }), undefined);
  assert.equal(finewebQualityReason(lines.join('\n'), FW), undefined);
});

test('fineweb_quality (datatrove): newlines per word at most 0.3 (list-like pages)', () => {
  // Each line: two long words and "." = 3 tokens; 3 tokens -> (L-1)/(3L) > 0.3, 4 tokens -> < 0.3.
  const three = Array.from({ length: 30 }, (_, i) => `Extraordinarily-long-item-number-${i} onwards.`).join('\n');
  const four = Array.from({ length: 30 }, (_, i) => `Extraordinarily-long-item-number-${i} goes onwards.`).join('\n');
  assert.equal(finewebQualityReason(three, FW), 'list_ratio');
  assert.equal(finewebQualityReason(four, FW), undefined);
});

/** FineWeb's rules written plainly on split lines (every line, or the non-blank ones for the paper). */
function referenceFineweb(text: string, o: FinewebQualityOptions): string | undefined {
  const all = text.split('\n');
  const lines = o.definitions === 'paper' ? all.filter((l) => l.trim() !== '') : all;
  if (lines.length === 0) return 'empty';
  let punct = 0;
  let thai = 0;
  let short = 0;
  const nonEmpty: string[] = [];
  for (const line of lines) {
    if (endsWithAny(line, o.stopChars)) punct++;
    else if (/[\u0e00-\u0e7f]\s*$/.test(line)) thai++; // Thai marks no sentence end: not judged
    if (weightedLength(line) <= o.shortLineLength) short++;
    if (line.trim() !== '') nonEmpty.push(line);
  }
  const punctRatio = lines.length === thai ? 1 : punct / (lines.length - thai);
  if (punctRatio <= o.linePunctThr && !(punctRatio === 0 && o.linePunctExcludeZero)) return 'line_punct_ratio';
  if (short / lines.length >= o.shortLineThr) return 'short_line_ratio';
  const chars = text.length - all.length + 1;
  if (chars > 0 && findDuplicates(nonEmpty).chars / chars >= o.charDuplicatesRatio) return 'char_dup_ratio';
  const words = o.definitions === 'paper' ? spacedWordTokens(text).length : tokenize(text).length;
  if (words === 0 || (lines.length - 1) / words > o.newLineRatio) return 'list_ratio';
  return undefined;
}

test('fineweb_quality decides exactly as the plain rules on split lines', () => {
  for (const base of [FW, PAPER]) checkAgainstReference(base);
});

function checkAgainstReference(base: FinewebQualityOptions): void {
  const options: FinewebQualityOptions[] = [
    base, { ...base, linePunctThr: 0, shortLineThr: 1, charDuplicatesRatio: 1 }, { ...base, linePunctThr: 0, shortLineLength: 5, shortLineThr: 0.9 },
    { ...base, linePunctThr: 0, shortLineThr: 1, charDuplicatesRatio: 0.3, stopChars: ['.', 'here!', '"'] }, { ...base, linePunctExcludeZero: true },
  ];
  randomLineTexts(2000).forEach((t, i) => {
    const o = options[i % options.length]!;
    assert.equal(finewebQualityReason(t, o), referenceFineweb(t, o), JSON.stringify(t));
  });
}

test('fineweb_quality (paper): blank lines are not lines, duplicates up to the paper\'s 10%, whitespace words', () => {
  assert.equal(PAPER.definitions, 'paper');
  assert.equal(PAPER.charDuplicatesRatio, 0.1, 'the FineWeb paper\'s threshold');
  assert.equal(FW.charDuplicatesRatio, 0.01, "datatrove's default");
  assert.equal(finewebQualityStep.parseOptions({ charDuplicatesRatio: 0.05 }).charDuplicatesRatio, 0.05, 'an explicit value wins');
  // Paragraphs separated by blank lines: datatrove counts the blank lines as short, unpunctuated lines.
  const paragraphs = Array.from({ length: 10 }, (_, i) => good(i)).join('\n\n\n\n');
  assert.equal(finewebQualityReason(paragraphs, PAPER), undefined);
  assert.equal(finewebQualityReason(paragraphs, FW), 'short_line_ratio');
  // A repeated prompt line in a tutorial: 3-4% of the characters.
  const tutorial = [...Array.from({ length: 12 }, (_, i) => good(i)), 'Traceback (most recent call last):', good(20), 'Traceback (most recent call last):'].join('\n');
  assert.equal(finewebQualityReason(tutorial, PAPER), undefined);
  assert.equal(finewebQualityReason(tutorial, FW), 'char_dup_ratio');
  // Newlines between non-blank lines over whitespace words: 3 words a line is a list, 4 is not.
  const list = (words: string) => Array.from({ length: 30 }, (_, i) => `Extraordinarily-long-item-number-${i} ${words}.`).join('\n');
  assert.equal(finewebQualityReason(list('goes onwards'), PAPER), 'list_ratio');
  assert.equal(finewebQualityReason(list('goes on onwards'), PAPER), undefined);
  assert.equal(finewebQualityReason('\n \n', PAPER), 'empty');
  for (const name of ['debian-reference-apa.en.txt', 'debian-handbook-syslog.en.txt', 'python-tutorial-venv.en.txt']) {
    assert.equal(finewebQualityReason(readFileSync(new URL(`data/docs-text/${name}`, import.meta.url), 'utf8'), PAPER), undefined, name);
  }
});
