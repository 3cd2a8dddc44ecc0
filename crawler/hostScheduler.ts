import type { FrontierEntry } from './frontierLog.js';
import type { OriginRobots } from './robots.js';

/** robots.txt state of an origin as the scheduler sees it. */
export type RobotsState =
  | { kind: 'unknown' }
  | { kind: 'loading' }
  | { kind: 'ready'; rules: OriginRobots }
  /** No more fetches on this origin: address refused, or robots.txt unavailable after every retry. */
  | { kind: 'closed'; reason: string };

/** Per-origin politeness state. */
export interface HostState {
  readonly origin: string;
  queue: FrontierEntry[];
  head: number;
  /** Retries waiting for their backoff, sorted by notBefore. */
  delayed: FrontierEntry[];
  inflight: number;
  /** Earliest start of the next request (delay / Crawl-delay / Retry-After). */
  nextAllowedAt: number;
  delayMs: number;
  robots: RobotsState;
  robotsTries: number;
  scheduledAt: number;
}

/** What the crawler should do next. */
export type Work = { host: HostState; entry: FrontierEntry } | { host: HostState; entry: null /* fetch robots.txt */ };

/**
 * Picks the next request so that each origin gets at most `perHost` requests in flight and at least
 * `delayMs` (or its Crawl-delay) between request starts, and origins take turns. Ready origins wait in
 * a FIFO; origins waiting for their delay sit in a min-heap by time, so picking is O(log hosts), not a
 * scan. The first request of every origin is its robots.txt.
 */
export class HostScheduler {
  private readonly hosts = new Map<string, HostState>();
  private ready: HostState[] = [];
  private readyHead = 0;
  private readonly heap: { at: number; host: HostState }[] = [];
  /** Entries held in host queues (the frontier read window). */
  buffered = 0;

  constructor(
    private readonly perHost: number,
    private readonly defaultDelayMs: number,
    /** Called for each entry about to be dispatched; return false to drop it (it was recorded as skipped). */
    private readonly admit: (host: HostState, entry: FrontierEntry) => boolean,
    private readonly maxIdleHosts = 20_000,
  ) {}

  get activeHosts(): number {
    return this.hosts.size;
  }

  host(origin: string): HostState {
    let h = this.hosts.get(origin);
    if (!h) {
      h = { origin, queue: [], head: 0, delayed: [], inflight: 0, nextAllowedAt: 0, delayMs: this.defaultDelayMs, robots: { kind: 'unknown' }, robotsTries: 0, scheduledAt: -1 };
      this.hosts.set(origin, h);
    }
    return h;
  }

  add(origin: string, entry: FrontierEntry, now: number): void {
    const h = this.host(origin);
    h.queue.push(entry);
    this.buffered++;
    this.wake(h, now);
  }

  /** Puts an entry back to be tried again at entry.notBefore (other URLs of the host go on meanwhile). */
  retry(h: HostState, entry: FrontierEntry, now: number): void {
    let i = h.delayed.length;
    while (i > 0 && h.delayed[i - 1]!.notBefore > entry.notBefore) i--;
    h.delayed.splice(i, 0, entry);
    this.buffered++;
    this.wake(h, now);
  }

  /**
   * Takes back an entry next() handed out that the caller will not start (its page budget is spent): it goes
   * back to the head of its host's queue and the host's slot is freed. The host is not rescheduled, so the
   * same entry is not offered again in a loop; a retry or a release on the host wakes it.
   */
  unstart(h: HostState, entry: FrontierEntry): void {
    if (h.head > 0) h.queue[--h.head] = entry;
    else h.queue.unshift(entry);
    this.buffered++;
    h.inflight--;
  }

  /** A request on `h` finished. */
  release(h: HostState, now: number): void {
    h.inflight--;
    if (h.inflight === 0 && !this.hasWork(h) && h.scheduledAt < 0 && this.hosts.size > this.maxIdleHosts) {
      this.hosts.delete(h.origin); // its robots.txt is fetched again if the origin comes back
      return;
    }
    this.wake(h, now);
  }

  /** Re-evaluates a host whose state changed (robots loaded, delay changed). */
  wake(h: HostState, now: number): void {
    if (h.scheduledAt >= 0) {
      // Already queued; if it now may go earlier than its heap slot says, queue it again (stale slot skipped).
      const t = this.readyAt(h);
      if (t === null || t >= h.scheduledAt) return;
    }
    const t = this.readyAt(h);
    if (t === null) return;
    h.scheduledAt = Math.max(t, 0);
    if (t <= now) this.ready.push(h);
    else this.heapPush(t, h);
  }

  private hasWork(h: HostState): boolean {
    return h.head < h.queue.length || h.delayed.length > 0;
  }

  /** When the host could next dispatch, or null when it must wait for an event (release, robots). */
  private readyAt(h: HostState): number | null {
    if (h.inflight >= this.perHost || h.robots.kind === 'loading') return null;
    if (h.robots.kind === 'unknown' && this.hasWork(h)) return h.nextAllowedAt;
    if (h.head < h.queue.length) return h.nextAllowedAt;
    if (h.delayed.length > 0) return Math.max(h.nextAllowedAt, h.delayed[0]!.notBefore);
    return null;
  }

  /** Time of the next heap wake-up, for the crawler's timer. */
  nextWakeAt(): number | null {
    while (this.heap.length && this.heap[0]!.host.scheduledAt !== this.heap[0]!.at) this.heapPop();
    return this.heap.length ? this.heap[0]!.at : null;
  }

  /** The next request to start now, or null when none may start yet. */
  next(now: number): Work | null {
    while (this.heap.length && this.heap[0]!.at <= now) {
      const { at, host } = this.heapPop();
      if (host.scheduledAt === at) this.ready.push(host);
    }
    while (this.readyHead < this.ready.length) {
      const h = this.ready[this.readyHead++]!;
      if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
        this.ready = this.ready.slice(this.readyHead);
        this.readyHead = 0;
      }
      h.scheduledAt = -1;
      const t = this.readyAt(h);
      if (t === null) continue;
      if (t > now) {
        this.wake(h, now);
        continue;
      }
      if (h.robots.kind === 'unknown') {
        h.robots = { kind: 'loading' };
        h.inflight++;
        h.nextAllowedAt = now + h.delayMs;
        return { host: h, entry: null };
      }
      const entry = this.take(h, now);
      if (entry === null) {
        this.wake(h, now);
        continue;
      }
      h.inflight++;
      h.nextAllowedAt = now + h.delayMs;
      this.wake(h, now);
      return { host: h, entry };
    }
    return null;
  }

  private take(h: HostState, now: number): FrontierEntry | null {
    for (;;) {
      let e: FrontierEntry | undefined;
      if (h.delayed.length > 0 && h.delayed[0]!.notBefore <= now) e = h.delayed.shift();
      else if (h.head < h.queue.length) {
        e = h.queue[h.head++];
        if (h.head === h.queue.length) {
          h.queue = [];
          h.head = 0;
        } else if (h.head > 1024 && h.head * 2 > h.queue.length) {
          h.queue = h.queue.slice(h.head);
          h.head = 0;
        }
      }
      if (e === undefined) return null;
      this.buffered--;
      if (this.admit(h, e)) return e;
    }
  }

  private heapPush(at: number, host: HostState): void {
    const a = this.heap;
    a.push({ at, host });
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]!.at <= a[i]!.at) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }

  private heapPop(): { at: number; host: HostState } {
    const a = this.heap;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]!.at < a[m]!.at) m = l;
        if (r < a.length && a[r]!.at < a[m]!.at) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}
