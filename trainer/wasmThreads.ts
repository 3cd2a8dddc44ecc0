/**
 * tfjs-backend-wasm's threaded-SIMD build, started in Node. tfjs itself never picks it there: its
 * WASM_HAS_MULTITHREAD_SUPPORT flag is hard-coded false in Node (tfjs issue 3830), and its loader hands the
 * emscripten glue Blob URLs for the pthread worker and main script, which Node's worker_threads cannot load.
 * Here the glue gets file paths instead, and one more fix: tfjs caps XNNPACK's pool at
 * `emscripten_num_logical_cores() / 2` (it assumes two hyper-threads per core), which is 1 on a 2-core
 * machine whatever setThreadsCount asks for; the import is answered with twice the requested count.
 * The result is an ordinary `wasm` backend (the same kernels) whose XNNPACK operators (matmul, softmax,
 * binary ops) run on `threads` threads. Measured in docs/decisions.md ("trainer: parquet data and wasm speed").
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Worker as NodeWorker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomicSync } from '../core/atomicFile.js';

const require = createRequire(import.meta.url);

interface EmscriptenWorker {
  unref(): void;
}

/** The parts of the emscripten module that tfjs's BackendWasm and this loader use. */
interface ThreadedModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  tfjs?: Record<string, (...a: number[]) => number>;
  PThread: { unusedWorkers: EmscriptenWorker[]; runningWorkers: EmscriptenWorker[] };
}

type Factory = (config: Record<string, unknown>) => Promise<ThreadedModule>;

let workerScript: string | undefined;

/**
 * The pthread worker script as a file (Node workers need a path): one per script content in the temp folder,
 * named by its hash, written atomically by whichever process needs it first.
 */
function pthreadWorkerFile(wasmOut: string): string {
  if (workerScript) return workerScript;
  const { wasmWorkerContents } = require(path.join(wasmOut, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  // The package stores the script in a template literal, so its "\n" escapes arrived as real newlines
  // inside string literals; tfjs re-escapes them the same way before making its Blob.
  const text = wasmWorkerContents.replace(/\n/g, '\\n');
  const file = path.join(os.tmpdir(), `corpusforge-tfjs-wasm-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.worker.cjs`);
  // Checked, not trusted: a file of that name with other content is replaced.
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileAtomicSync(file, text);
  workerScript = file;
  return file;
}

/**
 * Starts the threaded build: emscripten preallocates its pthread workers (8) and loads the wasm into each;
 * the glue creates them with the global Worker, which is given here without the parent's --import flags
 * (the worker script is plain CommonJS and needs no TypeScript loader).
 */
async function startModule(threads: number): Promise<ThreadedModule> {
  const wasmOut = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '..', 'wasm-out');
  const factory = require(path.join(wasmOut, 'tfjs-backend-wasm-threaded-simd.js')) as Factory;
  const bytes = readFileSync(path.join(wasmOut, 'tfjs-backend-wasm-threaded-simd.wasm'));
  const workerFile = pthreadWorkerFile(wasmOut);
  class PlainWorker extends NodeWorker {
    constructor(file: string | URL) {
      super(file, { execArgv: [] });
    }
  }
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
  // The glue assigns global.Worker = worker_threads.Worker right before creating its pool: keep ours.
  Object.defineProperty(globalThis, 'Worker', { configurable: true, get: () => PlainWorker, set: () => undefined });
  try {
    const mod = await factory({
      locateFile: (p: string) => (p.endsWith('.worker.js') ? workerFile : path.join(wasmOut, p)),
      mainScriptUrlOrBlob: path.join(wasmOut, 'tfjs-backend-wasm-threaded-simd.js'),
      instantiateWasm: (info: { env: Record<string, unknown> }, receive: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) => {
        info.env.emscripten_num_logical_cores = () => 2 * threads;
        void WebAssembly.instantiate(bytes, info as WebAssembly.Imports).then((r) => receive(r.instance, r.module));
        return {};
      },
    });
    mod.tfjs = {
      init: mod.cwrap('init', null, []),
      initWithThreadsCount: mod.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: mod.cwrap('get_threads_count', 'number', []),
      registerTensor: mod.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: mod.cwrap('dispose_data', null, ['number']),
      dispose: mod.cwrap('dispose', null, []),
    };
    return mod;
  } finally {
    if (saved) Object.defineProperty(globalThis, 'Worker', saved);
    else delete (globalThis as { Worker?: unknown }).Worker;
  }
}

/**
 * Registers the threaded build as the `wasm` backend (replacing the single-threaded registration); the caller
 * then switches to it with tf.setBackend('wasm'). Returns the thread count XNNPACK reports once it is active.
 */
export async function registerThreadedWasm(threads: number): Promise<() => number> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const mod = await startModule(threads);
  wasm.setThreadsCount(threads);
  if (tf.engine().registryFactory.wasm) tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => {
    const backend = new wasm.BackendWasm(mod as unknown as ConstructorParameters<typeof wasm.BackendWasm>[0]);
    // XNNPACK's threads are now running; unreferenced, they do not keep the process alive at exit.
    for (const w of [...mod.PThread.runningWorkers, ...mod.PThread.unusedWorkers]) w.unref();
    return backend;
  }, 2);
  return () => wasm.getThreadsCount();
}
