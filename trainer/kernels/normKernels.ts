import type * as tf from '@tensorflow/tfjs';
import { BARRIER, bindings, groups, outputsOf, runProgram } from './webgpuProgram.js';

/*
 * LayerNorm over the last axis and column sums as WGSL: one workgroup per row for the row-wise passes (a tree
 * reduction in workgroup memory), and column sums in two passes (chunks of rows, then the chunk sums) so that
 * a [16384, 768] gradient keeps every core busy instead of one thread per column walking all rows.
 */

const WG = 64;
/** Rows summed by one workgroup in the first column-sum pass. */
const CHUNK_ROWS = 128;
/** Workgroups per dispatch dimension is limited (65535 by default): rows are spread over x and y. */
const MAX_X = 65535;

export function rowGrid(rows: number): [number, number] {
  return [Math.min(rows, MAX_X), Math.ceil(rows / MAX_X)];
}

/** reduce2 and the entry point of the row kernels: one workgroup per row `row` of d columns from `base`. */
const ROW_PRELUDE = `
const WG = ${WG}u;
var<workgroup> red: array<vec2<f32>, WG>;
/** Sum over the workgroup of (a, b) pairs; every invocation gets the result. */
fn reduce2(v: vec2<f32>, lid: u32) -> vec2<f32> {
  red[lid] = v;
  ${BARRIER}
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = red[lid] + red[lid + s]; }
    ${BARRIER}
  }
  let r = red[0];
  ${BARRIER}
  return r;
}
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  if (row >= u.rows) { return; }
  let base = row * u.d;`;

const layerNormSource = () => `
${bindings(['y', 'stats'], ['x', 'g', 'b'], ['rows: u32', 'd: u32', 'eps: f32'])}
${ROW_PRELUDE}
  var s = 0.0;
  for (var j = lid; j < u.d; j += WG) { s += x[base + j]; }
  let mean = reduce2(vec2<f32>(s, 0.0), lid).x / f32(u.d);
  var q = 0.0;
  for (var j = lid; j < u.d; j += WG) { let c = x[base + j] - mean; q += c * c; }
  let rstd = inverseSqrt(reduce2(vec2<f32>(q, 0.0), lid).x / f32(u.d) + u.eps);
  for (var j = lid; j < u.d; j += WG) { y[base + j] = (x[base + j] - mean) * rstd * g[j] + b[j]; }
  if (lid == 0u) { stats[2u * row] = mean; stats[2u * row + 1u] = rstd; }
}`;

/** y = (x - mean) * rstd * g + b per row of x [rows, d]; also stats [rows, 2] = (mean, rstd) for the gradient. */
export function layerNormForward(backend: unknown, x: tf.TensorInfo, g: tf.TensorInfo, b: tf.TensorInfo, eps: number): [tf.TensorInfo, tf.TensorInfo] {
  const [rows, d] = x.shape as [number, number];
  const [y, stats] = outputsOf(backend, [rows, d], [rows, 2]);
  runProgram(backend, {
    key: 'cf_layernorm', source: layerNormSource, outputs: [y!, stats!], inputs: [x, g, b],
    uniforms: [['u32', rows], ['u32', d], ['f32', eps]], workgroups: rowGrid(rows),
  });
  return [y!, stats!];
}

const layerNormDxSource = () => `
${bindings(['dx'], ['dy', 'x', 'g', 'stats'], ['rows: u32', 'd: u32'])}
${ROW_PRELUDE}
  let mean = stats[2u * row];
  let rstd = stats[2u * row + 1u];
  var acc = vec2<f32>(0.0, 0.0);
  for (var j = lid; j < u.d; j += WG) {
    let dxh = dy[base + j] * g[j];
    acc += vec2<f32>(dxh, dxh * (x[base + j] - mean) * rstd);
  }
  let sums = reduce2(acc, lid) / f32(u.d);
  for (var j = lid; j < u.d; j += WG) {
    let xh = (x[base + j] - mean) * rstd;
    dx[base + j] = rstd * (dy[base + j] * g[j] - sums.x - xh * sums.y);
  }
}`;

/** Entry point of the column passes: one invocation per column col < cols, rows start..end of chunk wid.y. */
const COLUMN_MAIN = (cols: string) => `@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let col = gid.x;
  if (col >= ${cols}) { return; }
  let start = wid.y * u.chunk;
  let end = min(u.rows, start + u.chunk);`;

