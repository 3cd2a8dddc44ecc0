/**
 * Training from a stream of texts: word counts gathered in a worker pool (or inline), merged in input order
 * (deterministic whatever the worker timing), then the BPE trainer.
 */
import { taskPool } from '../core/taskPool.js';
import { WordCounter, type PruneReport } from './wordCounts.js';
import { trainBpe, type TrainOptions, type TrainedBpe } from './bpeTrainer.js';
import type { PretokenizerPattern } from './pretokenize.js';
import type { CountResult, CountTask } from './countWorker.js';

export interface TrainFromTextsOptions extends TrainOptions {
  pattern: PretokenizerPattern;
  /** Worker threads for word counting; 0 counts inline. */
  workers?: number;
  /** Cap on distinct words held in memory (rare words are pruned past it). */
  maxWords?: number;
  /** Pre-tokenize each line separately (what HF's `train(files)` does). */
  splitLines?: boolean;
  /** Characters of text per worker task. */
  batchChars?: number;
}

export interface TrainReport {
  trained: TrainedBpe;
  documents: number;
  characters: number;
  distinctWords: number;
  pruned: PruneReport;
  countMs: number;
  mergeMs: number;
}

export async function trainFromTexts(texts: AsyncIterable<string> | Iterable<string>, options: TrainFromTextsOptions): Promise<TrainReport> {
  const t0 = performance.now();
  const counter = new WordCounter(options.pattern, options.maxWords, options.splitLines ?? false);
  let documents = 0;
  let characters = 0;
  const workers = options.workers ?? 0;
  if (workers <= 0) {
    for await (const t of texts) {
      counter.addText(t);
      documents++;
      characters += t.length;
    }
  } else {
    const pool = taskPool(new URL('./countWorker.ts', import.meta.url), { threads: workers });
    try {
      const batchChars = options.batchChars ?? 4_000_000;
      // Bounded window of in-flight batches; results are merged strictly in submission order.
      const inflight: Promise<CountResult>[] = [];
      const submit = (batch: string[]): void => {
        const task: CountTask = { texts: batch, pattern: options.pattern, splitLines: options.splitLines ?? false };
        const p = pool.run(task) as Promise<CountResult>;
        p.catch(() => undefined); // awaited in order below; this only keeps an early failure from being "unhandled"
        inflight.push(p);
      };
      const drainOne = async (): Promise<void> => {
        const r = await inflight.shift()!;
        counter.addCounts(r.words, r.counts);
      };
      let batch: string[] = [];
      let chars = 0;
      for await (const t of texts) {
        batch.push(t);
        chars += t.length;
        documents++;
        characters += t.length;
        if (chars >= batchChars) {
          submit(batch);
          batch = [];
          chars = 0;
          if (inflight.length >= workers * 2) await drainOne();
        }
      }
      if (batch.length) submit(batch);
      while (inflight.length) await drainOne();
    } finally {
      await pool.destroy();
    }
  }
  const t1 = performance.now();
  const trained = trainBpe(counter.counts, options);
  const t2 = performance.now();
  return {
    trained,
    documents,
    characters,
    distinctWords: counter.counts.size,
    pruned: { ...counter.pruned },
    countMs: t1 - t0,
    mergeMs: t2 - t1,
  };
}
