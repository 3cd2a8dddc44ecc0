import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { CrawlState, crawlPaths, type CrawlLogLine } from './crawlState.js';
import { classifyError, Fetcher, type FetchError, type FetchResponse } from './fetcher.js';
import { entryMaxBytes, fetchOutcome, fetchRobots, logLine } from './fetchOutcome.js';
import type { FrontierEntry } from './frontierLog.js';
import type { CrawlOptions, CrawlSummary, SharedCrawlOptions } from './options.js';
import { CrawlRun } from './crawlRun.js';
import { handlePage, handleSitemap, type Discovery } from './pageHandler.js';
import { RedisFrontier, type SharedWork } from './redisFrontier.js';
import { OriginRobots, productToken, robotsVerdict, rulesVerdict } from './robots.js';
import { Scope, type ScopeMode } from './scope.js';
import { crawlSeeds } from './seeds.js';
import { SeenSet } from './seenSet.js';
import { hostnameOf, normaliseUrl } from './url.js';
import { listWarcFiles } from './warcWriter.js';

/** Longest wait between two looks at the shared frontier while this worker has nothing to do. */
const POLL_MS = 100;
/** Parsed robots.txt rules kept per worker; the cache in Redis is the reference. */
const ROBOTS_CACHE = 10_000;

type Found = { url: string; depth: number; kind: 'page' | 'sitemap'; chain: readonly string[] };

/** Collects what a page links to, after the depth and scope checks and this worker's seen cache. */
class Collector implements Discovery {
  readonly found: Found[] = [];
  constructor(private readonly crawler: SharedCrawler) {}
  enqueue(url: string, depth: number, kind: 'page' | 'sitemap', chain: string[] = []): boolean {
    if (!this.crawler.wants(url, depth, kind)) return false;
    this.found.push({ url, depth, kind, chain });
    return true;
  }
}

/**
 * One worker of a crawl shared by any number of processes through Redis (`crawl --redis URL --crawl-id ID`).
 * The frontier, seen-set, leases, per-origin politeness and robots.txt cache live in Redis (RedisFrontier);
 * this process leases work, fetches it and writes its own WARC files, crawl-WORKER.jsonl and journal.
 * A finished entry is accepted by Redis (its lease still held) before it is archived, and stays in the
 * worker's unconfirmed set until its journal line is on disk; a restarted worker reopens the ones its
 * journal lacks. See docs/crawler.md, "Shared crawl".
 */
export class SharedCrawler extends CrawlRun {
  private readonly shared: SharedCrawlOptions;
  private scope!: Scope;
  private readonly seen = new SeenSet(1 << 16);
  private frontier!: RedisFrontier;
  private fetcher!: Fetcher;
  private readonly agentToken: string;
  private readonly robots = new Map<string, OriginRobots>();
  private settingsDelayMs = 0;
  private taking = false;
  /** pump() was called while a take was in flight: pump again when it returns (a slot may have freed). */
  private pumpAgain = false;
  /** Works whose slot was given back early (finishEntry) and that are still being recorded. */
  private readonly released = new WeakSet<SharedWork>();
  private settling = 0;
  private limited = false;
  private drained = false;
  private pending = 0;

