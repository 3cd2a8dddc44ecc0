// Issue 19: pathological documents are processed or dropped with a counted reason; a document past the time
// budget is dropped and the rest of the output is as without it; memory pressure ends in one error line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { tempDir } from './helpers/tmp.js';
import { runCli } from './helpers/cli.js';
import { curate } from '../pipelines/curate.js';
import { readDocuments } from '../datasets/readers.js';

const para = (i: number) => `<p>Paragraph ${i} tells of the river that runs through the valley towns, past mills and old stone bridges, to the sea.</p>`;
const page = (body: string, i = 0) => `<!doctype html><html><head><title>t${i}</title></head><body>${para(i)}${body}</body></html>`;

/** The pathological pages of the issue, each a few MB at most (the 100 MB line is a gzip member, below). */
function hostile(): { id: string; html: string }[] {
  const lone = '\ud800 text \udfff more \ud83d'; // unpaired surrogates, as JSON.parse can produce from \u escapes
  return [
    { id: 'deep_nesting', html: page('<div><span>'.repeat(100_000) + 'deep') },
    { id: 'huge_attribute', html: page(`<div title="${'q'.repeat(3_000_000)}">x</div>`) },
    { id: 'word_10mb', html: page(`<p>${'w'.repeat(9_000_000)}</p>`) },
    { id: 'br_1m', html: page('<br>'.repeat(1_000_000)) },
    { id: 'table_nesting', html: page('<table><tr><td>cell '.repeat(60_000)) },
    { id: 'broken_surrogates', html: page(`<p>${lone.repeat(20_000)}</p>`) },
    { id: 'unclosed_divs', html: page('<div>x'.repeat(200_000)) },
    { id: 'p_80k', html: page('<p>short</p>'.repeat(80_000)) },
    { id: 'normal', html: page(para(1) + para(2)) },
  ];
}

test('pathological pages and a 100 MB line of gzip are each processed or dropped with a counted reason', async () => {
  const dir = await tempDir();
  const pages = hostile();
  const lines = pages.map((p) => JSON.stringify(p));
  // A gzip bomb: one line of 100 MB (100 KB compressed) between two pages, dropped as it streams past.
  const bomb = Buffer.concat([Buffer.from('{"id":"line_100mb","html":"'), Buffer.alloc(100 << 20, 0x61), Buffer.from('"}\n')]);
  await writeFile(join(dir, 'pages.jsonl.gz'), Buffer.concat([gzipSync(lines.slice(0, 4).join('\n') + '\n'), gzipSync(bomb), gzipSync(lines.slice(4).join('\n') + '\n')]));
  const warnings: string[] = [];
  const r = await curate({ inputs: [join(dir, 'pages.jsonl.gz')], out: join(dir, 'out'), steps: [{ step: 'extract' }, { step: 'normalise' }, { step: 'langid' }], workers: 1, onWarning: (w) => warnings.push(w) });
  const s = r.stats;
  assert.deepEqual(s.input.dropped, { too_large: 1 }, warnings.join('\n'));
  assert.ok(warnings.some((w) => /pages\.jsonl\.gz:5: line of \d+ bytes is over the \d+ MiB limit/.test(w)), warnings.join('\n'));
  assert.equal(s.input.docs, pages.length);
  // Every document read is kept or dropped by a step with a reason.
  const drops = Object.values(s.steps).reduce((n, st) => n + Object.values(st.dropped).reduce((a, b) => a + b, 0), 0);
  assert.equal(s.output.docs + drops, pages.length);
  assert.equal(s.steps.extract!.in, pages.length);
  // The limits that applied are counted: nesting past maxDepth, and nodes past maxNodes (1M <br>).
  assert.ok((s.steps.extract!.counters['extract.too_deep'] ?? 0) >= 1, JSON.stringify(s.steps.extract));
  assert.ok((s.steps.extract!.counters['extract.too_many_nodes'] ?? 0) >= 1, JSON.stringify(s.steps.extract));
  const kept = [];
  for await (const d of readDocuments([join(dir, 'out')])) kept.push(d.id);
  assert.ok(kept.includes('normal'), `kept: ${kept.join(', ')}`);
  assert.ok(kept.includes('broken_surrogates'), 'text with lone surrogates is still text');
});

