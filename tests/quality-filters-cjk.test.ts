import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { c4Quality, c4QualityStep } from '../filters/quality/c4Quality.js';
import { finewebQualityReason, finewebQualityStep } from '../filters/quality/finewebQuality.js';
import { gopherQualityStep, gopherQualityReason } from '../filters/quality/gopherQuality.js';
import { gopherRepetitionStep } from '../filters/quality/gopherRepetition.js';
import { langidStep } from '../filters/langid/langid.js';
import type { Document } from '../core/document.js';
import { udhrArticles } from './helpers/qualityText.js';
import { UDHR_DIR, udhrParagraphs } from './helpers/udhrText.js';

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

const C4 = c4QualityStep.parseOptions({});
const C4_STRICT_LINES = { ...C4, filterNoTerminalPunct: true };
const FW = finewebQualityStep.parseOptions({});

/** The article paragraphs of one declaration: UDHR articles `from`..`to` (1-based), headings left out. */
function articleParagraphs(code: string, from: number, to: number): string[] {
  const html = readFileSync(join(UDHR_DIR, `${code}.html`), 'utf8');
  const out: string[] = [];
  for (const m of html.matchAll(/<article data-number="(\d+)">([\s\S]*?)<\/article>/g)) {
    if (Number(m[1]) < from || Number(m[1]) > to) continue;
    for (const p of m[2]!.matchAll(/<p>([\s\S]*?)<\/p>/g)) out.push(p[1]!.replace(/\s+/g, ' ').trim());
  }
  return out;
}

/** c4's sentence count, read off its minNumSentences threshold: the largest minimum that passes. */
function c4Sentences(text: string): number {
  let n = 0;
  while (c4Quality(text, { ...C4, minNumSentences: n + 1 }).reason === undefined) n++;
  return n;
}

test('c4_quality counts CJK sentences that end in 。！？ with no space after them', () => {
  for (const code of ['jpn', 'cmn_hans', 'cmn_hant', 'yue']) {
    // Articles 1-4, one article a line (its paragraphs run on, as on a page that puts them in one block).
    const lines = [1, 2, 3, 4].map((a) => articleParagraphs(code, a, a).join(''));
    const text = lines.join('\n');
    const stops = (text.match(/[。！？]/g) ?? []).length;
    assert.ok(stops >= 5, `${code}: ${stops} sentences in ${lines.length} lines`);
    assert.equal(c4Sentences(text), stops, `${code}: every 。 ends a sentence`);
    assert.equal(c4Quality(text, C4).reason, undefined, `${code}: articles 1-4 are not "too few sentences"`);
  }
  // Korean writes ". " like English.
  const ko = articleParagraphs('kor', 1, 2).join('\n');
  assert.equal(c4Sentences(ko), (ko.match(/\.(\s|$)/g) ?? []).length);
});

test('Thai: a space between two Thai letters ends a sentence (or clause); Thai lines carry no end mark', () => {
  const paragraphs = articleParagraphs('tha', 1, 3);
  const text = paragraphs.join('\n');
  // Reference: per line, the space runs between two Thai characters, plus the final sentence.
  const expected = paragraphs.reduce((a, p) => a + (p.match(/[\u0e00-\u0e7f]\s+(?=[\u0e00-\u0e7f])/g) ?? []).length + (/[\u0e00-\u0e7f]\s*$/.test(p) ? 1 : 0), 0);
  assert.ok(expected > paragraphs.length, `${expected} sentences in ${paragraphs.length} lines`);
  assert.equal(c4Sentences(text), expected);
  assert.deepEqual(c4Quality(text, C4_STRICT_LINES).removed, {}, 'lines ending in Thai letters are not judged by the terminal-punctuation rule');
  for (const code of ['tha', 'lao', 'khm', 'mya']) {
    const page = articleParagraphs(code, 1, 30).join('\n');
    assert.equal(finewebQualityReason(page, FW), undefined, `${code}: not a "line_punct_ratio" page`);
    assert.equal(c4Quality(page, C4_STRICT_LINES).reason, undefined, `${code}: kept by C4 as C4 ran it`);
  }
  // A Thai page is still judged where it can be: a menu of short lines goes.
  assert.equal(finewebQualityReason(['หน้าแรก', 'ข่าว', 'ติดต่อเรา', 'เกี่ยวกับเรา'].join('\n'), FW), 'short_line_ratio');
});

test('c4_quality: a Chinese paragraph has no spaces, but it is not a 1000-character word', () => {
  const line = udhrParagraphs('cmn_hans').join(''); // the whole declaration as one unspaced paragraph
  assert.ok(line.length > 2000 && !/\s/.test(line), 'one whitespace-separated "word" of over 2000 characters');
  const r = c4Quality(line, C4);
  assert.equal(r.removed.too_long_word, undefined);
  assert.equal(r.reason, undefined);
  assert.equal(c4Quality(`${line} ${'x'.repeat(1001)}`, C4).removed.too_long_word, 1, 'a real 1001-character run still goes');
});

test('every quality filter keeps real CJK, Thai, Lao, Khmer and Myanmar pages (articles 1-4 and 1-30, paragraphs apart)', () => {
  const langs: Array<[string, string]> = [['jpn', 'jpn'], ['cmn_hans', 'cmn'], ['cmn_hant', 'cmn'], ['yue', 'yue'], ['kor', 'kor'], ['tha', 'tha'], ['lao', 'lao'], ['khm', 'khm'], ['mya', 'mya']];
  for (const [code, lang] of langs) {
    for (const to of [4, 30]) {
      // As extract gives a page: paragraphs separated by blank lines.
      const text = articleParagraphs(code, 1, to).join('\n\n');
      assert.equal(chain(text, lang), 'kept', `${code} articles 1-${to}`);
    }
  }
});
