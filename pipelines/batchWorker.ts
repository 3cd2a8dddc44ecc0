// Piscina worker: rebuilds steps from the recipe (tasks carry data, not closures), reads its unit of
// input and runs the worker steps over it batch by batch.
import type { Step, StepSpec } from '../core/step.js';
import { buildWorkerSteps } from './recipe.js';
import { runUnit, type UnitTask, type UnitResult } from './unitTask.js';
import { BiasReport, type BiasReportOptions } from '../filters/safety/biasReport.js';

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

export default function run(task: UnitTask): Promise<UnitResult> {
  return runUnit(stepsFor(task.recipe), task, biasFor(task.bias));
}
