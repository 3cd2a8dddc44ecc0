import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomicSync } from '../core/atomicFile.js';
import { UserError } from '../core/errors.js';
import { isSoftwareInfo, requestAdapter, SOFTWARE_BACKEND_ENV } from './webgpuAdapterRequest.mjs';

/*
 * The WebGPU device for tfjs-backend-webgpu in Node: Dawn from the npm `webgpu` package. Two adapters
 * (webgpuAdapterRequest.mjs says how each is asked for):
 * - hardware: Dawn's default backend (Vulkan on Linux), a GPU driver's device;
 * - software: Mesa on the CPU, its Vulkan lavapipe where Dawn accepts it (Mesa 25; with shader-f16), else its
 *   OpenGL ES device at the compatibility feature level. It runs the same kernels as a GPU, slower than the
 *   wasm backend, so it is used only when asked for (tests, CI).
 */

export const WEBGPU_ADAPTER_KINDS = ['hardware', 'software'] as const;
export type WebgpuAdapterKind = (typeof WEBGPU_ADAPTER_KINDS)[number];
/** Environment variable giving the default of `--webgpu-adapter`. */
export const WEBGPU_ADAPTER_ENV = 'CORPUSFORGE_WEBGPU_ADAPTER';

/** `--webgpu-adapter` (or, when absent, $CORPUSFORGE_WEBGPU_ADAPTER), default hardware. */
export function parseWebgpuAdapterKind(flag: string | undefined): WebgpuAdapterKind {
  const fromEnv = process.env[WEBGPU_ADAPTER_ENV] || undefined;
  const s = flag ?? fromEnv ?? 'hardware';
  if (!(WEBGPU_ADAPTER_KINDS as readonly string[]).includes(s)) {
    const from = flag === undefined ? `$${WEBGPU_ADAPTER_ENV}` : '--webgpu-adapter';
    throw new UserError(`${from} must be hardware or software, got '${s}'`);
  }
  return s as WebgpuAdapterKind;
}

/** What an adapter offers, for `doctor` and the backend line. */
export interface WebgpuAdapterReport {
  kind: WebgpuAdapterKind;
  /** Device and driver, e.g. "llvmpipe-llvm-15-0-6-256-bits- (llvmpipe: Mesa 25.0.7 (LLVM 15.0.6))". */
  name: string;
  /** Dawn's backend under it. */
  backend: 'vulkan' | 'opengles';
  /** A CPU implementation (llvmpipe, lavapipe, SwiftShader), whatever Dawn's backend. */
  software: boolean;
  features: string[];
  shaderF16: boolean;
  limits: Record<string, number>;
}

/** An adapter, or why there is none (what is missing, in words). */
export type AdapterLookup = { ok: true; report: WebgpuAdapterReport } | { ok: false; missing: string };

interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

const require = createRequire(import.meta.url);

export function resolveOptional(pkg: string): string | undefined {
  try {
    return require.resolve(pkg);
  } catch {
    return undefined;
  }
}

let dawn: DawnModule | undefined;

/** Loads dawn.node once and installs WebGPU's globals (GPUBufferUsage, ...) that tfjs-backend-webgpu reads. */
async function loadDawn(): Promise<DawnModule> {
  if (dawn) return dawn;
  const entry = resolveOptional('webgpu');
  if (!entry) throw new UserError("the 'webgpu' (Dawn) package is not installed");
  try {
    dawn = (await import('webgpu' as string)) as DawnModule;
  } catch (e) {
    throw new UserError(`dawn.node from the 'webgpu' package does not load on ${process.platform}-${process.arch}: ${(e as Error).message.split('\n')[0]}`);
  }
  Object.assign(globalThis, dawn.globals);
  return dawn;
}

/** Makes `navigator.gpu` the given instance (Node 20 has no navigator; tfjs-backend-webgpu checks for it on import). */
function exposeNavigatorGpu(gpu: GPU): void {
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
}

const LIMITS_SHOWN = [
  'maxStorageBuffersPerShaderStage', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize', 'maxBufferSize',
] as const;

interface AdapterFacts {
  backend: 'vulkan' | 'opengles';
  info: { vendor?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  features: string[];
  limits: Record<string, number>;
}

function reportOf(kind: WebgpuAdapterKind, a: AdapterFacts): WebgpuAdapterReport {
  const device = a.info.device || a.info.vendor || 'unnamed adapter';
  const name = a.info.description && a.info.description !== device ? `${device} (${a.info.description})` : device;
  const software = isSoftwareInfo(a.info);
  return { kind, name, backend: a.backend, software, features: a.features, shaderF16: a.features.includes('shader-f16'), limits: a.limits };
}

function factsOf(adapter: GPUAdapter, backend: AdapterFacts['backend']): AdapterFacts {
  const i = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const limits: Record<string, number> = {};
  for (const k of LIMITS_SHOWN) limits[k] = Number(adapter.limits[k]);
  return { backend, info: { vendor: i.vendor, device: i.device, description: i.description, isFallbackAdapter: i.isFallbackAdapter }, features: [...adapter.features].sort(), limits };
}

/** Library folders the dynamic loader searches on Linux (enough to say which library is missing). */
function libraryPresent(file: string): boolean {
  const multiarch = `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`;
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), multiarch, '/usr/lib64', '/usr/lib', '/lib64', '/lib'];
  return dirs.some((d) => existsSync(path.join(d, file)));
}

