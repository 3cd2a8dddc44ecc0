// Piscina worker for shard encoding: its own thread, so batches keep flowing while a shard is
// compressed, and the only thread that loads apache-arrow + parquet-wasm.
import type { Document } from './document.js';
import { writeDocumentShard, type ShardWriteOptions } from '../datasets/parquetShardWriter.js';

export interface WriteTask {
  path: string;
  docs: Document[];
  options: ShardWriteOptions;
}

export default function run(task: WriteTask): ReturnType<typeof writeDocumentShard> {
  return writeDocumentShard(task.path, task.docs, task.options);
}
