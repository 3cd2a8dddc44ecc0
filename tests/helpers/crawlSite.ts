// Shared by the crawl tests: real HTTP servers on 127.0.0.1 (port 0), temp dirs, WARC/log readers.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WARCParser } from 'warcio';
import type { CrawlLogLine } from '../../crawler/crawlState.js';
import { Crawler } from '../../crawler/crawler.js';
import type { CrawlOptions } from '../../crawler/options.js';

export interface TestServer {
  origin: string;
  port: number;
  /** Requests per path (with query). */
  hits: Map<string, number>;
  close(): Promise<void>;
}

export async function startServer(handler: (req: IncomingMessage, res: ServerResponse, path: string) => void): Promise<TestServer> {
  const hits = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    handler(req, res, path);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`, port, hits,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

export function html(res: ServerResponse, body: string, status = 200, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
  res.end(body);
}

export function links(...hrefs: string[]): string {
  return `<html><body>${hrefs.map((h) => `<a href="${h}">x</a>`).join(' ')}</body></html>`;
}

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'cf-crawl-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function readCrawlLog(outDir: string, name = 'crawl.jsonl'): Promise<CrawlLogLine[]> {
  const text = await readFile(join(outDir, name), 'utf8');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as CrawlLogLine);
}

export interface WarcResponse {
  uri: string;
  status: number;
  file: string;
  truncated: string | null;
  body: Uint8Array;
  contentType: string | null;
  payloadDigest: string | null;
}

/** Every response record of every WARC in the folder, read with warcio (an independent reader). */
export async function readWarcResponses(outDir: string): Promise<WarcResponse[]> {
  const files = (await readdir(outDir)).filter((f) => /\.warc\.gz(\.open)?$/.test(f)).sort();
  const out: WarcResponse[] = [];
  for (const file of files) {
    for await (const r of new WARCParser(createReadStream(join(outDir, file)))) {
      if (r.warcType !== 'response') continue;
      const body = await r.readFully(true);
      out.push({
        uri: r.warcTargetURI ?? '', status: Number(r.httpHeaders?.statusCode), file, truncated: r.warcHeader('WARC-Truncated') ?? null,
        body, contentType: r.httpHeaders?.headers.get('content-type') ?? null, payloadDigest: r.warcPayloadDigest ?? null,
      });
    }
  }
  return out;
}

/** Options that make a crawl of a loopback test server fast (no politeness waits, short timeouts). */
export const FAST = {
  allowPrivate: true, delayMs: 0, perHostConcurrency: 4, concurrency: 8, timeoutMs: 2000, retryBaseMs: 5,
  robotsRetryMs: 20, progressIntervalMs: 1000,
} as const;

/** Crawls the seeds into a fresh temp folder with FAST options; returns the folder, the summary and crawl.jsonl. */
export async function crawl(seeds: string[], extra: Partial<CrawlOptions> = {}) {
  const t = await tempDir();
  const summary = await new Crawler({ ...FAST, seeds, outDir: t.dir, ...extra }).run();
  return { ...t, summary, log: await readCrawlLog(t.dir) };
}
