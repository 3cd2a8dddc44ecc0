import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Document } from '../core/document.js';
import type { CoordinatorStep, StepOutput } from '../core/step.js';
import { isUserError } from '../core/errors.js';
import { exactDedupStep } from '../filters/dedup/exactDedup.js';
import { urlDedupStep, normaliseUrl } from '../filters/dedup/urlDedup.js';
import { minhashDedupStep } from '../filters/dedup/minhashDedup.js';
import { getStepDefinition } from '../filters/registry.js';

const doc = (id: string, text: string, url?: string): Document => ({ id, text, url, source: `t:${id}`, metadata: {} });

/** Runs the worker half then the coordinator half over batches, as the executor does. */
function runDedup(stepName: string, options: Record<string, unknown>, batches: Document[][], coordinator?: CoordinatorStep) {
  const def = getStepDefinition(stepName);
  const opts = def.parseOptions(options);
  const worker = def.worker!(opts);
  const coord = coordinator ?? def.coordinator!(opts);
  const outputs: StepOutput[] = batches.map((b) => coord.decide(worker.run(b).kept));
  return { coord, outputs, kept: outputs.flatMap((o) => o.kept), dropped: outputs.flatMap((o) => o.dropped) };
}

const LONG = 'The committee met on Tuesday to review the annual budget and agreed that the library would stay open on weekends for students preparing for their final examinations this spring';

test('exact dedup keeps the first copy, drops whitespace variants with duplicate_of, strips its metadata key', () => {
  const batches = [[doc('a', 'Hello   world.\nSecond line'), doc('b', 'Something else')], [doc('c', ' Hello world. Second line '), doc('d', 'hello world. second line')]];
  const { kept, dropped } = runDedup('exact_dedup', {}, batches);
  assert.deepEqual(kept.map((d) => d.id), ['a', 'b', 'd']);
  assert.equal(dropped.length, 1);
  assert.equal(dropped[0]!.reason, 'exact_dedup:duplicate');
  assert.equal(dropped[0]!.doc.id, 'c');
  assert.equal(dropped[0]!.doc.metadata.duplicate_of, 'a');
  for (const d of [...kept, ...dropped.map((r) => r.doc)]) assert.ok(!('_exact_hash' in d.metadata));
  // Case-insensitive mode also removes 'd'.
  const lower = runDedup('exact_dedup', { normalise: 'lowercase' }, batches);
  assert.deepEqual(lower.kept.map((d) => d.id), ['a', 'b']);
});

test('keep-first follows input order, whatever the batching', () => {
  const docs = [doc('x1', LONG), doc('x2', 'unrelated text about gardening and roses'), doc('x3', LONG + '!'), doc('x4', LONG)];
  const one = runDedup('minhash_dedup', {}, [docs]);
  const many = runDedup('minhash_dedup', {}, docs.map((d) => [d]));
  assert.deepEqual(one.kept.map((d) => d.id), ['x1', 'x2']);
  assert.deepEqual(many.kept.map((d) => d.id), ['x1', 'x2']);
  assert.deepEqual(one.dropped.map((r) => [r.doc.id, r.reason, r.doc.metadata.duplicate_of]), [
    ['x3', 'minhash_dedup:near_duplicate', 'x1'],
    ['x4', 'minhash_dedup:near_duplicate', 'x1'],
  ]);
  const reversed = runDedup('minhash_dedup', {}, [[...docs].reverse()]);
  assert.deepEqual(reversed.kept.map((d) => d.id), ['x4', 'x2']);
  assert.deepEqual(one.coord.report!().cluster_sizes, { '3': 1 });
});

test('the coordinator alone (worker half not run) reaches the same decisions', () => {
  const docs = [doc('a', LONG), doc('b', LONG.replace('this spring', 'this summer')), doc('c', 'short one')];
  const def = getStepDefinition('minhash_dedup');
  const direct = def.coordinator!(def.parseOptions({})).decide(docs);
  const viaWorker = runDedup('minhash_dedup', {}, [docs]);
  assert.deepEqual(direct.kept.map((d) => d.id), viaWorker.kept.map((d) => d.id));
  assert.deepEqual(direct.kept.map((d) => d.id), ['a', 'c']);
  // 'short one' has fewer words than one 5-gram shingle: kept and counted, never indexed.
  assert.equal(direct.counters!['minhash_dedup.too_short'], 1);
});

