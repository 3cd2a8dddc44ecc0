import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Document } from '../core/document.js';
import { mix, type MixOptions } from '../pipelines/mix/mixRun.js';
import { parseMixSpec, type MixSpecInput } from '../pipelines/mix/mixSpec.js';
import { planMix } from '../pipelines/mix/mixPlan.js';
import type { MixReport } from '../pipelines/mix/mixReport.js';
import { copiesOf, docUniform } from '../pipelines/mix/mixSampler.js';
import { tempDir } from './helpers/tmp.js';
import { runCli } from './helpers/cli.js';
import { duckQuery, lit } from './helpers/duckdb.js';
import { udhrDocuments, writeUdhrCorpus } from './helpers/udhrCorpus.js';

const docs = udhrDocuments();
const bytesOf = (d: Document) => Buffer.byteLength(d.text);
const byLang = new Map<string, Document[]>();
for (const d of docs) byLang.set(d.lang!, [...(byLang.get(d.lang!) ?? []), d]);
const sizeOf = (lang: string) => byLang.get(lang)!.reduce((n, d) => n + bytesOf(d), 0);
const allBytes = docs.reduce((n, d) => n + bytesOf(d), 0);
const dirPromise = tempDir('cf-mix-');
const inputPromise = dirPromise.then(async (dir) => {
  const path = join(dir, 'udhr.parquet');
  await writeUdhrCorpus(path, docs);
  return path;
});

let runs = 0;
async function runMix(spec: MixSpecInput, extra: Partial<MixOptions> = {}): Promise<{ out: string; report: MixReport }> {
  const out = join(await dirPromise, `out-${runs++}`);
  const { report } = await mix({ inputs: [await inputPromise], out, spec: parseMixSpec(spec), shardDocs: 1000, workers: 0, ...extra });
  return { out, report };
}

/**
 * The tolerance a group's achieved size is held to: 4 standard deviations of the randomised rounding
 * (each document adds one more copy with probability f = frac(rate): variance f(1-f) x sum of size^2).
 */
function tolerance(groupDocs: Document[], rate: number): number {
  const f = rate - Math.floor(rate);
  const sumSq = groupDocs.reduce((n, d) => n + bytesOf(d) ** 2, 0);
  return 4 * Math.sqrt(f * (1 - f) * sumSq) + 1;
}

const shardBytes = async (out: string) => {
  const m = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { shards: { file: string }[] };
  assert.deepEqual(m.shards.map((s) => s.file), m.shards.map((_, i) => `docs-${String(i).padStart(5, '0')}.parquet`));
  return Promise.all(m.shards.map((s) => readFile(join(out, s.file))));
};

test('fixed targets with a "*" group: each group within 4 sigma of its target, the rest sampled at one rate', async () => {
  const rest = [...byLang.keys()].filter((l) => l !== 'eng' && l !== 'deu');
  const { report } = await runMix({ by: 'lang', targets: { eng: 0.5, deu: 0.2, '*': 0.3 }, maxEpochs: 2, seed: 7 });
  const restDocs = rest.flatMap((l) => byLang.get(l)!);
  // No total: the largest that every group supplies within 2 epochs.
  const restBytes = restDocs.reduce((n, d) => n + bytesOf(d), 0);
  const total = Math.min((2 * sizeOf('eng')) / 0.5, (2 * sizeOf('deu')) / 0.2, (2 * restBytes) / 0.3);
  assert.ok(Math.abs(report.total - total) < 1e-6 * total);
  assert.equal(report.derived_total, true);
  for (const [group, share, groupDocs] of [['eng', 0.5, byLang.get('eng')!], ['deu', 0.2, byLang.get('deu')!], ['*', 0.3, restDocs]] as const) {
    const g = report.groups.find((x) => x.group === group)!;
    assert.equal(g.status, 'ok');
    assert.ok(Math.abs(g.target - share * total) < 1e-6 * total);
    const tol = tolerance(groupDocs, g.rate);
    assert.ok(Math.abs(g.achieved - g.target) <= tol, `${group}: achieved ${g.achieved}, target ${g.target}, tolerance ${tol}`);
  }
  assert.deepEqual(report.short, []);
  // The output shares are the targets, to within a few percent on this corpus (~1,900 documents).
  for (const g of report.groups) assert.ok(Math.abs(g.achieved_share - g.proportion) < 0.03, `${g.group}: ${g.achieved_share} vs ${g.proportion}`);
});

