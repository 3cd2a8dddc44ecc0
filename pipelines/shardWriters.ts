import type { Piscina } from 'piscina';
import { taskPool } from '../core/taskPool.js';
import type { Document } from '../core/document.js';
import { StreamingShardWriter, type ShardInfo, type ShardWriteOptions } from '../datasets/parquetShardWriter.js';
import type { WriteTask } from './shardWriterWorker.js';

type WriteResult = Omit<ShardInfo, 'file'>;

/** A shard being written; appends resolve once the encoder has taken the rows (backpressure). */
export interface ShardHandle {
  append(docs: Document[], reasons?: string[]): Promise<void>;
  close(): Promise<WriteResult>;
}

/**
 * Opens Parquet shards on the shard encoding thread, or inline when `thread` is false. Encoding gets its
 * own thread so batches keep flowing while a shard is compressed.
 */
export class ShardWriters {
  private readonly writer?: Piscina;

  constructor(thread: boolean) {
    if (thread) this.writer = taskPool(new URL('./shardWriterWorker.ts', import.meta.url), { threads: 1, idleTimeout: 60_000 });
  }

  open(path: string, options: ShardWriteOptions): ShardHandle {
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
    await this.writer?.destroy();
  }
}
