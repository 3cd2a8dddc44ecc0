import * as tf from '@tensorflow/tfjs';
import type { TokenSource } from '../datasets/tokenDataset.js';
import { lossOf, type GptConfig, type GptParams } from './model.js';

export interface EvalResult {
  loss: number;
  perplexity: number;
  tokens: number;
}

/** Mean next-token loss over the first `maxBatches` validation batches (the same windows on every call). */
export async function evaluate(config: GptConfig, params: GptParams, ds: TokenSource, batchSize: number, seqLen: number, maxBatches: number): Promise<EvalResult> {
  let sum = 0;
  let tokens = 0;
  for await (const b of ds.valBatches(batchSize, Math.min(seqLen, config.context), maxBatches)) {
    const lossT = tf.tidy(() => {
      const inputs = tf.tensor2d(b.inputs, [b.batchSize, b.seqLen], 'int32');
      const targets = tf.tensor2d(b.targets, [b.batchSize, b.seqLen], 'int32');
      return lossOf(config, params, inputs, targets);
    });
    const loss = (await lossT.data())[0]!;
    lossT.dispose();
    const n = b.batchSize * b.seqLen;
    sum += loss * n;
    tokens += n;
  }
  const loss = tokens ? sum / tokens : NaN;
  return { loss, perplexity: Math.exp(loss), tokens };
}
