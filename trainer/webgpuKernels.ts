import * as tf from '@tensorflow/tfjs';
import { crossEntropyBackward, crossEntropyForward } from './kernels/crossEntropyKernels.js';
import { adamWUpdate, geluBiasBackward, geluBiasForward } from './kernels/elementwiseKernels.js';
import { flashAttentionBackward, flashAttentionForward, type AttentionShape } from './kernels/flashAttention.js';
import { columnSums, layerNormBackward, layerNormForward } from './kernels/normKernels.js';
import { webgpuBackend } from './kernels/webgpuProgram.js';
import type { AdamWUniforms, FusedAdamW } from './optimizer.js';

/*
 * The trainer's WGSL kernels (trainer/kernels/) registered in tfjs as kernels of the webgpu backend, and the
 * ops built on them with their gradients. The model takes them on webgpu unless CORPUSFORGE_WEBGPU_KERNELS=tfjs
 * (then tfjs's own ops run, as on every other backend; the tests compare the two).
 */

const K = {
  layerNorm: 'CorpusforgeLayerNorm',
  layerNormGrad: 'CorpusforgeLayerNormGrad',
  geluBias: 'CorpusforgeGeluBias',
  geluBiasGrad: 'CorpusforgeGeluBiasGrad',
  columnSums: 'CorpusforgeColumnSums',
  adamW: 'CorpusforgeAdamW',
  attention: 'CorpusforgeFlashAttention',
  attentionGrad: 'CorpusforgeFlashAttentionGrad',
  crossEntropy: 'CorpusforgeCrossEntropy',
  crossEntropyGrad: 'CorpusforgeCrossEntropyGrad',
} as const;

export const LAYER_NORM_EPS = 1e-5;

type Infos = Record<string, tf.TensorInfo>;
type Kernel = (inputs: Infos, backend: unknown, attrs: Record<string, number>, dispose: (t: tf.TensorInfo) => void) => tf.TensorInfo | tf.TensorInfo[];

const workgroupBytes = (backend: unknown) => webgpuBackend(backend).device.limits.maxComputeWorkgroupStorageSize;
const shapeOf = (a: Record<string, number>): AttentionShape => ({ batch: a['batch']!, t: a['t']!, heads: a['heads']!, hd: a['hd']! });

const KERNELS: Record<string, Kernel> = {
  [K.layerNorm]: (i, b) => layerNormForward(b, i['x']!, i['g']!, i['b']!, LAYER_NORM_EPS),
  [K.layerNormGrad]: (i, b, _a, dispose) => layerNormBackward(b, i['dy']!, i['x']!, i['g']!, i['stats']!, dispose),
  [K.geluBias]: (i, b) => geluBiasForward(b, i['h']!, i['b']!),
  [K.geluBiasGrad]: (i, b) => geluBiasBackward(b, i['dy']!, i['h']!, i['b']!),
  [K.columnSums]: (i, b, _a, dispose) => columnSums(b, i['x']!, dispose),
  [K.adamW]: (i, b, a) => adamWUpdate(b, i['p']!, i['g']!, i['m']!, i['v']!, i['scale']!, a as unknown as AdamWUniforms),
  [K.attention]: (i, b, a) => flashAttentionForward(b, i['qkv']!, shapeOf(a), workgroupBytes(b)),
  [K.attentionGrad]: (i, b, a, dispose) => flashAttentionBackward(b, i['dy']!, i['qkv']!, i['o']!, i['lse']!, shapeOf(a), workgroupBytes(b), dispose),
  [K.crossEntropy]: (i, b) => crossEntropyForward(b, i['z']!, i['targets']!),
  [K.crossEntropyGrad]: (i, b) => crossEntropyBackward(b, i['dy']!, i['z']!, i['targets']!, i['lse']!),
};

/** Registers the kernels for the webgpu backend (once per process). */
export function registerWebgpuKernels(): void {
  for (const [kernelName, run] of Object.entries(KERNELS)) {
    if (tf.getKernel(kernelName, 'webgpu')) continue;
    tf.registerKernel({
      kernelName, backendName: 'webgpu',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const dispose = (t: tf.TensorInfo) => (backend as unknown as { disposeData(id: object): void }).disposeData(t.dataId);
        return run(inputs as unknown as Infos, backend, (attrs ?? {}) as Record<string, number>, dispose);
      },
    });
  }
}

