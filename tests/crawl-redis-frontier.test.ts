// The shared frontier's transitions against a real redis-server, without crawler processes: leases that
// expire go to another worker and the stalled one's late result is refused (at most one accepted fetch per
// URL); the seen-set spans workers; per-origin slots and delays are charged across workers; a worker's
// unconfirmed completions are reopened or confirmed when it rejoins.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RedisFrontier, type SharedWork } from '../crawler/redisFrontier.js';
import { startRedis } from './helpers/redisServer.js';

const ORIGIN = 'http://a.example';
const settings = { perHost: 1, delayMs: 0, scope: 'any', seeds: [] };

type PageWork = Extract<SharedWork, { kind: 'page' }>;

/**
 * Takes until a page lease comes back (the origin's robots.txt lease first, answered "allow all"); with
 * `orNone`, returns without a page as soon as a take hands out nothing (and says whether the crawl is limited).
 */
async function takeNext(f: RedisFrontier, maxPages = Infinity, orNone = false): Promise<{ page?: PageWork; limited: boolean }> {
  for (let i = 0; i < 50; i++) {
    const r = await f.take(1, maxPages);
    const w = r.works[0];
    if (w?.kind === 'page') return { page: w, limited: r.limited };
    if (w?.kind === 'robots') await f.robotsDone(w.origin, { kind: 'ready', cached: 'allow', delayMs: 0 });
    else if (orNone) return { limited: r.limited };
    else await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error('no page leased');
}

async function takePage(f: RedisFrontier): Promise<PageWork> {
  return (await takeNext(f)).page!;
}

test('an expired lease goes to another worker; the stalled worker\'s late result is refused', async (t) => {
  const redis = await startRedis(t);
  if (!redis) return;
  const a = new RedisFrontier(redis.url, 'lease', 'a', 150);
  const b = new RedisFrontier(redis.url, 'lease', 'b', 150);
  try {
    await a.join(settings);
    await b.join(settings);
    assert.equal(await a.enqueue([{ url: `${ORIGIN}/1`, depth: 0, kind: 'page', chain: [] }]), 1);
    assert.equal(await b.enqueue([{ url: `${ORIGIN}/1`, depth: 0, kind: 'page', chain: [] }]), 0, 'the seen-set spans workers');
    const wa = await takePage(a);
    assert.equal(wa.entry.url, `${ORIGIN}/1`);
    assert.equal(wa.entry.attempt, 1);
    const busy = await b.take(1, Infinity);
    assert.equal(busy.works.length, 0, 'the origin\'s one slot is taken, by another worker');
    assert.equal(busy.pending, 1);
    await new Promise((res) => setTimeout(res, 250)); // a stalls past its lease (no heartbeat)
    const wb = await takePage(b);
    assert.equal(wb.entry.seq, wa.entry.seq, 'the expired lease went to b');
    assert.equal(await a.finish(wa, 'done'), false, 'a lost its lease: its result is dropped');
    assert.equal(await b.finish(wb, 'done'), true);
    const after = await b.take(1, Infinity);
    assert.equal(after.pending, 0, 'finished once');
    assert.deepEqual(await b.unconfirmed(), [wb.entry.seq]);
    assert.deepEqual(await a.unconfirmed(), []);
  } finally {
    await a.leave();
    await b.leave();
    await redis.stop();
  }
});

test('rejoining after a kill: completions the journal has are confirmed, the others reopened; a live name is refused', async (t) => {
  const redis = await startRedis(t);
  if (!redis) return;
  const first = new RedisFrontier(redis.url, 'rejoin', 'w', 300);
  const other = new RedisFrontier(redis.url, 'rejoin', 'x', 300);
  let again: RedisFrontier | null = null;
  try {
    await first.join({ ...settings, perHost: 3 });
    await other.join(settings);
    await first.enqueue([1, 2, 3].map((n) => ({ url: `${ORIGIN}/${n}`, depth: 0, kind: 'page' as const, chain: [] })));
    const w1 = await takePage(first);
    const w2 = await takePage(first);
    await takePage(first);
    assert.equal(await first.finish(w1, 'done'), true);
    assert.equal(await first.finish(w2, 'done'), true);
    first.disconnect(); // killed: w1 reached its journal, w2 did not, the third was being fetched
    const beat = setInterval(() => void other.heartbeat(), 100); // x is alive
    const twin = new RedisFrontier(redis.url, 'rejoin', 'x', 300);
    await assert.rejects(twin.join(settings), /worker 'x' is already running/);
    twin.disconnect();
    clearInterval(beat);
    again = new RedisFrontier(redis.url, 'rejoin', 'w', 300);
    await again.join(settings); // waits out the killed one's claim, then takes its name
    assert.deepEqual((await again.unconfirmed()).sort(), [w1.entry.seq, w2.entry.seq].sort());
    await again.confirm([w1.entry.seq]);
    assert.equal(await again.reopen([w2.entry.seq]), 1);
    assert.deepEqual(await again.unconfirmed(), []);
    const taken = new Set<string>();
    for (let i = 0; i < 2; i++) taken.add((await takePage(again)).entry.url);
    assert.deepEqual(taken, new Set([`${ORIGIN}/2`, `${ORIGIN}/3`]), 'the unwritten page and the one in flight come back; the journaled one does not');
  } finally {
    await again?.leave();
    await other.leave();
    await redis.stop();
  }
});

test('--max-pages spent: pages already started (a retry, an expired lease) are still handed out and finished before the crawl stops', async (t) => {
  const redis = await startRedis(t);
  if (!redis) return;
  const a = new RedisFrontier(redis.url, 'budget', 'a', 150);
  const b = new RedisFrontier(redis.url, 'budget', 'b', 150);
  const takeBudget = (f: RedisFrontier) => takeNext(f, 2, true);
  try {
    await a.join({ ...settings, perHost: 4 });
    await b.join({ ...settings, perHost: 4 });
    await a.enqueue([1, 2, 3].map((n) => ({ url: `${ORIGIN}/${n}`, depth: 0, kind: 'page' as const, chain: [] })));
    const first = (await takeBudget(a)).page!;
    const second = (await takeBudget(a)).page!;
    // The budget of 2 pages is spent: no new page, but not limited while the two started ones are open.
    const none = await takeBudget(b);
    assert.equal(none.page, undefined);
    assert.equal(none.limited, false, 'two started pages are still open');
    // A retry after the budget is spent comes back (to any worker) and is finished.
    assert.equal(await a.retry(first, 0), true);
    const again = await takeBudget(b);
    assert.equal(again.page?.entry.seq, first.entry.seq, 'the retried page is handed out again');
    assert.equal(await b.finish(again.page!, 'done'), true);
    // An expired lease after the budget is spent goes to another worker too.
    await new Promise((res) => setTimeout(res, 250));
    const taken = await takeBudget(b);
    assert.equal(taken.page?.entry.seq, second.entry.seq, 'the expired lease is handed out again');
    assert.equal(await a.finish(second, 'done'), false);
    assert.equal(await b.finish(taken.page!, 'done'), true);
    const end = await takeBudget(b);
    assert.equal(end.page, undefined, 'page 3 is never started');
    assert.equal(end.limited, true, 'every started page finished: the crawl stops');
  } finally {
    await a.leave();
    await b.leave();
    await redis.stop();
  }
});
