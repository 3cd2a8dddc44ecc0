import * as tf from '@tensorflow/tfjs';
import { batchMatMul } from './matmul.js';

/** Causal masks by backend instance (a backend re-created under the same name gets its own) and length. */
const maskCache = new WeakMap<object, Map<number, tf.Tensor>>();

/** Additive causal mask [T, T]: 0 on and below the diagonal, -1e9 above. Cached per backend and length. */
function causalMask(t: number): tf.Tensor2D {
  const backend = tf.backend();
  let byLength = maskCache.get(backend);
  if (!byLength) maskCache.set(backend, (byLength = new Map()));
  let m = byLength.get(t);
  if (!m || m.isDisposed) {
    const v = new Float32Array(t * t);
    for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) v[i * t + j] = -1e9;
    m = tf.keep(tf.tensor2d(v, [t, t]));
    byLength.set(t, m);
  }
  return m as tf.Tensor2D;
}

/**
 * [B*T, G*hd] (G column groups of width hd) -> [G*B, T, hd], block g*B + b holding sequence b's columns of
 * group g: one 4-D transpose. Blocks are ordered by group first so that q, k and v are contiguous thirds.
 */
function toBlocks(x: tf.Tensor, batch: number, t: number, groups: number, hd: number): tf.Tensor3D {
  return tf.reshape(tf.transpose(tf.reshape(x, [batch, t, groups, hd]), [2, 0, 1, 3]), [groups * batch, t, hd]);
}

/** Inverse of `toBlocks`: [G*B, T, hd] -> [B*T, G*hd]. */
function fromBlocks(x: tf.Tensor, batch: number, t: number, groups: number, hd: number): tf.Tensor2D {
  return tf.reshape(tf.transpose(tf.reshape(x, [groups, batch, t, hd]), [1, 2, 0, 3]), [batch * t, groups * hd]);
}

/**
 * Causal multi-head attention core on qkv [B*T, 3D] (columns: q of every head, then k, then v) -> [B*T, D],
 * with a hand-written gradient. All (sequence, head) blocks go through each product at once as [B*H, T, hd]
 * batches with transpose flags (trainer/matmul.ts `batchMatMul`; on the wasm backend the relaxed-SIMD GEMM
 * reads transposed operands in place). q is scaled by 1/sqrt(hd) before Q K^T, on [B*H, T, hd] rather than
 * the [B*H, T, T] scores. With Qs = Q / sqrt(hd), S = Qs K^T + mask, P = softmax(S), O = P V. Backward:
 * dP = dO V^T, dS = P (dP - rowsum(dP P)) (zero where masked, since P is), dQ = dS K / sqrt(hd),
 * dK = dS^T Qs, dV = P^T dO.
 */
export function attentionCore(qkv: tf.Tensor2D, batch: number, t: number, heads: number): tf.Tensor2D {
  const hd = qkv.shape[1] / (3 * heads);
  const n = batch * heads;
  const scale = 1 / Math.sqrt(hd);
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const [q, k, v] = tf.split(toBlocks(x, batch, t, 3 * heads, hd), 3, 0) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
    const qs = tf.mul(q, scale) as tf.Tensor3D;
    const probs = tf.softmax(tf.add(batchMatMul(qs, k, false, true), causalMask(t))) as tf.Tensor3D;
    save([qs, k, v, probs]);
    return {
      value: fromBlocks(batchMatMul(probs, v, false, false), batch, t, heads, hd),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sq, sk, sv, sp] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
        const dO = toBlocks(dy, batch, t, heads, hd);
        const dP = batchMatMul(dO, sv, false, true);
        const dS = tf.mul(sp, tf.sub(dP, tf.sum(tf.mul(dP, sp), -1, true))) as tf.Tensor3D;
        const dQ = tf.mul(batchMatMul(dS, sk, false, false), scale);
        const dK = batchMatMul(dS, sq, true, false);
        const dV = batchMatMul(sp, dO, true, false);
        return fromBlocks(tf.concat([dQ, dK, dV], 0), batch, t, 3 * heads, hd);
      },
    };
  });
  return op(qkv) as tf.Tensor2D;
}
