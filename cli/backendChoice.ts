import { valueFlags } from './args.js';
import { parseBackendChoice, resolveBackend, useBackend, type BackendName, type BackendStatus, type Precision } from '../trainer/backends.js';
import { parseWebgpuAdapterKind, WEBGPU_ADAPTER_ENV, type WebgpuAdapterKind } from '../trainer/webgpuDevice.js';

/** Flags of the commands that run the model (train, sample, eval), besides the shared --backend. */
export const MODEL_BACKEND_FLAGS = valueFlags('webgpu-adapter');

/** Help lines for --backend and --webgpu-adapter, the same in every command; descriptions start at column `col`. */
export function backendHelp(col: number): string {
  const rows: Array<[string, string[]]> = [
    ['  -b, --backend NAME', ['auto (default: webgpu on a hardware GPU adapter, else wasm), wasm, cpu,', "tensorflow, tensorflow-gpu or webgpu ('corpusforge doctor' says what runs here)"]],
    ['      --webgpu-adapter K', ["hardware (default) or software: Mesa on the CPU (Vulkan lavapipe from Mesa 25,", 'else OpenGL ES: libegl1 libgles2 libegl-mesa0), slower than wasm, for tests and CI;',
      `default from $${WEBGPU_ADAPTER_ENV}; --backend auto never takes the software adapter`]],
  ];
  // A flag as wide as the column gets its description on the next line.
  const block = (flag: string, lines: string[]) => (flag.length < col ? [flag.padEnd(col) + lines[0], ...lines.slice(1).map((l) => ' '.repeat(col) + l)] : [flag, ...lines.map((l) => ' '.repeat(col) + l)]);
  return rows.flatMap(([flag, lines]) => block(flag, lines)).join('\n');
}

export interface ChosenBackend {
  name: BackendName;
  /** Why this backend: 'asked for with --backend' or what auto found. */
  why: string;
  webgpuAdapter: WebgpuAdapterKind;
}

/** Resolves --backend (auto: a hardware WebGPU adapter, else wasm) and --webgpu-adapter without loading a backend. */
export function chooseBackend(v: { backend?: string; 'webgpu-adapter'?: string }): ChosenBackend {
  const choice = parseBackendChoice(v.backend ?? 'auto');
  const webgpuAdapter = parseWebgpuAdapterKind(v['webgpu-adapter']);
  const { name, why } = resolveBackend(choice);
  return { name, why, webgpuAdapter };
}

/** Switches tfjs to the chosen backend. */
export function startBackend(c: ChosenBackend, o: { wasmThreads?: number; precision?: Precision } = {}): Promise<BackendStatus> {
  return useBackend(c.name, { webgpuAdapter: c.webgpuAdapter, wasmThreads: o.wasmThreads, precision: o.precision });
}
