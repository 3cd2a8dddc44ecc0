// Piscina worker: rebuilds steps from the recipe (tasks carry data, not closures) and runs
// either a batch through the worker steps or a shard write.
import type { Document } from './document.js';
import type { StepSpec, Step } from './step.js';
import { buildWorkerSteps } from './recipe.js';
import { runSteps, type BatchResult } from './batchProcessor.js';
import { writeDocumentShard, type ShardWriteOptions } from '../datasets/parquetShardWriter.js';

export type WorkerTask =
  | { kind: 'batch'; recipe: StepSpec[]; docs: Document[]; keepRejected: boolean }
  | { kind: 'write'; path: string; docs: Document[]; options: ShardWriteOptions };

let cachedKey = '';
let cachedSteps: Step[] = [];

function stepsFor(recipe: StepSpec[]): Step[] {
  const key = JSON.stringify(recipe);
  if (key !== cachedKey) {
    cachedSteps = buildWorkerSteps(recipe);
    cachedKey = key;
  }
  return cachedSteps;
}

export default async function run(task: WorkerTask): Promise<BatchResult | Awaited<ReturnType<typeof writeDocumentShard>>> {
  if (task.kind === 'batch') return runSteps(stepsFor(task.recipe), task.docs, task.keepRejected);
  return writeDocumentShard(task.path, task.docs, task.options);
}
