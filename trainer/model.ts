import * as tf from '@tensorflow/tfjs';
import { UserError } from '../core/errors.js';
import { attentionCore } from './attention.js';
import { columnSums, linear, matMulNN, matMulNT } from './matmul.js';
import { attentionFused, crossEntropyFused, fusedKernelsActive, geluBiasFused, layerNormFused } from './webgpuKernels.js';

/** GPT-2-shaped decoder-only transformer hyper-parameters. */
export interface GptConfig {
  vocabSize: number;
  /** Maximum context (number of position embeddings). */
  context: number;
  layers: number;
  heads: number;
  dim: number;
  /**
   * How token ids become vectors. 'gather' (tf.gather; its gradient is a segment sum) is the default;
   * 'onehot' multiplies a one-hot matrix by the embedding table and needs no segment-sum kernel.
   */
  embedding: 'gather' | 'onehot';
  /**
   * Recompute each block's activations in the backward pass instead of keeping them (activation
   * checkpointing): only block inputs stay on the tape, at the cost of a second forward per block. How the
   * gradient is computed, not part of the model: checkpoints of either setting resume with the other.
   */
  recompute?: boolean;
}

/** Parameters by name, in a fixed order (the order of `parameterNames`). */
export type GptParams = Map<string, tf.Tensor>;

export function validateConfig(c: GptConfig): void {
  for (const [k, v] of Object.entries({ vocabSize: c.vocabSize, context: c.context, layers: c.layers, heads: c.heads, dim: c.dim })) {
    if (!Number.isInteger(v) || v < 1) throw new UserError(`model ${k} must be a positive integer, got ${v}`);
  }
  if (c.dim % c.heads !== 0) throw new UserError(`--dim (${c.dim}) must be divisible by --heads (${c.heads})`);
}

/** Shapes of every parameter, in checkpoint order. */
export function parameterShapes(c: GptConfig): Array<[string, number[]]> {
  const d = c.dim;
  const shapes: Array<[string, number[]]> = [
    ['wte', [c.vocabSize, d]],
    ['wpe', [c.context, d]],
  ];
  for (let l = 0; l < c.layers; l++) {
    const p = `h${l}.`;
    shapes.push(
      [`${p}ln1.g`, [d]], [`${p}ln1.b`, [d]],
      [`${p}attn.wqkv`, [d, 3 * d]], [`${p}attn.bqkv`, [3 * d]],
      [`${p}attn.wo`, [d, d]], [`${p}attn.bo`, [d]],
      [`${p}ln2.g`, [d]], [`${p}ln2.b`, [d]],
      [`${p}mlp.w1`, [d, 4 * d]], [`${p}mlp.b1`, [4 * d]],
      [`${p}mlp.w2`, [4 * d, d]], [`${p}mlp.b2`, [d]],
    );
  }
  shapes.push(['lnf.g', [d]], ['lnf.b', [d]]);
  return shapes;
}

/** Weight decay applies to matrices (embeddings included, as in nanoGPT), not to gains and biases. */
export function isDecayed(shape: readonly number[]): boolean {
  return shape.length >= 2;
}

/** GPT-2 initialisation: N(0, 0.02), residual projections scaled by 1/sqrt(2 * layers); deterministic from the seed. */
export function initParams(c: GptConfig, seed: number): GptParams {
  validateConfig(c);
  const params: GptParams = new Map();
  const residualStd = 0.02 / Math.sqrt(2 * c.layers);
  parameterShapes(c).forEach(([name, shape], i) => {
    let t: tf.Tensor;
    if (name.endsWith('.g')) t = tf.ones(shape);
    else if (shape.length === 1) t = tf.zeros(shape);
    else {
      const std = name.endsWith('attn.wo') || name.endsWith('mlp.w2') ? residualStd : 0.02;
      t = tf.truncatedNormal(shape, 0, std, 'float32', seed * 1000 + i);
    }
    params.set(name, t);
  });
  return params;
}

export function disposeParams(p: GptParams): void {
  for (const t of p.values()) t.dispose();
}

