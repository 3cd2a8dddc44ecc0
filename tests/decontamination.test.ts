import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Document } from '../core/document.js';
import type { CoordinatorStep, Step } from '../core/step.js';
import { decontaminateStep } from '../filters/decontamination/decontaminate.js';
import type { DecontaminationReport } from '../filters/decontamination/decontaminationReport.js';
import type { MatchRecord } from '../filters/decontamination/matchDocument.js';
import { NgramStaging, NgramTable } from '../filters/decontamination/ngramTable.js';
import { lastWordSpans, simplifiedWordHashes } from '../filters/dedup/minhash/simplify.js';
import { writeDocumentShard } from '../datasets/parquetShardWriter.js';
import { tempDir } from './helpers/tmp.js';
import { udhrParagraphs } from './helpers/udhrText.js';

// Real text: the English UDHR. Its first articles are the "evaluation set", the later ones (and other
// languages) the clean documents; no 13-gram of articles 1-12 occurs in articles 16-30 (checked below).
const eng = udhrParagraphs('eng').filter((p) => p.split(' ').length >= 20);
const items = eng.slice(0, 12);
const clean = eng.slice(16);
const doc = (id: string, text: string): Document => ({ id, text, source: 'test', metadata: {} });

async function evalJsonl(dir: string, name = 'udhr.jsonl', rows = items.map((t, i) => ({ id: `q${i}`, question: t, answer: `answer ${i}` }))): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return path;
}

/** The step's halves as curate runs them: prepare, then worker, then coordinator on what the worker kept. */
async function decontaminate(options: Record<string, unknown>, docs: Document[]) {
  const o = decontaminateStep.parseOptions(options);
  await decontaminateStep.prepare!(o);
  const worker: Step = decontaminateStep.worker!(o);
  const coordinator: CoordinatorStep = decontaminateStep.coordinator!(o);
  const w = worker.run(docs);
  const c = coordinator.decide(w.kept);
  return { kept: c.kept, dropped: c.dropped, counters: w.counters!, report: coordinator.report!() as unknown as DecontaminationReport, coordinator };
}

test('the planted evaluation items are found, exactly and lightly edited; clean documents are left alone', async () => {
  const dir = await tempDir();
  const path = await evalJsonl(dir);
  const edited = [
    items[3]!.toUpperCase(),
    items[4]!.replace(/[,.;:]/g, '').replace(/ /g, '\n  '),
    items[5]!.replace(/ /g, ' , ').replace(/e/g, 'é'),
  ];
  const docs = [
    ...clean.map((t, i) => doc(`clean${i}`, t)),
    doc('exact', `${clean[0]} ${items[1]} ${clean[1]}`),
    ...edited.map((t, i) => doc(`edited${i}`, `Some words before. ${t} And after.`)),
    doc('partial', items[7]!.split(' ').slice(2, 15).join(' ')), // exactly 13 of its words
    doc('fra', udhrParagraphs('fra').join('\n')),
  ];
  const r = await decontaminate({ sets: [{ name: 'udhr', paths: [path], fields: ['question', 'answer'], idField: 'id' }] }, docs);
  assert.deepEqual(r.dropped.map((d) => d.doc.id), ['exact', 'edited0', 'edited1', 'edited2', 'partial']);
  assert.ok(r.dropped.every((d) => d.reason === 'decontaminate:udhr'));
  const record = r.dropped[0]!.doc.metadata.decontamination as MatchRecord;
  assert.deepEqual(record.matches, [{ set: 'udhr', item: 'q1' }]);
  assert.deepEqual((r.dropped[4]!.doc.metadata.decontamination as MatchRecord).matches, [{ set: 'udhr', item: 'q7' }]);
  // Clean documents come out as they went in, without metadata (the worker's note is removed).
  assert.equal(r.kept.length, clean.length + 1);
  for (const k of r.kept) assert.deepEqual(k, docs.find((d) => d.id === k.id));
  const set = r.report.sets.udhr!;
  assert.equal(set.items, 12);
  assert.equal(set.items_matched, 5);
  assert.equal(set.documents_dropped, 5);
  assert.deepEqual(set.matched_items, ['q1', 'q3', 'q4', 'q5', 'q7']);
  assert.equal(r.report.documents_checked, docs.length);
  assert.equal(r.report.ngrams_checked, r.counters['decontaminate.ngrams_checked']);
  assert.match(r.report.result, /^udhr: 5 of 12 items matched, 5 documents dropped; /);
});

