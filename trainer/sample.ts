import * as tf from '@tensorflow/tfjs';
import { UserError } from '../core/errors.js';
import { forward, type GptConfig, type GptParams } from './model.js';
import { mulberry32 } from '../datasets/seededRandom.js';

export interface SampleOptions {
  /** New tokens to generate. */
  tokens: number;
  /** Softmax temperature; 0 picks the most likely token (greedy). */
  temperature: number;
  /** Keep only the k most likely tokens (0 = all). */
  topK: number;
  seed: number;
  /** Stop early when this id is produced (e.g. end-of-text). */
  stopId?: number;
}


/** Picks the next id from logits with temperature and top-k; deterministic given `rand`. */
export function pickToken(logits: Float32Array, temperature: number, topK: number, rand: () => number): number {
  if (temperature <= 0) {
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
    return best;
  }
  let ids = Array.from(logits.keys());
  if (topK > 0 && topK < ids.length) ids = ids.sort((a, b) => logits[b]! - logits[a]! || a - b).slice(0, topK);
  let max = -Infinity;
  for (const i of ids) max = Math.max(max, logits[i]!);
  const weights = ids.map((i) => Math.exp((logits[i]! - max) / temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rand() * total;
  for (let j = 0; j < ids.length; j++) {
    r -= weights[j]!;
    if (r <= 0) return ids[j]!;
  }
  return ids[ids.length - 1]!;
}

/** Continues `prompt` (token ids) autoregressively; the model sees at most its context of recent tokens. */
export async function generate(config: GptConfig, params: GptParams, prompt: number[], o: SampleOptions): Promise<number[]> {
  if (prompt.length === 0) throw new UserError('the prompt encodes to no tokens');
  for (const id of prompt) if (id < 0 || id >= config.vocabSize) throw new UserError(`prompt token ${id} is outside the model vocabulary (${config.vocabSize})`);
  const rand = mulberry32(o.seed);
  const ids = [...prompt];
  const out: number[] = [];
  for (let n = 0; n < o.tokens; n++) {
    const window = ids.slice(-config.context);
    // Async read: tfjs-backend-webgpu cannot read synchronously in Node.
    const row = tf.tidy(() => tf.slice(forward(config, params, tf.tensor2d(window, [1, window.length], 'int32')), [window.length - 1, 0], [1, config.vocabSize]));
    const last = (await row.data()) as Float32Array;
    row.dispose();
    const next = pickToken(last, o.temperature, o.topK, rand);
    out.push(next);
    ids.push(next);
    if (o.stopId !== undefined && next === o.stopId) break;
  }
  return out;
}
