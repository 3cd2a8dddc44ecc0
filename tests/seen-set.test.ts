import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeenSet } from '../crawler/seenSet.js';

test('seen-set: exact for distinct URLs across growth, reports repeats', () => {
  const s = new SeenSet(16);
  for (let i = 0; i < 200_000; i++) assert.ok(s.add(`https://example.com/page/${i}?q=${i * 7}`));
  assert.equal(s.size, 200_000);
  for (let i = 0; i < 200_000; i += 997) assert.ok(!s.add(`https://example.com/page/${i}?q=${i * 7}`));
  assert.ok(s.has('https://example.com/page/5?q=35'));
  assert.ok(!s.has('https://example.com/page/5?q=36'));
  assert.ok(s.memoryBytes <= 200_000 * 8 * 3, `memory ${s.memoryBytes}`);
});
