import * as tf from '@tensorflow/tfjs';
import { UserError } from '../pipelines/errors.js';

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

const maskCache = new Map<string, tf.Tensor>();

/** Additive causal mask [T, T]: 0 on and below the diagonal, -1e9 above. Cached per backend and length. */
function causalMask(t: number): tf.Tensor {
  const key = `${tf.getBackend()}:${t}`;
  let m = maskCache.get(key);
  if (!m || m.isDisposed) {
    const v = new Float32Array(t * t);
    for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) v[i * t + j] = -1e9;
    m = tf.keep(tf.tensor2d(v, [t, t]));
    maskCache.set(key, m);
  }
  return m;
}

function layerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const mean = tf.mean(x, -1, true);
  const xc = tf.sub(x, mean);
  const variance = tf.mean(tf.square(xc), -1, true);
  return tf.add(tf.mul(tf.mul(xc, tf.rsqrt(tf.add(variance, 1e-5))), g), b);
}

const GELU_C = Math.sqrt(2 / Math.PI);

/** GELU, tanh approximation (GPT-2's). */
function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), GELU_C);
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/**
 * One-hot rows as float32. tfjs-backend-wasm 4.22's OneHot writes int32 bits into a float32 output when asked
 * for dtype float32 (values read back as 1.4e-45), so build int32 and cast.
 */
function oneHotFloat(indices: tf.Tensor1D, depth: number): tf.Tensor2D {
  return tf.cast(tf.oneHot(indices, depth), 'float32');
}

function get(p: GptParams, name: string): tf.Tensor {
  const t = p.get(name);
  if (!t) throw new Error(`missing parameter ${name}`);
  return t;
}

/** Causal multi-head self-attention on x [B*T, D]; exported for the gradient check. */
export function attention(x: tf.Tensor, wqkv: tf.Tensor, bqkv: tf.Tensor, wo: tf.Tensor, bo: tf.Tensor, batch: number, t: number, heads: number): tf.Tensor {
  const d = x.shape[1]!;
  const hd = d / heads;
  const qkv = tf.add(tf.matMul(x, wqkv), bqkv);
  const [q, k, v] = tf.split(qkv, 3, 1).map((z) => tf.transpose(tf.reshape(z, [batch, t, heads, hd]), [0, 2, 1, 3]));
  const scores = tf.add(tf.mul(tf.matMul(q!, k!, false, true), 1 / Math.sqrt(hd)), causalMask(t));
  const y = tf.matMul(tf.softmax(scores), v!);
  const merged = tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [batch * t, d]);
  return tf.add(tf.matMul(merged, wo), bo);
}

/** Logits [B*T, V] for tokens [B, T] (int32). T may be shorter than the configured context. */
export function forward(c: GptConfig, p: GptParams, tokens: tf.Tensor2D): tf.Tensor2D {
  const [batch, t] = tokens.shape;
  if (t > c.context) throw new UserError(`sequence of ${t} tokens exceeds the model context ${c.context}`);
  const flat = tf.reshape(tokens, [batch * t]) as tf.Tensor1D;
  const wte = get(p, 'wte');
  const tok = c.embedding === 'onehot' ? tf.matMul(oneHotFloat(flat, c.vocabSize), wte) : tf.gather(wte, flat);
  const pos = tf.tile(tf.slice(get(p, 'wpe'), [0, 0], [t, c.dim]), [batch, 1]);
  let x: tf.Tensor = tf.add(tok, pos);
  for (let l = 0; l < c.layers; l++) {
    const n = (s: string) => get(p, `h${l}.${s}`);
    const a = attention(layerNorm(x, n('ln1.g'), n('ln1.b')), n('attn.wqkv'), n('attn.bqkv'), n('attn.wo'), n('attn.bo'), batch, t, c.heads);
    x = tf.add(x, a);
    const h = layerNorm(x, n('ln2.g'), n('ln2.b'));
    x = tf.add(x, tf.add(tf.matMul(gelu(tf.add(tf.matMul(h, n('mlp.w1')), n('mlp.b1'))), n('mlp.w2')), n('mlp.b2')));
  }
  const out = layerNorm(x, get(p, 'lnf.g'), get(p, 'lnf.b'));
  return tf.matMul(out, wte, false, true) as tf.Tensor2D; // tied output embedding
}

/**
 * Mean next-token cross-entropy of logits [N, V] against targets [N] (int32). A custom gradient gives
 * (softmax - onehot) / N in one pass instead of differentiating log-sum-exp op by op.
 */
export function crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, vocabSize: number): tf.Scalar {
  const n = logits.shape[0];
  const oneHot = oneHotFloat(targets, vocabSize);
  const f = tf.customGrad((z: tf.Tensor, save: tf.GradSaveFunc) => {
    const logProbs = tf.logSoftmax(z as tf.Tensor2D);
    save([logProbs, oneHot]);
    const value = tf.div(tf.neg(tf.sum(tf.mul(logProbs, oneHot))), n) as tf.Scalar;
    return { value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(tf.sub(tf.exp(saved[0]!), saved[1]!), tf.div(dy, n)) };
  });
  return f(logits) as tf.Scalar;
}

/** Mean loss of the model on inputs [B, T] and targets [B, T]. */
export function lossOf(c: GptConfig, p: GptParams, inputs: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  const logits = forward(c, p, inputs);
  return crossEntropy(logits, tf.reshape(targets, [-1]) as tf.Tensor1D, c.vocabSize);
}
