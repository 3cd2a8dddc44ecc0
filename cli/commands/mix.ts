import { existsSync, readFileSync } from 'node:fs';
import type { Command } from '../command.js';
import { intFlag, parseCommandArgs, requiredFlag, sharedFlags, switchFlags, valueFlags } from '../args.js';
import { UserError } from '../../core/errors.js';
import { mix } from '../../pipelines/mix/mixRun.js';
import { mixSpecFromText } from '../../pipelines/mix/mixSpec.js';
import { formatMixReport } from '../../pipelines/mix/mixReport.js';
import { countWords, tokenCounter } from '../textMeasures.js';

const FLAGS = {
  ...sharedFlags('input', 'out', 'tokenizer', 'workers', 'quiet'),
  ...valueFlags('spec', 'shard-docs', 'shard-bytes', 'text-field'),
  ...switchFlags('count'),
};

export const command: Command = {
  name: 'mix',
  summary: 'sample a corpus into target proportions per language, domain, source or metadata field',
  help: `usage: corpusforge mix --input DIR --out DIR --spec JSON|FILE [options]

Streams the input twice (once to count each group, unless the input is a curate output whose
stats.json profile counts it exactly; once to write) and writes docs-NNNNN.parquet shards as curate
does, each document as many times as the mixture takes it (metadata mix_repeat, mix_copies), with
manifest.json and mix.json (target vs achieved per group, and what was short).

The spec (inline JSON or a file):
  {"by": "lang", "targets": {"eng": 0.5, "deu": 0.2, "*": 0.3}, "tokens": 2e9, "maxEpochs": 4, "seed": 1}
  by           lang | domain | tld | source | metadata.FIELD
  targets      proportions summing to 1 ("*": every group not named, together; without it they are left out)
  budgets      amounts per group in the unit, instead of targets
  temperature  T, instead of targets: p ∝ n^(1/T) over every group present (1 = as found)
  tokens | bytes | words | docs   the total, and the unit (tokens need --tokenizer); without a total,
               "unit" (default bytes) and the largest total every group can supply
  maxEpochs    times a document may appear at most (default 1); a group that cannot reach its
               target within it is reported short, never made up from other groups
  seed         which documents are picked (default 0): seed + document id, hashed

options:
  -i, --input PATH        a curate output folder, or any input curate reads (repeatable)
  -o, --out DIR           output folder (an earlier mix there is replaced)
      --spec JSON|FILE    the mixture
  -t, --tokenizer FILE    tokenizer.json counting tokens (a spec in tokens needs one)
      --count             count the groups with a pass over the input even when a profile could answer
      --shard-docs N      max documents per shard (default 100000)
      --shard-bytes N     max text bytes per shard (default 268435456)
      --text-field NAME   JSONL field / Parquet column holding the text (default text)
  -w, --workers N         0 encodes shards on the main thread (default: a thread of their own)
  -q, --quiet             no progress output`,
  async run(argv) {
    const { values } = parseCommandArgs('mix', argv, FLAGS);
    const inputs = requiredFlag('mix', 'input', values.input);
    const out = requiredFlag('mix', 'out', values.out);
    const specArg = requiredFlag('mix', 'spec', values.spec);
    const inline = specArg.trimStart().startsWith('{');
    if (!inline && !existsSync(specArg)) throw new UserError(`mix: --spec: ${specArg} is neither JSON nor a file`);
    const spec = mixSpecFromText(inline ? specArg : readFileSync(specArg, 'utf8'), inline ? 'mix: --spec' : `mix: ${specArg}`);
    if (spec.unit === 'tokens' && !values.tokenizer) throw new UserError('mix: a mixture in tokens needs --tokenizer FILE; without one, give "bytes", "words" or "docs"');
    const measures = { words: countWords, ...(values.tokenizer ? { tokens: await tokenCounter(values.tokenizer) } : {}) };
    const t0 = performance.now();
    const { report } = await mix({
      inputs,
      out,
      spec,
      measures,
      workers: values.workers === undefined ? undefined : intFlag('workers', values.workers, 1),
      shardDocs: intFlag('shard-docs', values['shard-docs'], 100_000, 1),
      shardBytes: intFlag('shard-bytes', values['shard-bytes'], 256 * 2 ** 20, 1),
      textField: values['text-field'],
      useProfile: !values.count,
      onProgress: values.quiet ? undefined : (p) => process.stderr.write(`mix: ${p.docsRead} docs read, ${p.docsWritten} written\r`),
    });
    if (!values.quiet) process.stderr.write('\n');
    for (const line of formatMixReport(report)) console.log(line);
    console.log(`mix: ${((performance.now() - t0) / 1000).toFixed(1)} s; ${out}/manifest.json, ${out}/mix.json`);
    return 0;
  },
};
