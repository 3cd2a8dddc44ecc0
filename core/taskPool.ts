import { Piscina } from 'piscina';

export interface TaskPoolOptions {
  threads: number;
  /** Tasks posted to a worker at once (they still run one at a time there); piscina's default is 1. */
  concurrentTasksPerWorker?: number;
  idleTimeout?: number;
}

/**
 * A piscina pool whose workers run the default export of `taskModule` (a TypeScript file), loaded as an
 * ES module through tsx (see taskWorkerEntry.mjs for why not as CommonJS).
 */
export function taskPool(taskModule: URL, options: TaskPoolOptions): Piscina {
  return new Piscina({
    filename: new URL('./taskWorkerEntry.mjs', import.meta.url).href,
    workerData: { taskModule: taskModule.href },
    minThreads: options.threads,
    maxThreads: options.threads,
    // No `--import tsx`: its require hook is what compiled workers to CommonJS.
    execArgv: [],
    ...(options.concurrentTasksPerWorker ? { concurrentTasksPerWorker: options.concurrentTasksPerWorker } : {}),
    ...(options.idleTimeout ? { idleTimeout: options.idleTimeout } : {}),
  });
}