test('a total in bytes: targets scale to it; unnamed groups are left out when there is no "*"', async () => {
  const { out, report } = await runMix({ by: 'lang', targets: { eng: 0.6, fra: 0.4 }, bytes: 100_000, seed: 1 });
  assert.equal(report.total, 100_000);
  const left = report.groups.find((g) => g.group === '*')!;
  assert.equal(left.status, 'excluded');
  assert.equal(left.achieved, 0);
  assert.equal(left.available, allBytes - sizeOf('eng') - sizeOf('fra'));
  for (const [lang, p] of [['eng', 0.6], ['fra', 0.4]] as const) {
    const g = report.groups.find((x) => x.group === lang)!;
    assert.ok(Math.abs(g.achieved - p * 100_000) <= tolerance(byLang.get(lang)!, g.rate), `${lang} ${g.achieved}`);
  }
  const langs = await duckQuery(`SELECT DISTINCT lang FROM read_parquet(${lit(join(out, 'docs-*.parquet'))}) ORDER BY lang`);
  assert.deepEqual(langs.map((r) => r.lang), ['eng', 'fra']);
});

test('the same seed gives byte-identical shards whatever the threads; another seed picks other documents', async () => {
  const spec: MixSpecInput = { by: 'lang', targets: { eng: 0.3, '*': 0.7 }, maxEpochs: 3, seed: 42 };
  const a = await runMix(spec);
  const b = await runMix(spec, { workers: 2 });
  const c = await runMix({ ...spec, seed: 43 });
  const [sa, sb, sc] = await Promise.all([shardBytes(a.out), shardBytes(b.out), shardBytes(c.out)]);
  assert.ok(sa.length >= 2, 'more than one shard (shardDocs 1000)');
  assert.equal(sa.length, sb.length);
  sa.forEach((buf, i) => assert.ok(buf.equals(sb[i]!), `shard ${i} differs between inline and threaded encoding`));
  assert.ok(!sa.every((buf, i) => sc[i] && buf.equals(sc[i]!)), 'seed 43 wrote the same shards as seed 42');
  assert.deepEqual(a.report.groups, b.report.groups);
});

test('a budget larger than a group can supply within maxEpochs is reported short, never filled from others', async () => {
  const eng = sizeOf('eng');
  const { out, report } = await runMix({ by: 'lang', budgets: { eng: 10 * eng, fra: 1000, '*': 0 }, maxEpochs: 3, seed: 3 });
  const g = report.groups.find((x) => x.group === 'eng')!;
  assert.equal(g.status, 'short');
  assert.equal(g.rate, 3);
  assert.equal(g.achieved, 3 * eng, 'every English document exactly 3 times');
  assert.equal(g.short, 10 * eng - 3 * eng);
  assert.deepEqual(report.short.map((s) => s.group), ['eng']);
  assert.equal(report.short[0]!.max_supply, 3 * eng);
  // fra got its own budget, not eng's shortfall; the rest got nothing.
  const fra = report.groups.find((x) => x.group === 'fra')!;
  assert.ok(fra.achieved < 1000 + 4 * Math.max(...byLang.get('fra')!.map(bytesOf)));
  assert.equal(report.groups.find((x) => x.group === '*')!.achieved, 0);
  // The repeat cap, as DuckDB reads the output: no document more than 3 times, copies numbered 0..2.
  const rows = await duckQuery(
    `SELECT id, count(*)::INT AS n, max(json_extract(metadata, '$.mix_repeat')::INT) AS last, max(json_extract(metadata, '$.mix_copies')::INT) AS copies ` +
      `FROM read_parquet(${lit(join(out, 'docs-*.parquet'))}) WHERE lang = 'eng' GROUP BY id`,
  );
  assert.equal(rows.length, byLang.get('eng')!.length);
  assert.ok(rows.every((r) => r.n === 3 && r.last === 2 && r.copies === 3));
  const cli = await runCli(['mix', '-i', await inputPromise, '-o', join(await dirPromise, 'cli-short'), '--spec', JSON.stringify({ by: 'lang', budgets: { eng: 10 * eng }, maxEpochs: 3 }), '-q']);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /short: eng wanted [\d,]+ bytes but has [\d,]+ \(x3 epochs = [\d,]+\): [\d,]+ short/);
});

