// GPU figures for bench/train.ts: model FLOPs per token, the fp32 peak of known GPUs, MFU, memory.
import { countParameters, type GptConfig } from '../trainer/model.js';

/**
 * Training FLOPs per token as nanoGPT's estimate_mfu counts them (after the PaLM paper): 6 per parameter
 * (forward 2, backward 4), position embeddings left out, plus the attention products 12 * layers * dim *
 * context. Recomputed activations are not counted: MFU measures the model's work, not the work done.
 */
export function flopsPerToken(c: GptConfig, seqLen: number): number {
  const n = countParameters(c) - c.context * c.dim;
  return 6 * n + 12 * c.layers * c.dim * seqLen;
}

/**
 * Dense fp32 (not tensor-core) peaks in TFLOP/s from the vendors' data sheets, by a pattern of the adapter's
 * name; the issue's MFU target is against the fp32 peak. Unknown GPUs: pass --peak-tflops.
 */
const FP32_PEAKS: Array<[RegExp, number, string]> = [
  [/H100.*PCIe/i, 51, 'H100 PCIe'],
  [/H100|H200|GH200/i, 67, 'H100/H200 SXM'],
  [/A100/i, 19.5, 'A100'],
  [/L40S/i, 91.6, 'L40S'],
  [/\bL4\b/i, 30.3, 'L4'],
  [/A10G?\b/i, 31.2, 'A10'],
  [/RTX 4090/i, 82.6, 'RTX 4090'],
  [/\bT4\b/i, 8.1, 'T4'],
];

/** The fp32 peak for an adapter name, from --peak-tflops or the table; undefined when unknown. */
export function fp32Peak(adapterName: string, given?: number): { tflops: number; source: string } | undefined {
  if (given !== undefined) return { tflops: given, source: '--peak-tflops' };
  const hit = FP32_PEAKS.find(([re]) => re.test(adapterName));
  return hit ? { tflops: hit[1], source: `${hit[2]} data sheet` } : undefined;
}

/** Model FLOPs utilisation: achieved model FLOP/s over the peak. */
export function mfu(tokensPerS: number, perToken: number, peakTflops: number): number {
  return (tokensPerS * perToken) / (peakTflops * 1e12);
}

export function gib(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : '-';
}
