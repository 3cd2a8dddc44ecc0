import { availableParallelism } from 'node:os';
import type { Document } from '../core/document.js';
import type { StepSpec } from '../core/step.js';
import { UserError } from '../core/errors.js';
import type { ObserverOptions } from '../filters/registry.js';
import { JSONL_CHUNK_BYTES } from '../datasets/jsonlReader.js';
import { expandInputs, type InputFile } from '../datasets/inputs.js';
import { prepareSteps, validateRecipe } from './recipe.js';
import { observerSettings, type ObserverSettings } from './observers.js';
import { buildManifest, inputsHash, sha256Hex, type Manifest } from './manifest.js';
import { OutputLayout } from './outputLayout.js';
import { WARC_RANGE_BYTES } from './readUnits.js';
import type { JournalEntry, RunInfo } from './journal.js';
import type { RecipeChoice } from './defaultRecipe.js';

/** A curate run's options; the run observers' options (e.g. `bias`) sit beside them, by observer name. */
export interface CurateOptions extends ObserverOptions {
  /** Input paths, folders or globs (sorted; this rank takes files i % worldSize == rank). */
  inputs?: string[];
  /** Or a live document source (e.g. a crawl); not resumable by skipping. */
  source?: AsyncIterable<Document>;
  out: string;
  steps: StepSpec[];
  /** Which recipe `steps` is and why, for stats.json and the report (not part of the options hash). */
  recipe?: RecipeChoice;
  /** Worker threads; 0 runs the steps in this thread (debugging). Default: number of cores. */
  workers?: number;
  batchSize?: number;
  shardDocs?: number;
  shardBytes?: number;
  keepRejected?: boolean;
  resume?: boolean;
  rank?: number;
  worldSize?: number;
  textField?: string;
  strict?: boolean;
  /** Largest document read; larger ones are dropped and counted (default 10 MiB, datasets/readOptions.ts). */
  maxDocumentBytes?: number;
  /** Per-document time budget in ms (worker threads only; 0: none; default 10 s, pipelines/unitRunner.ts). */
  timeBudgetMs?: number;
  onWarning?: (message: string) => void;
  onProgress?: (progress: CurateProgress) => void;
}

export interface CurateProgress {
  docsRead: number;
  bytesRead: number;
  /** Total input bytes of this rank, when known (files, not live sources). */
  totalBytes?: number;
  kept: number;
  dropped: number;
  elapsedMs: number;
}

/** What a run's options resolve to: its settings, this rank's input files, its identity and output names. */
export interface CuratePlan {
  out: string;
  rank: number;
  worldSize: number;
  steps: StepSpec[];
  recipe?: RecipeChoice;
  shardDocs: number;
  shardBytes: number;
  batchSize: number;
  keepRejected: boolean;
  workers: number;
  /** This rank's input files (none for a live source). */
  files: InputFile[];
  observers: ObserverSettings;
  optionsHash: string;
  inputsHash: string;
  layout: OutputLayout;
}

/** Checks the options and resolves them; creates the output folder. */
export async function planCurate(options: CurateOptions): Promise<CuratePlan> {
  const rank = options.rank ?? 0;
  const worldSize = options.worldSize ?? 1;
  if (!Number.isInteger(worldSize) || worldSize < 1 || !Number.isInteger(rank) || rank < 0 || rank >= worldSize) {
    throw new UserError(`--rank must be in [0, --world-size); got rank ${rank}, world size ${worldSize}`);
  }
  const { steps } = validateRecipe({ steps: options.steps });
  // Before any output exists: a step's unreadable reference file is an error of the options.
  const prepared = await prepareSteps(steps);
  const shardDocs = options.shardDocs ?? 100_000;
  const shardBytes = options.shardBytes ?? 256 * 2 ** 20;
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 256, shardDocs));
  const keepRejected = options.keepRejected ?? false;

  let files: InputFile[] = [];
  if (options.source) {
    if (options.resume) throw new UserError('--resume needs file inputs; a live source resumes on its own');
  } else {
    files = (await expandInputs(options.inputs ?? [])).filter((_, i) => i % worldSize === rank);
  }
  const observers = observerSettings(options);
  // Read units are part of a resume position, so their sizes are part of the options.
  const readUnitBytes = [JSONL_CHUNK_BYTES, WARC_RANGE_BYTES];
  const optionsHash = sha256Hex(JSON.stringify({ steps, shardDocs, shardBytes, batchSize, keepRejected, textField: options.textField ?? 'text', worldSize, ...observers, readUnitBytes, ...(options.maxDocumentBytes !== undefined ? { maxDocumentBytes: options.maxDocumentBytes } : {}), ...(Object.keys(prepared).length ? { prepared } : {}) }));
  const layout = new OutputLayout(options.out, rank, worldSize);
  await layout.ensure();
  return {
    out: options.out,
    rank,
    worldSize,
    steps,
    recipe: options.recipe,
    shardDocs,
    shardBytes,
    batchSize,
    keepRejected,
    workers: options.workers ?? availableParallelism(),
    files,
    observers,
    optionsHash,
    inputsHash: inputsHash(files),
    layout,
  };
}

/** The run info of a plan (state/run.json). */
export function runInfoOf(plan: CuratePlan, complete: boolean): RunInfo {
  return { options_hash: plan.optionsHash, inputs_hash: plan.inputsHash, complete, steps: plan.steps };
}

/** The manifest of a plan's committed entries. */
export function manifestOf(plan: CuratePlan, entries: JournalEntry[], complete: boolean): Manifest {
  return buildManifest(entries, { tool: 'corpusforge curate', optionsHash: plan.optionsHash, inputsHash: plan.inputsHash, rank: plan.rank, worldSize: plan.worldSize, complete });
}