export function countParameters(c: GptConfig): number {
  return parameterShapes(c).reduce((n, [, s]) => n + s.reduce((a, b) => a * b, 1), 0);
}

/**
 * LayerNorm over the last axis with a hand-written gradient: dx = rstd (dxh - mean(dxh) - xh mean(dxh xh))
 * with dxh = dy g; the gain and bias gradients are column sums of dy xh and dy as products (`columnSums`),
 * where autodiff summed the broadcast rows with transposes (the wasm backend reduces the last axis only).
 */
const layerNormOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, g, b, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
  const xc = tf.sub(x, tf.mean(x, -1, true));
  const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), 1e-5));
  const xhat = tf.mul(xc, rstd);
  save([xhat, rstd, g]);
  return {
    value: tf.add(tf.mul(xhat, g), b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sxhat, srstd, sg] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
      const [n, d] = sxhat.shape;
      const dxhat = tf.mul(dy, sg);
      const dx = tf.mul(tf.sub(tf.sub(dxhat, tf.mean(dxhat, -1, true)), tf.mul(sxhat, tf.mean(tf.mul(dxhat, sxhat), -1, true))), srstd);
      const dg = columnSums(tf.mul(dy, sxhat) as tf.Tensor2D);
      const db = columnSums(dy as tf.Tensor2D);
      return [dx, dg, db];
    },
  };
});

export function layerNorm(x: tf.Tensor2D, g: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  return fusedKernelsActive() ? layerNormFused(x, g, b) : (layerNormOp(x, g, b) as tf.Tensor2D);
}

const GELU_C = Math.sqrt(2 / Math.PI);

/**
 * GELU, tanh approximation (GPT-2's), computed as x * sigmoid(2u) with u = c (x + 0.044715 x^3), which equals
 * 0.5 x (1 + tanh u): tfjs-backend-wasm's Sigmoid runs in XNNPACK, its Tanh is a scalar loop (1.9 vs 32 ms
 * on [2048, 512], measured). Hand-written derivative: s + 2 x s (1 - s) c (1 + 3 * 0.044715 x^2), with s the
 * sigmoid; autodiff of the formula costs about twice the elementwise passes, and tf.pow is slow on wasm.
 */
const geluOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const x2 = tf.square(x);
  const s = tf.sigmoid(tf.mul(x, tf.add(tf.mul(x2, 2 * GELU_C * 0.044715), 2 * GELU_C)));
  save([x, x2, s]);
  return {
    value: tf.mul(x, s),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sx2, ss] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const dInner = tf.add(tf.mul(sx2, 2 * GELU_C * 3 * 0.044715), 2 * GELU_C);
      const grad = tf.add(ss, tf.mul(tf.mul(sx, tf.mul(ss, tf.sub(1, ss))), dInner));
      return tf.mul(dy, grad);
    },
  };
});

export function gelu(x: tf.Tensor): tf.Tensor {
  return geluOp(x);
}

/**
 * One-hot rows as float32. tfjs-backend-wasm 4.22's OneHot writes int32 bits into a float32 output when asked
 * for dtype float32 (values read back as 1.4e-45), so build int32 and cast; backends without a OneHot kernel
 * (webgpu's list has none) compare against a range instead.
 */
function oneHotFloat(indices: tf.Tensor1D, depth: number): tf.Tensor2D {
  if (!tf.getKernel('OneHot', tf.getBackend())) {
    return tf.cast(tf.equal(tf.expandDims(indices, 1), tf.range(0, depth, 1, 'int32')), 'float32') as tf.Tensor2D;
  }
  return tf.cast(tf.oneHot(indices, depth), 'float32') as tf.Tensor2D;
}

/** 'gather' needs UnsortedSegmentSum for its gradient; on a backend without it the one-hot form is used. */
export function embeddingFor(requested: GptConfig['embedding']): GptConfig['embedding'] {
  return requested === 'gather' && !tf.getKernel('UnsortedSegmentSum', tf.getBackend()) ? 'onehot' : requested;
}

