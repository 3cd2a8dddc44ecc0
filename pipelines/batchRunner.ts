import { Piscina } from 'piscina';
import type { Document } from './document.js';
import type { StepSpec } from './step.js';
import { buildWorkerSteps } from './recipe.js';
import { processBatch, type BatchResult } from './batchProcessor.js';
import { BiasReport, type BiasReportOptions } from '../filters/biasReport.js';
import { writeDocumentShard, type ShardWriteOptions } from '../datasets/parquetShardWriter.js';
import type { WorkerTask } from './batchWorker.js';

type WriteResult = Awaited<ReturnType<typeof writeDocumentShard>>;

/**
 * Runs batches and shard writes on a piscina pool, or inline when threads is 0.
 * Workers load the TypeScript sources through tsx, resolved from this package (not the cwd).
 */
export class BatchRunner {
  private readonly pool?: Piscina;
  private inlineSteps?: { key: string; steps: ReturnType<typeof buildWorkerSteps> };
  private inlineBias?: BiasReport;

  constructor(readonly threads: number) {
    if (threads > 0) {
      this.pool = new Piscina({
        filename: new URL('./batchWorker.ts', import.meta.url).href,
        minThreads: threads,
        maxThreads: threads,
        idleTimeout: 60_000,
        execArgv: ['--import', import.meta.resolve('tsx')],
      });
    }
  }

  process(recipe: StepSpec[], docs: Document[], keepRejected: boolean, bias: BiasReportOptions | null): Promise<BatchResult> {
    if (this.pool) return this.pool.run({ kind: 'batch', recipe, docs, keepRejected, bias } satisfies WorkerTask) as Promise<BatchResult>;
    const key = JSON.stringify(recipe);
    if (this.inlineSteps?.key !== key) this.inlineSteps = { key, steps: buildWorkerSteps(recipe) };
    if (bias && !this.inlineBias) this.inlineBias = new BiasReport(bias);
    try {
      return Promise.resolve(processBatch(this.inlineSteps.steps, docs, keepRejected, bias ? this.inlineBias : undefined));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  write(path: string, docs: Document[], options: ShardWriteOptions): Promise<WriteResult> {
    if (this.pool) return this.pool.run({ kind: 'write', path, docs, options } satisfies WorkerTask) as Promise<WriteResult>;
    return writeDocumentShard(path, docs, options);
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}
