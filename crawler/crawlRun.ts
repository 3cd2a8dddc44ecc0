import type { CrawlState } from './crawlState.js';
import { DEFAULT_CRAWL_OPTIONS, type CrawlOptions, type CrawlProgress, type CrawlRunner, type CrawlSummary } from './options.js';

/**
 * What every crawl loop shares, on disk (Crawler) or as a worker of a shared crawl (SharedCrawler): the run
 * promise and its failure path, the commit and progress timers, counters and the summary at the end.
 */
export abstract class CrawlRun implements CrawlRunner {
  readonly opts: CrawlOptions;
  protected state!: CrawlState;
  protected inflight = 0;
  protected pagesFetchedThisRun = 0;
  protected bytes = 0;
  protected readonly errors: Record<string, number> = {};
  protected finished = false;
  protected wakeTimer: NodeJS.Timeout | null = null;
  protected readonly commitBytes: number;
  private readonly started = Date.now();
  private finishResolve!: (s: CrawlSummary) => void;
  private finishReject!: (e: unknown) => void;

  constructor(options: Partial<CrawlOptions> & Pick<CrawlOptions, 'seeds' | 'outDir'>) {
    this.opts = { ...DEFAULT_CRAWL_OPTIONS, ...options };
    // Group commit: every 256 entries, or sooner when the batch holds 1/8 of a WARC file (files rotate only
    // between commits, so this keeps them near --warc-max-bytes), or on the 200 ms timer.
    this.commitBytes = Math.min(8 << 20, Math.max(1, Math.floor(this.opts.maxWarcBytes / 8)));
  }

  abstract run(): Promise<CrawlSummary>;
  protected abstract pump(): void;
  protected abstract maybeFinish(): void;
  /** Entries queued (not finished), and origins known, for progress lines. */
  protected abstract queuedAndHosts(): [queued: number, hosts: number];

  /** Called by the document consumer when it has room again. */
  resumeDispatch(): void {
    this.guard(() => this.pump());
  }

  /** Starts dispatching and waits for the end, with the commit and progress timers running meanwhile. */
  protected async loop(): Promise<CrawlSummary> {
    const o = this.opts;
    const done = new Promise<CrawlSummary>((resolve, reject) => {
      this.finishResolve = resolve;
      this.finishReject = reject;
    });
    const commitTimer = setInterval(() => this.guard(() => this.state.commit()), 200);
    const progressTimer = o.onProgress ? setInterval(() => o.onProgress!(this.progress()), o.progressIntervalMs) : null;
    const onAbort = (): void => this.guard(() => this.maybeFinish());
    o.signal?.addEventListener('abort', onAbort);
    try {
      this.pump();
      return await done;
    } finally {
      clearInterval(commitTimer);
      if (progressTimer) clearInterval(progressTimer);
      if (this.wakeTimer) clearTimeout(this.wakeTimer);
      o.signal?.removeEventListener('abort', onAbort);
    }
  }

  protected commitIfDue(): void {
    if (this.state.pendingCount >= 256 || this.state.pendingWarcBytes >= this.commitBytes) this.state.commit();
  }

  protected guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.fail(e);
    }
  }

  protected fail(e: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.finishReject(e);
  }

  protected countError(error: string | null | undefined): void {
    if (!error) return;
    const kind = error.split(':')[0]!;
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
  }

  /** Ends the run: commits what is left and resolves with the summary. */
  protected end(drained: boolean): void {
    this.finished = true;
    const stoppedBy = drained ? 'done' : this.opts.signal?.aborted ? 'signal' : 'max-pages';
    const summary: CrawlSummary = { ...this.progress(), bytes: this.bytes, stoppedBy };
    this.state.close().then(() => this.finishResolve(summary), (e: unknown) => this.finishReject(e));
  }

  progress(): CrawlProgress {
    const elapsedMs = Date.now() - this.started;
    const [queued, hostsActive] = this.queuedAndHosts();
    return {
      elapsedMs, finished: this.state.finished, pagesFetched: this.pagesFetchedThisRun,
      pagesPerSec: this.pagesFetchedThisRun / Math.max(elapsedMs / 1000, 1e-3),
      queued, inflight: this.inflight, hostsActive, errors: { ...this.errors },
    };
  }
}
