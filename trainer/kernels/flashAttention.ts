import type * as tf from '@tensorflow/tfjs';
import { BARRIER, bindings, groups, outputsOf, runProgram } from './webgpuProgram.js';

/*
 * Causal multi-head attention in the manner of FlashAttention (Dao et al. 2022; the backward pass as in
 * FlashAttention-2): the T x T scores never reach global memory. Each workgroup owns a block of BR query rows
 * (one invocation per row) of one (sequence, head), streams the keys and values through workgroup memory in
 * tiles of BC rows and keeps a running max and sum (online softmax). The forward writes O straight into the
 * [B*T, D] layout the output projection reads, and each row's log-sum-exp for the backward, which recomputes
 * the probabilities tile by tile: one pass per query block for dQ, one per key block for dK and dV, so no
 * two workgroups write the same element (no atomics).
 *
 * Input qkv [B*T, 3D], columns q of every head, then k, then v (head h at h*hd); D = heads * hd.
 */

/** Query rows (and key rows in the dK/dV pass) per workgroup: one invocation each. */
const BR = 64;

export interface AttentionShape {
  batch: number;
  t: number;
  heads: number;
  hd: number;
}

/** Key rows per tile: the largest power of two <= 32 whose two [tile, hd] float tiles fit workgroup memory. */
function tileRows(hd: number, workgroupBytes: number): number {
  let bc = 32;
  while (bc > 1 && 2 * bc * hd * 4 + 2 * bc * 4 > workgroupBytes) bc /= 2;
  return bc;
}

const COMMON = (hd: number, bc: number) => `
const HD = ${hd}u;
const BR = ${BR}u;
const BC = ${bc}u;`;

const UNIFORMS = ['t: u32', 'heads: u32', 'scale: f32'];

/** Entry point and the invocation's (sequence b, head h) and row (query or key position) `row`. */
const MAIN = (row: string) => `@compute @workgroup_size(${BR})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let bh = wid.y;
  let b = bh / u.heads;
  let h = bh % u.heads;
  let d = u.heads * HD;
  let ${row} = wid.x * BR + lid;
  let valid = ${row} < u.t;`;

/** Workgroup tiles kt, vt of BC keys and values; LOAD_KV fills them from key position k0 on (rows past T stay stale, never read). */
const KV_TILES = (bc: number, hd: number) => `var<workgroup> kt: array<f32, ${bc * hd}>;
var<workgroup> vt: array<f32, ${bc * hd}>;`;
const LOAD_KV = `for (var e = lid; e < BC * HD; e += BR) {
      let kr = k0 + e / HD;
      if (kr < u.t) {
        let at = (b * u.t + kr) * 3u * d + d + h * HD + e % HD;
        kt[e] = qkv[at];
        vt[e] = qkv[at + d];
      }
    }`;

/**
 * Opens the loop over the key tiles a query block attends to (causal: up to its last row) and, for a valid
 * query row qi, the `n` keys of the tile at or before it; the kernel closes both blocks and ends with a barrier.
 */
const CAUSAL_KEY_TILES = `let blockEnd = min(wid.x * BR + BR, u.t);
  for (var k0 = 0u; k0 < blockEnd; k0 += BC) {
    ${LOAD_KV}
    ${BARRIER}
    if (valid && k0 <= qi) {
      let n = min(BC, qi + 1u - k0);`;

const forwardSource = (hd: number, bc: number) => () => `
${bindings(['o', 'lse'], ['qkv'], UNIFORMS)}
${COMMON(hd, bc)}
${KV_TILES(bc, hd)}
${MAIN('qi')}
  var q: array<f32, ${hd}>;
  var acc: array<f32, ${hd}>;
  if (valid) {
    let base = (b * u.t + qi) * 3u * d + h * HD;
    for (var c = 0u; c < HD; c++) { q[c] = qkv[base + c] * u.scale; acc[c] = 0.0; }
  }
  var m = -1e30;
  var l = 0.0;
  ${CAUSAL_KEY_TILES}
      var s: array<f32, ${bc}>;
      var tileMax = -1e30;
      for (var j = 0u; j < n; j++) {
        var dot = 0.0;
        for (var c = 0u; c < HD; c++) { dot += q[c] * kt[j * HD + c]; }
        s[j] = dot;
        tileMax = max(tileMax, dot);
      }
      let mNew = max(m, tileMax);
      let corr = exp(m - mNew);
      l *= corr;
      for (var c = 0u; c < HD; c++) { acc[c] *= corr; }
      for (var j = 0u; j < n; j++) {
        let p = exp(s[j] - mNew);
        l += p;
        for (var c = 0u; c < HD; c++) { acc[c] += p * vt[j * HD + c]; }
      }
      m = mNew;
    }
    ${BARRIER}
  }
  if (valid) {
    let out = (b * u.t + qi) * d + h * HD;
    for (var c = 0u; c < HD; c++) { o[out + c] = acc[c] / l; }
    lse[bh * u.t + qi] = m + log(l);
  }
}`;

