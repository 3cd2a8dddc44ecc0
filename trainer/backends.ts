import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../core/errors.js';
import { registerWasmGemmKernels, wasmGemmActive } from './gemmKernels.js';
import { registerSegmentSumKernels } from './segmentSumKernels.js';
import { registerWasmGatherKernels } from './wasmGatherKernels.js';
import { registerWasmIdentityKernel } from './wasmIdentityKernel.js';
import { registerWasmSliceKernels } from './wasmSliceKernels.js';

/** The tfjs backends the trainer knows. `tensorflow*` and `webgpu` need optional packages. */
export const BACKEND_NAMES = ['wasm', 'cpu', 'tensorflow', 'tensorflow-gpu', 'webgpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendStatus {
  name: BackendName;
  ok: boolean;
  /** Why it cannot run, or what it runs with (threads, SIMD, device). */
  detail: string;
  /** float16 compute: no tfjs backend offers it today; stated per backend so users need not guess. */
  float16: string;
}

const require = createRequire(import.meta.url);

function isBackendName(s: string): s is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(s);
}

export function parseBackendName(s: string): BackendName {
  if (!isBackendName(s)) throw new UserError(`--backend must be one of ${BACKEND_NAMES.join(', ')}, got '${s}'`);
  return s;
}

function resolveOptional(pkg: string): string | undefined {
  try {
    return require.resolve(pkg);
  } catch {
    return undefined;
  }
}

const INSTALL_HINT: Record<'tensorflow' | 'tensorflow-gpu' | 'webgpu', string> = {
  tensorflow:
    "backend 'tensorflow' needs @tensorflow/tfjs-node: run 'npm install @tensorflow/tfjs-node@4.22.0' " +
    '(its install downloads libtensorflow 2.9.1, so it needs network access)',
  'tensorflow-gpu':
    "backend 'tensorflow-gpu' needs @tensorflow/tfjs-node-gpu: run 'npm install @tensorflow/tfjs-node-gpu@4.22.0' " +
    '(downloads libtensorflow 2.9.1 built for CUDA 11.2 / cuDNN 8.1 only; needs network access)',
  webgpu:
    "backend 'webgpu' needs the 'webgpu' (Dawn for Node) and '@tensorflow/tfjs-backend-webgpu' packages: run " +
    "'npm install webgpu @tensorflow/tfjs-backend-webgpu@4.22.0'; it also needs libvulkan1 and a GPU driver's Vulkan ICD",
};

/** How to make an optional backend available ('' for the built-in ones). */
export function installHint(name: BackendName): string {
  return name === 'wasm' || name === 'cpu' ? '' : INSTALL_HINT[name];
}

const FLOAT16: Record<BackendName, string> = {
  wasm: 'no (float32 only)',
  cpu: 'no (float32 only)',
  tensorflow: 'no (tfjs-node exposes float32 kernels only)',
  'tensorflow-gpu': 'no (tfjs-node-gpu exposes float32 kernels only)',
  webgpu: 'no (tfjs-backend-webgpu 4.22 computes in float32)',
};