test('checkpoint deltas rebuild exactly the committed state after a crash', () => {
  const texts = Array.from({ length: 60 }, (_, i) => `${LONG} item number ${i % 20} in series ${i % 4 === 0 ? 'alpha' : 'beta'} ${'padding words here '.repeat(i % 2)}`);
  const batches: Document[][] = [];
  for (let b = 0; b < 10; b++) batches.push(texts.slice(b * 6, b * 6 + 6).map((t, j) => doc(`d${b * 6 + j}`, t)));
  for (const stepName of ['minhash_dedup', 'exact_dedup']) {
    const full = runDedup(stepName, {}, batches);
    const def = getStepDefinition(stepName);
    const opts = def.parseOptions({});
    // First run: commit 4 batches (a delta after each), then crash.
    const first = def.coordinator!(opts);
    const worker = def.worker!(opts);
    const deltas = batches.slice(0, 4).map((b) => {
      first.decide(worker.run(b).kept);
      return first.checkpointDelta!();
    });
    // Resume: a fresh coordinator replays the deltas, then runs the remaining batches.
    const resumed = def.coordinator!(opts);
    for (const d of deltas) resumed.restoreDelta!(d);
    const rest = batches.slice(4).map((b) => resumed.decide(worker.run(b).kept));
    assert.deepEqual(rest.map((o) => o.kept.map((d) => d.id)), full.outputs.slice(4).map((o) => o.kept.map((d) => d.id)), stepName);
    assert.deepEqual(
      rest.map((o) => o.dropped.map((r) => [r.doc.id, r.doc.metadata.duplicate_of])),
      full.outputs.slice(4).map((o) => o.dropped.map((r) => [r.doc.id, r.doc.metadata.duplicate_of])),
    );
    assert.deepEqual(resumed.report!(), full.coord.report!());
    assert.ok(full.dropped.length > 0, `${stepName} found duplicates to compare`);
  }
});

test('a checkpoint from another configuration or a corrupt one is a user error', () => {
  const def = getStepDefinition('minhash_dedup');
  const a = def.coordinator!(def.parseOptions({}));
  a.decide([doc('a', LONG)]);
  const delta = a.checkpointDelta!();
  assert.equal(a.checkpointDelta!().length, 0, 'nothing new since the last checkpoint');
  const other = def.coordinator!(def.parseOptions({ buckets: 20, hashesPerBucket: 5 }));
  assert.throws(() => other.restoreDelta!(delta), (e) => isUserError(e) && /does not match/.test((e as Error).message));
  const truncated = def.coordinator!(def.parseOptions({}));
  assert.throws(() => truncated.restoreDelta!(delta.subarray(0, delta.length - 3)), (e) => isUserError(e) && /corrupt/.test((e as Error).message));
});

test('URL dedup normalises scheme, www, case, tracking parameters, fragments and query order', () => {
  const o = urlDedupStep.parseOptions({});
  const same = [
    'https://www.Example.com/a/b/?y=2&x=1&utm_source=news#top',
    'http://example.com/a/b?x=1&y=2',
    'https://example.com:443/a/b?fbclid=123&x=1&y=2',
  ];
  for (const u of same) assert.equal(normaliseUrl(u, o), '//example.com/a/b?x=1&y=2', u);
  assert.notEqual(normaliseUrl('https://example.com/a/b?x=2', o), normaliseUrl('https://example.com/a/b?x=1', o));
  assert.notEqual(normaliseUrl('https://example.com:8080/a', o), normaliseUrl('https://example.com/a', o));
  const strict = urlDedupStep.parseOptions({ ignoreScheme: false, ignoreWww: false });
  assert.notEqual(normaliseUrl('http://www.example.com/', strict), normaliseUrl('https://example.com/', strict));

  const docs = [doc('1', 'a', same[0]), doc('2', 'b'), doc('3', 'c', same[1]), doc('4', 'd', 'https://example.com/other'), doc('5', 'e', same[2])];
  const { kept, dropped, outputs } = runDedup('url_dedup', {}, [docs]);
  assert.deepEqual(kept.map((d) => d.id), ['1', '2', '4']);
  assert.deepEqual(dropped.map((r) => [r.doc.id, r.reason, r.doc.metadata.duplicate_of]), [
    ['3', 'url_dedup:duplicate_url', '1'],
    ['5', 'url_dedup:duplicate_url', '1'],
  ]);
  assert.equal(outputs[0]!.counters!['url_dedup.no_url'], 1);
});

test('dedup options are validated', () => {
  for (const [step, raw] of [
    [exactDedupStep, { normalise: 'fuzzy' }],
    [minhashDedupStep, { buckets: 0 }],
    [minhashDedupStep, { bucket: 14 }],
    [urlDedupStep, { ignoreWww: 'yes' }],
  ] as const) {
    assert.throws(() => step.parseOptions(raw as Record<string, unknown>), (e) => isUserError(e) && (e as Error).message.startsWith(`step '${step.name}'`));
  }
});
