import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSeedFile } from '../crawler/seeds.js';

test('seed file: comments and blanks ignored, bad lines reported with line numbers, duplicates once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cf-seeds-'));
  try {
    const path = join(dir, 'seeds.txt');
    writeFileSync(path, '# seeds\n\nhttps://a.com/\nhttps://A.com:443/#x\nnot a url\nftp://x.org/\n  https://b.org/p  \n');
    const r = await readSeedFile(path);
    assert.deepEqual(r.seeds, ['https://a.com/', 'https://b.org/p']);
    assert.equal(r.problems.length, 2);
    assert.match(r.problems[0]!, /seeds\.txt:5: not an http\(s\) URL: not a url/);
    assert.match(r.problems[1]!, /seeds\.txt:6:/);
    await assert.rejects(readSeedFile(join(dir, 'missing.txt')), /cannot read seed file/);
    assert.ok(!existsSync(join(dir, 'missing.txt')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
