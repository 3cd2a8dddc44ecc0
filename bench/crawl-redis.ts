// bench/crawl-redis: the shared crawl on one Redis (issue 16).
//  1. Redis memory per URL: INFO used_memory before/after queueing N URLs (1000 origins, ~60-byte URLs), then
//     after their queue entries are gone (as once fetched: the seen-set and per-origin state remain); and
//     MEMORY USAGE of one seen-set bucket filled as 100M URLs would fill it (the 100M estimate).
//  2. pages/s of 1, 2 and 4 `crawl --redis` processes against one local site (bench/_crawlServer.ts, served by
//     another process), politeness off, beside the single-process on-disk crawler (the reference) in the same run.
// Usage: node --import tsx bench/crawl-redis.ts [--quick]. Needs redis-server on PATH.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { RedisFrontier } from '../crawler/redisFrontier.js';

const quick = process.argv.includes('--quick');
const URLS = quick ? 100_000 : 1_000_000;
const SITE_PAGES = quick ? 3000 : 10000;
const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'cf-bench-redis-'));

async function startRedis(): Promise<{ url: string; child: ChildProcess }> {
  if (spawnSync('redis-server', ['--version']).status !== 0) throw new Error('redis-server is not installed');
  const sock = join(tmp, `redis-${Date.now()}.sock`);
  const child = spawn('redis-server', ['--port', '0', '--unixsocket', sock, '--save', '', '--appendonly', 'no', '--dir', tmp], { stdio: 'ignore' });
  const probe = new Redis({ path: sock, lazyConnect: true, retryStrategy: () => 20 });
  probe.on('error', () => undefined); // ENOENT until the server has made its socket
  for (let i = 0; i < 200; i++) {
    try {
      await probe.connect();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  await probe.quit();
  return { url: `unix:${sock}`, child };
}

async function usedMemory(r: Redis): Promise<number> {
  const info = await r.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)![1]);
}

async function memoryPerUrl(): Promise<void> {
  const { url, child } = await startRedis();
  const r = new Redis({ path: url.slice(5) });
  const f = new RedisFrontier(url, 'mem', 'bench', 60_000);
  await f.join({ perHost: 2, delayMs: 0, scope: 'any', seeds: [] });
  const before = await usedMemory(r);
  const t0 = performance.now();
  for (let i = 0; i < URLS; i += 1000) {
    const batch = [];
    for (let k = i; k < i + 1000 && k < URLS; k++) batch.push({ url: `https://site-${k % 1000}.example.org/articles/2024/page-${k}.html`, depth: 1, kind: 'page' as const, chain: [] });
    await f.enqueue(batch);
  }
  const enqueueSecs = (performance.now() - t0) / 1000;
  const queued = await usedMemory(r);
  for (let o = 0; o < 1000; o++) await r.del(`cf:{mem}:q:https://site-${o}.example.org`);
  await r.del('cf:{mem}:sched');
  const seenOnly = await usedMemory(r);
  // One bucket as 100M URLs fill it (2^18 buckets: ~381 fingerprints each), 46-bit values like the real ones.
  const perBucket = Math.round(100e6 / 2 ** 18);
  const members: number[] = [];
  for (let i = 0; i < perBucket; i++) members.push(Math.floor(Math.random() * 2 ** 46));
  await r.sadd('probe:bucket', ...members);
  const bucketBytes = Number(await r.memory('USAGE', 'probe:bucket'));
  const encoding = await r.object('ENCODING', 'probe:bucket');
  console.log(`\nRedis memory (redis-server ${(await r.info('server')).match(/redis_version:(\S+)/)![1]}), ${URLS.toLocaleString('en')} URLs on 1000 origins, ~62-byte URLs:`);
  console.log(`  queued (seen-set + queue entries):   ${((queued - before) / URLS).toFixed(1)} B/URL  (${((queued - before) / 2 ** 20).toFixed(1)} MiB), enqueued at ${Math.round(URLS / enqueueSecs).toLocaleString('en')} URLs/s`);
  console.log(`  fetched (seen-set + origins only):  ${((seenOnly - before) / URLS).toFixed(1)} B/URL  (${((seenOnly - before) / 2 ** 20).toFixed(1)} MiB)`);
  console.log(`  one seen-set bucket at 100M URLs: ${perBucket} members, ${encoding}, ${bucketBytes} B (${(bucketBytes / perBucket).toFixed(2)} B/URL)`);
  console.log(`  => seen-set of 100M URLs: ${((bucketBytes * 2 ** 18) / 2 ** 30).toFixed(2)} GiB; a queued URL adds ${((queued - seenOnly) / URLS).toFixed(1)} B until fetched`);
  await f.leave();
  await r.quit();
  child.kill();
}

function startSite(): Promise<{ origin: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/_crawlServer.ts'), String(SITE_PAGES)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => child.stdout!.once('data', (b: Buffer) => resolve({ origin: `http://127.0.0.1:${b.toString().trim()}`, child })));
}

/** Runs `n` crawl processes (n = 0: one plain on-disk crawl); returns pages/s over the slowest one's elapsed time. */
async function crawlRate(origin: string, n: number, redisUrl: string): Promise<number> {
  const dir = mkdtempSync(join(tmp, 'crawl-'));
  writeFileSync(join(dir, 'seeds.txt'), `${origin}/p/0\n`);
  const base = ['--seeds', join(dir, 'seeds.txt'), '--out', join(dir, 'out'), '--allow-private', '--no-sitemaps', '--delay-ms', '0',
    '--per-host-concurrency', '32', '--concurrency', '32', '--max-depth', '1000'];
  const runs = (n === 0 ? [base] : Array.from({ length: n }, (_, i) => [...base, '--redis', redisUrl, '--crawl-id', `rate${n}`, '--worker', `w${i}`]))
    .map((args) => new Promise<{ pages: number; secs: number }>((resolve, reject) => {
      const c = spawn(process.execPath, [join(root, 'bin/corpusforge.js'), 'crawl', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      c.stdout!.on('data', (b: Buffer) => (out += b.toString()));
      c.on('close', (code) => {
        const m = /(\d+) pages fetched in ([\d.]+) s/.exec(out);
        if (code !== 0 || !m) reject(new Error(`crawl exited ${code}: ${out}`));
        else resolve({ pages: Number(m[1]), secs: Number(m[2]) });
      });
    }));
  const results = await Promise.all(runs);
  rmSync(dir, { recursive: true, force: true });
  return results.reduce((a, r) => a + r.pages, 0) / Math.max(...results.map((r) => r.secs));
}

async function throughput(): Promise<void> {
  const { url, child } = await startRedis();
  const site = await startSite();
  console.log(`\ncrawl pages/s, ${SITE_PAGES} pages, politeness off (load average before: ${loadavg().map((x) => x.toFixed(1)).join(' ')})`);
  const reference = await crawlRate(site.origin, 0, url);
  console.log(`  1 process, state on disk (reference): ${reference.toFixed(0)} pages/s`);
  for (const n of [1, 2, 4]) {
    const rate = await crawlRate(site.origin, n, url);
    console.log(`  ${n} process${n > 1 ? 'es' : ''} on one Redis: ${rate.toFixed(0)} pages/s (${(rate / reference).toFixed(2)}x the reference)`);
  }
  site.child.kill();
  child.kill();
}

try {
  await memoryPerUrl();
  await throughput();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
