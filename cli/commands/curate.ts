import type { Command } from '../command.js';
import { intFlag, parseCommandArgs } from '../args.js';
import { curate } from '../../pipelines/curate.js';
import { loadRecipe } from '../../pipelines/recipe.js';
import type { StepSpec } from '../../pipelines/step.js';
import { UserError } from '../../pipelines/errors.js';
import { progressPrinter } from '../progress.js';
import { stepRegistry } from '../../filters/registry.js';

/** The steps `curate` runs without --config. */
export const DEFAULT_CURATE_STEPS: StepSpec[] = [{ step: 'normalise' }];

const FLAGS = {
  input: { type: 'string', multiple: true, short: 'i' },
  out: { type: 'string', short: 'o' },
  config: { type: 'string' },
  workers: { type: 'string', short: 'w' },
  resume: { type: 'boolean' },
  'keep-rejected': { type: 'boolean' },
  'text-field': { type: 'string' },
  strict: { type: 'boolean' },
  'shard-docs': { type: 'string' },
  'shard-bytes': { type: 'string' },
  'batch-size': { type: 'string' },
  rank: { type: 'string' },
  'world-size': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

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
      --config FILE       pipeline file ({"steps": [{"step": "normalise"}, ...]}); default: ${DEFAULT_CURATE_STEPS.map((s) => s.step).join(', ')}
  -w, --workers N         worker threads (default: number of cores; 0 = run in the main thread)
      --resume            continue an interrupted run in DIR exactly once
      --keep-rejected     also write rejected-NNNNN.parquet with each dropped document and its reason
      --text-field NAME   JSONL field / Parquet column holding the text (default: text)
      --strict            make malformed input records fatal (default: warn, count, skip)
      --shard-docs N      max documents per shard (default 100000)
      --shard-bytes N     max text bytes per shard (default 268435456)
      --batch-size N      documents per worker task (default 256)
      --rank R            this process's rank in a split run (default 0)
      --world-size W      number of processes splitting the inputs (default 1)
  -q, --quiet             no progress output

steps available in --config: ${[...stepRegistry.keys()].join(', ')}`;
  },
  async run(argv) {
    const { values } = parseCommandArgs('curate', argv, FLAGS);
    if (!values.input?.length) throw new UserError('curate: --input is required');
    if (!values.out) throw new UserError('curate: --out is required');
    const steps = values.config ? (await loadRecipe(values.config)).steps : DEFAULT_CURATE_STEPS;
    const progress = values.quiet ? undefined : progressPrinter('curate');
    let warnings = 0;
    const result = await curate({
      inputs: values.input,
      out: values.out,
      steps,
      workers: values.workers === undefined ? undefined : intFlag('workers', values.workers, 0),
      resume: values.resume,
      keepRejected: values['keep-rejected'],
      textField: values['text-field'],
      strict: values.strict,
      shardDocs: intFlag('shard-docs', values['shard-docs'], 100_000, 1),
      shardBytes: intFlag('shard-bytes', values['shard-bytes'], 256 * 2 ** 20, 1),
      batchSize: intFlag('batch-size', values['batch-size'], 256, 1),
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
      console.log(`curate: ${values.out} is already complete (${result.manifest.totals.rows} docs in ${result.manifest.totals.shards} shards); nothing to do`);
      return 0;
    }
    const pct = s.input.docs ? ((100 * s.output.docs) / s.input.docs).toFixed(1) : '0.0';
    console.log(
      `curate: ${s.input.docs} docs read (${s.input.malformed} malformed skipped), ${s.output.docs} kept (${pct}%) in ${s.output.shards} shards, ` +
        `${(s.output.bytes / 2 ** 20).toFixed(1)} MiB` + (result.resumedDocs ? `; resumed after ${result.resumedDocs} committed docs` : ''),
    );
    for (const [name, st] of Object.entries(s.steps)) {
      const drops = Object.entries(st.dropped).map(([r, n]) => `${r}=${n}`).join(' ');
      console.log(`  ${name.padEnd(20)} in ${st.in} out ${st.out} ${(st.ms / 1000).toFixed(2)}s${drops ? ' dropped ' + drops : ''}`);
    }
    console.log(`manifest: ${result.manifest.totals.shards} shards listed in ${values.out}/${result.manifest.world_size > 1 ? `manifest-r${result.manifest.rank}.json` : 'manifest.json'}`);
    return 0;
  },
};
