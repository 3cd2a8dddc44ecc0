import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FingerprintTable } from '../filters/dedup/keepFirst/fingerprintTable.js';
import { PartitionedKeyTable } from '../filters/dedup/keepFirst/partitionedKeyTable.js';
import { IdStore } from '../filters/dedup/keepFirst/idStore.js';
import { seededWords } from '../filters/dedup/hash.js';
import { segmentWordLike } from '../filters/text/segmenter.js';

for (const [name, make] of [
  ['FingerprintTable', () => new FingerprintTable(16)],
  ['PartitionedKeyTable', () => new PartitionedKeyTable(4)],
] as const) {
  test(`${name} agrees with a Map through many resizes, first insert wins`, () => {
    const table = make();
    const keys = seededWords(42, 2 * 50_000);
    const ref = new Map<string, number>();
    for (let i = 0; i < 50_000; i++) {
      // Every 5th key repeats an earlier one: setIfAbsent must return the first ordinal.
      const j = i % 5 === 4 ? i - 3 : i;
      const hi = keys[2 * j]!;
      const lo = keys[2 * j + 1]!;
      const k = `${hi}:${lo}`;
      const expected = ref.has(k) ? ref.get(k)! : -1;
      assert.equal(table.setIfAbsent(hi, lo, i), expected);
      if (!ref.has(k)) ref.set(k, i);
    }
    for (const [k, ord] of ref) {
      const [hi, lo] = k.split(':').map(Number) as [number, number];
      assert.equal(table.get(hi, lo), ord);
    }
    // Keys never inserted: same low word with another partition, and fresh random keys.
    const fresh = seededWords(7, 2000);
    for (let i = 0; i < 1000; i++) assert.equal(table.get(fresh[2 * i]!, fresh[2 * i + 1]!), -1);
    assert.equal(table.get((keys[0]! ^ 0x80000000) >>> 0, keys[1]!), -1);
    assert.ok(table.bytes > 0);
  });
}

test('IdStore round-trips ids of any script and grows', () => {
  const s = new IdStore();
  const ids = Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? `文書-${i}` : i % 3 === 1 ? `doc-${i}-😀` : `https://example.com/${i}`));
  ids.forEach((id, i) => assert.equal(s.add(id), i));
  assert.equal(s.size, ids.length);
  for (const i of [0, 1, 2, 9999, 19_999]) assert.equal(s.get(i), ids[i]);
  assert.throws(() => s.get(20_000), RangeError);
});

test('chunked Intl.Segmenter gives the same words as one pass when text has breaks, and surrogate pairs survive', () => {
  const unit = '人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。𠀀𠀁 ';
  const text = unit.repeat(120); // ~6,000 code units: several pieces
  const whole = [...new Intl.Segmenter('und', { granularity: 'word' }).segment(text)].filter((s) => s.isWordLike).map((s) => s.segment);
  assert.deepEqual(segmentWordLike(text), whole);
  const run = '中'.repeat(4000); // no break at all: cut every 1,500 units, nothing lost
  assert.equal(segmentWordLike(run).join(''), run);
  const astral = '𠀀'.repeat(2000);
  assert.equal(segmentWordLike(astral).join(''), astral);
});