/** Partial column sums of dy * xhat (first d columns) and dy (next d) over chunks of rows: [chunks, 2d]. */
const layerNormParamsSource = () => `
${bindings(['part'], ['dy', 'x', 'stats'], ['rows: u32', 'd: u32', 'chunk: u32'])}
${COLUMN_MAIN('u.d')}
  var dg = 0.0;
  var db = 0.0;
  for (var r = start; r < end; r++) {
    let v = dy[r * u.d + col];
    dg += v * (x[r * u.d + col] - stats[2u * r]) * stats[2u * r + 1u];
    db += v;
  }
  part[wid.y * 2u * u.d + col] = dg;
  part[wid.y * 2u * u.d + u.d + col] = db;
}`;

/** Sums the rows of x [rows, cols] in chunks: out [chunks, cols]; with `split`, the last pass writes two halves. */
const columnSumsSource = (split: boolean) => () => `
${bindings(split ? ['out0', 'out1'] : ['out0'], ['x'], ['rows: u32', 'cols: u32', 'chunk: u32'])}
${COLUMN_MAIN('u.cols')}
  var s = 0.0;
  for (var r = start; r < end; r++) { s += x[r * u.cols + col]; }
  ${split ? `let half = u.cols / 2u;
  if (col < half) { out0[col] = s; } else { out1[col - half] = s; }` : 'out0[wid.y * u.cols + col] = s;'}
}`;

function columnSumsPass(backend: unknown, x: tf.TensorInfo, split: boolean): tf.TensorInfo[] {
  const [rows, cols] = x.shape as [number, number];
  const chunks = split ? 1 : groups(rows, CHUNK_ROWS);
  const chunk = split ? rows : CHUNK_ROWS;
  const outs = split ? outputsOf(backend, [cols / 2], [cols / 2]) : outputsOf(backend, chunks === 1 ? [cols] : [chunks, cols]);
  runProgram(backend, {
    key: `cf_colsums_${split}`, source: columnSumsSource(split), outputs: outs, inputs: [x],
    uniforms: [['u32', rows], ['u32', cols], ['u32', chunk]], workgroups: [groups(cols, WG), chunks],
  });
  return outs;
}

/**
 * Column sums of x [rows, cols]: chunk sums, then their sum (one pass when rows fit a chunk). `dispose` frees
 * the intermediate (a backend's disposeData). Returns [cols].
 */
export function columnSums(backend: unknown, x: tf.TensorInfo, dispose: (t: tf.TensorInfo) => void): tf.TensorInfo {
  if (x.shape[0]! <= CHUNK_ROWS) return columnSumsPass(backend, x, false)[0]!;
  const [part] = columnSumsPass(backend, x, false);
  const total = columnSums(backend, part!, dispose);
  dispose(part!);
  return total;
}

/** dx, dg, db of LayerNorm from dy, x, g and the forward's stats. */
export function layerNormBackward(backend: unknown, dy: tf.TensorInfo, x: tf.TensorInfo, g: tf.TensorInfo, stats: tf.TensorInfo, dispose: (t: tf.TensorInfo) => void): tf.TensorInfo[] {
  const [rows, d] = x.shape as [number, number];
  const [dx] = outputsOf(backend, [rows, d]);
  runProgram(backend, {
    key: 'cf_layernorm_dx', source: layerNormDxSource, outputs: [dx!], inputs: [dy, x, g, stats],
    uniforms: [['u32', rows], ['u32', d]], workgroups: rowGrid(rows),
  });
  const chunks = groups(rows, CHUNK_ROWS);
  const [part] = outputsOf(backend, [chunks, 2 * d]);
  runProgram(backend, {
    key: 'cf_layernorm_dgdb', source: layerNormParamsSource, outputs: [part!], inputs: [dy, x, stats],
    uniforms: [['u32', rows], ['u32', d], ['u32', CHUNK_ROWS]], workgroups: [groups(d, WG), chunks],
  });
  let sums = part!;
  while (sums.shape[0]! > CHUNK_ROWS) {
    const [next] = columnSumsPass(backend, sums, false);
    dispose(sums);
    sums = next!;
  }
  const [dg, db] = columnSumsPass(backend, sums, true);
  dispose(sums);
  return [dx!, dg!, db!];
}
