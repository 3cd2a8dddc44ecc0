import { UserError } from '../core/errors.js';
import { oldSpaceLimit } from '../core/heapWatchdog.js';
import { getStepDefinition } from '../filters/registry.js';
import type { ClockReading } from '../core/documentClock.js';
import type { UnitTask } from './unitTask.js';

const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

/** Where a unit's input starts, for a message. */
export function unitPlace(task: UnitTask): string {
  const r = task.read;
  switch (r.kind) {
    case 'jsonl':
      return `${r.path} from line ${r.firstLine}`;
    case 'warc':
      return `${r.path} bytes ${r.start}-${r.end}`;
    case 'docs':
      return r.docs[0] ? `${r.docs[0].source} (${r.docs.length} documents)` : 'an empty unit';
  }
}

/** The worker steps' names in the order a worker runs them (the document clock's step index). */
function workerStepName(task: UnitTask, index: number): string | undefined {
  return task.recipe.filter((s) => getStepDefinition(s.step).worker).map((s) => s.step)[index];
}

/**
 * A worker that ran out of heap (ERR_WORKER_OUT_OF_MEMORY: the pool survives it) becomes one UserError
 * naming the limit, the stage and, from the document clock, the document and step it was on. Other
 * errors pass unchanged.
 */
export function workerFailure(e: unknown, task: UnitTask, at?: ClockReading): unknown {
  if (!(e instanceof Error) || (e as NodeJS.ErrnoException).code !== 'ERR_WORKER_OUT_OF_MEMORY') return e;
  const limit = oldSpaceLimit(); // workers inherit the process's --max-old-space-size
  const where = at ? `document ${at.ordinal + 1} of the unit at ${unitPlace(task)}, in step ${workerStepName(task, at.step) ?? at.step}` : `the unit at ${unitPlace(task)}`;
  return new UserError(
    `out of memory: a curate worker reached its JavaScript heap limit (${mib(limit)}) in the worker steps on ${where}; ` +
      'raise it with NODE_OPTIONS=--max-old-space-size=MB, or lower --max-document-bytes or --batch-size',
  );
}
