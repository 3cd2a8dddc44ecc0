import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

export interface HeapWatchdogOptions {
  /** What the process is doing, for the message (e.g. the command). */
  stage: () => string;
  /** Called once, with the message, when the heap stays near its limit; the caller ends the process. */
  onLimit: (message: string) => void;
  /** Share of the heap limit that counts as near it (default 0.9). */
  threshold?: number;
  intervalMs?: number;
}

const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

/** V8 keeps 3 semi-spaces of 16 MiB for the young generation beside the old one (x64, Node 20-22). */
const YOUNG_BYTES = 48 * 2 ** 20;

/**
 * The old generation's limit: what --max-old-space-size sets, and what runs out. heap_size_limit adds the
 * young generation's reserve, which the heap never fills, so it cannot be compared against directly.
 */
export function oldSpaceLimit(): number {
  const limit = getHeapStatistics().heap_size_limit;
  return limit > 2 * YOUNG_BYTES ? limit - YOUNG_BYTES : limit / 2;
}

/** Bytes used outside the young generation (objects that survived, large objects). */
function oldSpaceUsed(): number {
  let used = 0;
  for (const s of getHeapSpaceStatistics()) if (s.space_name !== 'new_space' && s.space_name !== 'new_large_object_space') used += s.space_used_size;
  return used;
}

/**
 * Watches this thread's JavaScript heap against its limit (--max-old-space-size) and reports before V8
 * aborts the process with a fatal error and a native stack as its last words. Two checks in a row above the
 * threshold count: a single one may be garbage about to be collected. It checks between event loop turns,
 * so a single synchronous allocation spike can still outrun it; worker threads report their own limit as
 * ERR_WORKER_OUT_OF_MEMORY (pipelines/workerFailure.ts). Returns a function that stops it.
 */
export function startHeapWatchdog(o: HeapWatchdogOptions): () => void {
  const threshold = o.threshold ?? 0.9;
  const limit = oldSpaceLimit();
  let near = 0;
  const timer = setInterval(() => {
    const used = oldSpaceUsed();
    near = used > threshold * limit ? near + 1 : 0;
    if (near < 2) return;
    clearInterval(timer);
    o.onLimit(
      `out of memory: the JavaScript heap is at ${mib(used)} of its ${mib(limit)} limit during ${o.stage()}; ` +
        'raise it with NODE_OPTIONS=--max-old-space-size=MB, or lower --max-document-bytes or --batch-size',
    );
  }, o.intervalMs ?? 100);
  timer.unref();
  return () => clearInterval(timer);
}
