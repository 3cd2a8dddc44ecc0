import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '../core/errors.js';
import { activeWebgpuAdapter, createWebgpuBackend, probeWebgpuAdapters, resolveOptional, type WebgpuAdapterKind } from './webgpuDevice.js';
import { registerWasmGemmKernels, wasmGemmActive } from './gemmKernels.js';
import { registerSegmentSumKernels } from './segmentSumKernels.js';
import { registerWasmGatherKernels } from './wasmGatherKernels.js';
import { registerWasmIdentityKernel } from './wasmIdentityKernel.js';
import { registerWasmSliceKernels } from './wasmSliceKernels.js';
import { setWebgpuProducts } from './mixedPrecision.js';
import { registerWebgpuKernels } from './webgpuKernels.js';

/** The tfjs backends the trainer knows. `tensorflow*` and `webgpu` need optional packages. */
export const BACKEND_NAMES = ['wasm', 'cpu', 'tensorflow', 'tensorflow-gpu', 'webgpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** `--backend`: a backend, or `auto` (webgpu on a hardware adapter, else wasm). */
export type BackendChoice = BackendName | 'auto';

/** Arithmetic of activations and products: f16 needs webgpu on an adapter with shader-f16. */
export type Precision = 'f32' | 'f16';

export interface BackendStatus {
  name: BackendName;
  ok: boolean;
  /** Why it cannot run, or what it runs with (threads, SIMD, device). */
  detail: string;
  /** float16 compute: no tfjs backend offers it today; stated per backend so users need not guess. */
  float16: string;
  /** When a missing package is why it cannot run: how to install it. */
  install?: string;
}

const require = createRequire(import.meta.url);

function isBackendName(s: string): s is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(s);
}

export function parseBackendName(s: string): BackendName {
  if (!isBackendName(s)) throw new UserError(`--backend must be one of ${BACKEND_NAMES.join(', ')}, got '${s}'`);
  return s;
}

export function parseBackendChoice(s: string): BackendChoice {
  if (s === 'auto') return s;
  if (!isBackendName(s)) throw new UserError(`--backend must be auto or one of ${BACKEND_NAMES.join(', ')}, got '${s}'`);
  return s;
}

export function parsePrecision(s: string): Precision {
  if (s !== 'f32' && s !== 'f16') throw new UserError(`--precision must be f32 or f16, got '${s}'`);
  return s;
}

/**
 * `--precision f16` (trainer/mixedPrecision.ts) needs webgpu on an adapter with shader-f16 and the trainer's
 * WGSL kernels (not CORPUSFORGE_WEBGPU_KERNELS=tfjs: the update that skips an overflowed step is one of them);
 * otherwise one error naming what is missing.
 */
function checkF16(name: BackendName, kind: WebgpuAdapterKind): void {
  if (name !== 'webgpu') throw new UserError(`--precision f16 needs the webgpu backend (backend ${name} computes in float32 only); use --precision f32`);
  const found = probeWebgpuAdapters([kind]).get(kind)!;
  if (!found.ok) throw new UserError(`--precision f16 needs a WebGPU adapter with shader-f16: ${found.missing}`);
  if (!found.report.shaderF16) {
    throw new UserError(`--precision f16 needs a WebGPU adapter with shader-f16; ${found.report.name} offers: ${found.report.features.join(', ') || 'no optional features'}; use --precision f32`);
  }
  if (process.env.CORPUSFORGE_WEBGPU_KERNELS === 'tfjs') throw new UserError('--precision f16 needs the trainer\'s WebGPU kernels; unset CORPUSFORGE_WEBGPU_KERNELS=tfjs or use --precision f32');
}

/**
 * `auto`: webgpu when a hardware adapter is there, else wasm (the software adapter is slower than wasm, so
 * auto never takes it). Returns the backend and why, in words, for the run's first line.
 */
export function resolveBackend(choice: BackendChoice): { name: BackendName; why: string } {
  if (choice !== 'auto') return { name: choice, why: 'asked for with --backend' };
  const hw = probeWebgpuAdapters(['hardware']).get('hardware')!;
  if (hw.ok) return { name: 'webgpu', why: `auto: hardware WebGPU adapter ${hw.report.name}` };
  return { name: 'wasm', why: `auto: ${hw.missing}` };
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
    "'npm install webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0' (optional dependencies of corpusforge; npm skips them " +
    "when they fail to install); a GPU needs libvulkan1 and the driver's Vulkan ICD; the software adapter (--webgpu-adapter " +
    "software) needs Mesa 25's mesa-vulkan-drivers, or libegl1 libgles2 libegl-mesa0",
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
  webgpu: 'products in f16 with --precision f16 on an adapter with shader-f16 (trainer/mixedPrecision.ts); f32 otherwise',
};