/** D_i = rowsum(dO_i * O_i) per (sequence, head, position): [B*H*T]. */
const rowDotSource = (hd: number) => () => `
${bindings(['dd'], ['dout', 'o'], ['t: u32', 'heads: u32', 'n: u32'])}
const HD = ${hd}u;
@compute @workgroup_size(${BR})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= u.n) { return; }
  let bh = i / u.t;
  let base = ((bh / u.heads) * u.t + i % u.t) * u.heads * HD + (bh % u.heads) * HD;
  var s = 0.0;
  for (var c = 0u; c < HD; c++) { s += dout[base + c] * o[base + c]; }
  dd[i] = s;
}`;

/** dQ: per query row, over the keys at or before it. Writes the q columns of dqkv. */
const dqSource = (hd: number, bc: number) => () => `
${bindings(['dqkv'], ['qkv', 'dout', 'lse', 'dd'], UNIFORMS)}
${COMMON(hd, bc)}
${KV_TILES(bc, hd)}
${MAIN('qi')}
  var q: array<f32, ${hd}>;
  var go: array<f32, ${hd}>;
  var dq: array<f32, ${hd}>;
  var rowLse = 0.0;
  var rowD = 0.0;
  if (valid) {
    let base = (b * u.t + qi) * 3u * d + h * HD;
    let obase = (b * u.t + qi) * d + h * HD;
    for (var c = 0u; c < HD; c++) { q[c] = qkv[base + c] * u.scale; go[c] = dout[obase + c]; dq[c] = 0.0; }
    rowLse = lse[bh * u.t + qi];
    rowD = dd[bh * u.t + qi];
  }
  ${CAUSAL_KEY_TILES}
      for (var j = 0u; j < n; j++) {
        var s = 0.0;
        var dp = 0.0;
        for (var c = 0u; c < HD; c++) { s += q[c] * kt[j * HD + c]; dp += go[c] * vt[j * HD + c]; }
        let ds = exp(s - rowLse) * (dp - rowD);
        for (var c = 0u; c < HD; c++) { dq[c] += ds * kt[j * HD + c]; }
      }
    }
    ${BARRIER}
  }
  if (valid) {
    let base = (b * u.t + qi) * 3u * d + h * HD;
    for (var c = 0u; c < HD; c++) { dqkv[base + c] = dq[c] * u.scale; }
  }
}`;