test('temperature sampling: group shares follow p ∝ n^(1/T)', async () => {
  const T = 2;
  const { report } = await runMix({ by: 'lang', temperature: T, maxEpochs: 4, seed: 11 });
  const weights = new Map([...byLang.keys()].map((l) => [l, sizeOf(l) ** (1 / T)]));
  const sum = [...weights.values()].reduce((a, b) => a + b, 0);
  for (const [lang, w] of weights) {
    const g = report.groups.find((x) => x.group === lang)!;
    assert.ok(Math.abs(g.proportion - w / sum) < 1e-6, `${lang}: planned ${g.proportion} vs ${w / sum}`);
    assert.ok(Math.abs(g.achieved - g.target) <= tolerance(byLang.get(lang)!, g.rate), `${lang}: achieved ${g.achieved} vs ${g.target}`);
    assert.ok(g.rate <= 4);
  }
  // Flatter than the corpus: English has 12x Dutch's text, but only sqrt(12)x its share in the mix.
  const share = (l: string) => report.groups.find((x) => x.group === l)!.achieved_share;
  assert.ok(share('eng') / share('nld') < 5 && share('eng') / share('nld') > 2.5, `eng/nld ${share('eng') / share('nld')}`);
});

test('a curate output is mixed from its stats.json profile in one pass, with the same output as a counting pass', async () => {
  const dir = await dirPromise;
  const corpus = join(dir, 'corpus');
  const config = join(dir, 'steps.json');
  await writeFile(config, JSON.stringify({ steps: [{ step: 'normalise' }] }));
  const cur = await runCli(['curate', '-i', await inputPromise, '-o', corpus, '--config', config, '-w', '1', '-q']);
  assert.equal(cur.code, 0, cur.stderr);
  const spec = parseMixSpec({ by: 'domain', targets: { 'un.org': 0.4, '*': 0.6 }, maxEpochs: 2, seed: 5 });
  const a = await mix({ inputs: [corpus], out: join(dir, 'mix-profile'), spec, workers: 0 });
  const b = await mix({ inputs: [corpus], out: join(dir, 'mix-counted'), spec, workers: 0, useProfile: false });
  assert.equal(a.report.supply_from, 'profile');
  assert.equal(b.report.supply_from, 'counting pass');
  assert.deepEqual(a.report.groups, b.report.groups);
  const [sa, sb] = await Promise.all([shardBytes(join(dir, 'mix-profile')), shardBytes(join(dir, 'mix-counted'))]);
  sa.forEach((buf, i) => assert.ok(buf.equals(sb[i]!)));
  assert.equal(a.manifest.complete, true);
  assert.equal(a.manifest.tool, 'corpusforge mix');
  // A mix output is a corpus folder: DuckDB reads it, and so does a second mix.
  const [n] = await duckQuery(`SELECT count(*)::INT AS n FROM read_parquet(${lit(join(dir, 'mix-profile', 'docs-*.parquet'))})`);
  assert.equal(n!.n, a.manifest.totals.rows);
  const again = await mix({ inputs: [join(dir, 'mix-profile')], out: join(dir, 'mix-again'), spec: parseMixSpec({ by: 'lang', targets: { eng: 1 } }), workers: 0 });
  assert.equal(again.report.supply_from, 'counting pass', 'a mix folder has no profile');
  // Rerunning into the same folder replaces the earlier mix; a curate folder is refused as output.
  await mix({ inputs: [corpus], out: join(dir, 'mix-profile'), spec, workers: 0 });
  await assert.rejects(mix({ inputs: [await inputPromise], out: corpus, spec, workers: 0 }), /holds the output of corpusforge curate|give mix an output folder of its own/);
});

test('sampling is a pure function of seed, id and rate; expected copies are the rate', () => {
  assert.equal(docUniform(1, 'a'), docUniform(1, 'a'));
  assert.notEqual(docUniform(1, 'a'), docUniform(2, 'a'));
  let n = 0, sum = 0;
  for (let i = 0; i < 20000; i++) {
    sum += copiesOf(9, `doc-${i}`, 1.3);
    n++;
  }
  assert.ok(Math.abs(sum / n - 1.3) < 0.02, `mean copies ${sum / n}`);
  assert.equal(copiesOf(9, 'x', 0), 0);
  assert.equal(copiesOf(9, 'x', 2), 2);
});

