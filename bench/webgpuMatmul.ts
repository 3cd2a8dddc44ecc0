// Matrix products of a model preset's training step on the webgpu backend: tfjs-backend-webgpu's own f32
// shaders against the trainer's tiled kernel (trainer/kernels/matmulTiledKernel.ts) at each thread tile, in f32
// and, where the adapter has shader-f16, in f16 (what --precision f16 runs, at the 4x4 tile). Same tensors, same process; prints TFLOP/s, the
// ratio to tfjs's shaders, the share of the GPU's fp32 peak and the largest difference from tfjs's result.
// The products dominate a step's FLOPs (6 N per token), so this says where MFU is lost before a full run.
// Usage: node --import tsx bench/webgpuMatmul.ts [--preset tiny|mini|small] [--batch N] [--iters N]
//   [--webgpu-adapter hardware|software] [--peak-tflops X] [--quick (shapes / 8, for the software adapter)]
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../core/errors.js';
import { useBackend } from '../trainer/backends.js';
import { THREAD_TILES, type ThreadTile } from '../trainer/kernels/matmulTiledKernel.js';
import { setWebgpuProducts, type WebgpuProducts } from '../trainer/mixedPrecision.js';
import { modelPreset } from '../trainer/presets.js';
import { activeWebgpuAdapter, parseWebgpuAdapterKind } from '../trainer/webgpuDevice.js';
import { fp32Peak } from './_trainGpu.js';

const { values } = parseArgs({
  options: {
    preset: { type: 'string' }, batch: { type: 'string' }, iters: { type: 'string' }, 'webgpu-adapter': { type: 'string' },
    'peak-tflops': { type: 'string' }, quick: { type: 'boolean' }, vocab: { type: 'string' },
  },
});
const presetName = values.preset ?? 'small';
const p = modelPreset(presetName);
const shrink = values.quick ? 8 : 1;
const tokens = (Number(values.batch ?? (presetName === 'small' ? 8 : 16)) * p.context) / shrink;
const d = p.dim / shrink;
const vocab = Math.round(Number(values.vocab ?? 50257) / shrink);
const iters = Number(values.iters ?? (values.quick ? 2 : 20));

try {
  await useBackend('webgpu', { webgpuAdapter: parseWebgpuAdapterKind(values['webgpu-adapter']) });
} catch (e) {
  // `npm run bench` runs every benchmark: without an adapter this one has nothing to time.
  if (!(e instanceof UserError)) throw e;
  console.log(`skip webgpuMatmul: ${e.message} (--webgpu-adapter software times the CPU device)`);
  process.exit(0);
}
const adapter = activeWebgpuAdapter()!;
const peak = fp32Peak(adapter.name, values['peak-tflops'] === undefined ? undefined : Number(values['peak-tflops']));
console.log(`adapter: ${adapter.kind} ${adapter.name} on ${adapter.backend}; shader-f16: ${adapter.shaderF16 ? 'yes' : 'no'}; ` +
  `fp32 peak ${peak ? `${peak.tflops} TFLOP/s (${peak.source})` : 'unknown (--peak-tflops)'}`);
console.log(`${presetName} preset${values.quick ? ' / 8' : ''}: ${tokens} tokens per micro-batch, dim ${d}, vocab ${vocab}; ${iters} products each, after one warm-up`);

// [name, M, K, N, transposeA, transposeB]: the forward products and the two gradient products of each.
const linear = (name: string, k: number, n: number): Array<[string, number, number, number, boolean, boolean]> => [
  [`${name} x W`, tokens, k, n, false, false],
  [`${name} dX = dY W^T`, tokens, n, k, false, true],
  [`${name} dW = X^T dY`, k, tokens, n, true, false],
];
const shapes = [...linear('qkv', d, 3 * d), ...linear('proj', d, d), ...linear('mlp up', d, 4 * d), ...linear('mlp down', 4 * d, d), ...linear('lm head', d, vocab)];

// tfjs's shaders first (the reference), then the tiled kernel at each thread tile in f32 and, with shader-f16, f16.
interface Variant { label: string; mode: WebgpuProducts; tile?: ThreadTile }
const variants: Variant[] = [{ label: 'tfjs f32', mode: 'tfjs' }];
for (const mode of adapter.shaderF16 ? (['f32', 'f16'] as const) : (['f32'] as const)) {
  for (const tile of THREAD_TILES) variants.push({ label: `tiled ${mode} ${tile.rows}x${tile.cols}`, mode, tile });
}
const rows: string[] = [];
const totals = variants.map(() => ({ flops: 0, seconds: 0 }));
for (const [name, m, k, n, ta, tb] of shapes) {
  const a = tf.randomNormal(ta ? [k, m] : [m, k], 0, 1, 'float32', 1);
  const b = tf.randomNormal(tb ? [n, k] : [k, n], 0, 0.02, 'float32', 2);
  const flops = 2 * m * n * k;
  let reference: Float32Array | undefined;
  const cells: string[] = [];
  for (const [vi, v] of variants.entries()) {
    setWebgpuProducts(v.mode, v.tile);
    const warm = tf.matMul(a, b, ta, tb);
    const result = (await warm.data()) as Float32Array;
    warm.dispose();
    let diff = 0;
    let scale = 0;
    if (!reference) reference = result;
    else for (let i = 0; i < result.length; i += 97) (diff = Math.max(diff, Math.abs(result[i]! - reference[i]!))), (scale = Math.max(scale, Math.abs(reference[i]!)));
    const t0 = performance.now();
    for (let i = 0; i < iters; i++) tf.matMul(a, b, ta, tb).dispose();
    // A read waits for the queue to drain: the products above have run.
    const last = tf.matMul(a, b, ta, tb);
    await last.data();
    last.dispose();
    const seconds = (performance.now() - t0) / 1000;
    const tflops = (flops * (iters + 1)) / seconds / 1e12;
    totals[vi]!.flops += flops * (iters + 1);
    totals[vi]!.seconds += seconds;
    cells.push(`${tflops.toPrecision(3)}${peak ? ` (${((100 * tflops) / peak.tflops).toFixed(0)}%)` : ''}${v.mode === 'tfjs' ? '' : `, ${(diff / (scale || 1)).toExponential(1)}`}`);
  }
  setWebgpuProducts('tfjs');
  tf.dispose([a, b]);
  rows.push(`| ${name} | ${m} x ${k} x ${n} | ${cells.join(' | ')} |`);
}
console.log(`\nTFLOP/s (share of the fp32 peak), and for the tiled kernel the largest difference from tfjs's result:`);
console.log(`| product | M x K x N | ${variants.map((v) => v.label).join(' | ')} |`);
console.log(`|---|---|${variants.map(() => '---:').join('|')}|`);
for (const r of rows) console.log(r);
const rate = (i: number) => totals[i]!.flops / totals[i]!.seconds / 1e12;
console.log(`\nall products: ${variants.map((v, i) => `${v.label} ${rate(i).toPrecision(3)} TFLOP/s (${(rate(i) / rate(0)).toFixed(2)}x tfjs)`).join(', ')}`);
console.log('differences: sampled entries, over the largest |entry|; f16 rounds operands to 11 bits');
process.exit(0);