/** Pages whose class attribute makes a catastrophic user regex (boilerplatePattern) run for hours. */
async function budgetInput(dir: string, withSlow: boolean): Promise<string> {
  const docs = Array.from({ length: 8 }, (_, i) => ({ id: `d${i}`, html: page(`<div class="${i === 5 ? 'a'.repeat(40) + '!' : 'content'}">${para(i + 10)}</div>`, i) }));
  const path = join(dir, withSlow ? 'with.jsonl' : 'without.jsonl');
  await writeFile(path, docs.filter((d) => withSlow || d.id !== 'd5').map((d) => JSON.stringify(d)).join('\n') + '\n');
  return path;
}

test('a document past the time budget ends its worker, is dropped as <step>:time_budget with its id, and the rest is as without it', async () => {
  const dir = await tempDir();
  // 2^40 backtracking steps on d5's class: no machine finishes it inside the budget.
  const steps = [{ step: 'extract', boilerplatePattern: '^(a+)+$' }, { step: 'normalise' }];
  const warnings: string[] = [];
  const slow = await curate({ inputs: [await budgetInput(dir, true)], out: join(dir, 'a'), steps, workers: 1, batchSize: 3, timeBudgetMs: 1000, onWarning: (w) => warnings.push(w) });
  assert.deepEqual(slow.stats.steps.extract!.dropped, { 'extract:time_budget': 1 });
  assert.equal(slow.stats.steps.normalise!.in, 7);
  assert.ok(warnings.some((w) => /with\.jsonl:6: document d5 ran over the 1000 ms time budget in step extract/.test(w)), warnings.join('\n'));
  const without = await curate({ inputs: [await budgetInput(dir, false)], out: join(dir, 'b'), steps, workers: 1, batchSize: 3, timeBudgetMs: 0 });
  const texts = async (out: string) => {
    const all = [];
    for await (const d of readDocuments([out])) all.push([d.id, d.text]);
    return all;
  };
  assert.deepEqual(await texts(join(dir, 'a')), await texts(join(dir, 'b')));
  assert.equal(without.stats.output.docs, 7);
});

test('a worker out of heap is one error line naming the limit, the stage and the document', async () => {
  const dir = await tempDir();
  const text = ('word '.repeat(2000) + '.\n').repeat(900); // 9 MB
  await writeFile(join(dir, 'big.jsonl'), Array.from({ length: 4 }, (_, i) => JSON.stringify({ id: `b${i}`, text })).join('\n'));
  const r = await runCli(['curate', '--input', join(dir, 'big.jsonl'), '--out', join(dir, 'out'), '--workers', '1', '--quiet'], { env: { NODE_OPTIONS: '--max-old-space-size=64' } });
  assert.equal(r.code, 2, r.stderr);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
  assert.equal(errors.length, 1, r.stderr);
  assert.match(errors[0]!, /out of memory: a curate worker reached its JavaScript heap limit \(\d+ MiB\) in the worker steps on (document \d+ of )?the unit at .*big\.jsonl from line \d+/);
  assert.doesNotMatch(r.stderr, /FATAL ERROR|\n\s+at /);
});

test('the main thread heap watchdog ends a process that nears its limit with one error line, not a V8 abort', async () => {
  const watchdog = fileURLToPath(new URL('../core/heapWatchdog.ts', import.meta.url));
  // Grows by 1 MB every 25 ms, as a coordinator's state would.
  const script = `
    const { startHeapWatchdog } = await import(${JSON.stringify(watchdog)});
    startHeapWatchdog({ stage: () => 'the test stage', intervalMs: 10, onLimit: (m) => { console.error('error: ' + m); process.exit(2); } });
    const held = [];
    const grow = () => { held.push(Array.from({ length: 1 << 17 }, (_, i) => i + 0.5)); setTimeout(grow, 25); };
    grow();`;
  const child = spawn(process.execPath, ['--max-old-space-size=48', '--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 2, stderr);
  const errors = stderr.split('\n').filter((l) => l.startsWith('error: '));
  assert.equal(errors.length, 1, stderr);
  assert.match(errors[0]!, /out of memory: the JavaScript heap is at \d+ MiB of its \d+ MiB limit during the test stage/);
  assert.doesNotMatch(stderr, /FATAL ERROR/);
});
