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

/**
 * The global L2 norm of the gradients divided by `gradAccum` (the norm of the mean micro-batch gradient) and
 * the factor that clips it to `clipNorm` and averages the accumulated sum: min(1, clipNorm / norm) / gradAccum
 * (no clipping when clipNorm is 0). Both stay on the device: the step reads nothing back. With a loss scale S
 * (trainer/lossScale.ts) the gradients are S times the true ones: the norm and the factor divide S out, and
 * `finite` says whether the scaled gradients overflowed; a step that did gets factor 0, which the fused AdamW
 * kernel reads as "skip this step".
 */
export function clippedScale(grads: Map<string, tf.Tensor>, gradAccum: number, clipNorm: number, lossScale?: tf.Scalar): { norm: tf.Scalar; scale: tf.Scalar; finite?: tf.Scalar } {
  return tf.tidy(() => {
    const sumSq = tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g))));
    const mean = tf.div(tf.sqrt(sumSq), gradAccum) as tf.Scalar;
    const norm = lossScale ? (tf.div(mean, lossScale) as tf.Scalar) : mean;
    const clip = clipNorm > 0 ? tf.where(tf.greater(norm, clipNorm), tf.div(clipNorm, norm), tf.onesLike(norm)) : tf.onesLike(norm);
    const factor = tf.div(clip, gradAccum) as tf.Scalar;
    if (!lossScale) return { norm, scale: factor };
    const finite = tf.isFinite(sumSq) as tf.Scalar;
    return { norm, scale: tf.where(finite, tf.div(factor, lossScale), tf.zerosLike(factor)) as tf.Scalar, finite };
  });
}

/**
 * A registered fused update for the active backend (trainer/kernels/elementwiseKernels.ts on webgpu), if any.
 * A `scale` of 0 leaves the parameter and moments unchanged (a loss-scaled step that overflowed).
 */
export type FusedAdamW = (p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, scale: tf.Scalar, u: AdamWUniforms) => [tf.Tensor, tf.Tensor, tf.Tensor];

/** The per-step constants of one AdamW update. */
export interface AdamWUniforms {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** 1 - beta^t, the bias corrections. */
  bc1: number;
  bc2: number;
  /** Multiplies the parameter before the update: 1 - lr * weightDecay for decayed tensors, else 1. */
  decay: number;
}

/** The update as tfjs ops: what the fused kernels are checked against. */
export function adamWOps(p: tf.Tensor, g0: tf.Tensor, m0: tf.Tensor, v0: tf.Tensor, scale: tf.Scalar, u: AdamWUniforms): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const g = tf.mul(g0, scale);
    const m = tf.add(tf.mul(m0, u.beta1), tf.mul(g, 1 - u.beta1));
    const v = tf.add(tf.mul(v0, u.beta2), tf.mul(tf.square(g), 1 - u.beta2));
    const update = tf.div(tf.div(m, u.bc1), tf.add(tf.sqrt(tf.div(v, u.bc2)), u.eps));
    const decayed = u.decay !== 1 ? tf.mul(p, u.decay) : p;
    return [tf.sub(decayed, tf.mul(update, u.lr)), m, v] as [tf.Tensor, tf.Tensor, tf.Tensor];
  });
}

/**
 * One AdamW update with decoupled weight decay. Replaces (and disposes) the parameter and moment tensors
 * in place in the maps; `gradScale` (a device scalar: clipping and accumulation averaging) multiplies the
 * gradients first. `fused`, when given, does each tensor's update in one kernel.
 */
export function adamWStep(params: GptParams, grads: Map<string, tf.Tensor>, state: AdamWState, cfg: AdamWConfig, lr: number, gradScale: tf.Scalar, fused?: FusedAdamW): void {
  const t = state.step + 1;
  const base = { lr, beta1: cfg.beta1, beta2: cfg.beta2, eps: cfg.eps, bc1: 1 - Math.pow(cfg.beta1, t), bc2: 1 - Math.pow(cfg.beta2, t) };
  for (const [name, p] of params) {
    const g = grads.get(name);
    if (!g) throw new Error(`no gradient for ${name}`);
    const m0 = state.m.get(name)!;
    const v0 = state.v.get(name)!;
    const u = { ...base, decay: isDecayed(p.shape) && cfg.weightDecay > 0 ? 1 - lr * cfg.weightDecay : 1 };
    const [p1, m1, v1] = (fused ?? adamWOps)(p, g, m0, v0, gradScale, u);
    p.dispose();
    m0.dispose();
    v0.dispose();
    params.set(name, p1);
    state.m.set(name, m1);
    state.v.set(name, v1);
  }
  state.step = t;
}
