// Piscina worker of `corpusforge tokenize`. Two kinds of task:
// - encode: parse (JSONL) and encode one input unit; the tokenizer comes with each task as a model the main
//   thread built, in shared typed arrays (no copy), adopted once per key, so no worker parses tokenizer.json.
// - shard: write one Parquet shard. Rows arrive in order on the task's MessagePort while other tasks run here;
//   each append is acknowledged so the main thread bounds the rows in flight. The result is the file's info.
import type { MessagePort } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import type { TokenFileInfo } from '../datasets/tokenShards.js';
import { Tokenizer, type SharedTokenizer } from './tokenizer.js';
import { encodeUnit, type BinLayout, type InputUnit, type UnitReadOptions } from './tokenizeUnits.js';

export interface EncodeTask {
  kind: 'encode';
  unit: InputUnit;
  readOptions: UnitReadOptions;
  layout: BinLayout;
  tokenizer: SharedTokenizer;
  /** Identifies the tokenizer (its file's sha256): adopted once per worker. */
  tokenizerKey: string;
}

export interface ShardTask {
  kind: 'shard';
  path: string;
  port: MessagePort;
}

/** What the main thread posts on a shard task's port. */
export type ShardMessage = { ids: string[]; flat: Int32Array; lengths: Int32Array } | { finish: true } | { abandon: true };

/** What a shard task posts back: ids it has handed to the Parquet encoder. */
export interface ShardAck {
  acked: number;
}

let adopted: { key: string; tokenizer: Tokenizer } | undefined;

// The Parquet writer (Arrow, parquet-wasm: ~0.25 s of CPU) loads while the worker waits for its first task,
// not in the way of the first shard.
const shardModule = import('../datasets/tokenShards.js');
shardModule.catch(() => undefined); // surfaced by the first shard task

async function writeShard(task: ShardTask): Promise<TokenFileInfo | undefined> {
  const { TokenParquetWriter } = await shardModule;
  const writer = new TokenParquetWriter(task.path);
  return new Promise((resolve, reject) => {
    let chain = Promise.resolve();
    const done = (r: TokenFileInfo | undefined): void => {
      task.port.close();
      resolve(r);
    };
    task.port.on('message', (m: ShardMessage) => {
      chain = chain.then(async () => {
        if ('finish' in m) done(await writer.finish());
        else if ('abandon' in m) {
          await writer.abandon();
          done(undefined);
        } else {
          await writer.append(m.ids, m.flat, m.lengths);
          task.port.postMessage({ acked: m.flat.length } satisfies ShardAck);
        }
      }).catch((e: unknown) => {
        task.port.close();
        void writer.abandon();
        reject(e);
      });
    });
  });
}

export default function tokenizeTask(task: EncodeTask | ShardTask): unknown {
  if (task.kind === 'shard') return writeShard(task);
  if (adopted?.key !== task.tokenizerKey) adopted = { key: task.tokenizerKey, tokenizer: Tokenizer.fromShared(task.tokenizer) };
  const r = encodeUnit(adopted.tokenizer, task.unit, task.readOptions, task.layout);
  // Transferred, not copied: the buffers move to the main thread.
  return move({ [transferableSymbol]: [r.flat.buffer, r.lengths.buffer, r.bin.buffer], [valueSymbol]: r });
}
