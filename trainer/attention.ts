import * as tf from '@tensorflow/tfjs';

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
 * Blocks of a [B*T, G*hd] tensor (G column groups of width hd) as G*B matrices, block g*B + b holding rows of
 * sequence b, group g: [T, hd] (`transposed`: [hd, T]). One 4-D transpose, then contiguous row splits.
 */
function blocks(x: tf.Tensor, batch: number, t: number, groups: number, hd: number, transposed: boolean): tf.Tensor2D[] {
  const perm = transposed ? [2, 0, 3, 1] : [2, 0, 1, 3];
  const all = tf.reshape(tf.transpose(tf.reshape(x, [batch, t, groups, hd]), perm), [groups * batch * (transposed ? hd : t), transposed ? t : hd]);
  return tf.split(all, groups * batch, 0) as tf.Tensor2D[];
}

/** Inverse of `blocks` for [T, hd] blocks (or [hd, T] when `transposed`): back to [B*T, G*hd]. */
function unblocks(parts: tf.Tensor[], batch: number, t: number, groups: number, hd: number, transposed: boolean): tf.Tensor2D {
  const stacked = tf.reshape(tf.concat(parts, 0), transposed ? [groups, batch, hd, t] : [groups, batch, t, hd]);
  return tf.reshape(tf.transpose(stacked, transposed ? [1, 3, 0, 2] : [1, 2, 0, 3]), [batch * t, groups * hd]) as tf.Tensor2D;
}

/**
 * Causal multi-head attention core on qkv [B*T, 3D] (columns: q of every head, then k, then v) -> [B*T, D],
 * with a hand-written gradient. Every product is an untransposed 2-D matMul per (sequence, head), the form
 * tfjs-backend-wasm runs in XNNPACK; the operands' transposes (K^T, V^T, Q^T, dO^T) come from one 4-D
 * transpose of the whole tensor instead of one per block, and masking, softmax and its gradient run once on
 * all blocks stacked as [B*H*T, T]. Backward: dP = dO V^T, dS = P (dP - rowsum(dP P)) / sqrt(hd),
 * dQ = dS K, dK^T = Q^T dS, dV^T = dO^T P.
 */
export function attentionCore(qkv: tf.Tensor2D, batch: number, t: number, heads: number): tf.Tensor2D {
  const hd = qkv.shape[1] / (3 * heads);
  const n = batch * heads;
  const scale = 1 / Math.sqrt(hd);
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const plain = blocks(x, batch, t, 3 * heads, hd, false); // q blocks 0..n-1, k n..2n-1, v 2n..3n-1
    const flipped = blocks(x, batch, t, 3 * heads, hd, true);
    const scores = tf.concat(plain.slice(0, n).map((q, i) => tf.matMul(q, flipped[n + i]!)), 0);
    const masked = tf.add(tf.mul(tf.reshape(scores, [n, t, t]), scale), causalMask(t));
    const probs = tf.softmax(tf.reshape(masked, [n * t, t])) as tf.Tensor2D;
    const p = tf.split(probs, n, 0) as tf.Tensor2D[];
    save([x, probs]);
    return {
      value: unblocks(p.map((pi, i) => tf.matMul(pi, plain[2 * n + i]!)), batch, t, heads, hd, false),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sprobs] = saved as [tf.Tensor2D, tf.Tensor2D];
        const xs = blocks(sx, batch, t, 3 * heads, hd, false);
        const xts = blocks(sx, batch, t, 3 * heads, hd, true);
        const ps = tf.split(sprobs, n, 0) as tf.Tensor2D[];
        const dO = blocks(dy, batch, t, heads, hd, false);
        const dOt = blocks(dy, batch, t, heads, hd, true);
        const dP = tf.concat(dO.map((d, i) => tf.matMul(d, xts[2 * n + i]!)), 0);
        const dS = tf.mul(tf.mul(sprobs, tf.sub(dP, tf.sum(tf.mul(dP, sprobs), -1, true))), scale);
        const ds = tf.split(dS, n, 0) as tf.Tensor2D[];
        const dQ = unblocks(ds.map((d, i) => tf.matMul(d, xs[n + i]!)), batch, t, heads, hd, false);
        const dKt = ds.map((d, i) => tf.matMul(xts[i]!, d));
        const dVt = ps.map((pi, i) => tf.matMul(dOt[i]!, pi));
        const dKV = unblocks([...dKt, ...dVt], batch, t, 2 * heads, hd, true);
        return tf.concat([dQ, dKV], 1);
      },
    };
  });
  return op(qkv) as tf.Tensor2D;
}
