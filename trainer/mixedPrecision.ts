import * as tf from '@tensorflow/tfjs';
import { DEFAULT_THREAD_TILE, tiledMatMul, type ThreadTile, type TiledPrecision } from './kernels/matmulTiledKernel.js';
import { overrideKernel } from './kernelOverride.js';

/*
 * `--precision f16` on webgpu: every matrix product (tfjs's BatchMatMul, which tf.matMul and the model's
 * products and their gradients run on) computes in half precision (trainer/kernels/matmulTiledKernel.ts), as
 * PyTorch's autocast does; LayerNorm, softmax, attention's softmax, the loss and the optimizer stay float32,
 * and so do the weights (the master copy AdamW updates). Gradients are scaled by a dynamic loss scale
 * (trainer/lossScale.ts) so that small ones do not flush to zero in f16.
 */

/** Who computes the webgpu backend's products: tfjs's own shaders, or trainer/kernels/matmulTiledKernel.ts in f16 or f32. */
export type WebgpuProducts = 'tfjs' | TiledPrecision;
let products: WebgpuProducts = 'tfjs';

/** Whether products run in f16 now. */
export function f16ProductsActive(): boolean {
  return products === 'f16' && tf.getBackend() === 'webgpu';
}

let tile: ThreadTile = DEFAULT_THREAD_TILE;

/**
 * Sets who computes the webgpu backend's products: 'f16' for --precision f16, 'tfjs' (f32, the default), or
 * 'f32' on the tiled kernel; `threadTile` other than the default only for bench/webgpuMatmul.ts, which times
 * them against tfjs's shaders.
 */
export function setWebgpuProducts(p: WebgpuProducts, threadTile: ThreadTile = DEFAULT_THREAD_TILE): void {
  if (p !== 'tfjs') overrideKernel('BatchMatMul', 'webgpu', 'corpusforgeTiled', runBatchMatMul);
  products = p;
  tile = threadTile;
}

/** Batch dimensions of a rank >= 2 shape, multiplied out. */
const batchOf = (shape: number[]) => shape.slice(0, -2).reduce((x, y) => x * y, 1);

function runBatchMatMul(args: Parameters<tf.KernelFunc>[0], original: tf.KernelFunc): ReturnType<tf.KernelFunc> {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
  const ba = batchOf(a.shape);
  const bb = batchOf(b.shape);
  const sameBatch = a.shape.length === b.shape.length && a.shape.slice(0, -2).every((d, i) => d === b.shape[i]);
  // tfjs's products, other dtypes, and batch broadcasting other than one matrix against a batch: tfjs's kernel.
  const p = products;
  if (p === 'tfjs' || a.dtype !== 'float32' || b.dtype !== 'float32' || !(sameBatch || (ba === 1 && a.shape.length === 2) || (bb === 1 && b.shape.length === 2))) {
    return original(args);
  }
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const [m, k] = transposeA ? [ac, ar] : [ar, ac];
  const n = transposeB ? br : bc;
  const batch = Math.max(ba, bb);
  const outer = (a.shape.length >= b.shape.length ? a.shape : b.shape).slice(0, -2);
  const shape = { batch, m, n, k, transposeA, transposeB, aStride: ba === 1 ? 0 : ar * ac, bStride: bb === 1 ? 0 : br * bc };
  return tiledMatMul(args.backend, a, b, shape, [...outer, m, n], p, tile);
}
