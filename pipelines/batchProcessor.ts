import type { Document, Rejected } from '../core/document.js';
import type { Step, CoordinatorStep, StepOutput } from '../core/step.js';
import { emptyStepStats, type StepStats } from './stats.js';

export interface BatchResult {
  kept: Document[];
  /** Rejected documents; empty unless the run keeps them (to spare the copy back from the worker). */
  rejected: Rejected[];
  stats: Record<string, StepStats>;
  /** Identity-term groups of each document the worker steps dropped (bias report), by reason. */
  biasDropped?: { reason: string; hits: number[] }[];
}

/** What the bias report needs from a worker: which identity-term groups a document mentions. */
export interface GroupHitter {
  groupHits(doc: Document): number[];
}

/** Metadata key carrying a kept document's group hits from the worker to the coordinator. */
export const BIAS_KEY = '_bias';

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

/** The worker's job for one batch: the worker steps, plus group hits for the bias report when asked. */
export function processBatch(steps: Step[], batch: Document[], keepRejected: boolean, bias?: GroupHitter): BatchResult {
  if (!bias) return runSteps(steps, batch, keepRejected);
  const biasDropped: { reason: string; hits: number[] }[] = [];
  const result = runSteps(steps, batch, keepRejected, (r) => biasDropped.push({ reason: r.reason, hits: bias.groupHits(r.doc) }));
  for (const d of result.kept) d.metadata[BIAS_KEY] = bias.groupHits(d);
  return { ...result, biasDropped };
}
