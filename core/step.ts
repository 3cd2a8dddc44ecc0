import type { z } from 'zod';
import type { Document, Rejected } from './document.js';

/** What one step did to one batch. `kept` preserves input order. */
export interface StepOutput {
  kept: Document[];
  dropped: Rejected[];
  /** Extra per-step counters summed into stats.json (e.g. `pii.email: 3`). */
  counters?: Record<string, number>;
}

/**
 * A per-document step that runs inside a worker. It must be a pure function of its
 * options and the batch (no state shared across batches), so any worker can run any batch.
 * - map: may change text/metadata, never drops;
 * - filter: drops documents with a reason;
 * - annotate: adds fields (lang, metadata, signatures), never drops.
 */
export interface Step {
  readonly name: string;
  readonly kind: 'map' | 'filter' | 'annotate';
  run(batch: Document[]): StepOutput;
}

/**
 * A step that decides across the whole run (deduplication). It runs on the coordinator,
 * one batch at a time in input order, so "keep the first" means first in input order.
 * State added since the last checkpoint is persisted with every committed shard, so that
 * `--resume` rebuilds exactly the state that matches the committed output.
 */
export interface CoordinatorStep {
  readonly name: string;
  decide(batch: Document[]): StepOutput;
  /** Serialised state added since the previous call (empty array when none). */
  checkpointDelta?(): Uint8Array;
  /** Replays one delta returned by checkpointDelta, in the order they were taken. */
  restoreDelta?(delta: Uint8Array): void;
  /** Numbers for stats.json beyond in/out/dropped (e.g. duplicate cluster sizes). */
  report?(): Record<string, unknown>;
  /** Releases what the step holds outside memory (a disk-backed index's files) when the run ends. */
  close?(): void;
}

/** What the executor tells a coordinator half about the run. */
export interface CoordinatorContext {
  /** A directory this run (and rank) owns for derived state, e.g. disk-backed dedup indexes. */
  stateDir?: string;
}

/**
 * A named, configurable step as it appears in a pipeline file. A definition may provide a worker
 * half (signatures, filtering), a coordinator half (global decisions), or both; the worker half
 * runs at the step's position in the recipe, coordinator halves run after all worker steps.
 */
export interface StepDefinition<O = Record<string, unknown>> {
  readonly name: string;
  readonly description: string;
  /** Validates and fills defaults for the options given in a pipeline file. Throws UserError on bad options. */
  parseOptions(raw: Record<string, unknown>): O;
  /** Options as written, with the file paths they name passed through `resolve` (a pipeline file's paths are relative to it). */
  resolvePaths?(raw: Record<string, unknown>, resolve: (path: string) => string): Record<string, unknown>;
  /**
   * Work done once per run on the coordinator before any batch, asynchronously (e.g. an index read from
   * files the options name). Returns a hash of what it read, part of the run's identity (resume and
   * `corpusforge run` notice a change). The halves find what it built by themselves.
   */
  prepare?(options: O): Promise<string>;
  worker?(options: O): Step;
  coordinator?(options: O, context?: CoordinatorContext): CoordinatorStep;
}

/** One step as written in a pipeline file: `{ "step": "normalise", ...options }`. */
export interface StepSpec {
  step: string;
  [option: string]: unknown;
}

/**
 * Watches what the steps decide, for a run-wide report (the bias report); it never changes a document.
 * In a worker, `note` sums up a document once the worker steps have decided it (dropped, or kept so far),
 * as a small structured-clonable value that travels with the batch. On the coordinator, `count` takes
 * every document's note with the run's final decision, in input order, and `report` is what stats.json
 * shows under the observer's name (cumulative, so the journal's last entry lets a resumed run go on).
 */
export interface Observer<N = unknown, R = unknown> {
  note(doc: Document): N;
  /** One document: kept by the run, or dropped with the step's reason. */
  count(note: N, kept: boolean, reason?: string): void;
  report(): R;
  /** Continues counting from a report() of the run being resumed (same options). */
  restore(report: R): void;
}

/**
 * An observer as registered (filters/registry.ts). A run enables every observer unless its options are
 * `false`; omitted options are `{}`, its defaults.
 */
export interface ObserverDefinition<O = Record<string, unknown>, N = unknown, R = unknown> {
  /** Its key in curate options, in a pipeline file and in stats.json `reports`. */
  readonly name: string;
  /** What its pipeline file key means (docs/pipeline-reference.md). */
  readonly description: string;
  /** Its options as a pipeline file gives them; the registry adds the `false` that turns it off. */
  readonly fileOptions: z.ZodType;
  create(options: O): Observer<N, R>;
  /** One report from the reports of a split run's ranks (merge-manifests), as one process over all would count. */
  merge?(reports: R[]): R;
}
