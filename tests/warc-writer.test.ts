import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uuid4 } from '../crawler/warcWriter.js';

test('WARC record ids: random version-4 UUIDs, all distinct, all four variants', () => {
  const ids = Array.from({ length: 5000 }, () => uuid4());
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(new Set(ids.map((id) => id[19])).size, 4);
});
