import { Redis, type RedisOptions } from 'ioredis';
import { UserError } from '../core/errors.js';
import type { FrontierEntry } from './frontierLog.js';
import { COMPLETE, ENQUEUE, HEARTBEAT, JOIN, REOPEN, ROBOTS_DONE, TAKE } from './redisScripts.js';
import { urlFingerprint } from './seenSet.js';
import { originOf } from './url.js';

/**
 * The seen-set is 2^SEEN_BITS Redis sets of integers: a URL's 64-bit fingerprint picks the set by its top
 * bits and is stored as the remaining 46 bits. Sets of up to 512 integers (set-max-intset-entries) are
 * intsets, 8 bytes per member: 2^18 sets stay intsets up to ~100M URLs (docs/crawler.md, measured).
 */
const SEEN_BITS = 18;

/** A leased piece of work for this worker. */
export type SharedWork =
  | { kind: 'robots'; origin: string; tries: number }
  | { kind: 'page'; origin: string; entry: FrontierEntry; takes: string; prevNext: string }
  | { kind: 'closed'; origin: string; entry: FrontierEntry; reason: string };

export interface TakeReply {
  works: SharedWork[];
  /** Entries queued, delayed or leased in the whole crawl. */
  pending: number;
  /** Milliseconds until something may become ready (a host's turn, a retry, a lease expiry); null: nothing. */
  wakeInMs: number | null;
  /** The crawl's --max-pages is reached. */
  limited: boolean;
}

/** The crawl's settings, fixed by the worker that created it (politeness must be one policy for all). */
export interface SharedSettings {
  perHost: number;
  delayMs: number;
  scope: string;
  seeds: string[];
}

type Reply = string | number | null | Reply[];
type ScriptCall = (...args: (string | number)[]) => Promise<Reply>;
interface Scripts {
  cfEnqueue: ScriptCall;
  cfTake: ScriptCall;
  cfComplete: ScriptCall;
  cfRobotsDone: ScriptCall;
  cfHeartbeat: ScriptCall;
  cfJoin: ScriptCall;
  cfReopen: ScriptCall;
}