function missingFor(kind: WebgpuAdapterKind): string {
  const forced = process.env[SOFTWARE_BACKEND_ENV];
  if (kind === 'software' && forced) return `no software WebGPU adapter on Dawn's ${forced} backend ($${SOFTWARE_BACKEND_ENV}=${forced}; unset it to try both)`;
  if (kind === 'software') {
    const libs = ['libEGL.so.1', 'libGLESv2.so.2', 'libEGL_mesa.so.0'].filter((f) => !libraryPresent(f));
    const lavapipe = "Mesa's Vulkan lavapipe (Mesa 25; Debian 12: apt-get install -t bookworm-backports mesa-vulkan-drivers libvulkan1) ";
    if (libs.length) return `no software WebGPU adapter: ${lavapipe}did not open, and ${libs.join(', ')} (Mesa's OpenGL ES device) not found (Debian: apt-get install libegl1 libgles2 libegl-mesa0)`;
    return `no software WebGPU adapter: ${lavapipe}did not open, nor Mesa's OpenGL ES device (EGL_PLATFORM=${process.env.EGL_PLATFORM ?? 'unset'})`;
  }
  if (process.platform === 'linux' && !libraryPresent('libvulkan.so.1')) {
    return 'no hardware WebGPU adapter: libvulkan.so.1 (the Vulkan loader, Debian libvulkan1) is not installed, and a GPU driver with a Vulkan ICD is needed';
  }
  return 'no hardware WebGPU adapter: Dawn found no Vulkan GPU (a GPU driver with a Vulkan ICD is needed; headless NVIDIA: set ' +
    'VK_ICD_FILENAMES to a JSON whose ICD library_path is libEGL_nvidia.so.0, see docs/trainer.md)';
}

/** An adapter's facts as a lookup: a CPU implementation does not count as hardware. */
function lookupOf(kind: WebgpuAdapterKind, facts: AdapterFacts | null): AdapterLookup {
  if (!facts) return { ok: false, missing: missingFor(kind) };
  const report = reportOf(kind, facts);
  if (kind === 'hardware' && report.software) {
    return { ok: false, missing: `no hardware WebGPU adapter: the only one is a CPU implementation (${report.name}); --webgpu-adapter software runs on it` };
  }
  return { ok: true, report };
}

function packagesMissing(): string | undefined {
  if (!resolveOptional('webgpu')) return "the 'webgpu' (Dawn) package is not installed";
  if (!resolveOptional('@tensorflow/tfjs-backend-webgpu')) return '@tensorflow/tfjs-backend-webgpu is not installed';
  return undefined;
}

const probed = new Map<WebgpuAdapterKind, AdapterLookup>();

/** One run of trainer/webgpuProbe.mjs in a child process for `kinds`, with `env` added to this one's. */
function runProbe(kinds: readonly WebgpuAdapterKind[], env: Record<string, string> = {}): Map<WebgpuAdapterKind, AdapterLookup> {
  const script = fileURLToPath(new URL('./webgpuProbe.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [script, ...kinds], {
    encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env, CF_WEBGPU_LIMITS: LIMITS_SHOWN.join(',') },
  });
  let parsed: Record<string, AdapterFacts | null | { error: string }> = {};
  try {
    parsed = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as typeof parsed;
  } catch {
    const why = r.signal ? `was killed by ${r.signal}` : `exited with ${r.status}`;
    for (const k of kinds) parsed[k] = { error: `the adapter probe ${why}: ${r.stderr.trim().split('\n').pop() ?? ''}` };
  }
  return new Map(kinds.map((k) => {
    const v = parsed[k] ?? null;
    return [k, v && 'error' in v ? { ok: false, missing: `Dawn failed: ${v.error}` } : lookupOf(k, v)];
  }));
}

/**
 * Headless NVIDIA (containers, clusters): the driver's Vulkan ICD names libGLX_nvidia.so.0, which fails
 * without a display, so Dawn finds no GPU (measured on an H100); an ICD naming libEGL_nvidia.so.0 works. Where
 * that library is installed and VK_ICD_FILENAMES is not set, the file of such an ICD (written to the temp
 * folder), for a second probe; else undefined.
 */
function nvidiaEglIcd(): string | undefined {
  if (process.env.VK_ICD_FILENAMES || process.platform !== 'linux' || !libraryPresent('libEGL_nvidia.so.0')) return undefined;
  const file = path.join(os.tmpdir(), 'corpusforge-nvidia-egl-icd.json');
  writeFileAtomicSync(file, JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: 'libEGL_nvidia.so.0', api_version: '1.3.0' } }) + '\n');
  return file;
}

