/**
 * Staged dedup (signatures -> buckets -> clusters -> filter) over a corpus curated by 3 ranks decides what
 * one curate process with the same dedup steps decides over all the inputs: the same documents kept (shard
 * rows byte for byte), the same duplicate_of and cluster sizes; cluster ids agree with a 1-rank staged run;
 * a task killed mid-way reruns to the same bytes; bad flags give one error line.
 * The corpus is real text (UDHR sections in 16 languages) with planted exact copies, near copies and
 * repeated URLs, placed so that the first copy in global input order often sits on a later rank.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile, rm, writeFile, appendFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { curate } from '../pipelines/curate.js';
import { mergeManifests } from '../pipelines/mergeManifests.js';
import { runDedupStage, type DedupStage } from '../pipelines/dedupStages/index.js';
import { readParquetDocuments } from '../datasets/parquetReader.js';
import { udhrCodes, udhrDeclaration, udhrSections } from '../datasets/udhrSample.js';
import type { Document } from '../core/document.js';
import { main } from '../cli/main.js';
import { dedupKeysOf } from '../filters/registry.js';
import { RecordSorter } from '../pipelines/dedupStages/recordSort.js';
import { compareRecords } from '../pipelines/dedupStages/recordFiles.js';
import { tempDir } from './helpers/tmp.js';

const DEDUP = [{ step: 'url_dedup' }, { step: 'exact_dedup' }, { step: 'minhash_dedup' }];
const FILES = 7;

interface Row {
  id: string;
  text: string;
  url?: string;
}

/** UDHR sections of 16 languages, with duplicates planted across the 7 input files. */
async function corpusFiles(dir: string): Promise<string[]> {
  const base: Row[] = [];
  for (const code of udhrCodes().slice(0, 16)) {
    for (const s of udhrSections((await udhrDeclaration(code)).html)) {
      base.push({ id: `${code}/${s.section}`, text: [s.title, ...s.paragraphs].join('\n'), url: `https://udhr.example/${code}/${s.section}` });
    }
  }
  const files: Row[][] = Array.from({ length: FILES }, () => []);
  base.forEach((row, i) => files[i % FILES]!.push(row));
  // Copies go into another file, half of them into an earlier one (so the later-placed original is the duplicate).
  base.forEach((row, i) => {
    const into = files[(i * 5 + 3) % FILES]!;
    const at = (i * 7) % (into.length + 1);
    if (i % 9 === 0) into.splice(at, 0, { id: `exact-${i}`, text: row.text.replace(/ /g, '  ') + '\n', url: `https://mirror.example/${i}` });
    else if (i % 13 === 0) {
      const words = row.text.split(' ');
      if (words.length > 40) words[words.length - 2] = 'changed';
      into.splice(at, 0, { id: `near-${i}`, text: words.join(' '), url: `https://copies.example/${i}` });
    } else if (i % 11 === 0) into.splice(at, 0, { id: `url-${i}`, text: `A different page at the same address, number ${i}, with enough words to count.`, url: row.url!.replace('https://', 'http://www.') + '/' });
    else if (i % 17 === 0) into.splice(at, 0, { id: `nourl-${i}`, text: row.text });
  });
  const paths: string[] = [];
  for (let f = 0; f < FILES; f++) {
    const path = join(dir, `part-${f}.jsonl`);
    await writeFile(path, files[f]!.map((r) => JSON.stringify(r)).join('\n') + '\n');
    paths.push(path);
  }
  return paths;
}

async function shardRows(dir: string, pattern: RegExp): Promise<Document[]> {
  const rows: Document[] = [];
  for (const f of (await readdir(dir)).filter((n) => pattern.test(n)).sort()) for await (const d of readParquetDocuments(join(dir, f))) rows.push(d);
  return rows;
}

const rankOf = (doc: Document) => Number(/part-(\d+)\.jsonl/.exec(doc.source)![1]) % 3;

async function runStages(input: string, out: string, world: number, extra: Record<string, unknown> = {}): Promise<void> {
  for (const stage of ['signatures', 'buckets', 'clusters', 'filter'] as DedupStage[]) {
    const w = stage === 'clusters' ? 1 : world;
    for (let rank = 0; rank < w; rank++) await runDedupStage({ input, out, stage, rank, worldSize: w, steps: DEDUP, keepRejected: true, shardDocs: 70, partitions: 4, ...extra });
  }
}

