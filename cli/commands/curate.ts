import type { Command } from '../command.js';
import { intFlag, parseCommandArgs, sharedFlags, switchFlags, valueFlags } from '../args.js';
import { curate } from '../../pipelines/curate.js';
import { loadPipelineFile, type PipelineFile } from '../../pipelines/pipelineFile.js';
import { UserError } from '../../core/errors.js';
import { progressPrinter } from '../progress.js';
import { stepRegistry } from '../../filters/registry.js';
import { curateReport } from '../../pipelines/report/runReport.js';
import { extractionSamples } from '../../pipelines/report/extractionSamples.js';
import { writeRunReport } from '../../pipelines/report/writeReport.js';
import { chooseRecipe, configChoice, recipeLine } from '../../pipelines/defaultRecipe.js';

const FLAGS = {
  ...sharedFlags('input', 'out', 'workers', 'quiet'),
  ...valueFlags('config', 'text-field', 'max-document-bytes', 'time-budget-ms', 'shard-docs', 'shard-bytes', 'batch-size', 'rank', 'world-size', 'report-json'),
  ...switchFlags('resume', 'keep-rejected', 'strict'),
};

export const command: Command = {
  name: 'curate',
  summary: 'clean, filter and deduplicate documents into Parquet shards',
  get help() {
    return `usage: corpusforge curate --input PATH... --out DIR [options]

Reads JSONL(.gz), Parquet, .txt, .html and WARC files (paths, folders, globs), runs the curation steps
in a worker pool and writes docs-NNNNN.parquet shards, manifest.json and stats.json to DIR.

options:
  -i, --input PATH        input file, folder or glob (repeatable)
  -o, --out DIR           output folder (must be new unless --resume)
      --config FILE       pipeline file ({"steps": [{"step": "normalise"}, ...]}); default: chosen from the
                          input: pipelines/web.json for web pages (WARC, .html, JSONL with an "html" field,
                          also when mixed with text), pipelines/text.json for text (.txt, Parquet, JSONL text)
  -w, --workers N         worker threads (default: number of cores; 0 = run in the main thread)
      --resume            continue an interrupted run in DIR exactly once
      --keep-rejected     also write rejected-NNNNN.parquet with each dropped document and its reason
      --text-field NAME   JSONL field / Parquet column holding the text (default: text)
      --strict            make malformed input records fatal (default: warn, count, skip)
      --max-document-bytes N  drop larger documents as they are read, counted in stats.json
                          input.dropped.too_large (default 10485760)
      --time-budget-ms N  one document may hold a worker this long in one step; past it the worker is
                          ended and the document dropped as <step>:time_budget (default 10000; 0: none)
      --shard-docs N      max documents per shard (default 100000)
      --shard-bytes N     max text bytes per shard (default 268435456)
      --batch-size N      documents per worker task (default 256)
      --rank R            this process's rank in a split run (default 0)
      --world-size W      number of processes splitting the inputs (default 1)
      --report-json FILE  also write the run report's data (DIR/report.json) to FILE
  -q, --quiet             no progress output

steps available in --config: ${[...stepRegistry.keys()].join(', ')}`;
  },
  async run(argv) {
    const { values } = parseCommandArgs('curate', argv, FLAGS);
    const pipeline = values.config ? await loadPipelineFile(values.config) : undefined;
    return executeCurate('curate', values, pipeline);
  },
};

type CurateFlagValues = ReturnType<typeof parseCommandArgs<typeof FLAGS>>['values'];

