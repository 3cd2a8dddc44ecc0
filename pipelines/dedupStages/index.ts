/**
 * Global deduplication as four file stages, each a rank/world job for a scheduler (Slurm job arrays,
 * Kubernetes indexed Jobs), datatrove's MinHash shape for exact, URL and MinHash dedup alike:
 * signatures (per corpus part) -> buckets (per key partition) -> clusters (one merge) -> filter (per part).
 * They decide what one curate process with the same dedup steps decides over the whole corpus.
 */
import { planDedup, type DedupStage, type DedupStageOptions } from './dedupPlan.js';
import { runSignatures } from './signaturesStage.js';
import { runBuckets } from './bucketsStage.js';
import { runClusters } from './clustersStage.js';
import { runFilter } from './filterStage.js';

export { DEDUP_STAGES, DEFAULT_DEDUP_STEPS, dedupStepsOf, type DedupStage, type DedupStageOptions } from './dedupPlan.js';

const RUNNERS = { signatures: runSignatures, buckets: runBuckets, clusters: runClusters, filter: runFilter } as const;

/** Runs one stage's task (rank `rank` of `worldSize`); `log` gets one line per item done. */
export async function runDedupStage(options: DedupStageOptions, log: (line: string) => void = () => undefined): Promise<void> {
  const plan = await planDedup(options);
  await RUNNERS[plan.stage](plan, log);
}

/** Runs every stage in this process, one task after another (what `corpusforge run` does on one machine). */
export async function runDedupStages(options: Omit<DedupStageOptions, 'stage' | 'rank' | 'worldSize'>, log?: (line: string) => void): Promise<void> {
  for (const stage of ['signatures', 'buckets', 'clusters', 'filter'] as DedupStage[]) await runDedupStage({ ...options, stage }, log);
}
