import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../core/atomicFile.js';
import { UserError } from '../core/errors.js';
import { crawlSeeds } from './seeds.js';
import { CrawlState, type CrawlLogLine } from './crawlState.js';
import { classifyError, type FetchError, Fetcher, type FetchResponse } from './fetcher.js';
import { entryMaxBytes, fetchOutcome, fetchRobots, logLine } from './fetchOutcome.js';
import type { FrontierEntry, FrontierLog } from './frontierLog.js';
import { HostScheduler, type HostState } from './hostScheduler.js';
import type { CrawlOptions, CrawlSummary } from './options.js';
import { CrawlRun } from './crawlRun.js';
import { OriginRobots, productToken, robotsVerdict } from './robots.js';
import { Scope } from './scope.js';
import { SeenSet } from './seenSet.js';
import { listWarcFiles } from './warcWriter.js';
import { hostnameOf, normaliseUrl, originOf } from './url.js';
import { handlePage, handleSitemap, type Discovery } from './pageHandler.js';

/**
 * One crawl: seeds -> frontier -> polite fetches -> WARC + crawl.jsonl (+ documents), resumable.
 * Single-threaded by design: fetching is I/O, the per-page CPU work (link extraction, gzip) is small,
 * and one event loop keeps the commit order simple. See docs/crawler.md.
 */
export class Crawler extends CrawlRun implements Discovery {
  readonly scope: Scope;
  private readonly seen = new SeenSet(1 << 16);
  private frontier!: FrontierLog;
  private scheduler!: HostScheduler;
  private fetcher!: Fetcher;
  private readonly agentToken: string;
  private pagesStarted = 0;
  /** Started pages waiting in the scheduler for a retry: they finish even after the page budget is spent. */
  private retriesWaiting = 0;
  private wakeAt = Infinity;

  constructor(options: Partial<CrawlOptions> & Pick<CrawlOptions, 'seeds' | 'outDir'>) {
    super(options);
    this.agentToken = productToken(this.opts.userAgent);
    const seeds = this.opts.seeds.map((s) => normaliseUrl(s));
    this.scope = new Scope(this.opts.scope, seeds.filter((s): s is string => s !== null).map(hostnameOf));
  }

