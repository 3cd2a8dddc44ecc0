import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CompressReply, CompressRequest } from './compressWorker.js';
import type { RecordBatch } from './recordBatch.js';

const require = createRequire(import.meta.url);

/**
 * The worker's entry: a .ts module cannot be one itself, so this loads tsx's CommonJS hook and requires
 * compressWorker.ts. Not tsx's ESM loader (core/taskPool, trainer/gradWorkers), which starts a loader thread
 * per worker: ~0.35 s of CPU and 30 MB against ~0.2 s and 20 MB here.
 */
function workerEntry(): string {
  const tsx = JSON.stringify(require.resolve('tsx/cjs/api'));
  const module = JSON.stringify(fileURLToPath(new URL('./compressWorker.ts', import.meta.url)));
  return `require(${tsx}).require(${module}, ${module}).serveCompressRequests();`;
}

/** One worker thread and the batches it owes; after a failure every later batch is refused with it. */
class CompressThread {
  private readonly worker = new Worker(workerEntry(), { eval: true, execArgv: [] });
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();
  failure: Error | null = null;

  constructor() {
    this.worker.on('message', (reply: CompressReply) => {
      const p = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) this.worker.unref();
      p?.resolve(Buffer.from(reply.data, 0, reply.length));
    });
    const fail = (e: Error): void => {
      this.failure ??= e;
      for (const p of this.waiting.values()) p.reject(e);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`WARC compression worker exited (code ${code})`)));
    // Idle it does not keep the process alive (after the listeners: adding one refs the worker again).
    this.worker.unref();
  }

  compress(data: Buffer, meta: Int32Array, level: number): Promise<Buffer> {
    // The batch buffer is its own ArrayBuffer (RecordBatch allocates it so): transferred, not copied.
    const request: CompressRequest = { id: this.nextId++, data: data.buffer as ArrayBuffer, length: data.length, meta: meta.buffer as ArrayBuffer, level };
    return new Promise<Buffer>((resolve, reject) => {
      // Owing a batch, it does: the caller may have nothing else keeping the process alive.
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(request.id, { resolve, reject });
      this.worker.postMessage(request, [request.data, request.meta]);
    });
  }
}

/**
 * The process's compression thread, shared by its crawls: starting one through tsx costs ~0.2 s of CPU, which
 * a crawl of a few thousand pages notices (bench/crawl times a crawl after a warm-up crawl in one process).
 * It keeps the process alive only while it owes batches; a failed one is replaced for the next crawl.
 */
let shared: CompressThread | undefined;

/**
 * Compresses batches of WARC records, each into its own gzip member, on a worker thread: gzip was the
 * largest single cost of the crawl loop (27% of main-thread time on 2 KB pages, bench/crawl profile), and
 * off the main thread it overlaps with fetching. The worker (compressWorker.ts) also fills in the payload
 * digests. Batches come back in the order they were sent.
 */
export class RecordCompressor {
  // Started (if need be) now, so that it boots while the crawl starts.
  private readonly thread = !shared || shared.failure ? (shared = new CompressThread()) : shared;

  constructor(private readonly level: number) {}

  /** The gzip members of the batch's records (payload digests filled in), concatenated in order. */
  compress(batch: RecordBatch): Promise<Buffer> {
    if (this.thread.failure) return Promise.reject(this.thread.failure);
    if (batch.count === 0) return Promise.resolve(Buffer.alloc(0));
    const { data, meta } = batch.take();
    return this.thread.compress(data, meta, this.level);
  }
}