test('remove-span mode cuts exactly the overlapping text and keeps the rest', async () => {
  const dir = await tempDir();
  const path = await evalJsonl(dir);
  const before = clean[2]!;
  const after = clean[3]!;
  const docs = [doc('mixed', `${before}\n\n“${items[2]}”\n\n${after}`), doc('end', `${before} ${items[6]}`), doc('all', items[8]!), doc('clean', clean[4]!)];
  const r = await decontaminate({ sets: [{ paths: [path], fields: ['question'] }], mode: 'remove-span' }, docs);
  const byId = new Map(r.kept.map((d) => [d.id, d]));
  assert.equal(byId.get('mixed')!.text, `${before}\n\n${after}`);
  assert.equal(byId.get('end')!.text, before);
  assert.deepEqual(byId.get('clean'), docs[3]);
  const rec = byId.get('mixed')!.metadata.decontamination as MatchRecord;
  assert.equal(rec.action, 'remove-span');
  assert.deepEqual(rec.matches, [{ set: 'udhr', item: 'udhr.jsonl:3' }]);
  assert.equal(rec.removed_chars, docs[0]!.text.length - byId.get('mixed')!.text.length);
  // A document that was nothing but the item has nothing left: dropped, and said why.
  assert.deepEqual(r.dropped.map((d) => [d.doc.id, d.reason, (d.doc.metadata.decontamination as MatchRecord).why_dropped]), [['all', 'decontaminate:udhr', 'nothing_left']]);
  const set = r.report.sets.udhr!;
  assert.equal(set.documents_spans_removed, 2);
  assert.equal(set.documents_dropped, 1);
});

test('text without spaces (Chinese) is matched through the segmenter; span mode drops it, as it has no word offsets', async () => {
  const dir = await tempDir();
  const zh = udhrParagraphs('cmn_hans').filter((p) => p.length > 60);
  const path = join(dir, 'zh.txt');
  await writeFile(path, zh[3] + '\n');
  const docs = [doc('has', `${zh[10]}${zh[3]}${zh[11]}`), doc('clean', zh.slice(12, 16).join(''))];
  const dropped = await decontaminate({ sets: [{ paths: [path] }] }, docs);
  assert.deepEqual(dropped.dropped.map((d) => d.doc.id), ['has']);
  const cut = await decontaminate({ sets: [{ paths: [path] }], mode: 'remove-span' }, docs);
  assert.deepEqual(cut.dropped.map((d) => [d.doc.id, (d.doc.metadata.decontamination as MatchRecord).why_dropped]), [['has', 'no_word_spans']]);
  assert.deepEqual(cut.kept, [docs[1]]);
});

test('short items: 8 to 12 words are matched whole, shorter ones are reported as too short', async () => {
  const dir = await tempDir();
  const path = join(dir, 'short.txt');
  const nine = 'No one shall be held in slavery or servitude today';
  await writeFile(path, `${nine}\nall human beings are born\n\n`);
  const docs = [doc('has9', `${clean[0]} ${nine.toLowerCase()}! ${clean[1]}`), doc('has5', `All human beings are born free. ${clean[5]}`), doc('almost', `${clean[0]} No one shall be held in slavery or servitude ${clean[1]}`)];
  const r = await decontaminate({ sets: [{ paths: [path] }] }, docs);
  assert.deepEqual(r.dropped.map((d) => d.doc.id), ['has9']);
  assert.deepEqual((r.dropped[0]!.doc.metadata.decontamination as MatchRecord).matches, [{ set: 'short', item: 'short.txt:1' }]);
  assert.equal(r.report.sets.short!.items, 2);
  assert.equal(r.report.sets.short!.items_too_short, 1);
  // minWords lowered: the 5-word item is matched whole too.
  const low = await decontaminate({ sets: [{ paths: [path] }], minWords: 5 }, docs);
  assert.deepEqual(low.dropped.map((d) => d.doc.id), ['has9', 'has5']);
});

test('a run with no match says so, with the n-grams checked against the n-grams indexed', async () => {
  const dir = await tempDir();
  const path = await evalJsonl(dir);
  const r = await decontaminate({ sets: [{ paths: [path], fields: ['question'] }] }, clean.map((t, i) => doc(`c${i}`, t)));
  assert.equal(r.dropped.length, 0);
  const expected = clean.reduce((n, t) => n + Math.max(0, t.split(/\s+/).length - 12), 0);
  assert.ok(Math.abs(r.report.ngrams_checked - expected) < expected * 0.05, `${r.report.ngrams_checked} vs ~${expected}`);
  assert.ok(r.report.index_ngrams > 300, `${r.report.index_ngrams} evaluation n-grams`);
  const sentence = `no match: no document shares an n-gram with any evaluation item; ${r.report.ngrams_checked} document n-grams (13 words; ${clean.length} documents) checked against ${r.report.index_ngrams} evaluation n-grams`;
  assert.equal(r.report.result, sentence);
  assert.equal(r.report.sets.udhr!.items_matched, 0);
});

