import type { Document, Rejected } from './document.js';
import type { Step, CoordinatorStep, StepOutput } from './step.js';
import { emptyStepStats, type StepStats } from './stats.js';

export interface BatchResult {
  kept: Document[];
  /** Rejected documents; empty unless the run keeps them (to spare the copy back from the worker). */
  rejected: Rejected[];
  stats: Record<string, StepStats>;
}

function account(stats: Record<string, StepStats>, name: string, inCount: number, out: StepOutput, ms: number): void {
  const s = (stats[name] ??= emptyStepStats());
  s.in += inCount;
  s.out += out.kept.length;
  s.ms += ms;
  for (const r of out.dropped) s.dropped[r.reason] = (s.dropped[r.reason] ?? 0) + 1;
  if (out.counters) for (const [k, v] of Object.entries(out.counters)) s.counters[k] = (s.counters[k] ?? 0) + v;
}

/** Runs steps over one batch in order, timing and counting each. */
export function runSteps(steps: (Step | CoordinatorStep)[], batch: Document[], keepRejected: boolean): BatchResult {
  const stats: Record<string, StepStats> = {};
  const rejected: Rejected[] = [];
  let docs = batch;
  for (const step of steps) {
    const t0 = performance.now();
    const out = 'decide' in step ? step.decide(docs) : step.run(docs);
    account(stats, step.name, docs.length, out, performance.now() - t0);
    if (keepRejected) for (const r of out.dropped) rejected.push(r);
    docs = out.kept;
  }
  return { kept: docs, rejected, stats };
}