test('plans: budgets, a named group the corpus lacks, and the derived total', () => {
  const supply = new Map([['eng', { docs: 10, size: 1000 }], ['*', { docs: 5, size: 500 }]]);
  const p = planMix(parseMixSpec({ by: 'lang', targets: { eng: 0.5, xho: 0.25, '*': 0.25 }, maxEpochs: 2 }), supply);
  // xho has nothing: it is short by all its target; the total is what eng and * can give within 2 epochs.
  assert.equal(p.total, Math.min(2000 / 0.5, 1000 / 0.25));
  const xho = p.groups.find((g) => g.group === 'xho')!;
  assert.equal(xho.available, 0);
  assert.equal(xho.short, xho.target);
  const b = planMix(parseMixSpec({ by: 'lang', budgets: { eng: 500, '*': 1000 } }), supply);
  assert.deepEqual(b.groups.map((g) => [g.group, g.rate, g.short]), [['*', 1, 500], ['eng', 0.5, 0]]);
});

test('bad specs are one clear error line', async () => {
  const bad: [unknown, RegExp][] = [
    [{ by: 'lang' }, /exactly one of "targets", "budgets" or "temperature"/],
    [{ by: 'lang', targets: { eng: 0.5, deu: 0.2 } }, /targets must sum to 1 \(they sum to 0\.7\)/],
    [{ by: 'colour', targets: { a: 1 } }, /unknown grouping 'colour'; use one of lang, domain, tld, source or metadata\.FIELD/],
    [{ by: 'lang', targets: { eng: 1 }, tokens: 1, bytes: 2 }, /at most one total \(tokens and bytes given\)/],
    [{ by: 'lang', budgets: { eng: 1 }, bytes: 2 }, /"budgets" already say how much/],
    [{ by: 'lang', temperature: -1 }, /temperature/],
    [{ by: 'lang', targets: { eng: 1 }, maxEpochs: 0 }, /maxEpochs/],
    [{ by: 'lang', targets: { eng: 1 }, epochs: 2 }, /unknown key 'epochs'; valid keys: by, targets/],
  ];
  for (const [spec, re] of bad) assert.throws(() => parseMixSpec(spec), (e: Error) => e.name === 'UserError' && re.test(e.message), JSON.stringify(spec));
  const dir = await dirPromise;
  const r = await runCli(['mix', '-i', await inputPromise, '-o', join(dir, 'bad'), '--spec', '{"by": "lang", "targets": {"eng": 1}, "tokens": 1e6}']);
  assert.notEqual(r.code, 0);
  assert.deepEqual(r.stderr.trim().split('\n'), ['error: mix: a mixture in tokens needs --tokenizer FILE; without one, give "bytes", "words" or "docs"']);
  const j = await runCli(['mix', '-i', await inputPromise, '-o', join(dir, 'bad'), '--spec', '{"by": "lang",']);
  assert.notEqual(j.code, 0);
  assert.match(j.stderr, /^error: mix: --spec: not valid JSON/);
});

test('corpusforge run: a mix stage after curate, in the report; skipped when nothing changed', async () => {
  const dir = await dirPromise;
  const file = join(dir, 'pipeline.json');
  const pipeline = { input: [await inputPromise], out: 'run', steps: [{ step: 'normalise' }], mix: { by: 'lang', targets: { eng: 0.25, '*': 0.75 }, seed: 2 } };
  await writeFile(file, JSON.stringify(pipeline));
  const r = await runCli(['run', file, '-w', '1', '-q']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /mix: running/);
  const report = JSON.parse(await readFile(join(dir, 'run', 'mix', 'mix.json'), 'utf8')) as MixReport;
  assert.equal(report.supply_from, 'profile');
  const html = await readFile(join(dir, 'run', 'report.html'), 'utf8');
  assert.match(html, /<h2>Mixture<\/h2><p>By lang in bytes/);
  assert.match(html, /id="mix-chart"/);
  assert.match(html, /<td>\* \(the rest\)<\/td>/);
  const again = await runCli(['run', file, '-w', '1', '-q']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /mix: up to date, skipped/);
  await writeFile(file, JSON.stringify({ ...pipeline, mix: { by: 'lang', targets: { eng: 0.5 } } }));
  const bad = await runCli(['run', file, '-q']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /^error: .*pipeline\.json: mix: targets must sum to 1 \(they sum to 0\.5\)/);
});
