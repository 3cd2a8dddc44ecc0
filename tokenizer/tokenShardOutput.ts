/**
 * The ordered half of `corpusforge tokenize`: encoded units arrive in input order and are appended to
 * tokens.bin, cut into Parquet shards of `shardDocs` documents, and each finished shard is checkpointed in
 * order. A shard's Parquet file is written by one writer, inline or in a worker (RemoteShardWriter), so a
 * shard's bytes do not depend on where it was written; several shards can be in flight, bounded by the ids
 * they hold (IdBudget).
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import type { TokenBinWriter, TokenFileInfo } from '../datasets/tokenShards.js';
import type { EncodedUnit } from './tokenizeUnits.js';
import type { ShardAck, ShardMessage, ShardTask } from './tokenizeWorker.js';

/** Writes one Parquet shard: TokenParquetWriter inline, RemoteShardWriter in a worker. */
export interface ShardWriter {
  append(ids: string[], flat: Int32Array, lengths: Int32Array): Promise<void>;
  finish(): Promise<TokenFileInfo>;
  abandon(): Promise<void>;
}

/** Token ids handed to shard writers and not yet taken by their Parquet encoders; `take` waits for room. */
export class IdBudget {
  private used = 0;
  private waiters: (() => void)[] = [];

  constructor(readonly maxIds: number) {}

  async take(n: number): Promise<void> {
    // One over-large part alone is let through: it must be written whatever its size.
    while (this.used > 0 && this.used + n > this.maxIds) await new Promise<void>((r) => this.waiters.push(r));
    this.used += n;
  }

  release(n: number): void {
    this.used -= n;
    for (const w of this.waiters.splice(0)) w();
  }
}

/** A shard written by a pool worker: rows go over a MessagePort (transferred), acknowledged once encoded. */
export class RemoteShardWriter implements ShardWriter {
  private readonly port: MessagePort;
  private readonly result: Promise<TokenFileInfo | undefined>;
  private pending = 0;
  private failure: unknown;

  constructor(pool: Piscina, path: string, private readonly budget: IdBudget) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.result = pool.run({ kind: 'shard', path, port: port2 } satisfies ShardTask, { transferList: [port2] }) as Promise<TokenFileInfo | undefined>;
    port1.on('message', (m: ShardAck) => {
      this.pending -= m.acked;
      budget.release(m.acked);
    });
    // A failed writer acknowledges nothing more: give its ids back so no append waits for it forever.
    this.result.catch((e: unknown) => {
      this.failure = e;
      budget.release(this.pending);
      this.pending = 0;
    });
  }

  async append(ids: string[], flat: Int32Array, lengths: Int32Array): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    await this.budget.take(flat.length);
    this.pending += flat.length;
    this.port.postMessage({ ids, flat, lengths } satisfies ShardMessage, [flat.buffer as ArrayBuffer, lengths.buffer as ArrayBuffer]);
  }

  async finish(): Promise<TokenFileInfo> {
    this.port.postMessage({ finish: true } satisfies ShardMessage);
    try {
      const info = await this.result;
      if (!info) throw new Error('shard writer abandoned');
      return info;
    } finally {
      this.port.close();
    }
  }

  async abandon(): Promise<void> {
    this.port.postMessage({ abandon: true } satisfies ShardMessage);
    await this.result.catch(() => undefined);
    this.port.close();
  }
}

/** `part` as its own array (transferable alone), unless it already is the whole of `whole`. */
function own(whole: Int32Array, from: number, to: number): Int32Array {
  return from === 0 && to === whole.length ? whole : whole.slice(from, to);
}

export interface OrderedOutputOptions {
  bin: TokenBinWriter;
  shardDocs: number;
  /** Index of the next shard (shards before it were finished by an interrupted run). */
  firstShard: number;
  /** Documents already written (resume). */
  startDocuments: number;
  openShard(index: number): ShardWriter;
  /** Called in shard order once a shard's file is complete, with the documents written through it. */
  checkpoint(info: TokenFileInfo, documents: number): Promise<void>;
  /** Shards finishing at once, at most (their Parquet tail and fsync overlap the next shard's rows). */
  maxFinishing: number;
}

/** Appends encoded units in order: tokens.bin, shards, checkpoints. */
export class OrderedTokenOutput {
  private shard?: ShardWriter;
  private shardIndex: number;
  private shardRows = 0;
  private documents: number;
  private checkpoints: Promise<void> = Promise.resolve();
  /** Each finishing shard's checkpoint, oldest first. */
  private finishing: Promise<void>[] = [];
  private failure: unknown;

  constructor(private readonly o: OrderedOutputOptions) {
    this.shardIndex = o.firstShard;
    this.documents = o.startDocuments;
  }

  async add(r: EncodedUnit): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    await this.o.bin.appendRecords(r.bin, r.lengths);
    let doc = 0;
    let off = 0;
    while (doc < r.ids.length) {
      const take = Math.min(r.ids.length - doc, this.o.shardDocs - this.shardRows);
      let span = 0;
      for (let i = doc; i < doc + take; i++) span += r.lengths[i]!;
      this.shard ??= this.o.openShard(this.shardIndex);
      const ids = take === r.ids.length ? r.ids : r.ids.slice(doc, doc + take);
      await this.shard.append(ids, own(r.flat, off, off + span), own(r.lengths, doc, doc + take));
      this.shardRows += take;
      this.documents += take;
      doc += take;
      off += span;
      if (this.shardRows === this.o.shardDocs) await this.closeShard();
    }
  }

  /** Finishes the open shard; its checkpoint follows the earlier shards' in order. */
  private async closeShard(): Promise<void> {
    const shard = this.shard;
    if (!shard) return;
    this.shard = undefined;
    this.shardIndex++;
    this.shardRows = 0;
    const documents = this.documents;
    const finished = shard.finish();
    finished.catch(() => undefined); // awaited in order below
    this.checkpoints = this.checkpoints.then(async () => this.o.checkpoint(await finished, documents));
    this.checkpoints.catch((e: unknown) => (this.failure ??= e));
    this.finishing.push(this.checkpoints);
    while (this.finishing.length > this.o.maxFinishing) await this.finishing.shift()!;
  }

  /** Finishes the last shard and waits for every checkpoint. */
  async finish(): Promise<void> {
    await this.closeShard();
    await this.checkpoints;
  }

  /** After a failure: stops the open shard and lets the finishing ones settle. */
  async abandon(): Promise<void> {
    await this.shard?.abandon();
    await this.checkpoints.catch(() => undefined);
  }
}
