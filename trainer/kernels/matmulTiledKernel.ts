import type * as tf from '@tensorflow/tfjs';
import { BARRIER, bindings, groups, outputsOf, runProgram } from './webgpuProgram.js';

/*
 * Batched products C[i] = op(A[i]) op(B[i]) on 64 x 64 output tiles, in half precision (WGSL shader-f16) for
 * `--precision f16`, or in f32 (the same tiling, timed against tfjs's own shaders by bench/webgpuMatmul.ts).
 *
 * f16: operands stay float32 tensors in memory (tfjs has no float16 dtype) and are rounded to f16 as a tile
 * is staged in workgroup memory; each 16-deep slice of the inner dimension is multiplied and summed in f16
 * (vec4<f16> FMAs, the arithmetic a GPU runs at twice its f32 rate), and the slices are summed in f32, so the
 * rounding error does not grow with the inner dimension (768 to 50,257 here). The result is float32.
 * Overflow is not hidden: an operand past f16's range (65,504) makes the workgroup's outputs +inf, as an f16
 * sum that overflows does, so dynamic loss scaling (trainer/lossScale.ts) sees a non-finite gradient and skips
 * the step.
 *
 * Tiles: 64 x 64 outputs per workgroup of 16 x 16 invocations, 4 x 4 each (larger thread tiles for the
 * bench); A and B slices of 16 x 64 in workgroup memory (4 KB in f16, 8 KB in f32). Transposed operands are
 * read in place (compile-time variants), so the backward pass makes no transposed copies. The f32 variant has
 * no overflow marking (f32 overflows to inf by itself).
 */

export type TiledPrecision = 'f16' | 'f32';

/**
 * Outputs per invocation, rows x columns (columns a multiple of 4: vec4 arithmetic); the 16 x 16 workgroup
 * covers 16 rows x 16 columns of them. 4 x 4 (64 x 64 tiles) is what the trainer runs; bench/webgpuMatmul.ts
 * times the larger ones, which reuse each staged operand more at the cost of registers and fewer workgroups.
 */
export interface ThreadTile {
  rows: 4 | 8;
  cols: 4 | 8;
}
export const THREAD_TILES: readonly ThreadTile[] = [{ rows: 4, cols: 4 }, { rows: 8, cols: 4 }, { rows: 8, cols: 8 }];
export const DEFAULT_THREAD_TILE: ThreadTile = { rows: 4, cols: 4 };

const DEPTH = 16;
const F16_MAX = 65504;

export interface TiledMatMulShape {
  batch: number;
  m: number;
  n: number;
  k: number;
  /** Elements between consecutive batch items of A and B (0 broadcasts one matrix to the whole batch). */
  aStride: number;
  bStride: number;
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * Stages this invocation's share (size / 16 elements) of a `size` x 16 slice of op(X) in workgroup memory `tile[d][r]` (d
 * along the inner dimension, r along rows of op(X)). In memory, op(X)'s element (r, d) lies at r * k + d
 * untransposed, d * rows + r transposed; consecutive invocations read consecutive addresses.
 */
const loadSlice = (name: string, tile: string, transposed: boolean, rows: string, row0: string, size: number, f16: boolean) => {
  const [r, d] = transposed ? [`idx % ${size}u`, `idx / ${size}u`] : ['idx / 16u', 'idx % 16u'];
  const at = transposed ? `(k0 + d) * ${rows} + row` : `row * u.k + k0 + d`;
  return `for (var e = 0u; e < ${(size * DEPTH) / 256}u; e++) {
      let idx = tid + e * 256u;
      let r = ${r};
      let d = ${d};
      let row = ${row0} + r;
      var x = 0.0;
      if (row < ${rows} && k0 + d < u.k) { x = ${name}[${name}Base + ${at}]; }
      ${tile}[d][r] = ${f16 ? `stage(x, &overflow)` : 'x'};
    }`;
};

/** f16: an operand rounded for workgroup memory; beyond f16's range it is clamped and the tile marked. */
const STAGE_F16 = `fn stage(x: f32, overflow: ptr<function, bool>) -> f16 {
  if (abs(x) > ${F16_MAX}.0) { *overflow = true; }
  return f16(clamp(x, -${F16_MAX}.0, ${F16_MAX}.0));
}`;

