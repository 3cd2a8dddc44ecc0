// Piscina worker for shard encoding: its own thread, so batches keep flowing while row groups are
// compressed, and the only thread that loads apache-arrow + parquet-wasm. Tasks for one shard arrive in
// order (one thread, FIFO queue): open, append..., close.
import type { Document } from '../core/document.js';
import { StreamingShardWriter, type ShardWriteOptions } from '../datasets/parquetShardWriter.js';

export type WriteTask =
  | { op: 'open'; path: string; options: ShardWriteOptions }
  | { op: 'append'; path: string; docs: Document[]; reasons?: string[] }
  | { op: 'close'; path: string };

const open = new Map<string, StreamingShardWriter>();

export default async function run(task: WriteTask): Promise<Awaited<ReturnType<StreamingShardWriter['close']>> | null> {
  if (task.op === 'open') {
    open.set(task.path, new StreamingShardWriter(task.path, task.options));
    return null;
  }
  const w = open.get(task.path);
  if (!w) throw new Error(`shard writer: ${task.path} is not open`);
  if (task.op === 'append') {
    w.append(task.docs, task.reasons);
    await w.drained();
    return null;
  }
  open.delete(task.path);
  return w.close();
}
