// Hostile pages through the extract step (issue 19): each is processed or dropped with a reason,
// never a stall; the documented limits (maxDepth, maxNodes, maxInputBytes, overLimit) as counted.
// No timing here: per-byte throughput on these pages is bench/extract.ts's job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractStep } from '../filters/extract/extract.js';
import type { Document } from '../core/document.js';

const PARAGRAPH =
  'The Danube is the second-longest river in Europe, after the Volga in Russia. It flows through much of Central and Southeastern Europe, from the Black Forest into the Black Sea.';

function hostile(body: string): Document {
  return { id: 'h', text: `<html><head><title>t</title></head><body><p>${PARAGRAPH}</p>${body}</body></html>`, source: 'test', metadata: { format: 'html' } };
}

function run(doc: Document, options: Record<string, unknown> = {}) {
  const out = extractStep.worker!(extractStep.parseOptions(options)).run([doc]);
  const counters = Object.fromEntries(Object.entries(out.counters ?? {}).filter(([k, v]) => v > 0 && !k.startsWith('extract.blocks')));
  return { kept: out.kept[0], reason: out.dropped[0]?.reason, counters };
}

test('extract: 150,000 nested <div>s are flattened past maxDepth, counted, and the text survives', () => {
  const r = run(hostile(`${'<div>'.repeat(150_000)}deep text${'</div>'.repeat(150_000)}<p>After the nest: ${PARAGRAPH}</p>`));
  assert.deepEqual(r.counters, { 'extract.too_deep': 1 });
  assert.ok(r.kept!.text.includes(PARAGRAPH));
  assert.ok(r.kept!.text.includes('After the nest'), 'closing tags past the limit do not close the elements below it');
});

test('extract: unclosed nesting, stray close tags and endless tables are processed', () => {
  for (const body of ['<div>x'.repeat(100_000), `${'<div>'.repeat(10_000)}${'</span>'.repeat(100_000)}`, '<table><tr><td>cell '.repeat(50_000), '<b><a href="#">x '.repeat(50_000)]) {
    const r = run(hostile(body));
    assert.ok(r.kept, `kept: ${body.slice(0, 30)}`);
    assert.ok(r.kept.text.includes(PARAGRAPH) || r.kept.text.includes('cell'), body.slice(0, 30));
  }
});

test('extract: 1M <br> is cut at maxNodes and counted; lower limits drop it with the limit as reason', () => {
  const doc = hostile('<br>'.repeat(1_000_000));
  const r = run(doc);
  assert.deepEqual(r.counters, { 'extract.too_many_nodes': 1 });
  assert.ok(r.kept!.text.startsWith(PARAGRAPH));
  const dropped = run(doc, { overLimit: 'drop' });
  assert.equal(dropped.reason, 'extract:too_many_nodes');
  assert.equal(dropped.kept, undefined);
});

test('extract: a huge attribute is read up to a bound; a page past maxInputBytes is cut there', () => {
  const attr = run(hostile(`<div class="${'a'.repeat(5_000_000)}" data-x="${'&amp;'.repeat(100_000)}" ${'data-y="1" '.repeat(50_000)}><p>${PARAGRAPH} (in the div)</p></div>`));
  assert.ok(attr.kept!.text.includes('(in the div)'));
  assert.deepEqual(attr.counters, {});
  const big = hostile(`<p>${PARAGRAPH} (early)</p>${'<p>filler paragraph of text</p>'.repeat(40_000)}<p>LATE_TEXT</p>`);
  const cut = run(big, { maxInputBytes: 100_000 });
  assert.deepEqual(cut.counters, { 'extract.too_large': 1 });
  assert.ok(!cut.kept!.text.includes('LATE_TEXT'));
  assert.equal(run(big, { maxInputBytes: 100_000, overLimit: 'drop' }).reason, 'extract:too_large');
  // A multi-byte character is never cut in half.
  const cjk = run(hostile(`<p>${'人人生而自由，在尊严和权利上一律平等。'.repeat(2_000)}</p>`), { maxInputBytes: 10_001 });
  assert.ok(!cjk.kept!.text.includes('\uFFFD'));
});

test('extract: maxDepth and maxNodes are options with documented defaults, validated', () => {
  const o = extractStep.parseOptions({}) as { maxDepth: number; maxNodes: number; maxInputBytes: number; overLimit: string };
  assert.deepEqual([o.maxDepth, o.maxNodes, o.maxInputBytes, o.overLimit], [512, 200_000, 8_000_000, 'truncate']);
  const deep = run(hostile(`${'<section>'.repeat(20)}<p>${PARAGRAPH} (deep)</p>`), { maxDepth: 8 });
  assert.deepEqual(deep.counters, { 'extract.too_deep': 1 });
  assert.ok(deep.kept!.text.includes('(deep)'));
  assert.throws(() => extractStep.parseOptions({ maxDepth: 0 }));
  assert.throws(() => extractStep.parseOptions({ overLimit: 'explode' }));
});