const source = (ta: boolean, tb: boolean, p: TiledPrecision, t: ThreadTile) => {
  const f16 = p === 'f16';
  const tileM = 16 * t.rows;
  const tileN = 16 * t.cols;
  const v = t.cols / 4; // vec4s per output row of an invocation
  return `${f16 ? 'enable f16;' : ''}
${bindings(['c'], ['a', 'b'], ['m: u32', 'n: u32', 'k: u32', 'aStride: u32', 'bStride: u32', 'infBits: u32'])}
var<workgroup> As: array<array<${p}, ${tileM}>, ${DEPTH}>;
var<workgroup> Bs: array<array<${p}, ${tileN}>, ${DEPTH}>;
${f16 ? `var<workgroup> overflowSeen: atomic<u32>;
${STAGE_F16}` : ''}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let tid = lid.y * 16u + lid.x;
  let aBase = wid.z * u.aStride;
  let bBase = wid.z * u.bStride;
  let row0 = wid.y * ${tileM}u;
  let col0 = wid.x * ${tileN}u;
  var acc: array<vec4<f32>, ${t.rows * v}>;
  ${f16 ? 'var overflow = false;' : ''}
  for (var k0 = 0u; k0 < u.k; k0 += ${DEPTH}u) {
    ${loadSlice('a', 'As', ta, 'u.m', 'row0', tileM, f16)}
    ${loadSlice('b', 'Bs', !tb, 'u.n', 'col0', tileN, f16)}
    ${BARRIER}
    var part: array<vec4<${p}>, ${t.rows * v}>;
    // Zeroed explicitly: lavapipe kept the previous slice's values in a declaration without initialiser.
    for (var i = 0u; i < ${t.rows * v}u; i++) { part[i] = vec4<${p}>(0.0); }
    for (var d = 0u; d < ${DEPTH}u; d++) {
      var bv: array<vec4<${p}>, ${v}>;
      for (var j = 0u; j < ${v}u; j++) {
        let c4 = lid.x * ${t.cols}u + 4u * j;
        bv[j] = vec4<${p}>(Bs[d][c4], Bs[d][c4 + 1u], Bs[d][c4 + 2u], Bs[d][c4 + 3u]);
      }
      for (var i = 0u; i < ${t.rows}u; i++) {
        let av = vec4<${p}>(As[d][lid.y * ${t.rows}u + i]);
        for (var j = 0u; j < ${v}u; j++) { part[i * ${v}u + j] = fma(av, bv[j], part[i * ${v}u + j]); }
      }
    }
    for (var i = 0u; i < ${t.rows * v}u; i++) { acc[i] += vec4<f32>(part[i]); }
    ${BARRIER}
  }
  ${f16 ? `if (overflow) { atomicStore(&overflowSeen, 1u); }
  ${BARRIER}
  let inf = bitcast<f32>(u.infBits); // a uniform: WGSL refuses an infinite constant
  let anyOverflow = atomicLoad(&overflowSeen) != 0u;` : ''}
  let cBase = wid.z * u.m * u.n;
  for (var i = 0u; i < ${t.rows}u; i++) {
    let row = row0 + lid.y * ${t.rows}u + i;
    if (row >= u.m) { continue; }
    for (var j = 0u; j < ${t.cols}u; j++) {
      let col = col0 + lid.x * ${t.cols}u + j;
      let x = acc[i * ${v}u + j / 4u][j % 4u];
      if (col < u.n) { c[cBase + row * u.n + col] = ${f16 ? 'select(x, inf, anyOverflow)' : 'x'}; }
    }
  }
}`;
};

/** C = op(A) op(B) in `p` arithmetic (see the top of this file), of `shape` ([..., m, n], batch * m * n elements). */
export function tiledMatMul(backend: unknown, a: tf.TensorInfo, b: tf.TensorInfo, s: TiledMatMulShape, shape: number[], p: TiledPrecision, t = DEFAULT_THREAD_TILE): tf.TensorInfo {
  const [c] = outputsOf(backend, shape);
  runProgram(backend, {
    key: `cf_matmul_${p}_${s.transposeA ? 't' : 'n'}${s.transposeB ? 't' : 'n'}_${t.rows}x${t.cols}`,
    source: () => source(s.transposeA, s.transposeB, p, t),
    outputs: [c!], inputs: [a, b],
    uniforms: [['u32', s.m], ['u32', s.n], ['u32', s.k], ['u32', s.aStride], ['u32', s.bStride], ['u32', 0x7f800000]],
    workgroups: [groups(s.n, 16 * t.cols), groups(s.m, 16 * t.rows), s.batch],
  });
  return c!;
}