async function removedLines(out: string): Promise<Map<string, { reason: string; duplicate_of: string; cluster: number }>> {
  const map = new Map<string, { reason: string; duplicate_of: string; cluster: number }>();
  const dir = join(out, 'dedup', 'clusters');
  for (const f of await readdir(dir)) {
    for (const line of (await readFile(join(dir, f), 'utf8')).split('\n').filter(Boolean)) {
      const { id, reason, duplicate_of, cluster } = JSON.parse(line);
      map.set(id, { reason, duplicate_of, cluster });
    }
  }
  return map;
}

/** Every file a stage task writes (its outputs and marker), with contents, for before/after comparisons. */
async function snapshot(out: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (!e.name.startsWith('.') && !/^manifest/.test(e.name)) files.set(p, (await readFile(p)).toString('base64'));
    }
  };
  await walk(out);
  return files;
}

test('3 ranks staged = one curate process: same kept rows, same duplicates; cluster ids = a 1-rank staged run', async () => {
  const dir = await tempDir("cf-dedup-stages-");
  const inputs = await corpusFiles(dir);
  const common = { inputs, workers: 0, batchSize: 50, shardDocs: 70 };
  const single = await curate({ ...common, out: join(dir, 'single'), steps: [{ step: 'normalise' }, ...DEDUP], keepRejected: true });
  for (let rank = 0; rank < 3; rank++) await curate({ ...common, out: join(dir, 'ranked'), steps: [{ step: 'normalise' }], rank, worldSize: 3 });
  await curate({ ...common, out: join(dir, 'one'), steps: [{ step: 'normalise' }] });
  await runStages(join(dir, 'ranked'), join(dir, 'staged'), 3);
  await runStages(join(dir, 'one'), join(dir, 'staged1'), 1);

  const kept = await shardRows(join(dir, 'single'), /^docs-\d+\.parquet$/);
  const dropped = await shardRows(join(dir, 'single'), /^rejected-\d+\.parquet$/);
  assert.ok(dropped.every((d) => typeof d.metadata.duplicate_of === 'string'));
  const reports = single.stats.reports as Record<string, { duplicates: number; cluster_sizes: Record<string, number> }>;
  for (const name of ['url_dedup', 'exact_dedup', 'minhash_dedup']) assert.ok(reports[name]!.duplicates >= 10, `${name}: ${JSON.stringify(reports[name])}`);

  for (let rank = 0; rank < 3; rank++) {
    const staged = await shardRows(join(dir, 'staged'), new RegExp(`^docs-r${rank}-\\d+\\.parquet$`));
    assert.deepEqual(staged, kept.filter((d) => rankOf(d) === rank), `kept rows of rank ${rank}`);
    const rejected = await shardRows(join(dir, 'staged'), new RegExp(`^rejected-r${rank}-\\d+\\.parquet$`));
    // curate writes a batch's drops step by step, so rejected rows are compared as sets (by id).
    const byId = (a: Document, b: Document) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    assert.deepEqual(rejected.sort(byId), dropped.filter((d) => rankOf(d) === rank).sort(byId), `removed rows of rank ${rank}`);
  }
  // The staged run's reasons are the single run's (the reason column is not part of Document: compare via stats).
  const stagedStats = await Promise.all([0, 1, 2].map(async (r) => JSON.parse(await readFile(join(dir, 'staged', `stats-r${r}.json`), 'utf8'))));
  for (const name of ['url_dedup', 'exact_dedup', 'minhash_dedup']) {
    const sum = stagedStats.reduce((n, s) => n + Object.values(s.steps[name].dropped as Record<string, number>).reduce((a, b) => a + b, 0), 0);
    assert.equal(sum, reports[name]!.duplicates, name);
  }
  // The ranks' outputs join like curate's, for tokenize and merge-tokens.
  assert.equal((await mergeManifests(join(dir, 'staged'))).totals.rows, kept.length);
  const marker = JSON.parse(await readFile(join(dir, 'staged', 'dedup', 'clusters.done.json'), 'utf8'));
  for (const name of ['url_dedup', 'exact_dedup', 'minhash_dedup']) assert.deepEqual(marker.reports[name].cluster_sizes, reports[name]!.cluster_sizes, name);

  // Cluster ids and duplicate_of: the same from 3 ranks as from 1; a cluster id is the kept document's index in the corpus.
  const three = await removedLines(join(dir, 'staged'));
  const one = await removedLines(join(dir, 'staged1'));
  assert.deepEqual(new Map([...three].sort()), new Map([...one].sort()));
  const corpus = await shardRows(join(dir, 'one'), /^docs-\d+\.parquet$/);
  let laterRankKept = 0;
  for (const [id, r] of three) {
    assert.equal(corpus[r.cluster]!.id, r.duplicate_of, `cluster of ${id}`);
    const removedDoc = corpus.find((d) => d.id === id)!;
    if (rankOf(corpus[r.cluster]!) > rankOf(removedDoc)) laterRankKept++;
  }
  assert.ok(laterRankKept >= 5, `duplicates whose first copy is on a later rank: ${laterRankKept}`);
});