/**
 * What the adapters of `kinds` offer, asked in a child process (trainer/webgpuProbe.mjs): Dawn prints warnings
 * of its own to stderr when a backend is absent, and a broken driver could take the process down; neither
 * should reach a run that ends up on wasm. Cached per process. Never throws for a missing package or device.
 */
export function probeWebgpuAdapters(kinds: readonly WebgpuAdapterKind[]): Map<WebgpuAdapterKind, AdapterLookup> {
  const forced = process.env[SOFTWARE_BACKEND_ENV];
  if (kinds.includes('software') && forced && forced !== 'vulkan' && forced !== 'opengles') {
    throw new UserError(`$${SOFTWARE_BACKEND_ENV} must be vulkan or opengles, got '${forced}'`);
  }
  const missingPkg = packagesMissing();
  const todo = kinds.filter((k) => !probed.has(k));
  if (todo.length && missingPkg) for (const k of todo) probed.set(k, { ok: false, missing: missingPkg });
  else if (todo.length) {
    const found = runProbe(todo);
    const hardware = found.get('hardware');
    const icd = hardware && !hardware.ok ? nvidiaEglIcd() : undefined;
    if (hardware && !hardware.ok && icd) {
      const retry = runProbe(['hardware'], { VK_ICD_FILENAMES: icd }).get('hardware')!;
      if (retry.ok) {
        // The main process's Dawn instance, created later, must see the same ICD (the loader reads it then).
        process.env.VK_ICD_FILENAMES = icd;
        found.set('hardware', retry);
      } else {
        const why = retry.missing.startsWith('Dawn failed') ? retry.missing : 'no GPU either';
        found.set('hardware', { ok: false, missing: `${hardware.missing}; NVIDIA's EGL Vulkan ICD (${icd}) was tried too: ${why}` });
      }
    }
    for (const [k, v] of found) probed.set(k, v);
  }
  return new Map(kinds.map((k) => [k, probed.get(k)!]));
}

/** Errors the device reported outside any error scope (invalid pipelines, out of memory), oldest first. */
const deviceErrors: string[] = [];

/** Returns and clears the device errors seen so far; the trainer turns one into a failure (else it would read garbage). */
export function takeWebgpuErrors(): string[] {
  return deviceErrors.splice(0);
}

interface WebgpuBackendModule {
  WebGPUBackend: new (device: GPUDevice, adapterInfo?: GPUAdapterInfo) => object;
}

/**
 * Opens a device on the adapter and returns tfjs-backend-webgpu's backend on it. Done here rather than by the
 * package's own registration so that the device gets the adapter's storage-buffer limit (tfjs asks for WebGPU's
 * default of 8, and kernels with more bindings fail validation) and the software adapter's feature level.
 */
export async function createWebgpuBackend(kind: WebgpuAdapterKind): Promise<object> {
  const missingPkg = packagesMissing();
  if (missingPkg) throw new UserError(`backend 'webgpu' cannot run here: ${missingPkg}`);
  let d: DawnModule;
  try {
    d = await loadDawn();
  } catch (e) {
    throw new UserError(`backend 'webgpu' cannot run here: ${(e as Error).message}`);
  }
  // The route the probe found (without it, the main process would also try the others, and Dawn would print
  // its warnings for the missing ones).
  const probed = probeWebgpuAdapters([kind]).get(kind)!;
  const opened = await requestAdapter(d, kind, probed.ok ? probed.report.backend : undefined);
  const found = lookupOf(kind, opened ? factsOf(opened.adapter, opened.route.backend) : null);
  if (!found.ok || !opened) throw new UserError(`backend 'webgpu' cannot run here: ${found.ok ? 'no adapter' : found.missing}`);
  const { adapter, gpu } = opened;
  exposeNavigatorGpu(gpu);
  const mod = (await import('@tensorflow/tfjs-backend-webgpu' as string)) as WebgpuBackendModule;
  const requiredFeatures: GPUFeatureName[] = [];
  // shader-f16 for --precision f16's kernels (trainer/mixedPrecision.ts).
  for (const f of ['timestamp-query', 'shader-f16'] as const) if (adapter.features.has(f)) requiredFeatures.push(f);
  const requiredLimits: Record<string, number> = {};
  for (const k of LIMITS_SHOWN) requiredLimits[k] = Number(adapter.limits[k]);
  const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  device.addEventListener('uncapturederror', (e) => {
    deviceErrors.push((e as GPUUncapturedErrorEvent).error.message.split('\n')[0] ?? 'WebGPU error');
  });
  activeReport = found.report;
  return new mod.WebGPUBackend(device, adapter.info);
}

let activeReport: WebgpuAdapterReport | undefined;

/** The adapter of the device created last (what the running webgpu backend computes on). */
export function activeWebgpuAdapter(): WebgpuAdapterReport | undefined {
  return activeReport;
}
