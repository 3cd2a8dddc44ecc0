import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from '../command.js';
import { parseCommandArgs, sharedFlags, switchFlags, valueFlags } from '../args.js';
import { loadPipelineFile } from '../../pipelines/pipelineFile.js';
import { UserError } from '../../core/errors.js';
import { buildRunReport } from '../../pipelines/report/runReport.js';
import { writeRunReport } from '../../pipelines/report/writeReport.js';
import { runChain, type StageRecord } from '../chain.js';

const FLAGS = {
  ...sharedFlags('input', 'out', 'workers', 'quiet'),
  ...valueFlags('report-json'),
  ...switchFlags('force'),
};

export const command: Command = {
  name: 'run',
  summary: 'run a pipeline file: crawl -> curate -> mix -> tokenizer -> tokenize -> train, skipping what is up to date',
  help: `usage: corpusforge run PIPELINE.json [--input PATH...] [--out DIR] [options]

Runs every stage the pipeline file names, each in its own folder under DIR:
  crawl/ (if "crawl"), corpus/ (the curate "steps"), mix/ (if "mix": the corpus sampled to target
  proportions, then read by the tokenizer stages), tokenizer/tokenizer.json (if "tokenizer"),
  tokens/ (if "tokenize"), model/ (if "train"), then prints a sample (if "sample"),
and writes DIR/report.html (and report.json). A stage whose options and inputs are unchanged since it
completed is skipped; an interrupted stage resumes; a changed one is rebuilt with everything after it.
See docs/pipeline-reference.md for the file format and pipelines/*.json for examples.

options:
  -i, --input PATH        input files/folders/globs (instead of the file's "input")
  -o, --out DIR           output folder (instead of the file's "out")
  -w, --workers N         worker threads for curate, tokenizer and tokenize (default: number of cores)
      --force             rebuild every stage even if it is up to date
      --report-json FILE  also write the report's data to FILE
  -q, --quiet             no progress output`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs('run', argv, FLAGS, true);
    if (positionals.length !== 1) throw new UserError('run: expected one pipeline file');
    const pipeline = await loadPipelineFile(positionals[0]!);
    const out = values.out ?? pipeline.out;
    if (!out) throw new UserError(`run: --out is required (or "out" in ${pipeline.path})`);
    const result = await runChain(pipeline, { out, input: values.input, workers: values.workers, quiet: values.quiet, force: values.force, log: (l) => console.log(l) });
    const stages: Record<string, string> = {};
    for (const [name, dir] of Object.entries(result.dirs)) {
      const rec = JSON.parse(await readFile(join(dir, 'stage.json'), 'utf8').catch(() => '{}')) as Partial<StageRecord>;
      if (rec.stage) stages[rec.stage] = `${result.skipped.includes(rec.stage) ? 'up to date' : 'ran'}: ${rec.summary ?? ''}`;
    }
    const report = await writeRunReport(out, await buildRunReport(result.dirs, `corpusforge run ${pipeline.path}`, stages), values['report-json']);
    if (result.ran.length === 0) console.log(`run: nothing to do, every stage is up to date (${result.skipped.join(', ')})`);
    else console.log(`run: ran ${result.ran.join(', ')}${result.skipped.length ? `; up to date: ${result.skipped.join(', ')}` : ''}`);
    console.log(`report: ${report}`);
    return 0;
  },
};
