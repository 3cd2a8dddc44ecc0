import * as tf from '@tensorflow/tfjs';
import type { GptParams } from './model.js';
import { isDecayed } from './model.js';

export interface AdamWConfig {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Clip the global gradient norm to this value (0 = no clipping). */
  clipNorm: number;
}

export const DEFAULT_ADAMW: AdamWConfig = { lr: 6e-4, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, clipNorm: 1.0 };

/** AdamW moments by parameter name; `step` counts applied updates (for bias correction). */
export interface AdamWState {
  step: number;
  m: Map<string, tf.Tensor>;
  v: Map<string, tf.Tensor>;
}

export function initAdamW(params: GptParams): AdamWState {
  const m = new Map<string, tf.Tensor>();
  const v = new Map<string, tf.Tensor>();
  for (const [name, p] of params) {
    m.set(name, tf.zerosLike(p));
    v.set(name, tf.zerosLike(p));
  }
  return { step: 0, m, v };
}

export function disposeAdamW(s: AdamWState): void {
  for (const t of s.m.values()) t.dispose();
  for (const t of s.v.values()) t.dispose();
}

/** Linear warmup to `maxLr` over `warmup` steps, then cosine decay to `minLr` at `total` steps. */
export function learningRate(step: number, maxLr: number, warmup: number, total: number, minLr = maxLr / 10): number {
  if (warmup > 0 && step < warmup) return (maxLr * (step + 1)) / warmup;
  if (step >= total) return minLr;
  const progress = (step - warmup) / Math.max(1, total - warmup);
  return minLr + 0.5 * (1 + Math.cos(Math.PI * progress)) * (maxLr - minLr);
}

/** Global L2 norm of the gradients (one scalar read back). */
export async function globalNorm(grads: Map<string, tf.Tensor>): Promise<number> {
  const total = tf.tidy(() => tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g)))));
  const v = (await total.data())[0]!;
  total.dispose();
  return Math.sqrt(v);
}

/**
 * One AdamW update with decoupled weight decay. Replaces (and disposes) the parameter and moment tensors
 * in place in the maps; `gradScale` multiplies the gradients first (clipping and accumulation averaging).
 */
export function adamWStep(params: GptParams, grads: Map<string, tf.Tensor>, state: AdamWState, cfg: AdamWConfig, lr: number, gradScale: number): void {
  const t = state.step + 1;
  const bc1 = 1 - Math.pow(cfg.beta1, t);
  const bc2 = 1 - Math.pow(cfg.beta2, t);
  for (const [name, p] of params) {
    const g0 = grads.get(name);
    if (!g0) throw new Error(`no gradient for ${name}`);
    const m0 = state.m.get(name)!;
    const v0 = state.v.get(name)!;
    const [p1, m1, v1] = tf.tidy(() => {
      const g = gradScale === 1 ? g0 : tf.mul(g0, gradScale);
      const m = tf.add(tf.mul(m0, cfg.beta1), tf.mul(g, 1 - cfg.beta1));
      const v = tf.add(tf.mul(v0, cfg.beta2), tf.mul(tf.square(g), 1 - cfg.beta2));
      const update = tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), cfg.eps));
      const decayed = isDecayed(p.shape) && cfg.weightDecay > 0 ? tf.mul(p, 1 - lr * cfg.weightDecay) : p;
      return [tf.sub(decayed, tf.mul(update, lr)), m, v];
    });
    p.dispose();
    m0.dispose();
    v0.dispose();
    params.set(name, p1!);
    state.m.set(name, m1!);
    state.v.set(name, v1!);
  }
  state.step = t;
}
