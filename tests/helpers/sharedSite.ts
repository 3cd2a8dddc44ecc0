// The loopback site of the shared-crawl tests: one site on three origins (ports), with a request log that
// the politeness checks read (in-flight requests per origin, gaps between request starts).
//   origins 0 and 1: /p/N (N < pages) on origin N % 2, each linking to N+1, 2N+1, 2N+2, (7N+3) % pages and
//     /private/N (disallowed by robots.txt); every 97th page answers after 150 ms.
//   origin 2: /d/K for every 30th page N (K = N / 30), robots.txt Crawl-delay: 0.03.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import type { TestContext } from 'node:test';
import { readWarcResponses, tempDir } from './crawlSite.js';
import { startRedis } from './redisServer.js';

export const CRAWL_DELAY_MS = 30;
export const PER_HOST = 2;

export interface SiteRequest {
  origin: number;
  path: string;
  start: number;
  /** When the response was handed to the OS ('finish'): the client cannot have it sooner. */
  end: number;
  /** In-flight requests on this origin when this one arrived (itself included). */
  concurrent: number;
}

export interface SharedSite {
  origins: string[];
  pages: number;
  /** Every page URL the crawl must archive (p and d pages). */
  expected: string[];
  requests: SiteRequest[];
  /** Called for every page request served (the tests kill crawlers from here). */
  onPage: (() => void) | null;
  /** Pages served with 200, per URL. */
  served: Map<string, number>;
  close(): Promise<void>;
}

function pageHtml(site: SharedSite, n: number): string {
  const { pages, origins } = site;
  const at = (k: number): string => `${origins[k % 2]}/p/${k}`;
  const hrefs = [n + 1, 2 * n + 1, 2 * n + 2, (7 * n + 3) % pages].filter((k) => k < pages).map(at);
  hrefs.push(`${origins[n % 2]}/private/${n}`);
  if (n % 30 === 0) hrefs.push(`${origins[2]}/d/${n / 30}`);
  return `<!doctype html><html><head><title>page ${n}</title></head><body><h1>Page ${n}</h1>` +
    `<p>Text of page ${n}, written for the shared crawl test.</p>${hrefs.map((h) => `<a href="${h}">x</a>`).join(' ')}</body></html>`;
}

export async function startSharedSite(pages: number): Promise<SharedSite> {
  const servers: Server[] = [];
  const inflight = [0, 0, 0];
  const site: SharedSite = { origins: [], pages, expected: [], requests: [], onPage: null, served: new Map(), close: async () => undefined };
  for (let o = 0; o < 3; o++) {
    const server = createServer((req, res) => {
      const path = req.url ?? '/';
      inflight[o]!++;
      const logged: SiteRequest = { origin: o, path, start: performance.now(), end: Infinity, concurrent: inflight[o]! };
      site.requests.push(logged);
      res.on('finish', () => (logged.end = performance.now()));
      res.on('close', () => inflight[o]!--);
      const send = (status: number, type: string, body: string): void => {
        if (status === 200 && type === 'text/html') site.served.set(`${site.origins[o]}${path}`, (site.served.get(`${site.origins[o]}${path}`) ?? 0) + 1);
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      };
      if (path === '/robots.txt') {
        return send(200, 'text/plain', o === 2 ? `User-agent: *\nCrawl-delay: ${CRAWL_DELAY_MS / 1000}\n` : 'User-agent: *\nDisallow: /private/\n');
      }
      const p = /^\/p\/(\d+)$/.exec(path);
      const d = /^\/d\/(\d+)$/.exec(path);
      if (p && o < 2 && Number(p[1]) < pages && Number(p[1]) % 2 === o) {
        site.onPage?.();
        const n = Number(p[1]);
        const body = pageHtml(site, n);
        if (n % 97 === 0) setTimeout(() => send(200, 'text/html', body), 150);
        else send(200, 'text/html', body);
        return;
      }
      if (d && o === 2) {
        site.onPage?.();
        return send(200, 'text/html', `<html><body>delayed page ${d[1]}</body></html>`);
      }
      send(404, 'text/plain', 'not found');
    });
    server.keepAliveTimeout = 10_000;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    site.origins.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }
  for (let n = 0; n < pages; n++) site.expected.push(`${site.origins[n % 2]}/p/${n}`);
  for (let n = 0; n < pages; n += 30) site.expected.push(`${site.origins[2]}/d/${n / 30}`);
  site.close = async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  };
  return site;
}

