import type { Document, Rejected } from '../core/document.js';
import type { Step, CoordinatorStep, StepOutput } from '../core/step.js';
import { emptyStepStats, type StepStats } from './stats.js';
import type { NotedDrop, RunObservers } from './observers.js';
import { enterStep, ordinalOf } from '../core/documentClock.js';

/**
 * Documents of a unit that ran over the time budget on an earlier try: by ordinal in the unit, the index of
 * the step they ran over in. The rerun drops each just before that step, so the steps before it see the
 * same batches as on the first try.
 */
export interface TimedOut {
  steps: Map<number, number>;
  onDrop(dropped: Rejected): void;
}

/** The drop reason of a document that ran over the time budget in `step`. */
export const timeBudgetReason = (step: string) => `${step}:time_budget`;

/** What steps did to one batch: the documents left, those dropped (when kept), per-step counts. */
export interface BatchResult {
  kept: Document[];
  /** Rejected documents; empty unless the run keeps them (to spare the copy back from the worker). */
  rejected: Rejected[];
  stats: Record<string, StepStats>;
  /** The run observers' notes of each document the worker steps dropped (none when no observer is on). */
  notedDrops?: NotedDrop[];
}

function account(stats: Record<string, StepStats>, name: string, inCount: number, out: StepOutput, ms: number): void {
  const s = (stats[name] ??= emptyStepStats());
  s.in += inCount;
  s.out += out.kept.length;
  s.ms += ms;
  for (const r of out.dropped) s.dropped[r.reason] = (s.dropped[r.reason] ?? 0) + 1;
  if (out.counters) for (const [k, v] of Object.entries(out.counters)) s.counters[k] = (s.counters[k] ?? 0) + v;
}

/** Runs steps over one batch in order, timing and counting each; `onDropped` sees every drop. */
export function runSteps(steps: (Step | CoordinatorStep)[], batch: Document[], keepRejected: boolean, onDropped?: (r: Rejected) => void, timedOut?: TimedOut): BatchResult {
  const stats: Record<string, StepStats> = {};
  const rejected: Rejected[] = [];
  let docs = batch;
  for (const [s, step] of steps.entries()) {
    const inCount = docs.length;
    const over = timedOut?.steps.size ? overBudget(docs, s, step.name, timedOut) : undefined;
    if (over) docs = over.rest;
    enterStep(s);
    const t0 = performance.now();
    let out = 'decide' in step ? step.decide(docs) : step.run(docs);
    if (over) out = { ...out, dropped: [...over.dropped, ...out.dropped] };
    account(stats, step.name, inCount, out, performance.now() - t0);
    if (keepRejected) for (const r of out.dropped) rejected.push(r);
    if (onDropped) for (const r of out.dropped) onDropped(r);
    docs = out.kept;
  }
  return { kept: docs, rejected, stats };
}

function overBudget(docs: Document[], s: number, name: string, timedOut: TimedOut): { rest: Document[]; dropped: Rejected[] } | undefined {
  const rest: Document[] = [];
  const dropped: Rejected[] = [];
  for (const doc of docs) {
    const ordinal = ordinalOf(doc);
    if (ordinal !== undefined && timedOut.steps.get(ordinal) === s) {
      const r = { doc, reason: timeBudgetReason(name) };
      dropped.push(r);
      timedOut.onDrop(r);
    } else rest.push(doc);
  }
  return dropped.length ? { rest, dropped } : undefined;
}

/** The worker's job for one batch: the worker steps, and the run observers' notes of every document. */
export function runWorkerSteps(steps: Step[], batch: Document[], keepRejected: boolean, observers: RunObservers, timedOut?: TimedOut): BatchResult {
  if (observers.size === 0) return runSteps(steps, batch, keepRejected, undefined, timedOut);
  const notedDrops: NotedDrop[] = [];
  const result = runSteps(steps, batch, keepRejected, (r) => notedDrops.push({ reason: r.reason, notes: observers.notes(r.doc) }), timedOut);
  observers.attachNotes(result.kept);
  return { ...result, notedDrops };
}
