import * as tf from '@tensorflow/tfjs';
import { wasmGemmActive } from './gemmKernels.js';
import { columnSumsFused, fusedKernelsActive } from './webgpuKernels.js';

/*
 * tfjs-backend-wasm 4.22 sends only untransposed 2-D products (batch 1, no transpose flags) to XNNPACK; a
 * transposed operand or a batch > 1 falls to a naive loop 10-70x slower (measured in bench/train.ts notes and
 * docs/decisions.md). tf.matMul's own gradient uses transposed products, so the model routes every product
 * through the ops below, whose gradients are again untransposed products of explicitly transposed operands,
 * transposing the smaller tensor where there is a choice. Where the wasm backend's products run on the
 * relaxed-SIMD GEMM (trainer/gemmKernels.ts), which reads a transposed operand in place, the transpose flags
 * are passed instead and no transposed copy is made.
 */

/**
 * Whether transpose flags cost nothing on the active backend: the heap GEMM reads operands by strides, and
 * tfjs-backend-webgpu's matmul shaders read either layout.
 */
function flagsInPlace(): boolean {
  return (tf.getBackend() === 'wasm' && wasmGemmActive()) || tf.getBackend() === 'webgpu';
}

/** op(a) x op(b), as flags where they are free, else on explicitly transposed copies. */
function product(a: tf.Tensor2D, b: tf.Tensor2D, ta: boolean, tb: boolean): tf.Tensor2D {
  if (flagsInPlace()) return tf.matMul(a, b, ta, tb);
  return tf.matMul(ta ? tf.transpose(a) : a, tb ? tf.transpose(b) : b);
}

const nnOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b) as tf.Tensor,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [product(dy as tf.Tensor2D, sb, false, true), product(sa, dy as tf.Tensor2D, true, false)];
    },
  };
});

const ntOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: product(a, b, false, true) as tf.Tensor,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      // d(a b^T)/db = dy^T a: dy read transposed in place on the GEMM; else (a^T dy)^T, which transposes a
      // and the [K, N] result, never the large dy.
      const db = flagsInPlace() ? tf.matMul(dy as tf.Tensor2D, sa, true, false) : tf.transpose(product(sa, dy as tf.Tensor2D, true, false));
      return [tf.matMul(dy as tf.Tensor2D, sb), db];
    },
  };
});

/**
 * Per-block products of rank-3 batches: op(a[i]) x op(b[i]) for every i, op() a transpose where the flag is
 * set (attention's [B*H, T, hd] blocks). Transposes a batch's blocks by strides on the heap GEMM and on other
 * backends; on tfjs's own wasm kernel (GEMM off) one rank-3 transpose per transposed operand, then one
 * untransposed 2-D product per block, the only form it sends to XNNPACK.
 */
export function batchMatMul(a: tf.Tensor3D, b: tf.Tensor3D, ta: boolean, tb: boolean): tf.Tensor3D {
  if (tf.getBackend() !== 'wasm' || wasmGemmActive()) return tf.matMul(a, b, ta, tb);
  const blocksOf = (x: tf.Tensor3D, flip: boolean) => {
    const y = flip ? (tf.transpose(x, [0, 2, 1]) as tf.Tensor3D) : x;
    return tf.split(tf.reshape(y, [y.shape[0] * y.shape[1], y.shape[2]]), y.shape[0], 0) as tf.Tensor2D[];
  };
  const bs = blocksOf(b, tb);
  const products = blocksOf(a, ta).map((ai, i) => tf.matMul(ai, bs[i]!));
  return tf.reshape(tf.concat(products, 0), [a.shape[0], ta ? a.shape[2] : a.shape[1], tb ? b.shape[1] : b.shape[2]]);
}

/** a [M, K] x b [K, N] -> [M, N]. */
export function matMulNN(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return nnOp(a, b) as tf.Tensor2D;
}

/** a [M, K] x b^T, b [N, K] -> [M, N]. */
export function matMulNT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return ntOp(a, b) as tf.Tensor2D;
}

/**
 * Column sums of x [M, N] -> [N] as a product (the wasm backend's Sum reduces only the last axis, so
 * tf.sum(x, 0) transposes x first). On the heap GEMM: x^T ones[M, 1], x read transposed in place. Otherwise
 * ones[1, M] x (a copy of) x, XNNPACK's matrix-vector form. Not on XNNPACK where the GEMM runs: its operator
 * cache is keyed by the right operand's data id, so a fresh operand every step costs an operator creation and
 * a weight packing per call (2.4 ms for 2048 x 128, measured; the GEMM form ~0.1 ms). The copy keeps that
 * cache from meeting a data id shared by a reshape (a view of dy under another shape aborts the product).
 */
export function columnSums(x: tf.Tensor2D): tf.Tensor1D {
  const [m, n] = x.shape;
  if (fusedKernelsActive()) return columnSumsFused(x);
  if (flagsInPlace()) return tf.reshape(tf.matMul(x, tf.ones([m, 1]) as tf.Tensor2D, true, false), [n]);
  return tf.reshape(tf.matMul(tf.ones([1, m]) as tf.Tensor2D, tf.add(x, tf.scalar(0)) as tf.Tensor2D), [n]);
}

/** x [M, K] x w [K, N] + b [N], the bias gradient as `columnSums` of dy. */
const linearOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.add(tf.matMul(x, w), b) as tf.Tensor,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const d = dy as tf.Tensor2D;
      return [product(d, sw, false, true), product(sx, d, true, false), columnSums(d)];
    },
  };
});

/** x [M, K] x w [K, N] + b [N] -> [M, N]. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor): tf.Tensor2D {
  return linearOp(x, w, b) as tf.Tensor2D;
}
