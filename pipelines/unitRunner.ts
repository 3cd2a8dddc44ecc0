import type { Piscina } from 'piscina';
import { taskPool } from '../core/taskPool.js';
import { clockCells, readClock } from '../core/documentClock.js';
import { runUnitTask, type UnitTask, type UnitResult } from './unitTask.js';
import { workerFailure } from './workerFailure.js';

/** Default per-document time budget (ms): one document may hold a worker in one step this long at most. */
export const DEFAULT_TIME_BUDGET_MS = 10_000;

export interface UnitRunnerOptions {
  /** Per-document time budget in ms; 0 turns the watchdog off. Applies to worker threads only. */
  timeBudgetMs?: number;
}

/** A task on a worker, watched by the budget watchdog. */
interface Watched {
  cells: Int32Array;
  base: number;
  /** Set by the watchdog when it ends the worker: the document and step that ran over. */
  over?: [number, number];
  abort: AbortController;
}

/**
 * Runs unit tasks (reading plus worker steps) on a piscina pool, or inline when threads is 0.
 * Workers load the TypeScript sources as ES modules through tsx (core/taskPool.ts).
 *
 * The time budget: each task carries a document clock (core/documentClock.ts) that its worker updates per
 * document and step. A watchdog here reads the clocks every budget/4 (at most 250 ms) and ends a worker
 * that has been on one document longer than the budget; the unit is then run again from its start, with
 * that document dropped just before the step it ran over in (`<step>:time_budget`). Its other documents
 * see the same batches as before, so only the document that ran over depends on timing. Units that shared
 * the ended worker are run again unchanged.
 */
export class UnitRunner {
  private readonly pool?: Piscina;
  private readonly budgetMs: number;
  private readonly watched = new Set<Watched>();
  private timer?: NodeJS.Timeout;

  constructor(readonly threads: number, options: UnitRunnerOptions = {}) {
    this.budgetMs = options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS;
    if (threads > 0) {
      // Two tasks posted per worker: its next unit is already in its port when one finishes, instead of
      // waiting for this thread's event loop to hand it over (they still run one at a time).
      this.pool = taskPool(new URL('./unitWorker.ts', import.meta.url), { threads, idleTimeout: 60_000, concurrentTasksPerWorker: 2 });
    }
  }

  async run(task: UnitTask): Promise<UnitResult> {
    if (!this.pool) return runUnitTask(task);
    if (this.budgetMs <= 0) {
      // Raw JSONL bytes move to the worker instead of being copied, when they own their buffer (without a
      // budget a unit is never run twice).
      const data = task.read.kind === 'jsonl' ? task.read.data : undefined;
      const transferList = data && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? [data.buffer as ArrayBuffer] : undefined;
      return this.pool.run(task, { transferList }).catch((e: unknown) => Promise.reject(workerFailure(e, task))) as Promise<UnitResult>;
    }
    const timedOut: [number, number][] = [];
    for (;;) {
      const cells = clockCells();
      const w: Watched = { cells: new Int32Array(cells), base: Date.now(), abort: new AbortController() };
      this.watch(w);
      try {
        const clock = { cells, base: w.base, budgetMs: this.budgetMs };
        return (await this.pool.run({ ...task, clock, timedOut: [...timedOut] }, { signal: w.abort.signal })) as UnitResult;
      } catch (e) {
        if (w.over) timedOut.push(w.over); // ran over: again without it
        else if (!isThreadTermination(e)) throw workerFailure(e, task, readClock(w.cells, w.base));
        // else: another unit's document ended the worker this unit was on: again as it was
      } finally {
        this.unwatch(w);
      }
    }
  }

  private watch(w: Watched): void {
    this.watched.add(w);
    this.timer ??= setInterval(() => this.check(), Math.max(10, Math.min(250, this.budgetMs / 4))).unref();
  }

  private unwatch(w: Watched): void {
    this.watched.delete(w);
    if (this.watched.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private check(): void {
    const now = Date.now();
    for (const w of this.watched) {
      if (w.over) continue;
      const at = readClock(w.cells, w.base, now);
      if (at && at.elapsedMs > this.budgetMs) {
        w.over = [at.ordinal, at.step];
        w.abort.abort(new Error('time budget'));
      }
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.pool?.destroy();
  }
}

/** piscina's error for a task whose worker was ended under it (by another task's abort). */
function isThreadTermination(e: unknown): boolean {
  return e instanceof Error && /Terminating worker thread/.test(e.message);
}