function get(p: GptParams, name: string): tf.Tensor {
  const t = p.get(name);
  if (!t) throw new Error(`missing parameter ${name}`);
  return t;
}

/**
 * Causal multi-head self-attention on x [B*T, D]; exported for the gradient check. The core (batched
 * products over every sequence and head at once) is trainer/attention.ts.
 */
export function attention(x: tf.Tensor2D, wqkv: tf.Tensor2D, bqkv: tf.Tensor, wo: tf.Tensor2D, bo: tf.Tensor, batch: number, t: number, heads: number): tf.Tensor2D {
  const core = fusedKernelsActive() ? attentionFused : attentionCore;
  return linear(core(linear(x, wqkv, bqkv), batch, t, heads), wo, bo);
}

/** The MLP's hidden activations gelu(h W1 + b1); on webgpu the bias add is folded into the GELU kernel. */
function mlpHidden(h: tf.Tensor2D, w1: tf.Tensor2D, b1: tf.Tensor): tf.Tensor2D {
  if (fusedKernelsActive()) return geluBiasFused(matMulNN(h, w1), b1);
  return gelu(linear(h, w1, b1)) as tf.Tensor2D;
}

/**
 * tok [B*T, D] + pos [T, D] repeated over the batch, as one broadcast add over [B, T*D] rows (tf.tile took
 * 30 ms on wasm at B = 16, the broadcast add 1 ms); the position gradient is the column sums of dy [B, T*D]
 * as a product (`columnSums`), instead of the broadcast gradient's tf.sum over axis 0 (a transpose on wasm).
 */
const addPositionsOp = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [tok, pos] = args as [tf.Tensor2D, tf.Tensor2D];
  const [t, d] = pos.shape;
  const batch = tok.shape[0] / t;
  return {
    value: tf.reshape(tf.add(tf.reshape(tok, [batch, t * d]), tf.reshape(pos, [1, t * d])), [batch * t, d]),
    gradFunc: (dy: tf.Tensor) => [dy, tf.reshape(columnSums(tf.reshape(dy, [batch, t * d]) as tf.Tensor2D), [t, d])],
  };
});

function addPositions(tok: tf.Tensor2D, pos: tf.Tensor2D, batch: number): tf.Tensor2D {
  return batch === 1 ? (tf.add(tok, pos) as tf.Tensor2D) : (addPositionsOp(tok, pos) as tf.Tensor2D);
}

/** A block's parameters in the order `block` takes them. */
const BLOCK_PARAMS = ['ln1.g', 'ln1.b', 'attn.wqkv', 'attn.bqkv', 'attn.wo', 'attn.bo', 'ln2.g', 'ln2.b', 'mlp.w1', 'mlp.b1', 'mlp.w2', 'mlp.b2'] as const;

/** One pre-LayerNorm transformer block on x [B*T, D]: x + attn(ln1(x)), then + mlp(ln2(.)). */
function block(x: tf.Tensor2D, ps: tf.Tensor[], batch: number, t: number, heads: number): tf.Tensor2D {
  const [ln1g, ln1b, wqkv, bqkv, wo, bo, ln2g, ln2b, w1, b1, w2, b2] = ps as [tf.Tensor2D, ...tf.Tensor2D[]];
  const a = attention(layerNorm(x, ln1g, ln1b!), wqkv!, bqkv!, wo!, bo!, batch, t, heads);
  const y = tf.add(x, a) as tf.Tensor2D;
  const hidden = mlpHidden(layerNorm(y, ln2g!, ln2b!), w1!, b1!);
  return tf.add(y, linear(hidden, w2!, b2!)) as tf.Tensor2D;
}

/**
 * Gradients of `f` at `xs` for upstream `dy`, from inside another gradient's backward pass. tfjs keeps one
 * tape per engine: a nested tf.grads replaces it and clears it when done, so the outer pass's tape is put back.
 */
function nestedGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], dy: tf.Tensor): tf.Tensor[] {
  const state = (tf.engine() as unknown as { state: { activeTape: unknown } }).state;
  const outer = state.activeTape;
  try {
    return tf.grads(f)(xs, dy);
  } finally {
    state.activeTape = outer;
  }
}