/** Whether the model runs on these kernels: the webgpu backend, unless CORPUSFORGE_WEBGPU_KERNELS=tfjs. */
export function fusedKernelsActive(): boolean {
  return tf.getBackend() === 'webgpu' && process.env.CORPUSFORGE_WEBGPU_KERNELS !== 'tfjs' && tf.getKernel(K.layerNorm, 'webgpu') !== undefined;
}

function run(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, number> = {}): tf.Tensor[] {
  const out = tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap);
  return Array.isArray(out) ? out : [out as tf.Tensor];
}

type Save = tf.GradSaveFunc;

/** LayerNorm over the last axis of x [N, D] in one kernel; the gradient in three (dx; dg and db by column sums). */
export const layerNormFused = tf.customGrad((...args: Array<tf.Tensor | Save>) => {
  const [x, g, b, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, Save];
  const [y, stats] = run(K.layerNorm, { x, g, b });
  save([x, g, stats!]);
  return {
    value: y!,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sg, sstats] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      return run(K.layerNormGrad, { dy, x: sx, g: sg, stats: sstats });
    },
  };
}) as (x: tf.Tensor2D, g: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;

/** Column sums of x [M, N] -> [N] (bias gradients), in two passes over row chunks. */
export function columnSumsFused(x: tf.Tensor2D): tf.Tensor1D {
  return run(K.columnSums, { x })[0] as tf.Tensor1D;
}

/** gelu(h + b) for h [N, F] (a product without its bias), b [F]: one kernel each way plus the bias column sums. */
export const geluBiasFused = tf.customGrad((...args: Array<tf.Tensor | Save>) => {
  const [h, b, save] = args as [tf.Tensor2D, tf.Tensor1D, Save];
  save([h, b]);
  return {
    value: run(K.geluBias, { h, b })[0]!,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sh, sb] = saved as [tf.Tensor, tf.Tensor];
      const dh = run(K.geluBiasGrad, { dy, h: sh, b: sb })[0]! as tf.Tensor2D;
      return [dh, columnSumsFused(dh)];
    },
  };
}) as (h: tf.Tensor2D, b: tf.Tensor) => tf.Tensor2D;

/** Causal attention on qkv [B*T, 3D] -> [B*T, D] (trainer/kernels/flashAttention.ts); same contract as attentionCore. */
export function attentionFused(qkv: tf.Tensor2D, batch: number, t: number, heads: number): tf.Tensor2D {
  const attrs = { batch, t, heads, hd: qkv.shape[1] / (3 * heads) };
  const op = tf.customGrad((...args: Array<tf.Tensor | Save>) => {
    const [x, save] = args as [tf.Tensor2D, Save];
    const [o, lse] = run(K.attention, { qkv: x }, attrs);
    save([x, o!, lse!]);
    return {
      value: o!,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, so, slse] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        return run(K.attentionGrad, { dy, qkv: sx, o: so, lse: slse }, attrs)[0]!;
      },
    };
  });
  return op(qkv) as tf.Tensor2D;
}

/** The AdamW update of one tensor in one kernel (optimizer.ts adamWStep's `fused`). */
export const adamWFused: FusedAdamW = (p, g, m, v, scale, u) => {
  const [p1, m1, v1] = run(K.adamW, { p, g, m, v, scale }, { ...u });
  return [p1!, m1!, v1!];
};

/**
 * Mean next-token cross-entropy of logits [N, V] against targets [N] (int32), as model.ts crossEntropy (same
 * floor on the target probability, same gradient) without its [N, V] probabilities, one-hot and difference:
 * the gradient is computed from the logits and their row logsumexp when the tape needs it.
 */
export function crossEntropyFused(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  const op = tf.customGrad((...args: Array<tf.Tensor | Save>) => {
    const [z, save] = args as [tf.Tensor2D, Save];
    const [lse, loss] = run(K.crossEntropy, { z, targets });
    save([z, targets, lse!]);
    return {
      value: tf.mean(loss!),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sz, st, slse] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        return run(K.crossEntropyGrad, { dy, z: sz, targets: st, lse: slse })[0]!;
      },
    };
  });
  return op(logits) as tf.Scalar;
}
