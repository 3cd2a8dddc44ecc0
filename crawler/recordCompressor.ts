import type { Piscina } from 'piscina';
import { taskPool } from '../core/taskPool.js';
import type { CompressTask } from './compressWorker.js';
import type { RecordBatch } from './recordBatch.js';

/**
 * Compresses batches of WARC records, each into its own gzip member, on a worker thread: gzip was the
 * largest single cost of the crawl loop (27% of main-thread time on 2 KB pages, bench/crawl profile), and
 * off the main thread it overlaps with fetching. The worker (compressWorker.ts) also fills in the payload
 * digests (sha1 there, off the main thread).
 */
export class RecordCompressor {
  private pool: Piscina | undefined;

  constructor(private readonly level: number) {}

  /** The gzip members of the batch's records (payload digests filled in), concatenated in order. */
  async compress(batch: RecordBatch): Promise<Buffer> {
    if (batch.count === 0) return Buffer.alloc(0);
    // Every batch is posted to the worker at once (it works through them in order): with piscina's default
    // of one task per worker, the next batch would wait for this thread's busy event loop to hand it over.
    this.pool ??= taskPool(new URL('./compressWorker.ts', import.meta.url), { threads: 1, concurrentTasksPerWorker: 16 });
    const { data, meta } = batch.take();
    // The batch buffer is its own ArrayBuffer (RecordBatch allocates it so): transferred, not copied.
    const task: CompressTask = { data: data.buffer as ArrayBuffer, length: data.length, meta: meta.buffer as ArrayBuffer, level: this.level };
    const out = (await this.pool.run(task, { transferList: [task.data, task.meta] })) as Uint8Array;
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }
}
