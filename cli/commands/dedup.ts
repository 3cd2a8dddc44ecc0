import type { Command } from '../command.js';
import { intFlag, numberFlag, parseCommandArgs, requiredFlag, sharedFlags, switchFlags, valueFlags } from '../args.js';
import { UserError } from '../../core/errors.js';
import type { StepSpec } from '../../core/step.js';
import { loadPipelineFile } from '../../pipelines/pipelineFile.js';
import { DEDUP_STAGES, DEFAULT_DEDUP_STEPS, dedupStepsOf, runDedupStage, runDedupStages, type DedupStage } from '../../pipelines/dedupStages/index.js';

const FLAGS = {
  ...sharedFlags('input', 'out', 'quiet'),
  ...valueFlags('stage', 'rank', 'world-size', 'config', 'steps', 'partitions', 'memory-mb', 'shard-docs', 'shard-bytes'),
  ...switchFlags('keep-rejected', 'all'),
};

export const command: Command = {
  name: 'dedup',
  summary: 'global exact / URL / MinHash dedup of a curated corpus, as stages a scheduler runs across machines',
  help: `usage: corpusforge dedup --input DIR --out DIR --stage STAGE [--rank R --world-size W] [options]
       corpusforge dedup --input DIR --out DIR --all [options]

Deduplicates a curate output folder (all its ranks: manifest-rN.json, or one manifest.json) across the
whole corpus, deciding what one curate process with the same dedup steps decides: the first document
in global input order is kept, later duplicates are removed with duplicate_of. Four stages, each a
job array of W tasks (Slurm --array, Kubernetes indexed Job); start a stage when the one before has
finished on every rank. Every task is resumable: rerun a killed one, it redoes its share.

  signatures  per corpus part: dedup keys, partitioned by key range     (any W; W = ranks is natural)
  buckets     per key partition: candidate duplicates, sorted on disk   (any W; W = --partitions)
  clusters    one task: decides keep-first, writes dedup/clusters/      (W = 1)
  filter      per corpus part: the shards less the duplicates           (any W)

options:
  -i, --input DIR         the curated corpus (a curate --out folder; the same for every stage)
  -o, --out DIR           output folder: deduplicated shards and manifests like curate's, stage files under dedup/
      --stage STAGE       ${DEDUP_STAGES.join(' | ')}
      --all               run every stage here, one after another (one machine)
      --rank R            this task's rank (default 0)
      --world-size W      tasks in this stage (default 1)
      --config FILE       pipeline file: its exact_dedup / url_dedup / minhash_dedup steps and options
      --steps LIST        or step names, comma-separated (default: ${DEFAULT_DEDUP_STEPS.map((s) => s.step).join(',')})
      --partitions N      key partitions, one buckets task each (default: the corpus's rank count)
      --memory-mb N       records a buckets task sorts in memory before spilling sorted runs (default 256)
      --keep-rejected     filter also writes rejected-NNNNN.parquet (reason, metadata.duplicate_of)
      --shard-docs N      max documents per output shard (default 100000)
      --shard-bytes N     max text bytes per output shard (default 268435456)
  -q, --quiet             no progress lines

Give every stage the same --input, --out, steps and --partitions; a stage run with other ones is refused.
Scheduler examples: docs/distributed.md.`,
  async run(argv) {
    const { values } = parseCommandArgs('dedup', argv, FLAGS);
    const input = requiredFlag('dedup', 'input', values.input);
    if (input.length !== 1) throw new UserError('dedup: --input names one curate output folder');
    const out = requiredFlag('dedup', 'out', values.out);
    if (values.config && values.steps) throw new UserError('dedup: give --config or --steps, not both');
    let steps: StepSpec[] | undefined;
    if (values.config) {
      const file = await loadPipelineFile(values.config);
      steps = dedupStepsOf(file.steps ?? []);
      if (steps.length === 0) throw new UserError(`dedup: ${values.config} has no exact_dedup, url_dedup or minhash_dedup step`);
    } else if (values.steps) steps = values.steps.split(',').map((s) => ({ step: s.trim() }));
    const options = {
      input: input[0]!,
      out,
      steps,
      partitions: values.partitions === undefined ? undefined : intFlag('partitions', values.partitions, 1, 1),
      memoryMb: values['memory-mb'] === undefined ? undefined : numberFlag('memory-mb', values['memory-mb'], 256),
      shardDocs: intFlag('shard-docs', values['shard-docs'], 100_000, 1),
      shardBytes: intFlag('shard-bytes', values['shard-bytes'], 256 * 2 ** 20, 1),
      keepRejected: values['keep-rejected'] ?? false,
    };
    const log = values.quiet ? () => undefined : (line: string) => console.error(line);
    if (values.all) {
      if (values.stage || values.rank || values['world-size']) throw new UserError('dedup: --all runs every stage as one task; leave out --stage, --rank and --world-size');
      await runDedupStages(options, log);
      return 0;
    }
    const stage = requiredFlag('dedup', 'stage', values.stage);
    if (!(DEDUP_STAGES as readonly string[]).includes(stage)) throw new UserError(`dedup: --stage must be one of ${DEDUP_STAGES.join(', ')}; got '${stage}'`);
    await runDedupStage({ ...options, stage: stage as DedupStage, rank: intFlag('rank', values.rank, 0), worldSize: intFlag('world-size', values['world-size'], 1, 1) }, log);
    return 0;
  },
};
