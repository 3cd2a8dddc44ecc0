import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FingerprintTable } from '../filters/dedup/keepFirst/fingerprintTable.js';
import { PartitionedKeyTable } from '../filters/dedup/keepFirst/partitionedKeyTable.js';
import { IdStore } from '../filters/dedup/keepFirst/idStore.js';
import { seededWords } from '../filters/dedup/hash.js';
import { MemTable } from '../filters/dedup/keepFirst/memTable.js';
import { BloomFilter } from '../filters/dedup/keepFirst/bloomFilter.js';
import { SpilledIdStore } from '../filters/dedup/keepFirst/spilledIdStore.js';
import { tempDir } from './helpers/tmp.js';

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

test('SpilledIdStore returns every id whether it is on disk or still buffered', async () => {
  const dir = await tempDir();
  const s = new SpilledIdStore(dir, 1024);
  const ids = Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? `文書-${i}` : i % 3 === 1 ? `doc-${i}-😀` : `u${i}`.repeat(i % 50)));
  ids.forEach((id, i) => assert.equal(s.add(id), i));
  for (let i = 0; i < ids.length; i += 7) assert.equal(s.get(i), ids[i]);
  assert.equal(s.get(ids.length - 1), ids.at(-1));
  assert.throws(() => s.get(ids.length), RangeError);
  s.destroy();
});

test('MemTable finds what it holds and hands it back sorted by unsigned 64-bit key', () => {
  const t = new MemTable(5000);
  const w = seededWords(9, 10_000);
  // Every 50th key shares its high word with the previous one: the sort must order by the low word.
  const hi = (i: number) => w[2 * (i % 50 === 1 ? i - 1 : i)]!;
  for (let i = 0; i < 5000; i++) t.add(hi(i), w[2 * i + 1]!, i);
  assert.ok(t.full);
  assert.throws(() => t.add(1, 2, 5000), RangeError);
  for (let i = 0; i < 5000; i += 7) assert.equal(t.get(hi(i), w[2 * i + 1]!), i);
  assert.equal(t.get(1, 2), -1);
  const { his, los, ords } = t.sortedEntries();
  const key = (j: number) => BigInt(his[j]!) * 2n ** 32n + BigInt(los[j]!);
  for (let j = 1; j < his.length; j++) assert.ok(key(j - 1) < key(j));
  for (let j = 0; j < his.length; j += 11) assert.equal(los[j], w[2 * ords[j]! + 1]);
  assert.equal(new Set(ords).size, 5000);
});

test('BloomFilter: never a false negative, about 1% false positives at 10 bits per key', () => {
  const f = new BloomFilter(20_000, 10);
  const w = seededWords(5, 80_000);
  for (let i = 0; i < 20_000; i++) f.add(w[2 * i]!, w[2 * i + 1]!);
  for (let i = 0; i < 20_000; i++) assert.ok(f.mayContain(w[2 * i]!, w[2 * i + 1]!));
  let fp = 0;
  for (let i = 20_000; i < 40_000; i++) if (f.mayContain(w[2 * i]!, w[2 * i + 1]!)) fp++;
  assert.ok(fp > 0 && fp / 20_000 < 0.02, `false positives: ${fp}`);
});
