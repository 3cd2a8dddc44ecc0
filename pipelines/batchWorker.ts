// Piscina worker: rebuilds steps from the recipe (tasks carry data, not closures) and runs a batch
// through the worker steps.
import type { Document } from './document.js';
import type { StepSpec, Step } from './step.js';
import { buildWorkerSteps } from './recipe.js';
import { processBatch, type BatchResult } from './batchProcessor.js';
import { BiasReport, type BiasReportOptions } from '../filters/biasReport.js';

export interface BatchTask {
  recipe: StepSpec[];
  docs: Document[];
  keepRejected: boolean;
  bias: BiasReportOptions | null;
}

let cachedKey = '';
let cachedSteps: Step[] = [];
let cachedBias: { key: string; report: BiasReport } | undefined;

function biasFor(options: BiasReportOptions | null): BiasReport | undefined {
  if (!options) return undefined;
  const key = JSON.stringify(options);
  if (cachedBias?.key !== key) cachedBias = { key, report: new BiasReport(options) };
  return cachedBias.report;
}

function stepsFor(recipe: StepSpec[]): Step[] {
  const key = JSON.stringify(recipe);
  if (key !== cachedKey) {
    cachedSteps = buildWorkerSteps(recipe);
    cachedKey = key;
  }
  return cachedSteps;
}

export default function run(task: BatchTask): BatchResult {
  return processBatch(stepsFor(task.recipe), task.docs, task.keepRejected, biasFor(task.bias));
}
