import type { Command } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { loadPipelineFile } from '../../pipelines/pipelineFile.js';
import { UserError } from '../../pipelines/errors.js';
import { CURATE_FLAGS, executeCurate } from './curate.js';

const { config: _config, ...FLAGS } = CURATE_FLAGS;

export const command: Command = {
  name: 'run',
  summary: 'run a declarative pipeline file (pipelines/*.json)',
  help: `usage: corpusforge run PIPELINE.json [curate options]

Runs the steps of a pipeline file, e.g. 'corpusforge run pipelines/web.json --input crawl/ --out corpus/'.
The file holds "steps" (each {"step": NAME, ...options}) and optionally "input", "out" (relative to the
file) and "curate" settings (shardDocs, shardBytes, batchSize, keepRejected, textField, strict).
Flags given here override the file. See 'corpusforge curate --help' for the flags.`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs('run', argv, FLAGS, true);
    if (positionals.length !== 1) throw new UserError('run: expected one pipeline file');
    const pipeline = await loadPipelineFile(positionals[0]!);
    return executeCurate('run', { ...values, config: undefined }, pipeline);
  },
};