/** `block` whose activations are recomputed in the backward pass: only x and the parameters are saved. */
function recomputedBlock(x: tf.Tensor2D, ps: tf.Tensor[], batch: number, t: number, heads: number): tf.Tensor2D {
  const run = (...a: tf.Tensor[]) => block(a[0] as tf.Tensor2D, a.slice(1), batch, t, heads);
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const save = args.pop() as tf.GradSaveFunc;
    const inputs = args as tf.Tensor[];
    save(inputs);
    return {
      // tidy: the block's intermediates are released now, not kept for the backward pass.
      value: tf.tidy(() => run(...inputs)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => nestedGrads(run, saved, dy),
    };
  });
  return op(x, ...ps) as tf.Tensor2D;
}

/** Logits [B*T, V] for tokens [B, T] (int32). T may be shorter than the configured context. */
export function forward(c: GptConfig, p: GptParams, tokens: tf.Tensor2D): tf.Tensor2D {
  const [batch, t] = tokens.shape;
  if (t > c.context) throw new UserError(`sequence of ${t} tokens exceeds the model context ${c.context}`);
  const flat = tf.reshape(tokens, [batch * t]) as tf.Tensor1D;
  const wte = get(p, 'wte') as tf.Tensor2D;
  const tok = embeddingFor(c.embedding) === 'onehot' ? matMulNN(oneHotFloat(flat, c.vocabSize), wte) : tf.gather(wte, flat);
  let x = addPositions(tok as tf.Tensor2D, tf.slice(get(p, 'wpe'), [0, 0], [t, c.dim]) as tf.Tensor2D, batch);
  for (let l = 0; l < c.layers; l++) {
    const names = BLOCK_PARAMS.map((s) => `h${l}.${s}`);
    const ps = names.map((n) => get(p, n));
    x = c.recompute ? recomputedBlock(x, ps, batch, t, c.heads) : block(x, ps, batch, t, c.heads);
  }
  const out = layerNorm(x, get(p, 'lnf.g'), get(p, 'lnf.b'));
  return matMulNT(out, wte); // tied output embedding
}

/**
 * Mean next-token cross-entropy of logits [N, V] against targets [N] (int32), with gradient
 * (softmax - onehot) / N. It runs on the probabilities from one Softmax kernel (XNNPACK on wasm: ~15x faster
 * than the exp/log passes of logSoftmax at V = 2048, measured); the target probabilities are gathered from
 * the flat [N*V] probabilities (N elements, where a one-hot product and row sum made two passes over N*V),
 * and only softmax - onehot is saved for the gradient (one [N, V] copy on the tape instead of two). The
 * target probability is floored at 1e-30 before the log, so one token adds at most 69 to the sum (only
 * reachable far past float32's softmax range). On webgpu with the WGSL kernels: crossEntropyFused, the same
 * loss and gradient from the logits and their row logsumexp, without the [N, V] temporaries.
 */
export function crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, vocabSize: number): tf.Scalar {
  if (fusedKernelsActive()) return crossEntropyFused(logits, targets);
  const n = logits.shape[0];
  const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [z, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const probs = tf.softmax(z);
    const at = tf.add(tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(vocabSize, 'int32')), targets);
    const picked = tf.gather(tf.reshape(probs, [n * vocabSize]), at);
    save([tf.sub(probs, oneHotFloat(targets, vocabSize))]);
    const value = tf.div(tf.neg(tf.sum(tf.log(tf.maximum(picked, 1e-30)))), n) as tf.Tensor;
    return { value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(saved[0]!, tf.div(dy, n)) };
  });
  return f(logits) as tf.Scalar;
}

/** Mean loss of the model on inputs [B, T] and targets [B, T]. */
export function lossOf(c: GptConfig, p: GptParams, inputs: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  const logits = forward(c, p, inputs);
  return crossEntropy(logits, tf.reshape(targets, [-1]) as tf.Tensor1D, c.vocabSize);
}
