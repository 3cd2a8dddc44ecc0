// bench/wasmGemm: single-thread float32 matrix products on tfjs-backend-wasm, on the shapes one training step
// of bench/train.ts's model issues (2 layers, dim 128, 2 heads, context 128, vocab 2048, batch 16):
//   tfjs        tf.matMul on the wasm backend (XNNPACK, wasm SIMD, multiply + add), the reference;
//   ours        trainer/kernels/sgemm.c on the same heap tensors, f32x4.relaxed_madd (hardware FMA);
//   ours-nofma  the same C kernel built with multiply + add (what the algorithm does without FMA).
// Every product is checked against tfjs's result (max abs difference / max abs value). The last row weighs
// each shape by how often a training step issues it (as trainer/matmul.ts and attention.ts issue them).
// Usage: node --import tsx bench/wasmGemm.ts [--quick]
import os from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { useBackend } from '../trainer/backends.js';
import { gemmFor, relaxedSimdAvailable, type HeapGemm } from '../trainer/gemm.js';
import { setWasmGemmEnabled } from '../trainer/gemmKernels.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean' } } });
const quick = values.quick === true;
const model = { vocab: 2048, context: 128, layers: 2, heads: 2, dim: 128, batch: 16 };

interface Case {
  name: string;
  m: number;
  k: number;
  n: number;
  /** Products of this shape in one training step. */
  perStep: number;
  /** The operand the model holds transposed (trainer/matmul.ts): tfjs copies it first, ours reads it by strides. */
  transposed?: 'a' | 'b';
}

function cases(): Case[] {
  const { vocab: v, context: t, layers: l, heads: h, dim: d, batch: b } = model;
  const rows = b * t;
  const hd = d / h;
  const blocks = b * h * l;
  const out: Case[] = [];
  const linears: Array<[string, number, number]> = [['qkv', d, 3 * d], ['attn-out', d, d], ['mlp-in', d, 4 * d], ['mlp-out', 4 * d, d]];
  for (const [name, k, n] of linears) {
    out.push({ name: `${name} fwd`, m: rows, k, n, perStep: l });
    out.push({ name: `${name} dX`, m: rows, k: n, n: k, perStep: l, transposed: 'b' });
    out.push({ name: `${name} dW`, m: k, k: rows, n, perStep: l, transposed: 'a' });
  }
  out.push({ name: 'logits fwd', m: rows, k: d, n: v, perStep: 1, transposed: 'b' });
  out.push({ name: 'logits dX', m: rows, k: v, n: d, perStep: 1 });
  out.push({ name: 'logits dWte^T', m: d, k: rows, n: v, perStep: 1, transposed: 'a' });
  out.push({ name: 'attn QK^T, dO V^T', m: t, k: hd, n: t, perStep: 2 * blocks });
  out.push({ name: 'attn PV, dS K', m: t, k: t, n: hd, perStep: 2 * blocks });
  out.push({ name: 'attn Q^T dS, dO^T P', m: hd, k: t, n: t, perStep: 2 * blocks });
  out.push({ name: 'bias/LN grads', m: 1, k: rows, n: d, perStep: 4 * l + 2 });
  return out;
}

/** Best of `rounds` rounds of the mean ms per call (each round at least `minMs` long): the least disturbed. */
function time(fn: () => void, minMs: number, rounds: number): number {
  fn();
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const start = performance.now();
    let el = 0;
    do {
      fn();
      n++;
      el = performance.now() - start;
    } while (el < minMs);
    best = Math.min(best, el / n);
  }
  return best;
}

function heapAddress(backend: BackendWasm, t: tf.TensorInfo): number {
  return backend.typedArrayFromHeap(t).byteOffset;
}

/** C = A B with the heap kernel into a fresh output tensor. */
function heapMatMul(backend: BackendWasm, gemm: HeapGemm, a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const [m, k] = a.shape;
  const n = b.shape[1];
  const out = backend.makeOutput([m, n], 'float32');
  gemm.run({ m, n, k, a: heapAddress(backend, a), sai: k, sak: 1, b: heapAddress(backend, b), sbk: n, sbj: 1, c: heapAddress(backend, out), ldc: n });
  return tf.engine().makeTensorFromTensorInfo(out) as tf.Tensor2D;
}

/** op(A) op(B) with the heap kernel reading a transposed operand by strides (a: [K, M] when ta, b: [N, K] when tb). */
function heapMatMulT(backend: BackendWasm, gemm: HeapGemm, a: tf.Tensor2D, b: tf.Tensor2D, ta: boolean, tb: boolean): tf.Tensor2D {
  const [m, k] = ta ? [a.shape[1], a.shape[0]] : a.shape;
  const n = tb ? b.shape[0] : b.shape[1];
  const out = backend.makeOutput([m, n], 'float32');
  gemm.run({ m, n, k, a: heapAddress(backend, a), sai: ta ? 1 : k, sak: ta ? m : 1, b: heapAddress(backend, b), sbk: tb ? 1 : n, sbj: tb ? k : 1, c: heapAddress(backend, out), ldc: n });
  return tf.engine().makeTensorFromTensorInfo(out) as tf.Tensor2D;
}

