// Piscina worker: rebuilds steps from the recipe (tasks carry data, not closures) and runs
// either a batch through the worker steps or a shard write.
import type { Document } from './document.js';
import type { StepSpec, Step } from './step.js';
import { buildWorkerSteps } from './recipe.js';
import { processBatch, type BatchResult } from './batchProcessor.js';
import { BiasReport, type BiasReportOptions } from '../filters/biasReport.js';
import { writeDocumentShard, type ShardWriteOptions } from '../datasets/parquetShardWriter.js';

export type WorkerTask =
  | { kind: 'batch'; recipe: StepSpec[]; docs: Document[]; keepRejected: boolean; bias: BiasReportOptions | null }
  | { kind: 'write'; path: string; docs: Document[]; options: ShardWriteOptions };

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

export default async function run(task: WorkerTask): Promise<BatchResult | Awaited<ReturnType<typeof writeDocumentShard>>> {
  if (task.kind === 'batch') return processBatch(stepsFor(task.recipe), task.docs, task.keepRejected, biasFor(task.bias));
  return writeDocumentShard(task.path, task.docs, task.options);
}
