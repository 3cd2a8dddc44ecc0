import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';
import { udhrParagraphs } from './helpers/udhrText.js';
import type { DecontaminationReport } from '../filters/decontamination/decontaminationReport.js';
import type { RunStats } from '../pipelines/stats.js';

// Real text: English UDHR articles as the evaluation set, other articles and languages as the corpus.
const eng = udhrParagraphs('eng').filter((p) => p.split(' ').length >= 20);
const items = eng.slice(0, 12);
const corpusDocs = [
  ...eng.slice(16).map((text, i) => ({ id: `eng${i}`, text })),
  ...['fra', 'deu_1996', 'spa', 'ita'].flatMap((l) => udhrParagraphs(l).slice(0, 30).map((text, i) => ({ id: `${l}${i}`, text }))),
];
const planted = [
  { id: 'planted-exact', text: `${eng[20]} ${items[2]} ${eng[21]}` },
  { id: 'planted-edited', text: `QUOTE: "${items[9]!.toUpperCase().replace(/,/g, '')}"` },
];

async function setup(withPlanted: boolean) {
  const dir = await tempDir();
  const input = join(dir, 'corpus.jsonl');
  const docs = withPlanted ? [...corpusDocs.slice(0, 40), planted[0]!, ...corpusDocs.slice(40), planted[1]!] : corpusDocs;
  await writeFile(input, docs.map((d) => JSON.stringify(d)).join('\n') + '\n');
  const evalSet = join(dir, 'udhr-eval.jsonl');
  await writeFile(evalSet, items.map((t, i) => JSON.stringify({ id: `art${i + 1}`, question: t.slice(0, t.length >> 1), answer: t.slice(t.length >> 1) })).join('\n') + '\n');
  const config = (extra: Record<string, unknown> = {}) => ({
    steps: [{ step: 'normalise' }, { step: 'decontaminate', sets: [{ name: 'udhr', paths: [evalSet], fields: ['question', 'answer'], idField: 'id', ...extra }] }] as { step: string; sets?: Record<string, unknown>[] }[],
  });
  const cfg = join(dir, 'pipeline.json');
  await writeFile(cfg, JSON.stringify(config()));
  return { dir, input, evalSet, cfg, config, docs };
}

const stats = async (out: string) => JSON.parse(await readFile(join(out, 'stats.json'), 'utf8')) as RunStats;

test('curate drops the planted items (2 workers share the index; same result inline) and prints what it found', async () => {
  const { dir, input, cfg, docs } = await setup(true);
  const results: DecontaminationReport[] = [];
  for (const workers of ['2', '0']) {
    const out = join(dir, `out${workers}`);
    const r = await runCli(['curate', '--input', input, '--out', out, '--config', cfg, '--workers', workers, '--batch-size', '16', '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^decontaminate: udhr: 2 of 12 items matched, 2 documents dropped; [\d,]+ document n-grams \(13 words; \d+ documents\) checked against [\d,]+ evaluation n-grams$/m);
    const s = await stats(out);
    assert.deepEqual(s.steps.decontaminate!.dropped, { 'decontaminate:udhr': 2 });
    assert.equal(s.output.docs, docs.length - 2);
    const report = s.reports.decontaminate as DecontaminationReport;
    assert.deepEqual(report.sets.udhr!.matched_items, ['art10', 'art3']);
    assert.equal(report.documents_checked, docs.length);
    results.push(report);
  }
  assert.deepEqual(results[0], results[1]);
});

test('a run with no match says so on the command line and in stats.json', async () => {
  const { dir, input, cfg } = await setup(false);
  const out = join(dir, 'out');
  const r = await runCli(['curate', '--input', input, '--out', out, '--config', cfg, '--workers', '1', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^decontaminate: no match: no document shares an n-gram with any evaluation item; [\d,]+ document n-grams/m);
  const report = (await stats(out)).reports.decontaminate as DecontaminationReport;
  assert.ok(report.ngrams_checked > 1000 && report.index_ngrams > 100, JSON.stringify(report));
});

test('a bad evaluation file or field is one error line, before any output is written', async () => {
  const { dir, input, config } = await setup(false);
  for (const [extra, message] of [
    [{ fields: ['query'] }, /^error: step 'decontaminate': set 'udhr': .*udhr-eval\.jsonl:1: no field 'query' \(fields: id, question, answer\)\n$/],
    [{ paths: [join(dir, 'nope.jsonl')] }, /^error: step 'decontaminate': set 'udhr': .*nope\.jsonl.*\n$/],
  ] as const) {
    const cfg = join(dir, 'bad.json');
    await writeFile(cfg, JSON.stringify(config(extra)));
    const out = join(dir, 'bad-out');
    const r = await runCli(['curate', '--input', input, '--out', out, '--config', cfg, '--quiet']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr.replace(/^curate: recipe:.*\n/m, ''), message);
    assert.equal(existsSync(out), false);
  }
});

test('corpusforge run: the step runs in a pipeline file, and a changed evaluation set rebuilds the curate stage', async () => {
  const { dir, input, evalSet, config } = await setup(true);
  const pipeline = join(dir, 'run.json');
  // The evaluation set named relative to the pipeline file (the CLI runs in another directory).
  const steps = config().steps.map((st) => (st.step === 'decontaminate' ? { ...st, sets: [{ ...st.sets![0]!, paths: ['udhr-eval.jsonl'] }] } : st));
  await writeFile(pipeline, JSON.stringify({ input: [input], out: 'run-out', steps }));
  const first = await runCli(['run', pipeline, '--workers', '1', '--quiet']);
  assert.equal(first.code, 0, first.stderr + first.stdout);
  assert.match(first.stdout, /decontaminate: udhr: 2 of 12 items matched/);
  const again = await runCli(['run', pipeline, '--workers', '1', '--quiet']);
  assert.match(again.stdout, /curate: up to date, skipped/);
  await writeFile(evalSet, (await readFile(evalSet, 'utf8')).split('\n').slice(3).join('\n'));
  const changed = await runCli(['run', pipeline, '--workers', '1', '--quiet']);
  assert.equal(changed.code, 0, changed.stderr + changed.stdout);
  assert.match(changed.stdout, /curate: inputs changed, rebuilding/);
  assert.match(changed.stdout, /decontaminate: udhr: 1 of 9 items matched, 1 documents dropped/);
  const report = JSON.parse(await readFile(join(dir, 'run-out', 'report.json'), 'utf8')) as { decontamination?: DecontaminationReport };
  assert.equal(report.decontamination?.sets.udhr?.items_matched, 1);
  const html = await readFile(join(dir, 'run-out', 'report.html'), 'utf8');
  assert.match(html, /<h2>Decontamination<\/h2><p>udhr: 1 of 9 items matched, 1 documents dropped; .*<td>udhr<\/td><td>9<\/td><td>9<\/td><td>0<\/td>/);
});