async function webgpuAdapterName(): Promise<string | undefined> {
  // The 'webgpu' package (Dawn) provides navigator.gpu for Node; tfjs-backend-webgpu reads it from globalThis.
  const mod = (await import(resolveOptional('webgpu') ?? 'webgpu')) as {
    create(flags: string[]): { requestAdapter(): Promise<{ info?: { description?: string; vendor?: string } } | null> };
    globals: Record<string, unknown>;
  };
  Object.assign(globalThis, mod.globals);
  const gpu = mod.create([]);
  const nav = (globalThis as unknown as { navigator?: Record<string, unknown> }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  const adapter = await gpu.requestAdapter();
  if (!adapter) return undefined;
  return adapter.info?.description || adapter.info?.vendor || 'GPU adapter';
}

/** Checks whether a backend can run here without switching to it. */
export async function probeBackend(name: BackendName): Promise<BackendStatus> {
  const float16 = FLOAT16[name];
  switch (name) {
    case 'cpu':
      return { name, ok: true, detail: 'pure JavaScript kernels (slow; fallback)', float16 };
    case 'wasm': {
      const simd = await wasmSimdSupported();
      return { name, ok: true, detail: simd ? 'WebAssembly SIMD + XNNPACK' : 'WebAssembly without SIMD (slow)', float16 };
    }
    case 'tensorflow':
    case 'tensorflow-gpu': {
      const pkg = name === 'tensorflow' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';
      if (!resolveOptional(pkg)) return { name, ok: false, detail: `${pkg} is not installed`, float16 };
      return { name, ok: true, detail: `${pkg} installed`, float16 };
    }
    case 'webgpu': {
      if (!resolveOptional('webgpu')) return { name, ok: false, detail: "the 'webgpu' (Dawn) package is not installed", float16 };
      if (!resolveOptional('@tensorflow/tfjs-backend-webgpu'))
        return { name, ok: false, detail: '@tensorflow/tfjs-backend-webgpu is not installed', float16 };
      try {
        const adapter = await webgpuAdapterName();
        if (!adapter) {
          // Seen on a headless NVIDIA container: the driver's GLX-based ICD yields no instance, its EGL one works.
          const detail = 'no WebGPU adapter (needs libvulkan1 and a Vulkan ICD from the GPU driver; headless NVIDIA: ' +
            'set VK_ICD_FILENAMES to a JSON whose ICD library_path is libEGL_nvidia.so.0, see docs/benchmarks.md)';
          return { name, ok: false, detail, float16 };
        }
        return { name, ok: true, detail: adapter, float16 };
      } catch (e) {
        return { name, ok: false, detail: `Dawn failed to start: ${(e as Error).message.split('\n')[0]}`, float16 };
      }
    }
  }
}

export async function probeAllBackends(): Promise<BackendStatus[]> {
  const out: BackendStatus[] = [];
  for (const name of BACKEND_NAMES) out.push(await probeBackend(name));
  return out;
}

async function wasmSimdSupported(): Promise<boolean> {
  await import('@tensorflow/tfjs-backend-wasm');
  return (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
}

/**
 * Makes `name` the active tfjs backend, loading optional packages only now.
 * Throws a UserError that says how to install a missing backend.
 */
export async function useBackend(name: BackendName, opts: { wasmThreads?: number } = {}): Promise<BackendStatus> {
  const wasmThreads = name === 'wasm' ? Math.max(1, opts.wasmThreads ?? 1) : 1;
  if (tf.engine().backendName === backendRegistryName(name) && (name !== 'wasm' || wasmThreads === activeWasmThreads)) {
    return { name, ok: true, detail: describeActive(name), float16: FLOAT16[name] };
  }
  // Production mode skips debug-only checks and tfjs's "install tfjs-node" banner on the cpu backend.
  if (!tf.env().getBool('PROD')) tf.enableProdMode();
  const status = await probeBackend(name);
  if (!status.ok) {
    const hint = installHint(name) ? `; ${installHint(name)}` : '';
    throw new UserError(`backend '${name}' cannot run here: ${status.detail}${hint}`);
  }
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    // In Node the emscripten loader reads the .wasm with fs, so a plain folder path (with the slash) works.
    if (!wasmPathsSet) wasm.setWasmPaths(dist + path.sep);
    wasmPathsSet = true;
    await registerWasm(wasmThreads);
  } else if (name === 'tensorflow' || name === 'tensorflow-gpu') {
    await import(name === 'tensorflow' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu' as string);
  } else if (name === 'webgpu') {
    await import('@tensorflow/tfjs-backend-webgpu' as string);
    chunkWebgpuAddN();
  }
  if (name === 'wasm' || name === 'cpu') registerSegmentSumKernels();
  if (name === 'wasm') {
    registerWasmSliceKernels();
    registerWasmGatherKernels();
    registerWasmIdentityKernel();
    registerWasmGemmKernels();
  }
  const ok = await tf.setBackend(backendRegistryName(name));
  if (!ok) throw new UserError(`backend '${name}' failed to initialise`);
  await tf.ready();
  return { name, ok: true, detail: describeActive(name), float16: FLOAT16[name] };
}

let wasmPathsSet = false;
/** XNNPACK threads of the registered `wasm` backend (1: tfjs's own single-threaded registration). */
let activeWasmThreads = 1;
let singleThreadedWasm: unknown;
let reportedWasmThreads: (() => number) | undefined;

/** XNNPACK's own thread count for the active wasm backend (what its pthreadpool reports), or 1. */
export function wasmThreadCount(): number {
  return tf.getBackend() === 'wasm' && reportedWasmThreads ? reportedWasmThreads() : 1;
}

/** Registers the wasm backend with `threads` XNNPACK threads (the threaded build, trainer/wasmThreads.ts) or tfjs's own. */
async function registerWasm(threads: number): Promise<void> {
  const registry = (tf.engine() as unknown as { registryFactory: Record<string, unknown> }).registryFactory;
  singleThreadedWasm ??= registry.wasm;
  if (threads === activeWasmThreads) return;
  if (registry.wasm) tf.removeBackend('wasm');
  if (threads > 1) {
    const { registerThreadedWasm } = await import('./wasmThreads.js');
    reportedWasmThreads = await registerThreadedWasm(threads);
  } else {
    registry.wasm = singleThreadedWasm;
    reportedWasmThreads = undefined;
  }
  activeWasmThreads = threads;
}

interface WebgpuLimits {
  device: { limits: { maxStorageBuffersPerShaderStage: number } };
  disposeData(dataId: object): void;
}

/**
 * tfjs-backend-webgpu 4.22 binds every AddN input as its own storage buffer, and the device it creates keeps
 * WebGPU's default of 8 per shader stage, so AddN over more tensors (the trainer's global gradient norm sums
 * one per parameter, 28 for 2 layers) fails pipeline validation and reads back garbage. Sum in chunks instead.
 */
function chunkWebgpuAddN(): void {
  const original = tf.getKernel('AddN', 'webgpu');
  if (!original || (original as { chunked?: boolean }).chunked) return;
  const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
    const b = backend as unknown as WebgpuLimits;
    const perCall = Math.max(2, b.device.limits.maxStorageBuffersPerShaderStage - 1);
    let terms = inputs as unknown as tf.TensorInfo[];
    const partials: tf.TensorInfo[] = [];
    while (terms.length > perCall) {
      const next: tf.TensorInfo[] = [];
      for (let i = 0; i < terms.length; i += perCall) {
        const chunk = terms.slice(i, i + perCall);
        if (chunk.length === 1) next.push(chunk[0]!);
        else {
          const sum = original.kernelFunc({ inputs: chunk as unknown as tf.NamedTensorInfoMap, backend, attrs }) as tf.TensorInfo;
          partials.push(sum);
          next.push(sum);
        }
      }
      terms = next;
    }
    const out = original.kernelFunc({ inputs: terms as unknown as tf.NamedTensorInfoMap, backend, attrs }) as tf.TensorInfo;
    for (const t of partials) b.disposeData(t.dataId);
    return out;
  };
  tf.unregisterKernel('AddN', 'webgpu');
  tf.registerKernel({ kernelName: 'AddN', backendName: 'webgpu', kernelFunc, chunked: true } as tf.KernelConfig);
}

function backendRegistryName(name: BackendName): string {
  // tfjs-node and tfjs-node-gpu both register themselves as 'tensorflow'.
  return name === 'tensorflow-gpu' ? 'tensorflow' : name;
}

function describeActive(name: BackendName): string {
  if (name === 'wasm') {
    const n = wasmThreadCount();
    const products = wasmGemmActive() ? '; products: relaxed-SIMD FMA GEMM' : '';
    return `WebAssembly SIMD + XNNPACK, ${n} thread${activeWasmThreads > 1 ? 's (threaded build)' : ''}${products}`;
  }
  if (name === 'cpu') return 'pure JavaScript kernels';
  return name;
}