/** Shared by `curate` and `run`: flags override what the pipeline file sets. */
export async function executeCurate(name: string, values: CurateFlagValues, pipeline?: PipelineFile): Promise<number> {
  const inputs = values.input?.length ? values.input : pipeline?.input;
  const out = values.out ?? pipeline?.out;
  if (!inputs?.length) throw new UserError(`${name}: --input is required`);
  if (!out) throw new UserError(`${name}: --out is required`);
  const { steps, choice } = pipeline?.steps
    ? { steps: pipeline.steps, choice: configChoice(pipeline.path) }
    : await chooseRecipe(inputs, values['text-field'] ?? pipeline?.curate?.textField);
  console.error(`${name}: ${recipeLine(choice)}`);
  const fixed = pipeline?.curate ?? {};
  const progress = values.quiet ? undefined : progressPrinter(name);
  let warnings = 0;
  const result = await curate({
    inputs,
    out,
    steps,
    recipe: choice,
    workers: values.workers === undefined ? undefined : intFlag('workers', values.workers, 0),
    resume: values.resume,
    keepRejected: values['keep-rejected'] ?? fixed.keepRejected,
    textField: values['text-field'] ?? fixed.textField,
    strict: values.strict ?? fixed.strict,
    timeBudgetMs: values['time-budget-ms'] === undefined ? fixed.timeBudgetMs : intFlag('time-budget-ms', values['time-budget-ms'], 0),
    maxDocumentBytes: values['max-document-bytes'] === undefined ? fixed.maxDocumentBytes : intFlag('max-document-bytes', values['max-document-bytes'], 0, 1),
    shardDocs: intFlag('shard-docs', values['shard-docs'], fixed.shardDocs ?? 100_000, 1),
    shardBytes: intFlag('shard-bytes', values['shard-bytes'], fixed.shardBytes ?? 256 * 2 ** 20, 1),
    batchSize: intFlag('batch-size', values['batch-size'], fixed.batchSize ?? 256, 1),
    bias: pipeline?.bias,
    profile: pipeline?.profile,
    rank: intFlag('rank', values.rank, 0),
    worldSize: intFlag('world-size', values['world-size'], 1, 1),
    onWarning: (m) => {
      if (++warnings <= 20) console.error(`warning: ${m}`);
      else if (warnings === 21) console.error('warning: more malformed records; see stats.json (input.malformed)');
    },
    onProgress: progress ? (p) => progress.update(p) : undefined,
  });
  progress?.done();
  const s = result.stats;
  if (result.alreadyComplete) {
    console.log(`${name}: ${out} is already complete (${result.manifest.totals.rows} docs in ${result.manifest.totals.shards} shards); nothing to do`);
    return 0;
  }
  const pct = s.input.docs ? ((100 * s.output.docs) / s.input.docs).toFixed(1) : '0.0';
  console.log(
    `${name}: ${s.input.docs} docs read (${s.input.malformed} malformed skipped${s.input.dropped?.too_large ? `, ${s.input.dropped.too_large} over --max-document-bytes dropped` : ''}), ${s.output.docs} kept (${pct}%) in ${s.output.shards} shards, ` +
      `${(s.output.bytes / 2 ** 20).toFixed(1)} MiB` + (result.resumedDocs ? `; resumed after ${result.resumedDocs} committed docs` : ''),
  );
  for (const [step, st] of Object.entries(s.steps)) {
    const drops = Object.entries(st.dropped).map(([r, n]) => `${r}=${n}`).join(' ');
    console.log(`  ${step.padEnd(20)} in ${st.in} out ${st.out} ${(st.ms / 1000).toFixed(2)}s${drops ? ' dropped ' + drops : ''}`);
  }
  // Decontamination says what it found even when it found nothing (reports.decontaminate.result).
  const decontamination = s.reports?.decontaminate as { result?: string } | undefined;
  if (decontamination?.result) console.log(`decontaminate: ${decontamination.result}`);
  const runReport = curateReport(s, `corpusforge ${name}: ${out}`);
  // The samples are extracted again in this thread, where no time budget can stop a document that ran over.
  const timedOut = Object.values(s.steps).some((st) => Object.keys(st.dropped).some((r) => r.endsWith(':time_budget')));
  if (!timedOut) runReport.extraction = await extractionSamples({ inputs, steps, textField: values['text-field'] ?? fixed.textField });
  const report = await writeRunReport(out, runReport, values['report-json'], result.manifest.world_size > 1 ? `-r${result.manifest.rank}` : '');
  console.log(`report: ${report}`);
  console.log(`manifest: ${result.manifest.totals.shards} shards listed in ${out}/${result.manifest.world_size > 1 ? `manifest-r${result.manifest.rank}.json` : 'manifest.json'}`);
  return 0;
}
