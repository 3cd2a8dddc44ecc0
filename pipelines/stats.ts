import { emptyProfile, mergeProfiles, type CorpusProfile } from './corpusProfile.js';
import type { RecipeChoice } from './defaultRecipe.js';

/** Counts for one step over a run: what stats.json shows per step. */
export interface StepStats {
  in: number;
  out: number;
  dropped: Record<string, number>;
  ms: number;
  counters: Record<string, number>;
}

/** Whole-run counts: input, per-step funnel (recipe order), output. */
export interface RunStats {
  /** `dropped`: well-formed documents a reading limit dropped, by reason (`too_large`); absent in journals of older runs. */
  input: { docs: number; bytes: number; malformed: number; dropped?: Record<string, number> };
  steps: Record<string, StepStats>;
  output: { docs: number; rejected: number; shards: number; bytes: number };
  /** Reports from coordinator steps and the bias report (duplicate clusters, group rates). */
  reports: Record<string, unknown>;
  /** Languages and lengths of the kept documents. */
  profile: CorpusProfile;
  /** Which recipe ran and why (chosen from the input, or given by a pipeline file), when the caller said. */
  recipe?: RecipeChoice;
}

export function emptyStepStats(): StepStats {
  return { in: 0, out: 0, dropped: {}, ms: 0, counters: {} };
}

export function emptyRunStats(stepNames: string[] = []): RunStats {
  const steps: Record<string, StepStats> = {};
  for (const n of stepNames) steps[n] = emptyStepStats();
  return { input: { docs: 0, bytes: 0, malformed: 0, dropped: {} }, steps, output: { docs: 0, rejected: 0, shards: 0, bytes: 0 }, reports: {}, profile: emptyProfile() };
}

export function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/** Adds `from` into `into` (step by step). */
export function addStepStats(into: StepStats, from: StepStats): void {
  into.in += from.in;
  into.out += from.out;
  into.ms += from.ms;
  addCounts(into.dropped, from.dropped);
  addCounts(into.counters, from.counters);
}

export function addRunStepStats(into: RunStats, from: Record<string, StepStats>): void {
  for (const [name, s] of Object.entries(from)) addStepStats((into.steps[name] ??= emptyStepStats()), s);
}

/** Sums per-rank stats (merge-manifests). */
export function mergeRunStats(all: RunStats[]): RunStats {
  const out = emptyRunStats();
  for (const s of all) {
    out.input.docs += s.input.docs;
    out.input.bytes += s.input.bytes;
    out.input.malformed += s.input.malformed;
    addCounts((out.input.dropped ??= {}), s.input.dropped ?? {});
    addRunStepStats(out, s.steps);
    out.output.docs += s.output.docs;
    out.output.rejected += s.output.rejected;
    out.output.shards += s.output.shards;
    out.output.bytes += s.output.bytes;
  }
  out.profile = mergeProfiles(all.map((s) => s.profile ?? emptyProfile()));
  const recipe = all.find((s) => s.recipe)?.recipe; // every rank of a split run ran the same recipe
  if (recipe) out.recipe = recipe;
  return out;
}