  constructor(options: Partial<CrawlOptions> & Pick<CrawlOptions, 'seeds' | 'outDir'> & { shared: SharedCrawlOptions }) {
    super(options);
    this.shared = options.shared;
    this.agentToken = productToken(this.opts.userAgent);
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(this.shared.worker)) throw new UserError(`--worker must be 1-64 characters of A-Z a-z 0-9 . _ -, got '${this.shared.worker}'`);
    if (!/^[A-Za-z0-9._:-]{1,100}$/.test(this.shared.crawlId)) throw new UserError(`--crawl-id must be 1-100 characters of A-Z a-z 0-9 . _ : -, got '${this.shared.crawlId}'`);
  }

  async run(): Promise<CrawlSummary> {
    const o = this.opts;
    const seeds = await crawlSeeds(o.seeds, o.allowPrivate);
    const paths = crawlPaths(o.outDir, this.shared.worker);
    mkdirSync(o.outDir, { recursive: true });
    const hasState = existsSync(join(paths.stateDir, 'journal.log')) || listWarcFiles(o.outDir, paths.warcPrefix).length > 0;
    if (hasState && !o.resume) throw new UserError(`${o.outDir} already holds the files of worker '${this.shared.worker}'; pass --resume to continue it, or choose another --worker or --out`);
    this.frontier = new RedisFrontier(this.shared.redisUrl, this.shared.crawlId, this.shared.worker, this.shared.leaseMs);
    try {
      return await this.runJoined(seeds);
    } catch (e) {
      this.frontier.disconnect();
      throw e;
    }
  }

  private async runJoined(seeds: string[]): Promise<CrawlSummary> {
    const o = this.opts;
    const settings = await this.frontier.join({ perHost: o.perHostConcurrency, delayMs: o.delayMs, scope: o.scope, seeds });
    if (settings.scope !== o.scope) throw new UserError(`crawl '${this.shared.crawlId}' uses --scope ${settings.scope}; join it with the same --scope`);
    this.settingsDelayMs = settings.delayMs;
    this.scope = new Scope(o.scope as ScopeMode, settings.seeds.map(hostnameOf));
    this.state = new CrawlState(o.outDir, {
      resume: o.resume, maxWarcBytes: o.maxWarcBytes, gzipLevel: o.gzipLevel, worker: this.shared.worker,
      warcInfo: { software: 'corpusforge crawl', robots: 'obey', 'http-header-user-agent': o.userAgent, isPartOf: this.shared.crawlId, 'corpusforge-worker': this.shared.worker },
      onJournaled: (ids) => void this.frontier.confirm(ids).catch((e: unknown) => this.fail(e)),
    }, () => undefined, (error) => (error ? this.fail(error) : this.guard(() => this.pump())));
    // Entries this worker finished before it was killed: confirmed if its journal has them, else reopened.
    const unconfirmed = await this.frontier.unconfirmed();
    await this.frontier.confirm(unconfirmed.filter((id) => this.state.isDone(id)));
    await this.frontier.reopen(unconfirmed.filter((id) => !this.state.isDone(id)));
    this.fetcher = new Fetcher({
      userAgent: o.userAgent, timeoutMs: o.timeoutMs, maxBytes: o.maxBytes, allowPrivate: o.allowPrivate, connectionsPerOrigin: settings.perHost,
    });
    await this.frontier.enqueue(seeds.filter((s) => this.seen.add(s)).map((url) => ({ url, depth: 0, kind: 'page' as const, chain: [] })));

    const heartbeat = setInterval(() => void this.frontier.heartbeat().catch((e: unknown) => this.fail(e)), Math.max(10, this.shared.leaseMs / 3));
    try {
      const summary = await this.loop();
      await this.frontier.leave();
      return summary;
    } finally {
      clearInterval(heartbeat);
      await this.fetcher.close().catch(() => undefined);
    }
  }

  /** The depth and scope checks of a discovered URL, then this worker's cache of URLs it already sent. */
  wants(url: string, depth: number, kind: 'page' | 'sitemap'): boolean {
    if (kind === 'page' && (depth > this.opts.maxDepth || !this.scope.allows(url))) return false;
    return this.seen.add(url);
  }

  private get stopping(): boolean {
    return this.opts.signal?.aborted === true || this.limited;
  }

  protected pump(): void {
    if (this.taking) this.pumpAgain = true;
    if (this.finished || this.taking) return;
    const o = this.opts;
    this.commitIfDue();
    const free = o.concurrency - this.inflight;
    if (this.stopping || this.drained || free <= 0 || this.state.backlogged || (o.shouldPause?.() ?? false)) return this.maybeFinish();
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    this.taking = true;
    this.pumpAgain = false;
    this.frontier.take(free, o.maxPages).then((r) => {
      this.taking = false;
      this.guard(() => {
        this.pending = r.pending;
        // Not sticky: a robots.txt-disallowed page in flight counts until it is given back, then frees its place.
        this.limited = r.limited;
        for (const w of r.works) {
          this.inflight++;
          void this.start(w);
        }
        if (r.works.length === 0 && r.pending === 0 && this.inflight === 0) this.drained = true;
        if ((r.works.length === free || this.pumpAgain) && !this.stopping) return this.pump();
        // Nothing more may start now: look again when something may be ready (or others found more).
        this.wakeTimer = setTimeout(() => this.guard(() => this.pump()), Math.max(1, Math.min(r.wakeInMs ?? POLL_MS, POLL_MS)));
        this.maybeFinish();
      });
    }, (e: unknown) => this.fail(e));
  }

  protected maybeFinish(): void {
    if (this.finished || this.inflight > 0 || this.settling > 0 || this.taking) return;
    if (this.drained || this.stopping) this.end(this.drained);
  }

  protected queuedAndHosts(): [number, number] {
    return [this.pending, this.robots.size];
  }

  private async start(w: SharedWork): Promise<void> {
    try {
      if (w.kind === 'robots') await this.loadRobots(w.origin, w.tries);
      else if (w.kind === 'closed') await this.finishEntry(w, 'skip', { error: w.reason });
      else await this.fetchPage(w);
    } catch (e) {
      return this.fail(e);
    }
    if (this.released.has(w)) this.settling--;
    else this.inflight--;
    this.guard(() => this.pump());
  }

  /**
   * Gives this worker's slot back as soon as the completion is sent, so that the next take rides in the
   * same pipeline as the completion (one round trip per page instead of two).
   */
  private release(w: SharedWork): void {
    this.released.add(w);
    this.inflight--;
    this.settling++;
    this.guard(() => this.pump());
  }

  /** Ends the entry's lease and, if this worker still held it, logs and archives the result. */
  private async finishEntry(w: Exclude<SharedWork, { kind: 'robots' }>, how: 'done' | 'skip', fields: Partial<CrawlLogLine>, response?: FetchResponse, found: Found[] = []): Promise<string | null> {
    // Sent in this order on one connection: the links are queued before the entry stops counting as pending.
    const queued = this.frontier.enqueue(found);
    const finishing = this.frontier.finish(w, how);
    this.release(w);
    const accepted = await finishing;
    await queued;
    if (!accepted) {
      // Its lease expired while this worker was stalled; another worker has the entry now.
      this.countError('lease_lost');
      return null;
    }
    this.countError(fields.error);
    if (response) this.bytes += response.body.length;
    const line = logLine(w.entry, fields);
    line.process = this.shared.worker;
    return this.state.finish(w.entry.seq, line, w.entry.kind === 'page', response);
  }

  private async fetchPage(w: Extract<SharedWork, { kind: 'page' }>): Promise<void> {
    const o = this.opts;
    const e: FrontierEntry = w.entry;
    const rules = await this.rulesFor(w.origin);
    if (!rules.allows(e.url)) {
      await this.finishEntry(w, 'skip', { error: 'robots_disallowed' });
      return;
    }
    let res: FetchResponse | FetchError;
    try {
      res = await this.fetcher.fetch(e.url, entryMaxBytes(e, o));
    } catch (err) {
      res = classifyError(err);
    }
    const out = fetchOutcome(e, res, o, this.scope);
    if (out.kind === 'retry') {
      await this.frontier.retry(w, out.waitMs, out.slowOriginMs);
      return;
    }
    const { fields, response } = out;
    const links = new Collector(this);
    if (out.redirectTo !== undefined) links.enqueue(out.redirectTo, e.depth, e.kind, [...e.chain, e.url]);
    let doc: ReturnType<typeof handlePage>['doc'];
    if (out.body === 'sitemap') {
      const problem = handleSitemap(links, response!, o.maxBytes);
      if (problem) fields.error = problem;
    } else if (out.body === 'page') doc = handlePage(links, e, response!, o.maxDepth, o.onDocument !== undefined).doc;
    const id = await this.finishEntry(w, 'done', fields, response, links.found);
    if (id !== null && out.body === 'page') this.pagesFetchedThisRun++;
    if (doc && id) o.onDocument!({ id: id.replace(/^<|>$/g, ''), ...doc });
  }

  /** An origin's robots.txt rules, parsed from the shared cache (robots work for the origin finished before). */
  private async rulesFor(origin: string): Promise<OriginRobots> {
    const have = this.robots.get(origin);
    if (have) return have;
    const cached = await this.frontier.robots(origin);
    if (cached === null) throw new Error(`shared crawl: no robots.txt verdict cached for ${origin}`);
    const c = cached === 'allow' ? null : (JSON.parse(cached) as { u: string; t: string });
    const rules = new OriginRobots(c === null ? { kind: 'allow-all' } : rulesVerdict(c.u, c.t), this.agentToken);
    if (this.robots.size >= ROBOTS_CACHE) this.robots.clear();
    this.robots.set(origin, rules);
    return rules;
  }

  private async loadRobots(origin: string, tries: number): Promise<void> {
    const o = this.opts;
    const { url, res } = await fetchRobots(this.fetcher, origin, o.maxRedirects);
    const verdict = robotsVerdict(url, res);
    if (verdict.kind === 'refused') return this.frontier.robotsDone(origin, { kind: 'closed', reason: 'address_refused' });
    if (verdict.kind === 'unavailable') {
      if (tries + 1 >= o.robotsMaxTries) return this.frontier.robotsDone(origin, { kind: 'closed', reason: `robots_unavailable: ${verdict.reason}` });
      return this.frontier.robotsDone(origin, { kind: 'retry', waitMs: o.robotsRetryMs * 2 ** tries });
    }
    const rules = new OriginRobots(verdict, this.agentToken);
    const cached = verdict.kind === 'rules' && 'body' in res ? JSON.stringify({ u: url, t: res.body.toString('utf8') }) : 'allow';
    const delayMs = Math.max(this.settingsDelayMs, Math.min(rules.crawlDelayMs() ?? 0, o.maxCrawlDelayMs));
    if (o.sitemaps && this.scope.allows(origin + '/')) {
      const links = new Collector(this);
      for (const s of [...rules.sitemaps(), `${origin}/sitemap.xml`]) {
        const n = normaliseUrl(s);
        if (n) links.enqueue(n, 0, 'sitemap');
      }
      await this.frontier.enqueue(links.found);
    }
    await this.frontier.robotsDone(origin, { kind: 'ready', cached, delayMs });
  }
}
