import { test } from 'node:test';
import assert from 'node:assert/strict';
import { c4Quality, c4QualityStep, type C4QualityOptions } from '../filters/quality/c4Quality.js';
import { finewebQualityReason, finewebQualityStep, type FinewebQualityOptions } from '../filters/quality/finewebQuality.js';
import { hasLetter, hasUnspacedScript, tokenize, weightedLength } from '../filters/text/words.js';
import { Spans } from '../filters/text/spans.js';
import { endsWithAny, findDuplicates, findDuplicateSpans, newlineSpans, splitLines, trimmedRange } from '../filters/text/lines.js';

test('only U+0130 and U+212A lowercase to ASCII (the C4 phrase prefilter relies on it)', () => {
  const toAscii: number[] = [];
  for (let cp = 0x80; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    if (/[\x00-\x7f]/.test(String.fromCodePoint(cp).toLowerCase())) toAscii.push(cp);
  }
  assert.deepEqual(toAscii, [0x130, 0x212a]);
});

/** The C4 rules written plainly (split/toLowerCase per line), as the step computed them before. */
function referenceC4(text: string, o: C4QualityOptions): { reason?: string; text: string; removed: Record<string, number> } {
  const POLICY = ['terms of use', 'privacy policy', 'cookie policy', 'uses cookies', 'use of cookies', 'use cookies'];
  const removed: Record<string, number> = {};
  const drop = (rule: string) => (removed[rule] = (removed[rule] ?? 0) + 1);
  const kept: string[] = [];
  let sentences = 0;
  for (const raw of splitLines(text)) {
    let line = raw.trim();
    const words = line === '' ? [] : line.split(/\s+/);
    if (o.maxWordLength !== -1 && words.some((w) => w.length > o.maxWordLength)) {
      drop('too_long_word');
      continue;
    }
    if (o.removeCitations) line = line.replace(/\[\d*\]|\[edit\]|\[citation needed\]/g, '');
    if (o.filterNoTerminalPunct && (!endsWithAny(line, o.terminalPunctuation) || line.endsWith('...'))) {
      drop('no_terminal_punct');
      continue;
    }
    const count = hasUnspacedScript(line) ? tokenize(line).filter(hasLetter).length : words.length;
    if (count < o.minWordsPerLine) {
      drop('too_few_words');
      continue;
    }
    const lower = line.toLowerCase();
    if (o.filterLoremIpsum && lower.includes('lorem ipsum')) return { reason: 'lorem_ipsum', text, removed };
    if (o.filterJavascript && lower.includes('javascript')) {
      drop('javascript');
      continue;
    }
    if (o.filterCurlyBracket && line.includes('{')) return { reason: 'curly_bracket', text, removed };
    if (o.filterPolicy && POLICY.some((p) => lower.includes(p))) {
      drop('policy');
      continue;
    }
    sentences += Math.max(1, line.match(/[.!?。！？؟।][)"'”’»」』]*(?=\s|$)/gu)?.length ?? 0);
    kept.push(line);
  }
  if (sentences < o.minNumSentences) return { reason: 'too_few_sentences', text, removed };
  return { text: kept.join('\n').trim(), removed };
}

test('c4_quality decides exactly as the plain per-line rules (cases, odd spaces, citations, scripts)', () => {
  const lines = [
    'The right to work is for everyone.', 'Please enable JavaScript.', 'JAVASCRIPT is off, please turn it on.',
    'This site USES COOKIES to work.', 'Read our coo\u212Aie policy now.', 'Read our pr\u0130vacy policy now.',
    'Terms of Use apply here today.', 'LOREM IPSUM dolor sit amet.', 'Two words.', 'Two\u00a0\u00a0words here.',
    'One\u3000two\u2003three.', 'Numbers [1] and [edit] and [citation needed] here.', '[1] [2] [3] ok.', 'a [citation needed] b',
    '人人生而自由，在尊严和权利上一律平等。', 'ทุกคนเกิดมามีอิสระ', 'Объект {a: 1} здесь есть.', 'Wait for it...', 'End "quoted." Then more!',
    `A ${'x'.repeat(40)} word here.`, '', '   ', '\t tabbed line with words here. \t', 'Straße ist lang und breit.',
  ];
  let seed = 9;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const base = c4QualityStep.parseOptions({});
  const options: C4QualityOptions[] = [
    base, { ...base, filterNoTerminalPunct: false }, { ...base, maxWordLength: 30, minWordsPerLine: 4 },
    { ...base, minNumSentences: 1, filterCurlyBracket: false, filterLoremIpsum: false, removeCitations: false },
    { ...base, maxWordLength: -1, minWordsPerLine: 0, filterPolicy: false, filterJavascript: false },
  ];
  for (let t = 0; t < 600; t++) {
    const text = Array.from({ length: 1 + Math.floor(rand() * 14) }, () => lines[Math.floor(rand() * lines.length)]!).join(rand() < 0.8 ? '\n' : '\r\n');
    const o = options[t % options.length]!;
    assert.deepEqual(c4Quality(text, o), referenceC4(text, o), JSON.stringify(text));
  }
});

function randomDocs(count: number): string[] {
  let seed = 21;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const pieces = ['Same line.', 'Same line.', 'Other words here!', '短い行。', '  ', ' ', '\t', '\u00a0', '\u3000', '\n', '\n', '\n\n', '\n\n\n', '\r', 'x', 'A much longer line that goes on and on past thirty characters.', '"quoted"', '...', '- item', '😀'];
  return Array.from({ length: count }, () => Array.from({ length: Math.floor(rand() * 30) }, () => pieces[Math.floor(rand() * pieces.length)]!).join(''));
}

test('newline spans and in-place duplicates equal split() and findDuplicates()', () => {
  const spans = new Spans();
  const texts = (s: string) => Array.from({ length: spans.count }, (_, k) => s.slice(spans.starts[k], spans.ends[k]));
  for (const t of ['', '\n', '\n\n', 'a', ...randomDocs(1500)]) {
    const [a, b] = trimmedRange(t);
    assert.equal(t.slice(a, b), t.trim());
    const cases: Array<[number, number, number, string[]]> = [
      [a, b, 2, t.trim().split(/\n{2,}/)], [0, t.length, 1, t.split(/\n+/)], [0, t.length, 0, t.split('\n')],
    ];
    for (const [from, to, minRun, want] of cases) {
      newlineSpans(t, from, to, minRun, spans);
      assert.deepEqual(texts(t), want, `${minRun} ${JSON.stringify(t)}`);
      assert.deepEqual(findDuplicateSpans(t, spans), findDuplicates(want));
    }
  }
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
  randomDocs(2000).forEach((t, i) => {
    const o = options[i % options.length]!;
    assert.equal(finewebQualityReason(t, o), referenceFineweb(t, o), JSON.stringify(t));
  });
});
