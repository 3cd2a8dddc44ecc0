import type { Piscina } from 'piscina';
import { taskPool } from '../core/taskPool.js';
import { runUnitTask, type UnitTask, type UnitResult } from './unitTask.js';

/**
 * Runs unit tasks (reading plus worker steps) on a piscina pool, or inline when threads is 0.
 * Workers load the TypeScript sources as ES modules through tsx (core/taskPool.ts).
 */
export class UnitRunner {
  private readonly pool?: Piscina;

  constructor(readonly threads: number) {
    if (threads > 0) {
      // Two tasks posted per worker: its next unit is already in its port when one finishes, instead of
      // waiting for this thread's event loop to hand it over (they still run one at a time).
      this.pool = taskPool(new URL('./unitWorker.ts', import.meta.url), { threads, idleTimeout: 60_000, concurrentTasksPerWorker: 2 });
    }
  }

  run(task: UnitTask): Promise<UnitResult> {
    if (!this.pool) return runUnitTask(task);
    // Raw JSONL bytes move to the worker instead of being copied, when they own their buffer.
    const data = task.read.kind === 'jsonl' ? task.read.data : undefined;
    const transferList = data && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? [data.buffer as ArrayBuffer] : undefined;
    return this.pool.run(task, { transferList }) as Promise<UnitResult>;
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}