test('a stage task killed mid-way (temp files, no done marker) reruns to the same bytes', async () => {
  const dir = await tempDir('cf-dedup-kill-');
  const inputs = await corpusFiles(dir);
  for (let rank = 0; rank < 3; rank++) await curate({ inputs, out: join(dir, 'ranked'), steps: [{ step: 'normalise' }], rank, worldSize: 3, workers: 0 });
  const out = join(dir, 'staged');
  await runStages(join(dir, 'ranked'), out, 3);
  const before = await snapshot(out);
  const work = join(out, 'dedup');
  // What kill -9 leaves: no marker, a half-written file, a temp file beside it.
  const cases: [string, string, string][] = [
    ['signatures', join(work, 'signatures', 'r1.done.json'), join(work, 'signatures', 'r1', 'p2.bin')],
    ['buckets', join(work, 'buckets', 'p3.done.json'), join(work, 'buckets', 'p3', 'edges.bin')],
    ['clusters', join(work, 'clusters.done.json'), join(work, 'clusters', 'removed-r2.jsonl')],
    ['filter', join(work, 'filter-r0.done.json'), join(out, 'docs-r0-00001.parquet')],
  ];
  for (const [stage, marker, file] of cases) {
    await rm(marker);
    const size = (await stat(file)).size;
    await writeFile(file, (await readFile(file)).subarray(0, size >> 1));
    await appendFile(join(file, '..', `.${file.split('/').pop()}.99999.tmp`), 'partial');
    const rank = stage === 'signatures' ? 1 : stage === 'buckets' ? 3 : 0;
    const world = stage === 'clusters' ? 1 : stage === 'buckets' ? 4 : 3;
    await runDedupStage({ input: join(dir, 'ranked'), out, stage: stage as DedupStage, rank, worldSize: world, steps: DEDUP, keepRejected: true, shardDocs: 70, partitions: 4 });
    assert.deepEqual(await snapshot(out), before, `rerun of ${stage}`);
  }

  // A real kill -9 of a filter task in a child process once its first shard is in place, then the rerun.
  await rm(join(work, 'filter-r2.done.json'));
  for (const f of await readdir(out)) if (/^(docs|rejected)-r2-/.test(f)) await rm(join(out, f));
  const args = ['--import', 'tsx', 'bin/corpusforge.js', 'dedup', '--input', join(dir, 'ranked'), '--out', out, '--stage', 'filter', '--rank', '2', '--world-size', '3', '--steps', 'url_dedup,exact_dedup,minhash_dedup', '--keep-rejected', '--shard-docs', '70', '--partitions', '4'];
  const child = spawn(process.execPath, args, { stdio: 'ignore' });
  const exited = new Promise((r) => child.once('exit', r));
  while (!existsSync(join(out, 'docs-r2-00000.parquet')) && child.exitCode === null) await new Promise((r) => setTimeout(r, 2));
  child.kill('SIGKILL');
  await exited;
  assert.ok(!existsSync(join(work, 'filter-r2.done.json')), 'the child was killed before it finished');
  const code = await main(args.slice(3));
  assert.equal(code, 0);
  assert.deepEqual(await snapshot(out), before, 'rerun after kill -9');
  assert.ok(existsSync(join(work, 'filter-r2.done.json')));
});