/** `redis://host:port/db`, `rediss://...` or `unix:/path/to/socket` as ioredis options. */
export function redisOptions(url: string): RedisOptions & { path?: string } {
  if (url.startsWith('unix:')) return { path: url.slice(5).replace(/^\/\/(?=\/)/, '') };
  if (!/^rediss?:\/\//.test(url)) throw new UserError(`--redis must be redis://HOST:PORT[/DB], rediss://... or unix:/PATH, got '${url}'`);
  return {};
}

function parseEntry(s: string): FrontierEntry {
  const p = s.split('\t');
  return {
    seq: Number(p[0]), depth: Number(p[1]), kind: p[2] === 's' ? 'sitemap' : 'page', attempt: Number(p[3]), url: p[4]!,
    chain: p.slice(5), notBefore: 0,
  };
}

/**
 * One worker's handle on a crawl shared through Redis: the frontier (per-origin queues), the seen-set, the
 * leases, per-origin politeness and the robots.txt cache, each change one Lua script (crawler/redisScripts.ts).
 * Calls are pipelined automatically (ioredis auto-pipelining): the scripts of concurrent fetches share round trips.
 */
export class RedisFrontier {
  private readonly redis: Redis;
  private readonly scripts: Scripts;
  private readonly prefix: string;
  private perHost = 1;
  private delayMs = 0;
  private lastError: Error | null = null;

  constructor(url: string, crawlId: string, readonly worker: string, private readonly leaseMs: number) {
    const extra = redisOptions(url);
    const opts: RedisOptions = { enableAutoPipelining: true, maxRetriesPerRequest: 20, lazyConnect: true };
    this.redis = extra.path ? new Redis({ ...opts, path: extra.path }) : new Redis(url, opts);
    // ioredis reconnects by itself; without a listener it prints each connection error. Kept for messages.
    this.redis.on('error', (e: Error) => (this.lastError = e));
    // One hash tag: every key of the crawl in one slot (Lua scripts may touch only one slot on a cluster).
    this.prefix = `cf:{${crawlId}}:`;
    const define = (name: keyof Scripts, lua: string): void => this.redis.defineCommand(name, { numberOfKeys: 0, lua });
    define('cfEnqueue', ENQUEUE);
    define('cfTake', TAKE);
    define('cfComplete', COMPLETE);
    define('cfRobotsDone', ROBOTS_DONE);
    define('cfHeartbeat', HEARTBEAT);
    define('cfJoin', JOIN);
    define('cfReopen', REOPEN);
    this.scripts = this.redis as unknown as Scripts;
  }

  /**
   * Connects and joins the crawl. While a worker of the same name holds its claim (heartbeat + lease) this
   * waits for the claim to end once (it may be this worker's killed predecessor); renewed meanwhile, it is refused.
   */
  async join(want: { perHost: number; delayMs: number; scope: string; seeds: string[] }): Promise<SharedSettings> {
    try {
      await this.redis.connect();
    } catch (e) {
      throw new UserError(`cannot connect to Redis: ${(this.lastError ?? (e as Error)).message}`);
    }
    let waited = false;
    for (;;) {
      const r = (await this.scripts.cfJoin(this.prefix, want.perHost, this.worker, this.leaseMs, want.delayMs, want.scope, SEEN_BITS, ...want.seeds)) as Reply[];
      if (r[0] === 'ok') {
        this.perHost = Number(r[1]);
        this.delayMs = Number(r[2]);
        if (Number(r[4]) !== SEEN_BITS) throw new UserError(`crawl uses a seen-set of ${String(r[4])} bits; this version uses ${SEEN_BITS}`);
        const seeds = await this.redis.smembers(this.prefix + 'seeds');
        return { perHost: this.perHost, delayMs: this.delayMs, scope: String(r[3]), seeds };
      }
      // Its claim may be a killed predecessor's: wait it out once; a live worker renews it meanwhile.
      if (waited) throw new UserError(`worker '${this.worker}' is already running in this crawl; give each process its own --worker`);
      waited = true;
      await new Promise((res) => setTimeout(res, Number(r[1]) + 50));
    }
  }

  /** Queues the URLs not seen before in the whole crawl; returns how many were new. */
  async enqueue(items: { url: string; depth: number; kind: 'page' | 'sitemap'; chain: readonly string[] }[]): Promise<number> {
    if (items.length === 0) return 0;
    const args: (string | number)[] = [this.prefix, this.perHost];
    for (const it of items) {
      const [hi, lo] = urlFingerprint(it.url);
      const bucket = hi >>> (32 - SEEN_BITS);
      const value = (hi & ((1 << (32 - SEEN_BITS)) - 1)) * 2 ** 32 + lo;
      let tail = `${it.depth}\t${it.kind === 'page' ? 'p' : 's'}\t0\t${it.url}`;
      for (const c of it.chain) tail += `\t${c}`;
      args.push(bucket, value, originOf(it.url), tail);
    }
    return Number(await this.scripts.cfEnqueue(...args));
  }

  /** Leases up to `max` pieces of work whose turn it is. */
  async take(max: number, maxPages: number): Promise<TakeReply> {
    const maxPagesArg = Number.isFinite(maxPages) ? maxPages : 2 ** 53;
    const r = (await this.scripts.cfTake(this.prefix, this.perHost, this.worker, this.leaseMs, max, maxPagesArg, this.delayMs)) as Reply[];
    const now = Number(r[0]);
    const wake = Number(r[2]);
    const works: SharedWork[] = [];
    for (const w of r.slice(4) as string[][]) {
      if (w[0] === 'r') works.push({ kind: 'robots', origin: w[1]!, tries: Number(w[2]) });
      else if (w[0] === 'p') works.push({ kind: 'page', origin: w[1]!, entry: parseEntry(w[2]!), takes: w[3]!, prevNext: w[4]! });
      else works.push({ kind: 'closed', origin: w[1]!, entry: parseEntry(w[2]!), reason: w[3]! });
    }
    return { works, pending: Number(r[1]), wakeInMs: wake < 0 ? null : Math.max(0, wake - now), limited: r[3] === 1 };
  }

  /**
   * Ends the lease of a finished entry. False when the lease was lost (it expired while this worker was
   * stalled and the entry went to another worker): the result must then be dropped, not archived.
   */
  async finish(w: Exclude<SharedWork, { kind: 'robots' }>, how: 'done' | 'skip'): Promise<boolean> {
    const uncount = how === 'skip' && w.entry.kind === 'page' && w.entry.attempt === 1 ? '1' : '0';
    const takes = w.kind === 'page' ? w.takes : '';
    const prev = w.kind === 'page' ? w.prevNext : '';
    return (await this.scripts.cfComplete(this.prefix, this.perHost, this.worker, w.entry.seq, how, takes, prev, '', '', uncount, this.delayMs)) === 1;
  }

  /** Gives the entry back to be tried again after waitMs (slowOriginMs: the whole origin waits too). */
  async retry(w: Extract<SharedWork, { kind: 'page' }>, waitMs: number, slowOriginMs?: number): Promise<boolean> {
    const r = await this.scripts.cfComplete(this.prefix, this.perHost, this.worker, w.entry.seq, 'retry', '', '', Math.ceil(waitMs), slowOriginMs === undefined ? '' : Math.ceil(slowOriginMs), '0', this.delayMs);
    return r === 1;
  }

  /** Ends a robots.txt lease: the rules are cached for every worker, or the origin closes, or it is retried later. */
  async robotsDone(origin: string, outcome: { kind: 'ready'; cached: string; delayMs: number } | { kind: 'closed'; reason: string } | { kind: 'retry'; waitMs: number }): Promise<void> {
    const args: (string | number)[] = [this.prefix, this.perHost, this.worker, origin, outcome.kind];
    if (outcome.kind === 'ready') args.push(outcome.cached, Math.round(outcome.delayMs), 0);
    else if (outcome.kind === 'closed') args.push(outcome.reason, 0, 0);
    else args.push('', 0, Math.ceil(outcome.waitMs));
    await this.scripts.cfRobotsDone(...args);
  }

  /** The cached robots.txt of an origin, as robotsDone stored it. */
  async robots(origin: string): Promise<string | null> {
    return this.redis.get(`${this.prefix}robots:${origin}`);
  }

  async heartbeat(): Promise<void> {
    await this.scripts.cfHeartbeat(this.prefix, this.perHost, this.worker, this.leaseMs);
  }

  /** The ids this worker finished that may not be in its journal yet (see COMPLETE). */
  async unconfirmed(): Promise<number[]> {
    return (await this.redis.hkeys(`${this.prefix}unconf:${this.worker}`)).map(Number);
  }

  /** The journal has these entries: forget them. */
  async confirm(ids: readonly number[]): Promise<void> {
    if (ids.length) await this.redis.hdel(`${this.prefix}unconf:${this.worker}`, ...ids.map(String));
  }

  /** Entries this worker finished but never journaled (it was killed): back to the frontier. */
  async reopen(ids: readonly number[]): Promise<number> {
    if (ids.length === 0) return 0;
    return Number(await this.scripts.cfReopen(this.prefix, this.perHost, this.worker, ...ids));
  }

  /** Leaves the crawl (its heartbeat entry goes, so a restart need not wait for it). */
  async leave(): Promise<void> {
    await this.redis.hdel(`${this.prefix}workers`, this.worker).catch(() => undefined);
    await this.redis.quit().catch(() => undefined);
  }

  /** Drops the connection without a goodbye (after a failure). */
  disconnect(): void {
    this.redis.disconnect();
  }
}
