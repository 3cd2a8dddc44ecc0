import type { Document, Rejected } from '../core/document.js';
import type { Step, CoordinatorStep, StepOutput } from '../core/step.js';
import { emptyStepStats, type StepStats } from './stats.js';
import type { NotedDrop, RunObservers } from './observers.js';

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
export function runSteps(steps: (Step | CoordinatorStep)[], batch: Document[], keepRejected: boolean, onDropped?: (r: Rejected) => void): BatchResult {
  const stats: Record<string, StepStats> = {};
  const rejected: Rejected[] = [];
  let docs = batch;
  for (const step of steps) {
    const t0 = performance.now();
    const out = 'decide' in step ? step.decide(docs) : step.run(docs);
    account(stats, step.name, docs.length, out, performance.now() - t0);
    if (keepRejected) for (const r of out.dropped) rejected.push(r);
    if (onDropped) for (const r of out.dropped) onDropped(r);
    docs = out.kept;
  }
  return { kept: docs, rejected, stats };
}

/** The worker's job for one batch: the worker steps, and the run observers' notes of every document. */
export function runWorkerSteps(steps: Step[], batch: Document[], keepRejected: boolean, observers: RunObservers): BatchResult {
  if (observers.size === 0) return runSteps(steps, batch, keepRejected);
  const notedDrops: NotedDrop[] = [];
  const result = runSteps(steps, batch, keepRejected, (r) => notedDrops.push({ reason: r.reason, notes: observers.notes(r.doc) }));
  observers.attachNotes(result.kept);
  return { ...result, notedDrops };
}
