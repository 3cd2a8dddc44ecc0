/**
 * What a staged dedup run is: its corpus, its dedup steps (exact, URL, MinHash: the keep-first steps of the
 * registry), its partition count and this task's rank; where each stage keeps its files; and the task
 * protocol every stage follows: one lock per task, a done marker written last (atomically), a task whose
 * marker exists is done, one without is wiped and redone. Stages are deterministic, so a redone task writes
 * the same bytes.
 */
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { StepSpec } from '../../core/step.js';
import { UserError } from '../../core/errors.js';
import { writeJsonAtomic } from '../../core/atomicFile.js';
import { lockOutput } from '../../core/outputLock.js';
import { dedupKeysOf, type KeepFirstKeys } from '../../filters/registry.js';
import { validateRecipe } from '../recipe.js';
import { sha256Hex } from '../manifest.js';
import { openCorpus, type DedupCorpus } from './dedupCorpus.js';

export const DEDUP_STAGES = ['signatures', 'buckets', 'clusters', 'filter'] as const;
export type DedupStage = (typeof DEDUP_STAGES)[number];

/** The dedup steps when none are given: those of the web recipe, in its order. */
export const DEFAULT_DEDUP_STEPS: StepSpec[] = [{ step: 'url_dedup' }, { step: 'exact_dedup' }, { step: 'minhash_dedup' }];

export interface DedupStageOptions {
  /** The curate output folder to deduplicate. */
  input: string;
  /** Where the stages write: their working files under `dedup/`, the deduplicated shards beside. */
  out: string;
  stage: DedupStage;
  rank?: number;
  worldSize?: number;
  /** Keep-first dedup steps, in the order they decide (default DEFAULT_DEDUP_STEPS). */
  steps?: StepSpec[];
  /** Key partitions written by `signatures`, one `buckets` task each (default: the corpus's rank count). */
  partitions?: number;
  /** MiB of records a `buckets` task sorts in memory before it spills sorted runs (default 256). */
  memoryMb?: number;
  shardDocs?: number;
  shardBytes?: number;
  keepRejected?: boolean;
  onWarning?: (message: string) => void;
}

/** The steps of a recipe the stages run (exact, URL, MinHash dedup), in its order; the others are left out. */
export function dedupStepsOf(steps: StepSpec[]): StepSpec[] {
  return steps.filter((s) => dedupKeysOf(s) !== undefined);
}

/** One dedup step as the stages run it. */
export interface DedupMethod {
  spec: StepSpec;
  name: string;
  keys: KeepFirstKeys;
}

export interface DedupPlan {
  corpus: DedupCorpus;
  out: string;
  stage: DedupStage;
  rank: number;
  worldSize: number;
  methods: DedupMethod[];
  partitions: number;
  budgetBytes: number;
  shardDocs: number;
  shardBytes: number;
  keepRejected: boolean;
  /** Everything the decisions depend on: every task's marker carries it, later stages check it. */
  optionsHash: string;
}

function checkCount(value: number | undefined, flag: string, min: number, max: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) throw new UserError(`${flag} must be an integer in [${min}, ${max}]; got ${value}`);
}

