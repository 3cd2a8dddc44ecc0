/**
 * A relaxed-SIMD single-precision GEMM (trainer/kernels/sgemm.c) running on tfjs-backend-wasm's own heap.
 * tfjs 4.22's XNNPACK build multiplies and adds separately (128-bit wasm SIMD, no FMA); this kernel's
 * f32x4.relaxed_madd is one hardware FMA on x86. Node 20 compiles relaxed SIMD only behind V8's
 * --experimental-wasm-relaxed-simd flag, which is set at runtime before the kernel is compiled; where the
 * engine still rejects the module, `gemmFor` returns undefined and callers keep tfjs's own kernels.
 */
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export type GemmVariant = 'fma' | 'nofma';

interface GemmExports {
  gemm(m: number, n: number, k: number, a: number, sai: number, sak: number, b: number, sbk: number, sbj: number,
    c: number, ldc: number, accumulate: number, scratch: number): void;
  gemm_scratch_floats(): number;
}

/** One product's operands as byte addresses in the heap and element strides. */
export interface GemmCall {
  m: number;
  n: number;
  k: number;
  /** Element (i, p) of A is at a + 4 (i sai + p sak). */
  a: number;
  sai: number;
  sak: number;
  /** Element (p, j) of B is at b + 4 (p sbk + j sbj). */
  b: number;
  sbk: number;
  sbj: number;
  /** Element (i, j) of C is at c + 4 (i ldc + j). */
  c: number;
  ldc: number;
  /** C += A B instead of C = A B. */
  accumulate?: boolean;
}

export interface HeapGemm {
  variant: GemmVariant;
  run(call: GemmCall): void;
}

const KERNEL_DIR = new URL('./kernels/', import.meta.url);
const bytesCache = new Map<string, Uint8Array<ArrayBuffer> | null>();

/** A built kernel next to this module; undefined where it is missing (e.g. a bundle that left kernels/ behind). */
function kernelBytes(file: string): Uint8Array<ArrayBuffer> | undefined {
  if (!bytesCache.has(file)) {
    try {
      bytesCache.set(file, new Uint8Array(readFileSync(new URL(file, KERNEL_DIR))));
    } catch {
      bytesCache.set(file, null);
    }
  }
  return bytesCache.get(file) ?? undefined;
}

let relaxedChecked: boolean | undefined;

/**
 * Whether this engine compiles the relaxed-SIMD kernel, turning on V8's flag first where it is still
 * experimental (Node 20-21; later Node versions ship relaxed SIMD on by default).
 */
export function relaxedSimdAvailable(): boolean {
  if (relaxedChecked !== undefined) return relaxedChecked;
  const bytes = kernelBytes('sgemm.wasm');
  if (!bytes) return (relaxedChecked = false);
  if (!WebAssembly.validate(bytes)) {
    try {
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    } catch {
      // Not V8, or the flag is gone: validate below decides.
    }
  }
  relaxedChecked = WebAssembly.validate(bytes);
  return relaxedChecked;
}

/** The WebAssembly.Memory under a tfjs wasm backend: exported by the plain build, created in JS by the threaded one. */
function heapMemory(backend: BackendWasm): WebAssembly.Memory | undefined {
  const mod = backend.wasm as unknown as { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  const mem = mod.wasmMemory ?? mod.asm?.memory;
  return mem instanceof WebAssembly.Memory ? mem : undefined;
}

const perBackend = new WeakMap<BackendWasm, Map<GemmVariant, HeapGemm | null>>();

function instantiate(backend: BackendWasm, variant: GemmVariant): HeapGemm | undefined {
  if (!relaxedSimdAvailable()) return undefined;
  const memory = heapMemory(backend);
  if (!memory) return undefined;
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  if (shared && variant === 'nofma') return undefined;
  const file = shared ? 'sgemm-shared.wasm' : variant === 'fma' ? 'sgemm.wasm' : 'sgemm-nofma.wasm';
  const bytes = kernelBytes(file);
  if (!bytes) return undefined;
  const module = new WebAssembly.Module(bytes);
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as GemmExports;
  // Packing buffers live in the tfjs heap for the backend's lifetime (about 1.4 MB), 16-byte aligned.
  const malloc = (backend.wasm as unknown as { _malloc(bytes: number): number })._malloc;
  const raw = malloc(exports.gemm_scratch_floats() * 4 + 16);
  const scratch = Math.ceil(raw / 16) * 16;
  return {
    variant,
    run: (g) => exports.gemm(g.m, g.n, g.k, g.a, g.sai, g.sak, g.b, g.sbk, g.sbj, g.c, g.ldc, g.accumulate ? 1 : 0, scratch),
  };
}

/** The heap GEMM for a tfjs wasm backend instance, or undefined where relaxed SIMD or the heap is unavailable. */
export function gemmFor(backend: BackendWasm, variant: GemmVariant = 'fma'): HeapGemm | undefined {
  let byVariant = perBackend.get(backend);
  if (!byVariant) perBackend.set(backend, (byVariant = new Map()));
  if (!byVariant.has(variant)) byVariant.set(variant, instantiate(backend, variant) ?? null);
  return byVariant.get(variant) ?? undefined;
}
