import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Document } from '../core/document.js';
import type { CoordinatorStep, StepDefinition } from '../core/step.js';
import { UserError } from '../core/errors.js';
import { minhashDedupStep } from '../filters/dedup/minhashDedup.js';
import { exactDedupStep } from '../filters/dedup/exactDedup.js';
import { urlDedupStep } from '../filters/dedup/urlDedup.js';
import { mulberry32 } from '../datasets/seededRandom.js';
import { CLI, runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';
import { journalLines } from './helpers/journalLines.js';

// 0.01 MiB = 327 keys in memory: a MinHash run (14 bands) spills every ~23 kept documents.
const TINY = 0.01;

/** Documents of ~60 words; 15% near copies (a few words changed) and 5% exact copies of earlier ones. */
function corpus(n: number, seed = 1): Document[] {
  const r = mulberry32(seed);
  const vocab = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}${'aeiou'[i % 5]}`);
  const texts: string[][] = [];
  const docs: Document[] = [];
  for (let i = 0; i < n; i++) {
    const kind = r();
    let words: string[];
    if (i > 20 && kind < 0.15) {
      words = [...texts[Math.floor(r() * i)]!];
      for (let e = 0; e < 2; e++) words[Math.floor(r() * words.length)] = vocab[Math.floor(r() * vocab.length)]!;
    } else if (i > 20 && kind < 0.2) words = texts[Math.floor(r() * i)]!;
    else words = Array.from({ length: 50 + Math.floor(r() * 20) }, () => vocab[Math.floor(r() * vocab.length)]!);
    texts.push(words);
    // URLs repeat too, so url_dedup has work.
    docs.push({ id: `doc-${i}-é`, text: words.join(' '), url: `https://site${Math.floor(i * 0.8) % 7}.example/p/${Math.floor(i * 0.8)}`, source: 't', metadata: {} });
  }
  return docs;
}

interface Decisions {
  kept: string[];
  dropped: string[]; // "id>duplicate_of reason"
  reports: Record<string, unknown>[];
}

function decideAll(def: StepDefinition, raw: Record<string, unknown>, docs: Document[], batch: number, stateDir?: string): { d: Decisions; coord: CoordinatorStep; deltas: Uint8Array[] } {
  const options = def.parseOptions(raw);
  const worker = def.worker!(options);
  const coord = def.coordinator!(options, { stateDir });
  const d: Decisions = { kept: [], dropped: [], reports: [] };
  const deltas: Uint8Array[] = [];
  for (let i = 0; i < docs.length; i += batch) run(worker.run(docs.slice(i, i + batch)).kept, coord, d, deltas);
  return { d, coord, deltas };
}

function run(batch: Document[], coord: CoordinatorStep, d: Decisions, deltas: Uint8Array[]): void {
  const out = coord.decide(batch);
  for (const k of out.kept) {
    assert.ok(!Object.keys(k.metadata).some((m) => m.startsWith('_')), 'worker keys are stripped');
    d.kept.push(k.id);
  }
  for (const x of out.dropped) d.dropped.push(`${x.doc.id}>${String(x.doc.metadata.duplicate_of)} ${x.reason}`);
  deltas.push(coord.checkpointDelta!());
}

/** The report minus what legitimately differs between the modes (bytes held, disk counters). */
function decisionsOf(report: Record<string, unknown>): Record<string, unknown> {
  const { index_bytes: _b, disk: _d, ...rest } = report;
  return rest;
}

test('disk-backed MinHash index with a tiny budget decides exactly like the in-memory one (many spills and merges)', () => {
  const docs = corpus(4000);
  const mem = decideAll(minhashDedupStep as StepDefinition, {}, docs, 100);
  const disk = decideAll(minhashDedupStep as StepDefinition, { memoryMb: TINY }, docs, 100);
  assert.ok(mem.d.dropped.length > 400, `near copies found: ${mem.d.dropped.length}`);
  assert.deepEqual(disk.d.kept, mem.d.kept);
  assert.deepEqual(disk.d.dropped, mem.d.dropped);
  const mr = mem.coord.report!();
  const dr = disk.coord.report!();
  assert.deepEqual(decisionsOf(dr), decisionsOf(mr));
  assert.ok(Object.keys(mr.cluster_sizes as object).length >= 2, 'clusters of several sizes');
  const stats = dr.disk as { runs: number; spills: number; compactions: number; file_bytes: number };
  assert.ok(stats.spills > 50 && stats.compactions > 10, JSON.stringify(stats));
  assert.ok(stats.runs < 12 && stats.file_bytes > (mr.indexed as number) * 14 * 12 * 0.9, JSON.stringify(stats));
  disk.coord.close!();
});

test('exact and URL dedup in disk mode decide like their in-memory versions', () => {
  const docs = corpus(3000, 7);
  for (const def of [exactDedupStep, urlDedupStep] as StepDefinition[]) {
    const mem = decideAll(def, {}, docs, 64);
    const disk = decideAll(def, { memoryMb: TINY }, docs, 64);
    assert.ok(mem.d.dropped.length > 100, `${def.name}: ${mem.d.dropped.length}`);
    assert.deepEqual(disk.d, { ...mem.d });
    assert.deepEqual(decisionsOf(disk.coord.report!()), decisionsOf(mem.coord.report!()));
    assert.ok((disk.coord.report!().disk as { spills: number }).spills > 5);
    disk.coord.close!();
  }
});

