import { test } from 'node:test';
import assert from 'node:assert/strict';
import { c4QualityStep } from '../filters/quality/c4Quality.js';
import { finewebQualityStep } from '../filters/quality/finewebQuality.js';
import { gopherQualityStep, gopherQualityReason } from '../filters/quality/gopherQuality.js';
import { gopherRepetitionStep } from '../filters/quality/gopherRepetition.js';
import { langidStep } from '../filters/langid/langid.js';
import type { Document } from '../core/document.js';
import { udhrArticles } from './helpers/qualityText.js';

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
