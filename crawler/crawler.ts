import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../core/atomicFile.js';
import { UserError } from '../core/errors.js';
import { hostIsRefused } from './addressGuard.js';
import { CrawlState, type CrawlLogLine } from './crawlState.js';
import { classifyError, FetchError, Fetcher, fetchedAtIso, type FetchResponse } from './fetcher.js';
import type { FrontierEntry } from './frontierLog.js';
import { HostScheduler, type HostState } from './hostScheduler.js';
import { DEFAULT_CRAWL_OPTIONS, type CrawlOptions, type CrawlProgress, type CrawlSummary } from './options.js';
import { OriginRobots, productToken, ROBOTS_MAX_BYTES, robotsVerdict } from './robots.js';
import { Scope } from './scope.js';
import { SeenSet } from './seenSet.js';
import { listWarcFiles } from './warcWriter.js';
import { hostnameOf, normaliseUrl, originOf } from './url.js';
import { handlePage, handleSitemap, type Discovery } from './pageHandler.js';

const REDIRECT = new Set([301, 302, 303, 307, 308]);

function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const secs = Number(value.trim());
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * One crawl: seeds -> frontier -> polite fetches -> WARC + crawl.jsonl (+ documents), resumable.
 * Single-threaded by design: fetching is I/O, the per-page CPU work (link extraction, gzip) is small,
 * and one event loop keeps the commit order simple. See docs/crawler.md.
 */
export class Crawler implements Discovery {
  readonly opts: CrawlOptions;
  readonly scope: Scope;
  private readonly seen = new SeenSet(1 << 16);
  private state!: CrawlState;
  private scheduler!: HostScheduler;
  private fetcher!: Fetcher;
  private readonly agentToken: string;
  private inflight = 0;
  private pagesStarted = 0;
  private pagesFetchedThisRun = 0;
  private bytes = 0;
  private readonly errors: Record<string, number> = {};
  private readonly started = Date.now();
  private wakeTimer: NodeJS.Timeout | null = null;
  private wakeAt = Infinity;
  private finishResolve!: (s: CrawlSummary) => void;
  private finishReject!: (e: unknown) => void;
  private finished = false;
  private readonly commitBytes: number;

  constructor(options: Partial<CrawlOptions> & Pick<CrawlOptions, 'seeds' | 'outDir'>) {
    this.opts = { ...DEFAULT_CRAWL_OPTIONS, ...options };
    this.agentToken = productToken(this.opts.userAgent);
    this.commitBytes = Math.min(8 << 20, Math.max(1, Math.floor(this.opts.maxWarcBytes / 8)));
    const seeds = this.opts.seeds.map((s) => normaliseUrl(s));
    this.scope = new Scope(this.opts.scope, seeds.filter((s): s is string => s !== null).map(hostnameOf));
  }