/** Checks whether a backend can run here without switching to it. */
export async function probeBackend(name: BackendName, webgpuAdapter: WebgpuAdapterKind = 'hardware'): Promise<BackendStatus> {
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
      if (!resolveOptional(pkg)) return { name, ok: false, detail: `${pkg} is not installed`, float16, install: installHint(name) };
      return { name, ok: true, detail: `${pkg} installed`, float16 };
    }
    case 'webgpu': {
      const found = probeWebgpuAdapters([webgpuAdapter]).get(webgpuAdapter)!;
      const packageMissing = !resolveOptional('webgpu') || !resolveOptional('@tensorflow/tfjs-backend-webgpu');
      if (!found.ok) return { name, ok: false, detail: found.missing, float16, ...(packageMissing ? { install: installHint(name) } : {}) };
      const f16 = found.report.shaderF16 ? 'shader-f16' : 'no shader-f16';
      return { name, ok: true, detail: `${webgpuAdapter} adapter ${found.report.name}, ${f16}`, float16 };
    }
  }
}

export async function probeAllBackends(webgpuAdapter: WebgpuAdapterKind = 'hardware'): Promise<BackendStatus[]> {
  const out: BackendStatus[] = [];
  for (const name of BACKEND_NAMES) out.push(await probeBackend(name, webgpuAdapter));
  return out;
}

async function wasmSimdSupported(): Promise<boolean> {
  await import('@tensorflow/tfjs-backend-wasm');
  return (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
}

export interface BackendOptions {
  /** XNNPACK threads of the wasm backend (its threaded build above 1). */
  wasmThreads?: number;
  /** Which WebGPU adapter the webgpu backend opens (default hardware). */
  webgpuAdapter?: WebgpuAdapterKind;
  /** f16: products in half precision (webgpu with shader-f16 only; otherwise one error with the reason). */
  precision?: Precision;
}

/**
 * Makes `name` the active tfjs backend, loading optional packages only now.
 * Throws a UserError that says what is missing and how to install a missing package.
 */
export async function useBackend(name: BackendName, opts: BackendOptions = {}): Promise<BackendStatus> {
  const wasmThreads = name === 'wasm' ? Math.max(1, opts.wasmThreads ?? 1) : 1;
  const precision = opts.precision ?? 'f32';
  if (precision === 'f16') checkF16(name, opts.webgpuAdapter ?? 'hardware');
  const webgpuKey = opts.webgpuAdapter ?? 'hardware';
  if (tf.engine().backendName === backendRegistryName(name) && (name !== 'wasm' || wasmThreads === activeWasmThreads) && (name !== 'webgpu' || webgpuKey === activeWebgpuKey)) {
    setWebgpuProducts(precision === 'f16' ? 'f16' : 'tfjs');
    return { name, ok: true, detail: describeActive(name), float16: FLOAT16[name] };
  }
  // Production mode skips debug-only checks and tfjs's "install tfjs-node" banner on the cpu backend.
  if (!tf.env().getBool('PROD')) tf.enableProdMode();
  // For webgpu this asks a child process first (trainer/webgpuDevice.ts), so that a missing adapter is our one
  // error line without Dawn's own warnings.
  const status = await probeBackend(name, opts.webgpuAdapter);
  if (!status.ok) {
    const hint = status.install ? `; ${status.install}` : '';
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
  } else if (name === 'webgpu' && activeWebgpuKey !== webgpuKey) {
    // One device per adapter kind and process: switching back to webgpu reuses it (and its compiled pipelines).
    await registerWebgpu(webgpuKey);
    activeWebgpuKey = webgpuKey;
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
  if (name === 'webgpu') {
    chunkWebgpuAddN();
    registerWebgpuKernels();
    setWebgpuProducts(precision === 'f16' ? 'f16' : 'tfjs');
  }
  return { name, ok: true, detail: describeActive(name), float16: FLOAT16[name] };
}

let wasmPathsSet = false;
/** Adapter kind of the registered webgpu backend. */
let activeWebgpuKey: string | undefined;

/**
 * Registers tfjs's 'webgpu' backend on a device of ours (trainer/webgpuDevice.ts), replacing the package's own
 * registration and any earlier one of another adapter (tfjs then disposes that backend).
 */
async function registerWebgpu(kind: WebgpuAdapterKind): Promise<void> {
  // Created first, so that a missing adapter is one UserError (tfjs logs a factory's error and goes on).
  const backend = (await createWebgpuBackend(kind)) as tf.KernelBackend;
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => backend, 1);
}

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
 * tfjs-backend-webgpu 4.22 binds every AddN input as its own storage buffer, and a device allows a limited
 * number per shader stage (WebGPU's default 8, which tfjs's own device keeps; the adapter's own here: 16 on
 * Mesa's GLES device), so AddN over more tensors (the trainer's global gradient norm sums one per parameter,
 * 28 for 2 layers) fails pipeline validation and reads back garbage. Sum in chunks instead.
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
  if (name === 'webgpu') {
    const a = activeWebgpuAdapter();
    return a ? `${a.kind} adapter ${a.name}` : 'webgpu';
  }
  return name;
}