/** Checks the options and reads the corpus's manifests. */
export async function planDedup(o: DedupStageOptions): Promise<DedupPlan> {
  if (!(DEDUP_STAGES as readonly string[]).includes(o.stage)) throw new UserError(`--stage must be one of ${DEDUP_STAGES.join(', ')}; got '${o.stage}'`);
  const rank = o.rank ?? 0;
  const worldSize = o.worldSize ?? 1;
  checkCount(worldSize, '--world-size', 1, 1_000_000);
  if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize) throw new UserError(`--rank must be in [0, --world-size); got rank ${rank}, world size ${worldSize}`);
  if (o.stage === 'clusters' && worldSize !== 1) throw new UserError(`--stage clusters is one task (a cheap merge): give --world-size 1 or none; got ${worldSize}`);
  checkCount(o.partitions, '--partitions', 1, 65_536);
  if (o.memoryMb !== undefined && !(o.memoryMb >= 1 && o.memoryMb <= 1_048_576)) throw new UserError(`--memory-mb must be in [1, 1048576]; got ${o.memoryMb}`);
  if (resolve(o.input) === resolve(o.out)) throw new UserError('--out must be another folder than --input (the deduplicated shards are written beside the stages\' files)');
  const { steps } = validateRecipe({ steps: o.steps ?? DEFAULT_DEDUP_STEPS }, 'dedup steps');
  if (steps.length === 0) throw new UserError('dedup steps: give at least one of exact_dedup, url_dedup, minhash_dedup');
  const methods = steps.map((spec) => {
    const keys = dedupKeysOf(spec);
    if (!keys) throw new UserError(`dedup steps: '${spec.step}' is not a deduplication step the stages run (exact_dedup, url_dedup, minhash_dedup)`);
    return { spec, name: spec.step, keys };
  });
  const corpus = await openCorpus(o.input);
  const partitions = o.partitions ?? corpus.parts.length;
  const identity = corpus.parts.map((p) => [p.rank, p.manifest.options_hash, p.manifest.shards.map((s) => s.sha256)]);
  return {
    corpus,
    out: o.out,
    stage: o.stage,
    rank,
    worldSize,
    methods,
    partitions,
    budgetBytes: (o.memoryMb ?? 256) * 2 ** 20,
    shardDocs: o.shardDocs ?? 100_000,
    shardBytes: o.shardBytes ?? 256 * 2 ** 20,
    keepRejected: o.keepRejected ?? false,
    optionsHash: sha256Hex(JSON.stringify({ steps, partitions, order: corpus.order, identity })),
  };
}

/** Where the stages keep their files, under OUT/dedup/. */
export const dedupPaths = {
  work: (plan: DedupPlan) => join(plan.out, 'dedup'),
  signatures: (plan: DedupPlan, part: number) => join(plan.out, 'dedup', 'signatures', `r${part}`),
  signaturesDone: (plan: DedupPlan, part: number) => join(plan.out, 'dedup', 'signatures', `r${part}.done.json`),
  buckets: (plan: DedupPlan, p: number) => join(plan.out, 'dedup', 'buckets', `p${p}`),
  bucketsDone: (plan: DedupPlan, p: number) => join(plan.out, 'dedup', 'buckets', `p${p}.done.json`),
  clusters: (plan: DedupPlan) => join(plan.out, 'dedup', 'clusters'),
  clustersDone: (plan: DedupPlan) => join(plan.out, 'dedup', 'clusters.done.json'),
  filterDone: (plan: DedupPlan, part: number) => join(plan.out, 'dedup', `filter-r${part}.done.json`),
};

/** The items (corpus parts or partitions) this task handles: i % worldSize == rank. */
export function myShare(plan: DedupPlan, items: number[]): number[] {
  return items.filter((_, i) => i % plan.worldSize === plan.rank);
}

interface Marker {
  options_hash: string;
}

async function readMarker<T>(path: string): Promise<(T & Marker) | undefined> {
  return readFile(path, 'utf8').then((t) => JSON.parse(t) as T & Marker, () => undefined);
}

/** A finished task's marker, as a later stage needs it; one clear error when it is missing or from other options. */
export async function requireMarker<T>(plan: DedupPlan, path: string, what: string): Promise<T & Marker> {
  const m = await readMarker<T>(path);
  if (!m) throw new UserError(`${what} has not finished (run that stage first; ${path} is missing)`);
  if (m.options_hash !== plan.optionsHash) throw new UserError(`${what} ran with other dedup options or another corpus; rerun it with these, or use another --out`);
  return m;
}

/**
 * Runs one task: under its lock; skipped when its marker says it is done; otherwise `clean` removes what a
 * killed attempt left, `work` redoes it, and the marker is written last.
 */
export async function runTask<T extends object>(plan: DedupPlan, name: string, marker: string, clean: string[], work: () => Promise<T>): Promise<{ result: T; skipped: boolean }> {
  const lock = await lockOutput(plan.out, { name: `dedup-${name}`, command: `corpusforge dedup --stage ${plan.stage}` });
  try {
    const done = await readMarker<T>(marker);
    if (done && done.options_hash === plan.optionsHash) return { result: done, skipped: true };
    if (done) throw new UserError(`${plan.out}: ${name} was done with other dedup options or another corpus; use another --out`);
    for (const path of clean) await rm(path, { recursive: true, force: true });
    const result = await work();
    lock.assertHeld();
    await writeJsonAtomic(marker, { options_hash: plan.optionsHash, ...result });
    return { result, skipped: false };
  } finally {
    await lock.release();
  }
}
