import type { Document } from '../core/document.js';
import type { Step, StepSpec } from '../core/step.js';
import type { ReadUnit } from './readUnits.js';
import type { ReadOptions } from '../datasets/readOptions.js';
import { runWorkerSteps, type BatchResult, type TimedOut } from './batchSteps.js';
import { number, withClock } from '../core/documentClock.js';
import { buildWorkerSteps } from './recipe.js';
import { RunObservers, type ObserverSettings } from './observers.js';
import { jsonlChunkDocuments } from '../datasets/jsonlReader.js';
import { readWarc } from '../datasets/warcReader.js';
import { UserError } from '../core/errors.js';

/** A read unit for a worker: read it, cut it into batches, run the worker steps on each. */
export interface UnitTask {
  read: ReadUnit;
  bytes: number;
  batchSize: number;
  recipe: StepSpec[];
  keepRejected: boolean;
  observers: ObserverSettings;
  textField?: string;
  strict?: boolean;
  maxDocumentBytes?: number;
  /** The document clock the coordinator watches (pipelines/unitRunner.ts); none: no time budget. */
  clock?: { cells: SharedArrayBuffer; base: number; budgetMs: number };
  /** [ordinal, step index] of documents that ran over the time budget on an earlier try of this unit. */
  timedOut?: [number, number][];
}

/** One batch of a unit: its input counts (as the coordinator accounts them) and the steps' result. */
export interface UnitBatch {
  docs: number;
  malformed: number;
  /** Well-formed documents a reading limit dropped, by reason (stats.json `input.dropped`). */
  dropped: Record<string, number>;
  bytes: number;
  warnings: string[];
  result: BatchResult;
}

export interface UnitResult {
  batches: UnitBatch[];
  /** A user-facing read error (strict mode), re-thrown as such by the coordinator. */
  error?: string;
}

function documentsOf(read: ReadUnit, opts: ReadOptions): Iterable<Document> | AsyncIterable<Document> {
  switch (read.kind) {
    case 'docs':
      return read.docs;
    case 'jsonl': {
      const data = Buffer.from(read.data.buffer, read.data.byteOffset, read.data.byteLength);
      return jsonlChunkDocuments(read.path, { data, firstLine: read.firstLine }, opts);
    }
    case 'warc':
      return readWarc(read.path, opts, { start: read.start, end: read.end });
  }
}

// Tasks carry data, not closures: each thread rebuilds the steps and observers a task names, and keeps
// them while the next tasks name the same.
let built: { key: string; steps: Step[]; observers: RunObservers } | undefined;

function workerPlan(task: UnitTask): { steps: Step[]; observers: RunObservers } {
  const key = JSON.stringify([task.recipe, task.observers]);
  if (built?.key !== key) built = { key, steps: buildWorkerSteps(task.recipe), observers: new RunObservers(task.observers) };
  return built;
}

/**
 * Reads a unit and runs the worker steps batch by batch. Documents before `read.skip` were handled by the
 * run being resumed: they are passed over, and so are the warnings and malformed records met among them.
 */
export async function runUnitTask(task: UnitTask): Promise<UnitResult> {
  const { steps, observers } = workerPlan(task);
  const batches: UnitBatch[] = [];
  let seen = 0;
  let ordinal = 0; // of each document read, skipped or not: the same on every try of the unit
  let docs: Document[] = [];
  let malformed = task.read.kind === 'docs' ? task.read.malformed : 0;
  let dropped: Record<string, number> = task.read.kind === 'docs' ? task.read.dropped : {};
  let warnings: string[] = task.read.kind === 'docs' ? task.read.warnings : [];
  const skipping = () => seen < task.read.skip;
  const timedOut: TimedOut | undefined = task.timedOut?.length
    ? {
        steps: new Map(task.timedOut),
        onDrop: ({ doc, reason }) =>
          warnings.push(`${doc.source}: document ${doc.id} ran over the ${task.clock?.budgetMs} ms time budget in step ${reason.slice(0, reason.lastIndexOf(':'))}; dropped (${reason})`),
      }
    : undefined;
  const opts: ReadOptions = {
    textField: task.textField,
    strict: task.strict,
    maxDocumentBytes: task.maxDocumentBytes,
    onDropped: (r) => void (skipping() || (dropped[r] = (dropped[r] ?? 0) + 1)),
    onWarning: (m) => void (skipping() || warnings.push(m)),
    onMalformed: () => void (skipping() || malformed++),
  };
  const close = () => {
    batches.push({ docs: docs.length, malformed, dropped, bytes: batches.length === 0 ? task.bytes : 0, warnings, result: withClock(task.clock?.cells, task.clock?.base ?? 0, () => runWorkerSteps(steps, docs, task.keepRejected, observers, timedOut)) });
    docs = [];
    malformed = 0;
    dropped = {};
    warnings = [];
  };
  try {
    for await (const doc of documentsOf(task.read, opts)) {
      number(doc, ordinal++);
      if (skipping()) {
        seen++;
        continue;
      }
      seen++;
      docs.push(doc);
      if (docs.length >= task.batchSize) close();
    }
  } catch (e) {
    if (e instanceof UserError) return { batches: [], error: e.message };
    throw e;
  }
  if (docs.length > 0 || malformed > 0 || Object.keys(dropped).length > 0 || warnings.length > 0 || batches.length === 0) close();
  return { batches };
}
