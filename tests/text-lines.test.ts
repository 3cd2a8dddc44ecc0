import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Spans } from '../filters/text/spans.js';
import { findDuplicates, findDuplicateSpans, newlineSpans, trimmedRange } from '../filters/text/lines.js';
import { randomLineTexts } from './helpers/qualityText.js';

test('newline spans and in-place duplicates equal split() and findDuplicates()', () => {
  const spans = new Spans();
  const texts = (s: string) => Array.from({ length: spans.count }, (_, k) => s.slice(spans.starts[k], spans.ends[k]));
  for (const t of ['', '\n', '\n\n', 'a', ...randomLineTexts(1500)]) {
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
