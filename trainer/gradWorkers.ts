import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { TokenBatch } from '../datasets/tokenDataset.js';
import type { BackendName } from './backends.js';
import type { WorkerReply, WorkerRequest } from './gradWorker.js';
import type { GptConfig, GptParams } from './model.js';

/**
 * Data parallelism across threads. The tfjs wasm backend runs one thread in Node (its threaded build does
 * not start there; docs/decisions.md), so each extra thread gets its own backend in a worker: every
 * micro-batch is split by rows, each thread computes the mean-loss gradient of its rows, and the main thread
 * combines them weighted by rows, which equals the whole micro-batch's gradient.
 */
export class GradientWorkers {
  private constructor(private readonly workers: Worker[]) {}

  /** Starts `count` workers (the main thread computes a share too) on `backend`. */
  static async start(count: number, backend: BackendName, config: GptConfig): Promise<GradientWorkers> {
    // The entry is a small script that registers tsx's loader (as bin/corpusforge.js does) and then imports
    // the TypeScript module; a .ts file cannot be a worker's entry itself.
    const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    const mod = JSON.stringify(new URL('./gradWorker.ts', import.meta.url).href);
    const entry = `import(${api}).then((m) => { m.register(); return import(${mod}); })`;
    const workers = Array.from({ length: count }, () => new Worker(entry, { eval: true }));
    const pool = new GradientWorkers(workers);
    try {
      await Promise.all(workers.map((w) => pool.request(w, { kind: 'init', backend, config })));
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  private request(w: Worker, req: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      const onMessage = (reply: WorkerReply) => {
        w.off('error', onError);
        if (reply.kind === 'error') reject(new Error(`gradient worker: ${reply.message}`));
        else resolve(reply);
      };
      const onError = (e: Error) => {
        w.off('message', onMessage);
        reject(e);
      };
      w.once('message', onMessage);
      w.once('error', onError);
      w.postMessage(req, transfer);
    });
  }

  /**
   * Loss and gradients of `batch`: rows are dealt to the workers and the calling thread in contiguous
   * shares; `local` computes the calling thread's share. Returns the row-weighted mean loss and gradients.
   */
  async compute(
    params: GptParams,
    batch: TokenBatch,
    local: (share: TokenBatch) => Promise<{ loss: number; grads: Map<string, tf.Tensor> }>,
  ): Promise<{ loss: number; grads: Map<string, tf.Tensor> }> {
    const parts = this.workers.length + 1;
    const rowsOf = (i: number) => Math.floor((batch.batchSize * (i + 1)) / parts) - Math.floor((batch.batchSize * i) / parts);
    const share = (i: number): TokenBatch => {
      const from = Math.floor((batch.batchSize * i) / parts) * batch.seqLen;
      const rows = rowsOf(i);
      return { inputs: batch.inputs.slice(from, from + rows * batch.seqLen), targets: batch.targets.slice(from, from + rows * batch.seqLen), batchSize: rows, seqLen: batch.seqLen };
    };
    const names = [...params.keys()];
    const flat = new Float32Array(names.reduce((n, k) => n + params.get(k)!.size, 0));
    let off = 0;
    for (const k of names) {
      const v = params.get(k)!.dataSync() as Float32Array;
      flat.set(v, off);
      off += v.length;
    }
    const pending = this.workers.map((w, i) => {
      const s = share(i + 1);
      const copy = flat.slice();
      return this.request(w, { kind: 'grads', params: copy, inputs: s.inputs, targets: s.targets, rows: s.batchSize, seqLen: s.seqLen }, [copy.buffer]);
    });
    const mine = await local(share(0));
    const replies = await Promise.all(pending);
    let loss = (mine.loss * rowsOf(0)) / batch.batchSize;
    const grads = new Map<string, tf.Tensor>();
    for (const k of names) grads.set(k, tf.mul(mine.grads.get(k)!, rowsOf(0) / batch.batchSize));
    for (const g of mine.grads.values()) g.dispose();
    replies.forEach((r, i) => {
      if (r.kind !== 'grads') throw new Error('gradient worker sent no gradients');
      const w = rowsOf(i + 1) / batch.batchSize;
      loss += r.loss * w;
      let at = 0;
      for (const k of names) {
        const p = params.get(k)!;
        const prev = grads.get(k)!;
        grads.set(k, tf.tidy(() => tf.add(prev, tf.mul(tf.tensor(r.grads.subarray(at, at + p.size), p.shape, 'float32'), w))));
        prev.dispose();
        at += p.size;
      }
    });
    return { loss, grads };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
