// bench/crawl: pages/s of our crawler (politeness off, WARC on) vs Crawlee's CheerioCrawler vs a bare undici
// Pool.request loop (the limit), on the same local site served by another process; plus seen-set memory.
// Usage: node --import tsx bench/crawl.ts [--quick]. Each contender runs in its own child process (peak RSS
// is per process). The machine is shared and has 2 cores (the server takes one): rely on the ratios.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const quick = process.argv.includes('--quick');
const skipCrawlee = process.argv.includes('--skip-crawlee');
// Set when this script was bundled with esbuild to run on a machine without node_modules (see docs/benchmarks.md).
const bundled = process.env.CF_BENCH_BUNDLED === '1';
const loader = bundled ? [] : ['--import', 'tsx'];
const self = fileURLToPath(import.meta.url);
const here = fileURLToPath(new URL('.', import.meta.url));
const CONCURRENCY = 32;

interface RunResult {
  name: string;
  pages: number;
  seconds: number;
  peakRssMb: number;
}

function trackPeakRss(): () => number {
  let peak = process.memoryUsage.rss();
  const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
  return () => {
    clearInterval(t);
    return Math.max(peak, process.memoryUsage.rss()) / 1e6;
  };
}

async function runOurs(origin: string): Promise<RunResult> {
  const { Crawler } = await import('../crawler/crawler.js');
  const out = mkdtempSync(join(tmpdir(), 'cf-bench-crawl-'));
  const peak = trackPeakRss();
  const t0 = performance.now();
  const s = await new Crawler({
    seeds: [`${origin}/p/0`], outDir: out, allowPrivate: true, delayMs: 0, concurrency: CONCURRENCY,
    perHostConcurrency: CONCURRENCY, maxDepth: 1000, sitemaps: false, progressIntervalMs: 1000,
  }).run();
  const seconds = (performance.now() - t0) / 1000;
  const rss = peak();
  rmSync(out, { recursive: true, force: true });
  return { name: 'corpusforge crawl (WARC on)', pages: s.pagesFetched, seconds, peakRssMb: rss };
}

async function runCrawlee(origin: string): Promise<RunResult> {
  process.env.CRAWLEE_PERSIST_STORAGE = 'false';
  const { CheerioCrawler, Configuration, log } = await import('crawlee');
  log.setLevel(log.LEVELS.ERROR);
  let pages = 0;
  const peak = trackPeakRss();
  const t0 = performance.now();
  const crawler = new CheerioCrawler(
    {
      minConcurrency: CONCURRENCY, maxConcurrency: CONCURRENCY, maxRequestRetries: 0,
      async requestHandler({ enqueueLinks }) {
        pages++;
        await enqueueLinks({ strategy: 'same-hostname' });
      },
    },
    new Configuration({ persistStorage: false }),
  );
  await crawler.run([`${origin}/p/0`]);
  return { name: 'Crawlee 3.18 CheerioCrawler', pages, seconds: (performance.now() - t0) / 1000, peakRssMb: peak() };
}

async function runBare(origin: string): Promise<RunResult> {
  const { Pool } = await import('undici');
  const pool = new Pool(origin, { connections: CONCURRENCY });
  const seen = new Set<string>(['/p/0']);
  const queue = ['/p/0'];
  let pages = 0;
  let active = 0;
  const peak = trackPeakRss();
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const next = (): void => {
      while (active < CONCURRENCY && queue.length) {
        const path = queue.shift()!;
        active++;
        pool.request({ path, method: 'GET' }).then(async (r) => {
          const body = await r.body.text();
          pages++;
          for (const m of body.matchAll(/href="([^"]+)"/g)) if (!seen.has(m[1]!)) (seen.add(m[1]!), queue.push(m[1]!));
          active--;
          if (active === 0 && queue.length === 0) resolve();
          else next();
        });
      }
    };
    next();
  });
  const seconds = (performance.now() - t0) / 1000;
  await pool.close();
  return { name: 'bare undici Pool.request loop', pages, seconds, peakRssMb: peak() };
}

