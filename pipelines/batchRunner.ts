import type { Piscina } from 'piscina';
import { taskPool } from '../core/taskPool.js';
import type { Document } from '../core/document.js';
import { buildWorkerSteps } from './recipe.js';
import { runUnit, type UnitTask, type UnitResult } from './unitTask.js';
import { BiasReport } from '../filters/safety/biasReport.js';
import { StreamingShardWriter, type ShardInfo, type ShardWriteOptions } from '../datasets/parquetShardWriter.js';
import type { WriteTask } from './shardWriterWorker.js';

type WriteResult = Omit<ShardInfo, 'file'>;

/** A shard being written; appends resolve once the encoder has taken the rows (backpressure). */
export interface ShardHandle {
  append(docs: Document[], reasons?: string[]): Promise<void>;
  close(): Promise<WriteResult>;
}

/**
 * Runs read units (reading plus worker steps) and shard writes on piscina pools, or inline when threads is 0.
 * Workers load the TypeScript sources as ES modules through tsx (taskPool.ts).
 */
export class BatchRunner {
  private readonly pool?: Piscina;
  /** Shard encoding gets its own thread, so batches keep flowing while a shard is compressed. */
  private readonly writer?: Piscina;
  private inlineSteps?: { key: string; steps: ReturnType<typeof buildWorkerSteps> };
  private inlineBias?: BiasReport;

  constructor(readonly threads: number) {
    if (threads > 0) {
      // Two tasks posted per worker: its next batch is already in its port when one finishes, instead of
      // waiting for this thread's event loop to hand it over (they still run one at a time).
      this.pool = taskPool(new URL('./batchWorker.ts', import.meta.url), { threads, idleTimeout: 60_000, concurrentTasksPerWorker: 2 });
      this.writer = taskPool(new URL('./shardWriterWorker.ts', import.meta.url), { threads: 1, idleTimeout: 60_000 });
    }
  }

  process(task: UnitTask): Promise<UnitResult> {
    if (this.pool) {
      // Raw JSONL bytes move to the worker instead of being copied, when they own their buffer.
      const data = task.read.kind === 'jsonl' ? task.read.data : undefined;
      const transferList = data && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? [data.buffer as ArrayBuffer] : undefined;
      return this.pool.run(task, { transferList }) as Promise<UnitResult>;
    }
    const key = JSON.stringify(task.recipe);
    if (this.inlineSteps?.key !== key) this.inlineSteps = { key, steps: buildWorkerSteps(task.recipe) };
    if (task.bias && !this.inlineBias) this.inlineBias = new BiasReport(task.bias);
    return runUnit(this.inlineSteps.steps, task, task.bias ? this.inlineBias : undefined);
  }

  openShard(path: string, options: ShardWriteOptions): ShardHandle {
    const writer = this.writer;
    if (writer) {
      // piscina does not promise to start tasks in submission order, and row order matters:
      // each operation on a shard is sent only after the previous one finished.
      let last: Promise<unknown> = writer.run({ op: 'open', path, options } satisfies WriteTask);
      const then = <T>(task: WriteTask) => {
        const next = last.then(() => writer.run(task) as Promise<T>);
        last = next.catch(() => undefined);
        return next;
      };
      return {
        append: (docs, reasons) => then<void>({ op: 'append', path, docs, reasons }),
        close: () => then<WriteResult>({ op: 'close', path }),
      };
    }
    const local = new StreamingShardWriter(path, options);
    return {
      append: async (docs, reasons) => {
        local.append(docs, reasons);
        await local.drained();
      },
      close: () => local.close(),
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.pool?.destroy(), this.writer?.destroy()]);
  }
}
