import type { Document } from '../core/document.js';
import type { ScopeMode } from './scope.js';

/** Everything a crawl can be told. Defaults: see DEFAULT_CRAWL_OPTIONS. */
export interface CrawlOptions {
  /** Seed URLs (unnormalised; invalid ones are an error, see readSeedFile). */
  seeds: string[];
  outDir: string;
  maxPages: number;
  maxDepth: number;
  scope: ScopeMode;
  concurrency: number;
  perHostConcurrency: number;
  /** Minimum time between request starts on one origin; a larger robots.txt Crawl-delay wins. */
  delayMs: number;
  /** Connect, header and body-idle timeout, each. */
  timeoutMs: number;
  /** Body cap, counted after decompression. */
  maxBytes: number;
  userAgent: string;
  allowPrivate: boolean;
  resume: boolean;
  /** Tries per URL for transient failures (5xx, 429, timeouts, resets). */
  maxTries: number;
  /** First retry backoff; doubles per try, with 50-150% jitter. */
  retryBaseMs: number;
  /** Longest Retry-After honoured; a longer one ends the URL's tries. */
  maxRetryAfterMs: number;
  /** Wait before re-fetching a robots.txt that answered 5xx/429 or failed (doubles per try). */
  robotsRetryMs: number;
  robotsMaxTries: number;
  /** Upper bound on a robots.txt Crawl-delay (a site asking for an hour per page is capped). */
  maxCrawlDelayMs: number;
  sitemaps: boolean;
  maxRedirects: number;
  maxWarcBytes: number;
  /** zlib level of the WARC records: 1 is ~2x faster than 6 for ~2% more bytes on small pages (bench/crawl). */
  gzipLevel: number;
  /** Frontier entries held in memory (the rest waits on disk). */
  frontierWindow: number;
  /** Pages flow here as they arrive (HTML only, decoded), e.g. into the curate pipeline. */
  onDocument?: (doc: Document) => void;
  /** Backpressure from the document consumer: while true no new fetch starts. */
  shouldPause?: () => boolean;
  onProgress?: (p: CrawlProgress) => void;
  progressIntervalMs: number;
  /** Stops dispatching; in-flight fetches finish and are committed, the rest stays for --resume. */
  signal?: AbortSignal;
  /** One worker of a crawl shared through Redis (`crawl --redis`); absent: the crawl state is on disk. */
  shared?: SharedCrawlOptions;
}

/** Where a shared crawl's state lives and who this process is in it. */
export interface SharedCrawlOptions {
  /** redis://HOST:PORT[/DB], rediss://... or unix:/PATH */
  redisUrl: string;
  /** Names the crawl in Redis: every worker of one crawl gives the same id. */
  crawlId: string;
  /** This process's name in the crawl ([A-Za-z0-9._-]); its files and crawl.jsonl rows carry it. */
  worker: string;
  /** How long a lease lasts without a heartbeat: a killed worker's URLs return to the frontier after this. */
  leaseMs: number;
}

/** A crawl that can be run: in one process (Crawler) or as one worker of a shared crawl (SharedCrawler). */
export interface CrawlRunner {
  run(): Promise<CrawlSummary>;
  /** Called by the document consumer when it has room again. */
  resumeDispatch(): void;
}

export const DEFAULT_USER_AGENT = 'corpusforge/0.1 (+https://github.com/corpusforge/corpusforge)';

export const DEFAULT_CRAWL_OPTIONS: Omit<CrawlOptions, 'seeds' | 'outDir'> = {
  maxPages: Number.POSITIVE_INFINITY,
  maxDepth: 20,
  scope: 'host',
  concurrency: 32,
  perHostConcurrency: 2,
  delayMs: 1000,
  timeoutMs: 30_000,
  maxBytes: 10 * 1024 * 1024,
  userAgent: DEFAULT_USER_AGENT,
  allowPrivate: false,
  resume: false,
  maxTries: 3,
  retryBaseMs: 1000,
  maxRetryAfterMs: 120_000,
  robotsRetryMs: 60_000,
  robotsMaxTries: 3,
  maxCrawlDelayMs: 30_000,
  sitemaps: true,
  maxRedirects: 5,
  maxWarcBytes: 1024 * 1024 * 1024,
  gzipLevel: 1,
  frontierWindow: 50_000,
  progressIntervalMs: 1000,
};

/** Live numbers for a progress line. */
export interface CrawlProgress {
  elapsedMs: number;
  /** Entries finished (pages, sitemaps, skipped), this run plus committed before a resume. */
  finished: number;
  pagesFetched: number;
  pagesPerSec: number;
  queued: number;
  inflight: number;
  hostsActive: number;
  errors: Record<string, number>;
}

export interface CrawlSummary extends CrawlProgress {
  bytes: number;
  stoppedBy: 'done' | 'max-pages' | 'signal';
}
