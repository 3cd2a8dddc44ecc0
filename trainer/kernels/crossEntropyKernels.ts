import type * as tf from '@tensorflow/tfjs';
import { rowGrid } from './normKernels.js';
import { BARRIER, bindings, outputsOf, runProgram } from './webgpuProgram.js';

/*
 * Next-token cross-entropy over logits z [rows, V] without a probability matrix. As tfjs ops the loss took
 * softmax [rows, V], a one-hot [rows, V] and their difference [rows, V] saved for the gradient: at GPT-2
 * small's shapes (8,192 rows of 50,257) each is 1.6 GB. Here the forward pass reads each row once (an online
 * max and sum of exponentials per invocation, merged across the workgroup) and writes two numbers per row;
 * the gradient exp(z - lse) - onehot is computed from the saved logits when it is needed.
 */

const WG = 64;
/** -log(1e-30): the largest loss one row adds, as crossEntropy's floor on the target probability. */
const MAX_ROW_LOSS = 69.07755278982137;

const xentSource = () => `
${bindings(['lse', 'loss'], ['z', 'targets:i32'], ['rows: u32', 'v: u32'])}
const WG = ${WG}u;
const LOWEST = -3.4028234e38;
var<workgroup> red: array<vec2<f32>, WG>;
/** (max, sum of exp(x - max)) of two parts of a row as one. */
fn merge(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  let m = max(a.x, b.x);
  return vec2<f32>(m, a.y * exp(a.x - m) + b.y * exp(b.x - m));
}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  if (row >= u.rows) { return; }
  let base = row * u.v;
  // Online: one exp per logit (the sum is rescaled only when the running max grows).
  var m = LOWEST;
  var sum = 0.0;
  for (var j = lid; j < u.v; j += WG) {
    let x = z[base + j];
    if (x > m) { sum = sum * exp(m - x) + 1.0; m = x; } else { sum += exp(x - m); }
  }
  red[lid] = vec2<f32>(m, sum);
  ${BARRIER}
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = merge(red[lid], red[lid + s]); }
    ${BARRIER}
  }
  if (lid == 0u) {
    let r = red[0];
    let l = r.x + log(r.y);
    lse[row] = l;
    loss[row] = min(l - z[base + u32(targets[row])], ${MAX_ROW_LOSS});
  }
}`;

/** Per row of z [rows, V] with targets [rows] (int32): logsumexp and the loss -log softmax(z)[target]. */
export function crossEntropyForward(backend: unknown, z: tf.TensorInfo, targets: tf.TensorInfo): [tf.TensorInfo, tf.TensorInfo] {
  const [rows, v] = z.shape as [number, number];
  const [lse, loss] = outputsOf(backend, [rows], [rows]);
  runProgram(backend, {
    key: 'cf_xent', source: xentSource, outputs: [lse!, loss!], inputs: [z, targets],
    uniforms: [['u32', rows], ['u32', v]], workgroups: rowGrid(rows),
  });
  return [lse!, loss!];
}

const xentGradSource = () => `
${bindings(['dz'], ['dy', 'z', 'targets:i32', 'lse'], ['rows: u32', 'v: u32'])}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  if (row >= u.rows) { return; }
  let base = row * u.v;
  let scale = dy[0] / f32(u.rows);
  let l = lse[row];
  let t = u32(targets[row]);
  for (var j = lid; j < u.v; j += ${WG}u) {
    let p = exp(z[base + j] - l);
    dz[base + j] = select(p, p - 1.0, j == t) * scale;
  }
}`;

/** The gradient of the mean loss, dy * (softmax(z) - onehot(targets)) / rows, from z and the saved logsumexp. */
export function crossEntropyBackward(backend: unknown, dy: tf.TensorInfo, z: tf.TensorInfo, targets: tf.TensorInfo, lse: tf.TensorInfo): tf.TensorInfo {
  const [rows, v] = z.shape as [number, number];
  const [dz] = outputsOf(backend, [rows, v]);
  runProgram(backend, {
    key: 'cf_xent_grad', source: xentGradSource, outputs: [dz!], inputs: [dy, z, targets, lse],
    uniforms: [['u32', rows], ['u32', v]], workgroups: rowGrid(rows),
  });
  return dz!;
}
