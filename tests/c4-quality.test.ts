import { test } from 'node:test';
import assert from 'node:assert/strict';
import { c4QualityStep, c4Quality, type C4QualityOptions } from '../filters/quality/c4Quality.js';
import { sentence } from './helpers/qualityText.js';
import { hasLetter, hasUnspacedScript, tokenize } from '../filters/text/words.js';
import { splitLines } from '../filters/text/lines.js';
import { spacedWordTokens } from '../filters/text/spacedWords.js';

const C4 = c4QualityStep.parseOptions({});

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

test('only U+0130 and U+212A lowercase to ASCII (the C4 phrase prefilter relies on it)', () => {
  const toAscii: number[] = [];
  for (let cp = 0x80; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    if (/[\x00-\x7f]/.test(String.fromCodePoint(cp).toLowerCase())) toAscii.push(cp);
  }
  assert.deepEqual(toAscii, [0x130, 0x212a]);
});

/**
 * The C4 rules stated independently of the step: each line gets three plain views (trimmed, citations
 * removed, lowercased) and goes through a table of rules in C4's order, the first that applies deciding;
 * words are split with a regex and phrases found with toLowerCase, where the step scans in one pass.
 */
const THAI_END = /[\u0e00-\u0e7f]\s*$/;

function referenceC4(text: string, o: C4QualityOptions): { reason?: string; text: string; removed: Record<string, number> } {
  const POLICY = ['terms of use', 'privacy policy', 'cookie policy', 'uses cookies', 'use of cookies', 'use cookies'];
  type View = { words: string[]; line: string; lower: string };
  // [what a hit removes, the rule's name, whether the line breaks it]; lines that break none are kept.
  const rules: Array<['line' | 'page', string, (v: View) => boolean]> = [
    ['line', 'too_long_word', (v) => o.maxWordLength !== -1 && v.words.some((w) => w.length > o.maxWordLength)],
    // Thai marks no sentence end: a line ending in Thai is not judged.
    ['line', 'no_terminal_punct', (v) => o.filterNoTerminalPunct && (!o.terminalPunctuation.some((p) => v.line.endsWith(p)) || v.line.endsWith('...')) && !THAI_END.test(v.line)],
    ['line', 'too_few_words', (v) => (hasUnspacedScript(v.line) ? tokenize(v.line).filter(hasLetter).length : v.words.length) < o.minWordsPerLine],
    ['page', 'lorem_ipsum', (v) => o.filterLoremIpsum && v.lower.includes('lorem ipsum')],
    ['line', 'javascript', (v) => o.filterJavascript && v.lower.includes('javascript')],
    ['page', 'curly_bracket', (v) => o.filterCurlyBracket && v.line.includes('{')],
    ['line', 'policy', (v) => o.filterPolicy && POLICY.some((p) => v.lower.includes(p))],
  ];
  const removed: Record<string, number> = {};
  const kept: string[] = [];
  let sentences = 0;
  for (const raw of splitLines(text)) {
    const trimmed = raw.trim();
    const line = o.removeCitations ? trimmed.replace(/\[\d*\]|\[edit\]|\[citation needed\]/g, '') : trimmed;
    // Words are those of the line before citations go (C4 counts them there); dictionary words in unspaced scripts.
    const words = trimmed === '' ? [] : hasUnspacedScript(trimmed) ? spacedWordTokens(trimmed) : trimmed.split(/\s+/);
    const view: View = { words, line, lower: line.toLowerCase() };
    const hit = rules.find(([, , breaks]) => breaks(view));
    if (hit?.[0] === 'page') return { reason: hit[1], text, removed };
    if (hit) removed[hit[1]] = (removed[hit[1]] ?? 0) + 1;
    else {
      // Marks followed by a space or the line end; CJK full stops anywhere; Thai: spaces between Thai letters.
      const marks = line.match(/[.!?؟।॥።။។៕][)"'”’»」』）]*(?=\s|$)|[。！？][)"'”’»」』）〉》】]*/gu)?.length ?? 0;
      const thai = (line.match(/[\u0e00-\u0e7f]\s+(?=[\u0e00-\u0e7f])/g)?.length ?? 0) + (THAI_END.test(line) ? 1 : 0);
      sentences += Math.max(1, marks + thai);
      kept.push(line);
    }
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
    '人人生而自由，在尊严和权利上一律平等。', 'ทุกคนเกิดมามีอิสระ', 'ทุกคนมีสิทธิในการดำรงชีวิต เสรีภาพ และความมั่นคงแห่งตัวตน',
    'すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。人間は、理性と良心とを授けられている。', 'Объект {a: 1} здесь есть.', 'Wait for it...', 'End "quoted." Then more!',
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