  async run(): Promise<CrawlSummary> {
    const o = this.opts;
    const seeds = await crawlSeeds(o.seeds, o.allowPrivate);
    mkdirSync(o.outDir, { recursive: true });
    const hasState = existsSync(join(o.outDir, 'state', 'journal.log')) || listWarcFiles(o.outDir).length > 0;
    if (hasState && !o.resume) throw new UserError(`${o.outDir} already holds a crawl; pass --resume to continue it, or choose another --out`);
    this.restoreScope(seeds);

    this.state = new CrawlState(o.outDir, {
      resume: o.resume, maxWarcBytes: o.maxWarcBytes, gzipLevel: o.gzipLevel,
      warcInfo: { software: 'corpusforge crawl', robots: 'obey', 'http-header-user-agent': o.userAgent, 'isPartOf': o.outDir },
    }, (url) => this.seen.add(url), (error) => (error ? this.fail(error) : this.guard(() => this.pump())));
    this.frontier = this.state.frontier!;
    this.pagesStarted = this.state.pagesDone;
    this.scheduler = new HostScheduler(o.perHostConcurrency, o.delayMs, (h, e) => this.admit(h, e));
    this.fetcher = new Fetcher({
      userAgent: o.userAgent, timeoutMs: o.timeoutMs, maxBytes: o.maxBytes, allowPrivate: o.allowPrivate,
      connectionsPerOrigin: o.perHostConcurrency,
    });
    for (const s of seeds) if (this.seen.add(s)) this.frontier.append(s, 0, 'page');

    try {
      return await this.loop();
    } finally {
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

  private get budgetSpent(): boolean {
    return this.pagesStarted >= this.opts.maxPages;
  }

  /** Stops when aborted, or when the page budget is spent and no started page waits for a retry. */
  private get stopping(): boolean {
    return this.opts.signal?.aborted === true || (this.budgetSpent && this.retriesWaiting === 0);
  }

  protected pump(): void {
    if (this.finished) return;
    const o = this.opts;
    const now = Date.now();
    if (this.scheduler.buffered < o.frontierWindow / 2 && !this.frontier.exhausted) {
      for (const e of this.frontier.read(o.frontierWindow - this.scheduler.buffered, (s) => this.state.isDone(s))) {
        this.scheduler.add(originOf(e.url), e, now);
      }
    }
    while (this.inflight < o.concurrency && !this.stopping && !this.state.backlogged && !(o.shouldPause?.() ?? false)) {
      const work = this.scheduler.next(now);
      if (work === null) break;
      this.inflight++;
      if (work.entry === null) void this.loadRobots(work.host);
      else if (work.entry.kind === 'page' && work.entry.attempt === 1 && this.budgetSpent) {
        // Only retries of started pages may go on once the budget is spent; a new page waits for --resume.
        this.inflight--;
        this.scheduler.unstart(work.host, work.entry);
      } else {
        if (work.entry.kind === 'page' && work.entry.attempt === 1) this.pagesStarted++;
        if (work.entry.kind === 'page' && work.entry.attempt > 1) this.retriesWaiting--;
        void this.fetchEntry(work.host, work.entry);
      }
    }
    this.commitIfDue();
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

  protected maybeFinish(): void {
    if (this.finished || this.inflight > 0) return;
    const drained = this.frontier.exhausted && this.scheduler.buffered === 0;
    if (drained || this.stopping) this.end(drained);
  }

  protected queuedAndHosts(): [number, number] {
    return [this.frontier.length - this.state.finished, this.scheduler.activeHosts];
  }

  // ---- Discovery (used by pageHandler) ----

  /** Queues a URL if it is new; returns true when queued. */
  enqueue(url: string, depth: number, kind: 'page' | 'sitemap', chain: string[] = []): boolean {
    if (kind === 'page' && (depth > this.opts.maxDepth || !this.scope.allows(url))) return false;
    if (!this.seen.add(url)) return false;
    this.frontier.append(url, depth, kind, chain);
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
    this.countError(fields.error);
    return this.state.finish(e.seq, logLine(e, fields), e.kind === 'page', response);
  }

  private done(h: HostState): void {
    this.inflight--;
    this.scheduler.release(h, Date.now());
    this.pump();
  }

  private async fetchEntry(h: HostState, e: FrontierEntry): Promise<void> {
    let res: FetchResponse | FetchError;
    try {
      res = await this.fetcher.fetch(e.url, entryMaxBytes(e, this.opts));
    } catch (err) {
      res = classifyError(err);
    }
    this.guard(() => {
      this.handleResult(h, e, res);
      this.done(h);
    });
  }

  private handleResult(h: HostState, e: FrontierEntry, res: FetchResponse | FetchError): void {
    const o = this.opts;
    const out = fetchOutcome(e, res, o, this.scope);
    const now = Date.now();
    if (out.kind === 'retry') {
      // The server asked the whole origin to slow down, not just this URL.
      if (out.slowOriginMs !== undefined) h.nextAllowedAt = Math.max(h.nextAllowedAt, now + out.slowOriginMs);
      this.scheduler.retry(h, { ...e, attempt: e.attempt + 1, notBefore: now + out.waitMs }, now);
      if (e.kind === 'page') this.retriesWaiting++;
      return;
    }
    const { fields, response } = out;
    if (response) this.bytes += response.body.length;
    if (out.redirectTo !== undefined) this.enqueue(out.redirectTo, e.depth, e.kind, [...e.chain, e.url]);
    if (out.body === 'sitemap') {
      const problem = handleSitemap(this, response!, o.maxBytes);
      if (problem) fields.error = problem;
    } else if (out.body === 'page') {
      this.pagesFetchedThisRun++;
      const page = handlePage(this, e, response!, o.maxDepth, o.onDocument !== undefined);
      const id = this.record(e, fields, response);
      if (page.doc && id) o.onDocument!({ id: id.replace(/^<|>$/g, ''), ...page.doc });
      return;
    }
    this.record(e, fields, response);
  }

  private async loadRobots(h: HostState): Promise<void> {
    const { url, res } = await fetchRobots(this.fetcher, h.origin, this.opts.maxRedirects);
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