test('JSONL.gz, Parquet and text sets; each item keeps its set and id', async () => {
  const dir = await tempDir();
  const gz = join(dir, 'a.jsonl.gz');
  await writeFile(gz, gzipSync(items.slice(0, 4).map((t, i) => JSON.stringify({ id: `a${i}`, text: t })).join('\n')));
  const pq = join(dir, 'b.parquet');
  await writeDocumentShard(pq, items.slice(4, 8).map((t, i) => doc(`b${i}`, t)));
  const txt = join(dir, 'c.txt');
  await writeFile(txt, items.slice(8, 12).join('\n'));
  const docs = [doc('x', items[1]!), doc('y', items[5]!), doc('z', items[10]!)];
  const r = await decontaminate({ sets: [{ paths: [gz], idField: 'id' }, { name: 'pq', paths: [pq], idField: 'id' }, { paths: [join(dir, '*.txt')] }] }, docs);
  assert.deepEqual(r.dropped.map((d) => [d.reason, (d.doc.metadata.decontamination as MatchRecord).matches]), [
    ['decontaminate:a', [{ set: 'a', item: 'a1' }]],
    ['decontaminate:pq', [{ set: 'pq', item: 'b1' }]],
    ['decontaminate:set3', [{ set: 'set3', item: 'c.txt:3' }]],
  ]);
  assert.deepEqual(Object.keys(r.report.sets), ['a', 'pq', 'set3']);
});

test('bad evaluation paths and field names are one clear error', async () => {
  const dir = await tempDir();
  const path = await evalJsonl(dir);
  const fail = (options: Record<string, unknown>) => decontaminate(options, []);
  await assert.rejects(fail({ sets: [{ paths: [join(dir, 'missing.jsonl')] }] }), (e: Error) => e.name === 'UserError' && /set 'missing'.*missing\.jsonl/.test(e.message));
  await assert.rejects(fail({ sets: [{ paths: [path], fields: ['questoin'] }] }), (e: Error) => e.name === 'UserError' && /no field 'questoin' \(fields: id, question, answer\)/.test(e.message));
  await assert.rejects(fail({ sets: [{ paths: [path] }] }), /no field 'text'/);
  await assert.rejects(fail({ sets: [{ paths: [path], fields: ['answer'] }] }), /none of its 12 items has 8 words or more/);
  await writeFile(join(dir, 'page.html'), '<p>x</p>');
  await assert.rejects(fail({ sets: [{ paths: [join(dir, 'page.html')] }] }), /not an evaluation set file/);
  assert.throws(() => decontaminateStep.parseOptions({ sets: [] }), /step 'decontaminate': option 'sets'/);
  assert.throws(() => decontaminateStep.parseOptions({ sets: [{ paths: [path] }], mode: 'cut' }), /option 'mode'/);
  assert.throws(() => decontaminateStep.parseOptions({ sets: [{ paths: [path] }, { paths: [path] }] }), /two evaluation sets are named 'udhr'/);
});

test('the coordinator counts resume from their checkpoint deltas', async () => {
  const dir = await tempDir();
  const path = await evalJsonl(dir);
  const options = { sets: [{ paths: [path], fields: ['question'] }] };
  const first = await decontaminate(options, [doc('a', items[0]!), doc('b', clean[0]!)]);
  const delta = first.coordinator.checkpointDelta!();
  const o = decontaminateStep.parseOptions(options);
  const resumed = decontaminateStep.coordinator!(o);
  resumed.restoreDelta!(delta);
  resumed.decide(decontaminateStep.worker!(o).run([doc('c', items[0]!), doc('d', items[1]!)]).kept);
  const r = resumed.report!() as unknown as DecontaminationReport;
  assert.equal(r.documents_checked, 4);
  assert.equal(r.sets.udhr!.items_matched, 2);
  assert.equal(r.sets.udhr!.documents_dropped, 3);
});

test('the n-gram table finds every staged hash, stores repeats once with their first item, finds nothing else', () => {
  for (const copies of [1, 2, 10]) {
    const s = new NgramStaging();
    for (let c = 0; c < copies; c++) for (let i = 0; i < 5000; i++) s.add(Math.imul(i, 0x9e3779b1) >>> 0, i, i + 10_000 * c);
    const t = NgramTable.build(s);
    assert.equal(t.count, 5000);
    assert.ok(t.bytes / t.count <= 12.5, `${t.bytes / t.count} bytes per n-gram with ${copies} copies of each`);
    for (let i = 0; i < 5000; i++) assert.equal(t.find(Math.imul(i, 0x9e3779b1) >>> 0, i), i);
    for (let i = 0; i < 5000; i++) assert.equal(t.find(Math.imul(i, 0x9e3779b1) >>> 0, i + 1), -1);
  }
});

test('word spans: each simplified word maps back to its source text with its punctuation, never the spaces', () => {
  const text = '  “Hello,  wörld!” 12.5 — 𝐀bc\tend.';
  const hashes = simplifiedWordHashes(text, new Uint32Array(64));
  const spans = lastWordSpans()!;
  const words = [...spans.starts].map((s, i) => text.slice(s, spans.ends[i]));
  assert.deepEqual(words, ['“Hello,', 'wörld!”', '12.5', '𝐀bc', 'end.']);
  assert.equal(hashes.length, words.length);
  simplifiedWordHashes('日本語のテキストです', new Uint32Array(64));
  assert.equal(lastWordSpans(), undefined, 'no spans for text split by the dictionary segmenter');
});
