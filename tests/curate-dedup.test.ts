/**
 * Dedup inside the real curate executor: duplicates across shards are removed keep-first, and a
 * run that "crashed" after a few commits (journal cut back, later files left behind) resumes to
 * exactly the output and stats of an uninterrupted run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { curate } from '../pipelines/curate.js';
import { readDocuments } from '../datasets/readers.js';
import { tempDir } from './helpers/tmp.js';

const STEPS = [{ step: 'url_dedup' }, { step: 'exact_dedup' }, { step: 'minhash_dedup' }, { step: 'pii' }];
const WORDS = 'river stone window garden morning letter music table winter harbour paper silver forest bridge candle market orange valley pocket ladder'.split(' ');

/** 1,200 documents: every 10th repeats the URL of the 5th before, every 7th an earlier text, every 11th a near copy. */
function inputLines(): string[] {
  const text = (i: number) => {
    let x = i * 2654435761 + 1;
    const w: string[] = [];
    for (let k = 0; k < 60; k++) {
      x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + k) >>> 0;
      w.push(WORDS[x % WORDS.length]! + (x % 97));
    }
    return w.join(' ');
  };
  const lines: string[] = [];
  for (let i = 0; i < 1200; i++) {
    let t = text(i);
    let url = `https://site${i % 50}.example/page/${i}`;
    if (i > 20 && i % 7 === 0) t = text(i - 13);
    else if (i > 20 && i % 11 === 0) t = text(i - 17).replace(/^\S+/, 'changed') + ' mail me at user' + i + '@example.com';
    if (i > 20 && i % 10 === 0) url = `http://www.site${(i - 5) % 50}.example/page/${i - 5}/`;
    lines.push(JSON.stringify({ id: `d${i}`, text: t, url }));
  }
  return lines;
}

async function keptIds(out: string): Promise<string[]> {
  const files = (await readdir(out)).filter((f) => /^docs-\d+\.parquet$/.test(f)).sort().map((f) => join(out, f));
  const ids: string[] = [];
  for await (const d of readDocuments(files)) {
    assert.ok(!Object.keys(d.metadata).some((k) => k.startsWith('_')), `internal keys leaked: ${JSON.stringify(d.metadata)}`);
    ids.push(d.id);
  }
  return ids;
}

test('dedup steps in curate: keep-first across shards, and resume after a crash reproduces the run', async () => {
  const dir = await tempDir('cf-dedup-');
  const input = join(dir, 'in.jsonl');
  await writeFile(input, inputLines().join('\n') + '\n');
  const opts = { inputs: [input], steps: STEPS, workers: 0, batchSize: 40, shardDocs: 150 };

  const full = await curate({ ...opts, out: join(dir, 'full') });
  const ids = await keptIds(join(dir, 'full'));
  const reports = full.stats.reports as Record<string, { duplicates: number; cluster_sizes: Record<string, number> }>;
  assert.ok(reports.url_dedup!.duplicates >= 100, JSON.stringify(reports.url_dedup));
  assert.ok(reports.exact_dedup!.duplicates >= 100, JSON.stringify(reports.exact_dedup));
  assert.ok(reports.minhash_dedup!.duplicates >= 50, JSON.stringify(reports.minhash_dedup));
  assert.equal(ids.length + reports.url_dedup!.duplicates + reports.exact_dedup!.duplicates + reports.minhash_dedup!.duplicates, 1200);
  // No two kept documents share a text, and they come out in input order.
  const byId = new Map(inputLines().map((l) => JSON.parse(l) as { id: string; text: string }).map((d) => [d.id, d.text]));
  const keptTexts = ids.map((id) => byId.get(id)!);
  assert.equal(new Set(keptTexts).size, ids.length);
  const order = (id: string) => Number(id.slice(1));
  assert.deepEqual(ids, [...ids].sort((a, b) => order(a) - order(b)), 'input order is preserved');

  // Crash after 3 commits: cut the journal back, leave later shards and state files behind.
  const crashed = join(dir, 'crashed');
  await curate({ ...opts, out: crashed });
  const journal = join(crashed, 'state', 'journal.jsonl');
  const lines = (await readFile(journal, 'utf8')).split('\n').filter(Boolean);
  assert.ok(lines.length > 5, `${lines.length} commits`);
  await writeFile(journal, lines.slice(0, 3).join('\n') + '\n');
  const runInfo = join(crashed, 'state', 'run.json');
  await writeFile(runInfo, JSON.stringify({ ...JSON.parse(await readFile(runInfo, 'utf8')), complete: false }));
  const resumed = await curate({ ...opts, out: crashed, resume: true });
  assert.ok(resumed.resumedDocs > 0 && !resumed.alreadyComplete);
  assert.deepEqual(await keptIds(crashed), ids);
  assert.deepEqual(resumed.stats.reports, full.stats.reports);
});