  async run(): Promise<CrawlSummary> {
    const o = this.opts;
    const seeds = o.seeds.map((s) => normaliseUrl(s)).filter((s): s is string => s !== null);
    if (seeds.length === 0) throw new UserError('no valid seed URL (http or https) to crawl');
    if (!o.allowPrivate) {
      const refused = await Promise.all(seeds.map((s) => hostIsRefused(hostnameOf(s))));
      if (refused.every(Boolean)) {
        throw new UserError(`every seed resolves to a loopback, private or otherwise non-public address (e.g. ${seeds[0]}); pass --allow-private for an intranet or test crawl`);
      }
    }
    mkdirSync(o.outDir, { recursive: true });
    const hasState = existsSync(join(o.outDir, 'state', 'journal.log')) || listWarcFiles(o.outDir).length > 0;
    if (hasState && !o.resume) throw new UserError(`${o.outDir} already holds a crawl; pass --resume to continue it, or choose another --out`);
    this.restoreScope(seeds);

    this.state = new CrawlState(o.outDir, {
      resume: o.resume, maxWarcBytes: o.maxWarcBytes, gzipLevel: o.gzipLevel,
      warcInfo: { software: 'corpusforge crawl', robots: 'obey', 'http-header-user-agent': o.userAgent, 'isPartOf': o.outDir },
    }, (url) => this.seen.add(url), (error) => (error ? this.fail(error) : this.guard(() => this.pump())));
    this.pagesStarted = this.state.pagesDone;
    this.scheduler = new HostScheduler(o.perHostConcurrency, o.delayMs, (h, e) => this.admit(h, e));
    this.fetcher = new Fetcher({
      userAgent: o.userAgent, timeoutMs: o.timeoutMs, maxBytes: o.maxBytes, allowPrivate: o.allowPrivate,
      connectionsPerOrigin: o.perHostConcurrency,
    });
    for (const s of seeds) if (this.seen.add(s)) this.state.frontier.append(s, 0, 'page');

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
      await this.fetcher.close().catch(() => undefined);
    }
  }

  /**
   * The scope is defined by the seeds of the first run too: a resumed crawl keeps following the hosts the
   * original seeds defined even if it is given other seeds, and must keep the same --scope mode.
   */
  private restoreScope(seeds: string[]): void {
    const path = join(this.opts.outDir, 'state', 'scope.json');
    let stored: { mode: string; seeds: string[] } | null = null;
    if (this.opts.resume && existsSync(path)) stored = JSON.parse(readFileSync(path, 'utf8')) as { mode: string; seeds: string[] };
    if (stored && stored.mode !== this.opts.scope) {
      throw new UserError(`the crawl in ${this.opts.outDir} used --scope ${stored.mode}; resume it with the same --scope`);
    }
    const all = [...new Set([...(stored?.seeds ?? []), ...seeds])];
    for (const s of stored?.seeds ?? []) this.scope.addSeedHost(hostnameOf(s));
    mkdirSync(join(this.opts.outDir, 'state'), { recursive: true });
    writeFileAtomicSync(path, JSON.stringify({ mode: this.opts.scope, seeds: all }));
  }

  /** Called by the document consumer when it has room again. */
  resumeDispatch(): void {
    this.guard(() => this.pump());
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.fail(e);
    }
  }

  private fail(e: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.finishReject(e);
  }

  private get stopping(): boolean {
    return this.opts.signal?.aborted === true || this.pagesStarted >= this.opts.maxPages;
  }

  private pump(): void {
    if (this.finished) return;
    const o = this.opts;
    const now = Date.now();
    if (this.scheduler.buffered < o.frontierWindow / 2 && !this.state.frontier.exhausted) {
      for (const e of this.state.frontier.read(o.frontierWindow - this.scheduler.buffered, (s) => this.state.isDone(s))) {
        this.scheduler.add(originOf(e.url), e, now);
      }
    }
    while (this.inflight < o.concurrency && !this.stopping && !this.state.backlogged && !(o.shouldPause?.() ?? false)) {
      const work = this.scheduler.next(now);
      if (work === null) break;
      this.inflight++;
      if (work.entry === null) void this.loadRobots(work.host);
      else {
        if (work.entry.kind === 'page' && work.entry.attempt === 1) this.pagesStarted++;
        void this.fetchEntry(work.host, work.entry);
      }
    }
    // Group commit: every 256 entries, or sooner when the batch holds 1/8 of a WARC file (files rotate only
    // between commits, so this keeps them near --warc-max-bytes), or on the 200 ms timer.
    if (this.state.pendingCount >= 256 || this.state.pendingWarcBytes >= this.commitBytes) this.state.commit();
    this.armWakeTimer();
    this.maybeFinish();
  }

  private armWakeTimer(): void {
    const at = this.scheduler.nextWakeAt();
    if (at === null || at >= this.wakeAt) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = null;
      this.wakeAt = Infinity;
      this.guard(() => this.pump());
    }, Math.max(0, at - Date.now()));
  }

  private maybeFinish(): void {
    if (this.finished || this.inflight > 0) return;
    const drained = this.state.frontier.exhausted && this.scheduler.buffered === 0;
    if (!drained && !this.stopping) return;
    this.finished = true;
    const stoppedBy = drained ? 'done' : this.opts.signal?.aborted ? 'signal' : 'max-pages';
    const summary: CrawlSummary = { ...this.progress(), bytes: this.bytes, stoppedBy };
    this.state.close().then(() => this.finishResolve(summary), (e: unknown) => this.finishReject(e));
  }

  progress(): CrawlProgress {
    const elapsedMs = Date.now() - this.started;
    return {
      elapsedMs, finished: this.state.finished, pagesFetched: this.pagesFetchedThisRun,
      pagesPerSec: this.pagesFetchedThisRun / Math.max(elapsedMs / 1000, 1e-3),
      queued: this.state.frontier.length - this.state.finished, inflight: this.inflight,
      hostsActive: this.scheduler.activeHosts, errors: { ...this.errors },
    };
  }

  // ---- Discovery (used by pageHandler) ----

  /** Queues a URL if it is new; returns true when queued. */
  enqueue(url: string, depth: number, kind: 'page' | 'sitemap', chain: string[] = []): boolean {
    if (kind === 'page' && (depth > this.opts.maxDepth || !this.scope.allows(url))) return false;
    if (!this.seen.add(url)) return false;
    this.state.frontier.append(url, depth, kind, chain);
    return true;
  }

  // ---- per-entry work ----

  private admit(h: HostState, e: FrontierEntry): boolean {
    if (h.robots.kind === 'closed') {
      this.record(e, { error: h.robots.reason });
      return false;
    }
    if (h.robots.kind === 'ready' && !h.robots.rules.allows(e.url)) {
      this.record(e, { error: 'robots_disallowed' });
      return false;
    }
    return true;
  }

  /** Logs the entry as finished (with its WARC records when there was a response); returns the response record id. */
  private record(e: FrontierEntry, fields: Partial<CrawlLogLine>, response?: FetchResponse): string | null {
    const error = fields.error ?? null;
    if (error) {
      const kind = error.split(':')[0]!;
      this.errors[kind] = (this.errors[kind] ?? 0) + 1;
    }
    // Built in one fixed shape (not spreads): cheaper to make and to JSON.stringify, the same fields.
    const line: CrawlLogLine = {
      url: e.url, status: fields.status ?? null, error, bytes: fields.bytes ?? 0, depth: e.depth, fetched_at: fields.fetched_at ?? null,
    };
    if (fields.content_type !== undefined) line.content_type = fields.content_type;
    if (fields.truncated) line.truncated = true;
    if (fields.redirect !== undefined) line.redirect = fields.redirect;
    if (e.kind === 'sitemap') line.kind = 'sitemap';
    if (e.attempt > 1) line.attempts = e.attempt;
    return this.state.finish(e.seq, line, e.kind === 'page', response);
  }

  private done(h: HostState): void {
    this.inflight--;
    this.scheduler.release(h, Date.now());
    this.pump();
  }

  private async fetchEntry(h: HostState, e: FrontierEntry): Promise<void> {
    let res: FetchResponse | FetchError;
    try {
      res = await this.fetcher.fetch(e.url, e.kind === 'sitemap' ? Math.max(this.opts.maxBytes, 50 * 1024 * 1024) : this.opts.maxBytes);
    } catch (err) {
      res = classifyError(err);
    }
    this.guard(() => {
      this.handleResult(h, e, res);
      this.done(h);
    });
  }

  private retryLater(h: HostState, e: FrontierEntry, waitMs: number): void {
    this.scheduler.retry(h, { ...e, attempt: e.attempt + 1, notBefore: Date.now() + waitMs }, Date.now());
  }

  private backoffMs(attempt: number): number {
    return this.opts.retryBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random());
  }

  private handleResult(h: HostState, e: FrontierEntry, res: FetchResponse | FetchError): void {
    const o = this.opts;
    if (res instanceof FetchError) {
      if (res.retryable && e.attempt < o.maxTries) return this.retryLater(h, e, this.backoffMs(e.attempt));
      this.record(e, { error: `${res.kind}: ${res.message}` });
      return;
    }
    const status = res.status;
    if ((status >= 500 || status === 429) && e.attempt < o.maxTries) {
      const now = Date.now();
      const ra = retryAfterMs(res.headers['retry-after'], now);
      if (ra === undefined) return this.retryLater(h, e, this.backoffMs(e.attempt));
      if (ra <= o.maxRetryAfterMs) {
        // The server asked the whole origin to slow down, not just this URL.
        h.nextAllowedAt = Math.max(h.nextAllowedAt, now + ra);
        return this.retryLater(h, e, ra);
      }
    }
    this.bytes += res.body.length;
    const contentType = res.headers['content-type'];
    const fields: Partial<CrawlLogLine> = { status, bytes: res.body.length, fetched_at: fetchedAtIso(res) };
    if (contentType) fields.content_type = contentType;
    if (res.truncated) fields.truncated = true;
    if (REDIRECT.has(status)) fields.error = this.followRedirect(e, res.headers.location, fields);
    else if (status >= 200 && status < 300) {
      this.pagesFetchedThisRun += e.kind === 'page' ? 1 : 0;
      if (e.kind === 'sitemap') {
        const problem = handleSitemap(this, res, o.maxBytes);
        if (problem) fields.error = problem;
      } else {
        const page = handlePage(this, e, res, o.maxDepth, o.onDocument !== undefined);
        const id = this.record(e, fields, res);
        if (page.doc && id) o.onDocument!({ id: id.replace(/^<|>$/g, ''), ...page.doc });
        return;
      }
    } else if (status >= 400) fields.error = `http_${status}`;
    this.record(e, fields, res);
  }

  /** Queues a redirect's target as a new entry (same depth) after the hop checks; returns an error or null. */
  private followRedirect(e: FrontierEntry, location: string | undefined, fields: Partial<CrawlLogLine>): string | null {
    if (!location) return 'redirect_without_location';
    const target = normaliseUrl(location, e.url);
    if (target === null) return 'redirect_invalid';
    fields.redirect = target;
    if (target === e.url || e.chain.includes(target)) return 'redirect_loop';
    if (e.chain.length + 1 > this.opts.maxRedirects) return 'too_many_redirects';
    if (e.kind === 'page' && !this.scope.allows(target)) return 'redirect_off_scope';
    this.enqueue(target, e.depth, e.kind, [...e.chain, e.url]);
    return null;
  }

  private async loadRobots(h: HostState): Promise<void> {
    let url = `${h.origin}/robots.txt`;
    let res: FetchResponse | FetchError = new FetchError('other', 'no robots.txt fetch');
    for (let hop = 0; hop <= this.opts.maxRedirects; hop++) {
      try {
        res = await this.fetcher.fetch(url, ROBOTS_MAX_BYTES);
      } catch (err) {
        res = classifyError(err);
      }
      if (res instanceof FetchError || !REDIRECT.has(res.status) || !res.headers.location) break;
      const next = normaliseUrl(res.headers.location, url);
      if (next === null) break;
      url = next;
    }
    this.guard(() => {
      const verdict = robotsVerdict(url, res);
      const now = Date.now();
      if (verdict.kind === 'refused') h.robots = { kind: 'closed', reason: 'address_refused' };
      else if (verdict.kind === 'unavailable') {
        h.robotsTries++;
        if (h.robotsTries >= this.opts.robotsMaxTries) h.robots = { kind: 'closed', reason: `robots_unavailable: ${verdict.reason}` };
        else {
          h.robots = { kind: 'unknown' };
          h.nextAllowedAt = now + this.opts.robotsRetryMs * 2 ** (h.robotsTries - 1);
        }
      } else {
        const rules = new OriginRobots(verdict, this.agentToken);
        h.robots = { kind: 'ready', rules };
        h.delayMs = Math.max(this.opts.delayMs, Math.min(rules.crawlDelayMs() ?? 0, this.opts.maxCrawlDelayMs));
        if (this.opts.sitemaps && this.scope.allows(h.origin + '/')) {
          for (const s of [...rules.sitemaps(), `${h.origin}/sitemap.xml`]) {
            const n = normaliseUrl(s);
            if (n) this.enqueue(n, 0, 'sitemap');
          }
        }
      }
      this.done(h);
    });
  }
}