/** Seen-set memory and insert rate at n URLs, against a JS Set of the same strings (at 1M only). */
async function seenSetMemory(n: number): Promise<{ n: number; seenMb: number; seenNsPerAdd: number; setMb?: number }> {
  const { SeenSet } = await import('../crawler/seenSet.js');
  const s = new SeenSet();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) s.add(`https://www.example-${i % 5000}.com/articles/${i}/some-slug-text?page=${i % 7}`);
  const ns = ((performance.now() - t0) * 1e6) / n;
  const r: { n: number; seenMb: number; seenNsPerAdd: number; setMb?: number } = { n, seenMb: s.memoryBytes / 1e6, seenNsPerAdd: ns };
  if (n <= 1_000_000) {
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    const set = new Set<string>();
    for (let i = 0; i < n; i++) set.add(`https://www.example-${i % 5000}.com/articles/${i}/some-slug-text?page=${i % 7}`);
    global.gc?.();
    r.setMb = (process.memoryUsage().heapUsed - before) / 1e6;
    if (set.size !== n) throw new Error('set size');
  }
  return r;
}

async function child(): Promise<void> {
  const [, , , which, arg] = process.argv;
  let out: unknown;
  if (which === 'ours') out = await runOurs(arg!);
  else if (which === 'crawlee') out = await runCrawlee(arg!);
  else if (which === 'bare') out = await runBare(arg!);
  else if (which === 'seen') out = await seenSetMemory(Number(arg));
  process.stdout.write(`\nRESULT ${JSON.stringify(out)}\n`);
  process.exit(0);
}

function runChild<T>(which: string, arg: string): T {
  const r = spawnSync(process.execPath, ['--expose-gc', ...loader, self, '--child', which, arg], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (!line) throw new Error(`${which} failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(line.slice(7)) as T;
}

async function main(): Promise<void> {
  const pages = quick ? 1000 : 20000;
  const server = spawn(process.execPath, [...loader, join(here, bundled ? '_crawlServer.mjs' : '_crawlServer.ts'), String(pages)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => server.stdout!.once('data', (b: Buffer) => resolve(b.toString().trim())));
  const origin = `http://127.0.0.1:${port}`;
  try {
    console.log(`site: ${pages} pages of ~2 KB, 5 links each, server in its own process; concurrency ${CONCURRENCY}; node ${process.version}`);
    runChild<RunResult>('bare', origin); // warm the server's page cache so every contender sees the same server
    const results = ['bare', 'ours', ...(skipCrawlee ? [] : ['crawlee'])].map((w) => runChild<RunResult>(w, origin));
    const bare = results[0]!;
    const rate = (r: RunResult) => r.pages / r.seconds;
    console.log('\n| contender | pages | seconds | pages/s | vs bare loop | peak RSS MB |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const r of results) {
      console.log(`| ${r.name} | ${r.pages} | ${r.seconds.toFixed(2)} | ${rate(r).toFixed(0)} | ${(rate(r) / rate(bare)).toFixed(2)}x | ${r.peakRssMb.toFixed(0)} |`);
    }
    const ours = results[1]!;
    const crawlee = results[2];
    if (crawlee) console.log(`\nours / Crawlee: ${(rate(ours) / rate(crawlee)).toFixed(1)}x`);
    console.log(`ours / bare loop: ${(rate(ours) / rate(bare)).toFixed(2)}x (goal >= 0.5x)`);
  } finally {
    server.kill();
  }
  const sizes = quick ? [1_000_000] : [1_000_000, 10_000_000];
  console.log('\n| URLs in seen-set | seen-set MB | ns/add | JS Set<string> MB |');
  console.log('|---:|---:|---:|---:|');
  for (const n of sizes) {
    const r = runChild<{ n: number; seenMb: number; seenNsPerAdd: number; setMb?: number }>('seen', String(n));
    console.log(`| ${n.toLocaleString('en')} | ${r.seenMb.toFixed(1)} | ${r.seenNsPerAdd.toFixed(0)} | ${r.setMb === undefined ? '-' : r.setMb.toFixed(0)} |`);
  }
  if (quick) console.log('(10M seen-set row skipped in --quick)');
}

if (process.argv.includes('--child')) await child();
else await main();
