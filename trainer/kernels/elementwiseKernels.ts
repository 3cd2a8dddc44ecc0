import type * as tf from '@tensorflow/tfjs';
import type { AdamWUniforms } from '../optimizer.js';
import { bindings, groups, outputsOf, runProgram } from './webgpuProgram.js';

/*
 * One-pass elementwise kernels: GELU with the bias add folded in (forward and the input gradient), and the
 * whole AdamW update of one tensor (tfjs ops: ~12 kernels and as many full-size temporaries).
 */

const WG = 256;
const MAX_X = 65535;

/** Workgroups for n elements, spread over x and y past the per-dimension limit. */
function flatGrid(n: number): [number, number] {
  const g = groups(n, WG);
  return [Math.min(g, MAX_X), Math.ceil(g / MAX_X)];
}

const FLAT_INDEX = `let i = (wid.y * nwg.x + wid.x) * ${WG}u + lid;
  if (i >= u.n) { return; }`;
const FLAT_MAIN = `@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32)`;

/**
 * GPT-2's tanh GELU as x * sigmoid(2z), z = c (x + 0.044715 x^3): the same function as 0.5 x (1 + tanh z),
 * without tanh's overflow for large |z| on some drivers. Its derivative: s + 2 x s (1 - s) c (1 + 3 * 0.044715 x^2).
 */
const GELU = `
const C = 0.7978845608028654;
fn sig2z(x: f32) -> f32 { return 1.0 / (1.0 + exp(-2.0 * C * (x + 0.044715 * x * x * x))); }`;

const geluBiasSource = () => `
${bindings(['y'], ['h', 'b'], ['n: u32', 'cols: u32'])}
${GELU}
${FLAT_MAIN} {
  ${FLAT_INDEX}
  let x = h[i] + b[i % u.cols];
  y[i] = x * sig2z(x);
}`;

/** gelu(h + b) for h [rows, cols], b [cols]. */
export function geluBiasForward(backend: unknown, h: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  const n = h.shape[0]! * h.shape[1]!;
  const [y] = outputsOf(backend, h.shape as number[]);
  runProgram(backend, { key: 'cf_gelu_bias', source: geluBiasSource, outputs: [y!], inputs: [h, b], uniforms: [['u32', n], ['u32', h.shape[1]!]], workgroups: flatGrid(n) });
  return y!;
}

const geluBiasGradSource = () => `
${bindings(['dh'], ['dy', 'h', 'b'], ['n: u32', 'cols: u32'])}
${GELU}
${FLAT_MAIN} {
  ${FLAT_INDEX}
  let x = h[i] + b[i % u.cols];
  let s = sig2z(x);
  dh[i] = dy[i] * (s + 2.0 * x * s * (1.0 - s) * C * (1.0 + 3.0 * 0.044715 * x * x));
}`;

/** d gelu(h + b) / dh = dy * gelu'(h + b) (the bias gradient is its column sums). */
export function geluBiasBackward(backend: unknown, dy: tf.TensorInfo, h: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  const n = h.shape[0]! * h.shape[1]!;
  const [dh] = outputsOf(backend, h.shape as number[]);
  runProgram(backend, { key: 'cf_gelu_bias_grad', source: geluBiasGradSource, outputs: [dh!], inputs: [dy, h, b], uniforms: [['u32', n], ['u32', h.shape[1]!]], workgroups: flatGrid(n) });
  return dh!;
}

const adamWSource = () => `
${bindings(['p1', 'm1', 'v1'], ['p', 'g', 'm', 'v', 'scale'], ['n: u32', 'lr: f32', 'beta1: f32', 'beta2: f32', 'eps: f32', 'bc1: f32', 'bc2: f32', 'decay: f32'])}
${FLAT_MAIN} {
  ${FLAT_INDEX}
  // Scale 0: a loss-scaled step whose gradients overflowed (optimizer.ts clippedScale) changes nothing.
  if (scale[0] == 0.0) { p1[i] = p[i]; m1[i] = m[i]; v1[i] = v[i]; return; }
  let gi = g[i] * scale[0];
  let mi = m[i] * u.beta1 + gi * (1.0 - u.beta1);
  let vi = v[i] * u.beta2 + gi * gi * (1.0 - u.beta2);
  m1[i] = mi;
  v1[i] = vi;
  p1[i] = p[i] * u.decay - u.lr * ((mi / u.bc1) / (sqrt(vi / u.bc2) + u.eps));
}`;

/** One AdamW update of one tensor: new parameter and moments (optimizer.ts `adamWOps` is the reference). */
export function adamWUpdate(backend: unknown, p: tf.TensorInfo, g: tf.TensorInfo, m: tf.TensorInfo, v: tf.TensorInfo, scale: tf.TensorInfo, o: AdamWUniforms): tf.TensorInfo[] {
  const n = p.shape.reduce((a, b) => a * b, 1);
  const outs = outputsOf(backend, p.shape as number[], p.shape as number[], p.shape as number[]);
  runProgram(backend, {
    key: 'cf_adamw', source: adamWSource, outputs: outs, inputs: [p, g, m, v, scale],
    uniforms: [['u32', n], ['f32', o.lr], ['f32', o.beta1], ['f32', o.beta2], ['f32', o.eps], ['f32', o.bc1], ['f32', o.bc2], ['f32', o.decay]],
    workgroups: flatGrid(n),
  });
  return outs;
}