await useBackend('wasm');
// tf.matMul stays tfjs's own kernel here (the reference); ours is called directly on the heap.
setWasmGemmEnabled(false);
const backend = tf.backend() as BackendWasm;
const relaxed = relaxedSimdAvailable();
console.log(`device: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`tfjs-backend-wasm 1 thread (XNNPACK); relaxed SIMD: ${relaxed ? 'available' : 'NOT available'}`);
const fma = gemmFor(backend, 'fma');
const nofma = gemmFor(backend, 'nofma');
if (!fma || !nofma) {
  console.log('the relaxed-SIMD kernel cannot run here: nothing to compare');
  process.exit(0);
}

const minMs = quick ? 40 : 150;
const rounds = quick ? 3 : 5;
const header = ['product', 'M x K x N', 'per step', 'tfjs ms', 'ours ms', 'nofma ms', 'tfjs GF/s', 'ours GF/s', 'ours/tfjs', 'max abs diff/max', 'transposed form: tfjs / ours ms'];
const rows: string[][] = [];
let tfjsStep = 0;
let oursStep = 0;
let nofmaStep = 0;
let worstDiff = 0;
// Extra time of the model's transposed forms over the plain products (added to the step totals below).
let tfjsModel = 0;
let oursModel = 0;
for (const c of cases()) {
  const a = tf.randomNormal([c.m, c.k], 0, 1, 'float32', 1) as tf.Tensor2D;
  const b = tf.randomNormal([c.k, c.n], 0, 1, 'float32', 2) as tf.Tensor2D;
  const ref = tf.matMul(a, b);
  const mine = heapMatMul(backend, fma, a, b);
  const refV = ref.dataSync();
  const mineV = mine.dataSync();
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < refV.length; i++) {
    diff = Math.max(diff, Math.abs(refV[i]! - mineV[i]!));
    scale = Math.max(scale, Math.abs(refV[i]!));
  }
  const rel = diff / scale;
  worstDiff = Math.max(worstDiff, rel);
  tf.dispose([ref, mine]);
  const tTfjs = time(() => tf.matMul(a, b).dispose(), minMs, rounds);
  const tOurs = time(() => heapMatMul(backend, fma, a, b).dispose(), minMs, rounds);
  const tNofma = time(() => heapMatMul(backend, nofma, a, b).dispose(), minMs, rounds);
  let transposedCell = '';
  if (c.transposed) {
    // The model's form: the operand stored transposed. tfjs: transpose copy + product; ours: flags, in place.
    const ta = c.transposed === 'a';
    const at = ta ? tf.transpose(a) : a;
    const bt = ta ? b : tf.transpose(b);
    const tTfjsT = time(() => tf.tidy(() => tf.matMul(ta ? tf.transpose(at) : at, ta ? bt : tf.transpose(bt))).dispose(), minMs, rounds);
    const tOursT = time(() => heapMatMulT(backend, fma, at, bt, ta, !ta).dispose(), minMs, rounds);
    transposedCell = `${tTfjsT.toFixed(2)} / ${tOursT.toFixed(2)}`;
    tfjsModel += (tTfjsT - tTfjs) * c.perStep;
    oursModel += (tOursT - tOurs) * c.perStep;
    if (ta) at.dispose();
    else bt.dispose();
  }
  tf.dispose([a, b]);
  const gflop = (2 * c.m * c.k * c.n) / 1e9;
  tfjsStep += tTfjs * c.perStep;
  oursStep += tOurs * c.perStep;
  nofmaStep += tNofma * c.perStep;
  rows.push([c.name, `${c.m}x${c.k}x${c.n}`, String(c.perStep), tTfjs.toFixed(3), tOurs.toFixed(3), tNofma.toFixed(3),
    (gflop / (tTfjs / 1e3)).toFixed(1), (gflop / (tOurs / 1e3)).toFixed(1), `${(tTfjs / tOurs).toFixed(2)}x`, rel.toExponential(1), transposedCell]);
}
rows.push(['one step, weighted', '', '', tfjsStep.toFixed(1), oursStep.toFixed(1), nofmaStep.toFixed(1), '', '', `${(tfjsStep / oursStep).toFixed(2)}x`, worstDiff.toExponential(1),
  `${(tfjsStep + tfjsModel).toFixed(1)} / ${(oursStep + oursModel).toFixed(1)} = ${((tfjsStep + tfjsModel) / (oursStep + oursModel)).toFixed(2)}x`]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => `| ${r.map((x, i) => (i < 2 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
for (const r of rows) console.log(line(r));
console.log(`ours-nofma vs tfjs on the weighted step: ${(tfjsStep / nofmaStep).toFixed(2)}x (the algorithm without FMA)`);