/** dK, dV: per key row, over the queries at or after it. Writes the k and v columns of dqkv. */
const dkvSource = (hd: number, bc: number) => () => `
${bindings(['dqkv'], ['qkv', 'dout', 'lse', 'dd'], UNIFORMS)}
${COMMON(hd, bc)}
var<workgroup> qt: array<f32, ${bc * hd}>;
var<workgroup> got: array<f32, ${bc * hd}>;
var<workgroup> lt: array<f32, ${bc}>;
var<workgroup> dt: array<f32, ${bc}>;
${MAIN('kj')}
  var k: array<f32, ${hd}>;
  var v: array<f32, ${hd}>;
  var dk: array<f32, ${hd}>;
  var dv: array<f32, ${hd}>;
  if (valid) {
    let base = (b * u.t + kj) * 3u * d + d + h * HD;
    for (var c = 0u; c < HD; c++) { k[c] = qkv[base + c]; v[c] = qkv[base + d + c]; dk[c] = 0.0; dv[c] = 0.0; }
  }
  for (var q0 = wid.x * BR; q0 < u.t; q0 += BC) {
    for (var e = lid; e < BC * HD; e += BR) {
      let qr = q0 + e / HD;
      if (qr < u.t) {
        qt[e] = qkv[(b * u.t + qr) * 3u * d + h * HD + e % HD] * u.scale;
        got[e] = dout[(b * u.t + qr) * d + h * HD + e % HD];
      }
    }
    for (var e = lid; e < BC; e += BR) {
      if (q0 + e < u.t) { lt[e] = lse[bh * u.t + q0 + e]; dt[e] = dd[bh * u.t + q0 + e]; }
    }
    ${BARRIER}
    if (valid) {
      let n = min(BC, u.t - q0);
      for (var i = 0u; i < n; i++) {
        if (q0 + i >= kj) {
          var s = 0.0;
          var dp = 0.0;
          for (var c = 0u; c < HD; c++) { s += qt[i * HD + c] * k[c]; dp += got[i * HD + c] * v[c]; }
          let p = exp(s - lt[i]);
          let ds = p * (dp - dt[i]);
          for (var c = 0u; c < HD; c++) { dv[c] += p * got[i * HD + c]; dk[c] += ds * qt[i * HD + c]; }
        }
      }
    }
    ${BARRIER}
  }
  if (valid) {
    let base = (b * u.t + kj) * 3u * d + d + h * HD;
    for (var c = 0u; c < HD; c++) { dqkv[base + c] = dk[c]; dqkv[base + d + c] = dv[c]; }
  }
}`;

function uniforms(s: AttentionShape): Array<['u32' | 'f32', number]> {
  return [['u32', s.t], ['u32', s.heads], ['f32', 1 / Math.sqrt(s.hd)]];
}

/** O [B*T, D] and the log-sum-exp [B*H*T] of each query row. */
export function flashAttentionForward(backend: unknown, qkv: tf.TensorInfo, s: AttentionShape, workgroupBytes: number): [tf.TensorInfo, tf.TensorInfo] {
  const bc = tileRows(s.hd, workgroupBytes);
  const [o, lse] = outputsOf(backend, [s.batch * s.t, s.heads * s.hd], [s.batch * s.heads * s.t]);
  runProgram(backend, {
    key: `cf_flash_fwd_${s.hd}_${bc}`, source: forwardSource(s.hd, bc), outputs: [o!, lse!], inputs: [qkv],
    uniforms: uniforms(s), workgroups: [groups(s.t, BR), s.batch * s.heads],
  });
  return [o!, lse!];
}

/** d qkv [B*T, 3D] from dO, the input and the forward's O and log-sum-exp. */
export function flashAttentionBackward(
  backend: unknown, dout: tf.TensorInfo, qkv: tf.TensorInfo, o: tf.TensorInfo, lse: tf.TensorInfo, s: AttentionShape,
  workgroupBytes: number, dispose: (t: tf.TensorInfo) => void,
): tf.TensorInfo {
  const bc = tileRows(s.hd, workgroupBytes);
  const n = s.batch * s.heads * s.t;
  const [dd] = outputsOf(backend, [n]);
  runProgram(backend, {
    key: `cf_flash_rowdot_${s.hd}`, source: rowDotSource(s.hd), outputs: [dd!], inputs: [dout, o],
    uniforms: [['u32', s.t], ['u32', s.heads], ['u32', n]], workgroups: [groups(n, BR)],
  });
  const [dqkv] = outputsOf(backend, qkv.shape as number[]);
  const grid: [number, number] = [groups(s.t, BR), s.batch * s.heads];
  runProgram(backend, { key: `cf_flash_dq_${s.hd}_${bc}`, source: dqSource(s.hd, bc), outputs: [dqkv!], inputs: [qkv, dout, lse, dd!], uniforms: uniforms(s), workgroups: grid });
  runProgram(backend, { key: `cf_flash_dkv_${s.hd}_${bc}`, source: dkvSource(s.hd, bc), outputs: [dqkv!], inputs: [qkv, dout, lse, dd!], uniforms: uniforms(s), workgroups: grid });
  dispose(dd!);
  return dqkv!;
}