/** The largest number of requests in flight at once on each origin, from the server's own log. */
export function maxConcurrent(site: SharedSite): number[] {
  const max = [0, 0, 0];
  for (const r of site.requests) max[r.origin] = Math.max(max[r.origin]!, r.concurrent);
  return max;
}

/**
 * The smallest time from the end of a request on an origin to the start of the next one, over the pairs
 * that did not overlap, and how many pairs that was. Measured this way the delay is a matter of cause and
 * effect (the next request can only be sent after the previous response arrived), so the check needs no
 * tolerance for the test process being descheduled, which can squeeze two handler start times together.
 */
export function minIdleGap(site: SharedSite, origin: number): { gap: number; pairs: number } {
  const reqs = site.requests.filter((r) => r.origin === origin).sort((a, b) => a.start - b.start);
  let gap = Infinity;
  let pairs = 0;
  for (let i = 1; i < reqs.length; i++) {
    if (reqs[i - 1]!.end > reqs[i]!.start) continue;
    pairs++;
    gap = Math.min(gap, reqs[i]!.start - reqs[i - 1]!.end);
  }
  return { gap, pairs };
}

const root = new URL('../..', import.meta.url).pathname;

export interface CrawlerProcess {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** `corpusforge crawl ARGS` as a child process (the test's servers live in this process's event loop). */
export function crawlerProcess(args: string[]): CrawlerProcess {
  const child = spawn(process.execPath, [join(root, 'bin/corpusforge.js'), 'crawl', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

export function crawlArgs(dir: string, redisUrl: string, worker: string, extra: string[] = []): string[] {
  return [
    '--seeds', join(dir, 'seeds.txt'), '--out', join(dir, 'out'), '--allow-private', '--no-sitemaps', '--max-depth', '1000',
    '--delay-ms', '0', '--per-host-concurrency', String(PER_HOST), '--concurrency', '8', '--timeout-ms', '5000',
    '--warc-max-bytes', '200000', '--redis', redisUrl, '--crawl-id', 'test', '--worker', worker, '--lease-ms', '1000', ...extra,
  ];
}

/** Every expected page archived exactly once, nothing else; the per-origin limits held. */
export function assertCrawled(site: SharedSite, counts: Map<string, number>): void {
  for (const url of site.expected) assert.equal(counts.get(url), 1, `${url} archived once`);
  assert.equal(counts.size, site.expected.length, 'no other page archived');
  for (const r of site.requests) assert.ok(!r.path.startsWith('/private/'), `robots.txt disallowed ${r.path}`);
  const max = maxConcurrent(site);
  assert.ok(max[0]! <= PER_HOST && max[1]! <= PER_HOST, `in flight per origin ${max.join(', ')} (limit ${PER_HOST})`);
  assert.ok(max[2]! === 1, `one request at a time on the Crawl-delay origin (${max[2]})`);
  assert.ok(max[0] === PER_HOST, 'the limit was reached (the check can fail)');
  const idle = minIdleGap(site, 2);
  assert.ok(idle.pairs >= 20, `enough requests on the Crawl-delay origin to check (${idle.pairs})`);
  assert.ok(idle.gap >= CRAWL_DELAY_MS, `Crawl-delay ${CRAWL_DELAY_MS} ms held across processes (min gap ${idle.gap.toFixed(1)} ms)`);
}


/** Pages archived with status 200 over every worker's WARC files, by URL. */
export async function archivedCounts(out: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const r of await readWarcResponses(out)) if (r.status === 200) counts.set(r.uri, (counts.get(r.uri) ?? 0) + 1);
  return counts;
}

/** A shared-crawl test: a redis-server, the site, a temp folder with seeds.txt (page 0); all stopped after `fn`. */
export async function withSharedCrawl(t: TestContext, pages: number, fn: (site: SharedSite, dir: string, redisUrl: string) => Promise<void>): Promise<void> {
  const redis = await startRedis(t);
  if (!redis) return;
  const site = await startSharedSite(pages);
  const tmp = await tempDir();
  try {
    await writeFile(join(tmp.dir, 'seeds.txt'), `${site.origins[0]}/p/0\n`);
    await fn(site, tmp.dir, redis.url);
  } finally {
    await site.close();
    await tmp.cleanup();
    await redis.stop();
  }
}