test('bad flags and stages out of order: one error line each', async (t) => {
  const dir = await tempDir('cf-dedup-flags-');
  const inputs = await corpusFiles(dir);
  await curate({ inputs, out: join(dir, 'corpus'), steps: [{ step: 'normalise' }], workers: 0 });
  const errors: string[] = [];
  t.mock.method(console, 'error', (s: unknown) => errors.push(String(s)));
  const run = async (...argv: string[]) => {
    errors.length = 0;
    const code = await main(['dedup', '--input', join(dir, 'corpus'), '--out', join(dir, 'out'), ...argv]);
    return { code, errors: [...errors] };
  };
  const cases: [string[], RegExp][] = [
    [['--stage', 'sort'], /^error: dedup: --stage must be one of signatures, buckets, clusters, filter; got 'sort'$/],
    [['--stage', 'clusters', '--world-size', '3'], /^error: --stage clusters is one task/],
    [['--stage', 'signatures', '--rank', '3', '--world-size', '3'], /^error: --rank must be in \[0, --world-size\); got rank 3, world size 3$/],
    [['--stage', 'signatures', '--steps', 'pii'], /^error: dedup steps: 'pii' is not a deduplication step/],
    [['--stage', 'buckets'], /^error: dedup signatures for part 0 has not finished \(run that stage first/],
    [['--stage', 'signatures', '--partitions', '0'], /^error: --partitions must be an integer >= 1, got '0'$/],
    [[], /^error: dedup: --stage is required$/],
  ];
  for (const [argv, expected] of cases) {
    const r = await run(...argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.equal(r.errors.length, 1, `${argv.join(' ')}: ${r.errors.join(' | ')}`);
    assert.match(r.errors[0]!, expected);
  }
  errors.length = 0;
  const wrongInput = await main(['dedup', '--input', dir, '--out', join(dir, 'out2'), '--stage', 'signatures']);
  assert.equal(wrongInput, 2);
  assert.match(errors[0]!, /not a curate output folder/);
});

test('corpusforge run drives the stages on one machine (a "dedup" section), and skips them when nothing changed', async (t) => {
  const dir = await tempDir('cf-dedup-run-');
  const inputs = await corpusFiles(dir);
  const single = await curate({ inputs, out: join(dir, 'single'), steps: [{ step: 'normalise' }, ...DEDUP], workers: 0 });
  const file = join(dir, 'pipeline.json');
  await writeFile(file, JSON.stringify({ input: inputs, out: join(dir, 'run'), steps: [{ step: 'normalise' }], dedup: { steps: DEDUP, partitions: 3 } }));
  const logs: string[] = [];
  t.mock.method(console, 'error', (s: unknown) => logs.push(String(s)));
  t.mock.method(console, 'log', (s: unknown) => logs.push(String(s)));
  assert.equal(await main(['run', file, '--workers', '0', '--quiet']), 0, logs.join('\n'));
  const kept = await shardRows(join(dir, 'run', 'deduped'), /^docs-\d+\.parquet$/);
  assert.deepEqual(kept, await shardRows(join(dir, 'single'), /^docs-\d+\.parquet$/));
  assert.equal(kept.length, single.stats.output.docs);
  logs.length = 0;
  assert.equal(await main(['run', file, '--workers', '0', '--quiet']), 0);
  assert.ok(logs.some((l) => /^dedup: up to date, skipped/.test(l)), logs.join('\n'));
  await writeFile(file, JSON.stringify({ input: inputs, out: join(dir, 'run'), steps: [{ step: 'normalise' }], dedup: { steps: [{ step: 'pii' }] } }));
  logs.length = 0;
  assert.equal(await main(['run', file, '--workers', '0', '--quiet']), 2);
  assert.match(logs.join('\n'), /dedup\.steps: 'pii' is not a deduplication step/);
});

test('loose MinHash bands (many chains A~B~C): staged still keeps exactly what curate keeps', async () => {
  const dir = await tempDir('cf-dedup-chains-');
  const inputs = await corpusFiles(dir);
  const loose = [{ step: 'minhash_dedup', buckets: 24, hashesPerBucket: 1, nGrams: 2 }];
  await curate({ inputs, out: join(dir, 'single'), steps: [{ step: 'normalise' }, ...loose], workers: 0, keepRejected: true });
  for (let rank = 0; rank < 3; rank++) await curate({ inputs, out: join(dir, 'ranked'), steps: [{ step: 'normalise' }], rank, worldSize: 3, workers: 0 });
  for (const stage of ['signatures', 'buckets', 'clusters', 'filter'] as DedupStage[]) {
    const w = stage === 'clusters' ? 1 : 3;
    for (let rank = 0; rank < w; rank++) await runDedupStage({ input: join(dir, 'ranked'), out: join(dir, 'staged'), stage, rank, worldSize: w, steps: loose });
  }
  const kept = await shardRows(join(dir, 'single'), /^docs-\d+\.parquet$/);
  const removed = await removedLines(join(dir, 'staged'));
  assert.ok(removed.size > kept.length / 4, `loose bands remove many: ${removed.size} of ${removed.size + kept.length}`);
  // Chains: kept documents sharing a band with an earlier removed one, which union-find would have dropped.
  for (const r of removed.values()) assert.ok(!removed.has(r.duplicate_of));
  const keys = dedupKeysOf(loose[0]!)!;
  const pos = (d: Document) => { const m = /part-(\d+)\.jsonl:(\d+)/.exec(d.source)!; return Number(m[1]) * 1e6 + Number(m[2]); };
  const firstRemoved = new Map<string, number>();
  for (const d of await shardRows(join(dir, 'single'), /^rejected-\d+\.parquet$/)) {
    const k = keys.computeKeys(d);
    for (let b = 0; k && b < keys.numKeys; b++) {
      const key = `${b}:${k[2 * b]}:${k[2 * b + 1]}`;
      firstRemoved.set(key, Math.min(firstRemoved.get(key) ?? Infinity, pos(d)));
    }
  }
  const chained = kept.filter((d) => {
    const k = keys.computeKeys(d);
    for (let b = 0; k && b < keys.numKeys; b++) if ((firstRemoved.get(`${b}:${k[2 * b]}:${k[2 * b + 1]}`) ?? Infinity) < pos(d)) return true;
    return false;
  });
  assert.ok(chained.length >= 3, `kept documents union-find would drop: ${chained.length}`);
  for (let rank = 0; rank < 3; rank++) {
    const staged = await shardRows(join(dir, 'staged'), new RegExp(`^docs-r${rank}-\\d+\\.parquet$`));
    assert.deepEqual(staged, kept.filter((d) => rankOf(d) === rank), `kept rows of rank ${rank}`);
  }
});

test('the buckets sort spills sorted runs under a small budget and merges them into the in-memory order', async () => {
  const dir = await tempDir('cf-dedup-sort-');
  const words = 5, n = 50_000;
  const data = new Uint32Array(n * words);
  let x = 7;
  for (let i = 0; i < data.length; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    data[i] = i % words === 0 ? x % 3 : i % words === 1 ? x % 50 : x; // many equal leading words: ties
  }
  for (let i = 0; i < n; i++) data[i * words + 4] = i; // the push order, to check stability
  const sortWith = (budgetBytes: number) => {
    const sorter = new RecordSorter({ words, keyWords: 3, budgetBytes, tmpDir: dir });
    for (let i = 0; i < n; i++) sorter.push(data, i * words);
    const out: number[] = [];
    sorter.forEachSorted((d, at) => out.push(d[at + 4]!));
    return out;
  };
  const expected = [...Array(n).keys()].sort((a, b) => compareRecords(data, a * words, data, b * words, 3) || a - b);
  assert.deepEqual(sortWith(1 << 30), expected);
  assert.deepEqual(sortWith(1024 * words * 4), expected); // ~49 runs of 1,024 records
  assert.deepEqual(await readdir(dir), [], 'spilled runs are deleted');
});
