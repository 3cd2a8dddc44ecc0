import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrontierLog } from '../crawler/frontierLog.js';

test('frontier log: FIFO reads, replay after a torn last line, done entries skipped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cf-frontier-'));
  try {
    const path = join(dir, 'frontier.log');
    const f = FrontierLog.open(path);
    for (let i = 0; i < 10; i++) f.append(`https://a.com/${i}`, i % 3, i === 9 ? 'sitemap' : 'page', i === 4 ? ['https://a.com/r'] : []);
    const first = f.read(4, () => false);
    assert.deepEqual(first.map((e) => e.seq), [0, 1, 2, 3]);
    const rest = f.read(100, () => false);
    assert.equal(rest.length, 6);
    assert.deepEqual(rest[0]!.chain, ['https://a.com/r']);
    assert.equal(rest[5]!.kind, 'sitemap');
    assert.ok(f.exhausted);
    f.close();
    appendFileSync(path, '3\tp\thttps://a.com/torn'); // crash mid-line
    const replayed: string[] = [];
    const g = FrontierLog.open(path, (u) => replayed.push(u));
    assert.equal(replayed.length, 10);
    assert.equal(g.length, 10);
    const undone = g.read(100, (seq) => seq % 2 === 0);
    assert.deepEqual(undone.map((e) => e.seq), [1, 3, 5, 7, 9]);
    assert.equal(g.append('https://a.com/new', 1, 'page'), 10);
    g.close();
    assert.ok(readFileSync(path, 'utf8').endsWith('1\tp\thttps://a.com/new\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('frontier log: entries read from memory before a flush keep their sequence numbers and file position', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cf-frontier2-'));
  try {
    const path = join(dir, 'frontier.log');
    const f = FrontierLog.open(path);
    f.append('https://a.com/0', 0, 'page');
    f.append('https://a.com/1', 1, 'page');
    assert.deepEqual(f.read(1, () => false).map((e) => e.seq), [0]); // from memory
    f.flush();
    f.append('https://a.com/2', 1, 'page');
    f.flush();
    f.append('https://a.com/3', 2, 'page');
    assert.deepEqual(f.read(10, () => false).map((e) => [e.seq, e.url]), [[1, 'https://a.com/1'], [2, 'https://a.com/2'], [3, 'https://a.com/3']]);
    assert.ok(f.exhausted);
    f.append('https://a.com/4', 2, 'page');
    f.flush();
    assert.deepEqual(f.read(10, () => false).map((e) => e.seq), [4]);
    f.close();
    assert.equal(readFileSync(path, 'utf8').split('\n').length, 6);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