test('resume: stale spill files are discarded and replayed deltas give the uninterrupted decisions; close removes the files', async () => {
  const dir = await tempDir();
  const stateDir = join(dir, 'state');
  const docs = corpus(2500, 3);
  const def = minhashDedupStep as StepDefinition;
  const straight = decideAll(def, { memoryMb: TINY }, docs, 50, join(dir, 'other'));

  // First attempt: 1,200 docs decided, checkpointed up to doc 1,000, then "killed" (never closed).
  const first = decideAll(def, { memoryMb: TINY }, docs.slice(0, 1200), 50, stateDir);
  const committed = first.deltas.slice(0, 20);
  assert.ok(readdirSync(join(stateDir, 'minhash_dedup')).some((f) => f.startsWith('run-')));
  await writeFile(join(stateDir, 'minhash_dedup', 'run-999999.bin'), 'junk from a crash');

  const options = def.parseOptions({ memoryMb: TINY });
  const resumed = def.coordinator!(options, { stateDir });
  assert.deepEqual(readdirSync(join(stateDir, 'minhash_dedup')).sort(), ['ends.bin', 'ids.bin']);
  for (const delta of committed) resumed.restoreDelta!(delta);
  const worker = def.worker!(options);
  const d: Decisions = { kept: straight.d.kept.filter((id) => Number(id.split('-')[1]) < 1000), dropped: [], reports: [] };
  d.dropped = straight.d.dropped.filter((x) => Number(x.split('-')[1]) < 1000);
  for (let i = 1000; i < docs.length; i += 50) run(worker.run(docs.slice(i, i + 50)).kept, resumed, d, []);
  assert.deepEqual(d.kept, straight.d.kept);
  assert.deepEqual(d.dropped, straight.d.dropped);
  assert.deepEqual(resumed.report!(), straight.coord.report!());
  resumed.close!();
  straight.coord.close!();
  assert.equal(existsSync(join(stateDir, 'minhash_dedup')), false);
});

test('a bad memoryMb is one clear error, from the API and from the CLI', async () => {
  for (const bad of [0, -1, '64', 1e9]) assert.throws(() => minhashDedupStep.parseOptions({ memoryMb: bad }), UserError);
  const dir = await tempDir();
  await writeFile(join(dir, 'p.json'), JSON.stringify({ steps: [{ step: 'exact_dedup', memoryMb: 'lots' }] }));
  await writeFile(join(dir, 'in.jsonl'), '{"id":"a","text":"x"}\n');
  const r = await runCli(['curate', '--config', join(dir, 'p.json'), '--input', join(dir, 'in.jsonl'), '--out', join(dir, 'o'), '--quiet']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /^error: .*memoryMb/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('kill -9 + --resume with disk-backed dedup equals an uninterrupted run', async () => {
  const dir = await tempDir();
  const input = join(dir, 'in.jsonl');
  await writeFile(input, corpus(3000, 11).map((d) => JSON.stringify({ id: d.id, text: d.text, url: d.url })).join('\n') + '\n');
  const pipeline = join(dir, 'p.json');
  const steps = [{ step: 'exact_dedup', memoryMb: TINY }, { step: 'url_dedup', memoryMb: TINY }, { step: 'minhash_dedup', memoryMb: TINY }];
  await writeFile(pipeline, JSON.stringify({ steps }));
  const common = ['curate', '--config', pipeline, '--input', input, '--shard-docs', '250', '--batch-size', '50', '--workers', '1', '--quiet'];
  const straight = join(dir, 'straight');
  const s = await runCli([...common, '--out', straight]);
  assert.equal(s.code, 0, s.stderr);

  const interrupted = join(dir, 'interrupted');
  await mkdir(interrupted);
  const child = spawn(process.execPath, [CLI, ...common, '--out', interrupted], { stdio: 'ignore' });
  const exited = once(child, 'exit');
  let killed = false;
  while (!killed) {
    const done = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(r, 5)).then(() => false)]);
    if (done) break;
    if ((await journalLines(interrupted)) >= 2) {
      child.kill('SIGKILL');
      await exited;
      killed = true;
    }
  }
  assert.ok(killed, 'the first run was killed mid-way');
  assert.ok(existsSync(join(interrupted, 'state', 'dedup-index', 'minhash_dedup')), 'spill files left by the crash');
  const r = await runCli([...common, '--out', interrupted, '--resume']);
  assert.equal(r.code, 0, r.stderr);

  const ma = JSON.parse(await readFile(join(straight, 'manifest.json'), 'utf8'));
  const mb = JSON.parse(await readFile(join(interrupted, 'manifest.json'), 'utf8'));
  assert.ok(ma.totals.rows > 600 && ma.totals.rows < 3000 * 0.8, String(ma.totals.rows));
  assert.deepEqual(mb.shards.map((x: { sha256: string }) => x.sha256), ma.shards.map((x: { sha256: string }) => x.sha256));
  const sa = JSON.parse(await readFile(join(straight, 'stats.json'), 'utf8'));
  const sb = JSON.parse(await readFile(join(interrupted, 'stats.json'), 'utf8'));
  for (const step of ['exact_dedup', 'url_dedup', 'minhash_dedup']) {
    assert.deepEqual(sb.steps[step].dropped, sa.steps[step].dropped);
    assert.deepEqual(sb.reports[step], sa.reports[step]);
    assert.ok(sa.reports[step].disk.spills > 0, step);
  }
  // Spill files are derived state: gone once the run completes.
  assert.equal(existsSync(join(straight, 'state', 'dedup-index')) && readdirSync(join(straight, 'state', 'dedup-index')).length > 0, false);
});
