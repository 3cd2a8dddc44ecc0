import type { CrawlLogLine } from './crawlState.js';
import { FetchError, type FetchResponse, fetchedAtIso, classifyError, type Fetcher } from './fetcher.js';
import type { FrontierEntry } from './frontierLog.js';
import type { CrawlOptions } from './options.js';
import { ROBOTS_MAX_BYTES } from './robots.js';
import type { Scope } from './scope.js';
import { normaliseUrl } from './url.js';

/**
 * What a fetch result means for its frontier entry, decided the same way by the single-process crawler
 * and by a worker of a shared crawl (they differ only in where the entry goes next).
 */
export type FetchOutcome =
  /** Try again after waitMs; slowOriginMs: the server asked the whole origin to wait that long (Retry-After). */
  | { kind: 'retry'; waitMs: number; slowOriginMs?: number }
  /** Finished: log line fields, the response to archive (when there was one) and what to do with the body. */
  | { kind: 'finish'; fields: Partial<CrawlLogLine>; response?: FetchResponse; body: 'page' | 'sitemap' | 'none'; redirectTo?: string };

export const REDIRECT = new Set([301, 302, 303, 307, 308]);

function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const secs = Number(value.trim());
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function backoffMs(o: CrawlOptions, attempt: number): number {
  return o.retryBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random());
}

/** Decides what a fetch result does: retry (5xx, 429, transient errors), or finish with a log line. */
export function fetchOutcome(e: FrontierEntry, res: FetchResponse | FetchError, o: CrawlOptions, scope: Scope): FetchOutcome {
  if (res instanceof FetchError) {
    if (res.retryable && e.attempt < o.maxTries) return { kind: 'retry', waitMs: backoffMs(o, e.attempt) };
    return { kind: 'finish', fields: { error: `${res.kind}: ${res.message}` }, body: 'none' };
  }
  const status = res.status;
  if ((status >= 500 || status === 429) && e.attempt < o.maxTries) {
    const ra = retryAfterMs(res.headers['retry-after'], Date.now());
    if (ra === undefined) return { kind: 'retry', waitMs: backoffMs(o, e.attempt) };
    if (ra <= o.maxRetryAfterMs) return { kind: 'retry', waitMs: ra, slowOriginMs: ra };
  }
  const contentType = res.headers['content-type'];
  const fields: Partial<CrawlLogLine> = { status, bytes: res.body.length, fetched_at: fetchedAtIso(res) };
  if (contentType) fields.content_type = contentType;
  if (res.truncated) fields.truncated = true;
  if (REDIRECT.has(status)) {
    const r = redirectCheck(e, res.headers.location, o, scope);
    if (r.target !== undefined) fields.redirect = r.target;
    fields.error = r.error;
    return { kind: 'finish', fields, response: res, body: 'none', ...(r.error === null ? { redirectTo: r.target } : {}) };
  }
  if (status >= 200 && status < 300) return { kind: 'finish', fields, response: res, body: e.kind };
  if (status >= 400) fields.error = `http_${status}`;
  return { kind: 'finish', fields, response: res, body: 'none' };
}

/** A redirect's target after the hop checks (loop, hop limit, scope): error null when it is to be queued. */
function redirectCheck(e: FrontierEntry, location: string | undefined, o: CrawlOptions, scope: Scope): { target?: string; error: string | null } {
  if (!location) return { error: 'redirect_without_location' };
  const target = normaliseUrl(location, e.url);
  if (target === null) return { error: 'redirect_invalid' };
  if (target === e.url || e.chain.includes(target)) return { target, error: 'redirect_loop' };
  if (e.chain.length + 1 > o.maxRedirects) return { target, error: 'too_many_redirects' };
  if (e.kind === 'page' && !scope.allows(target)) return { target, error: 'redirect_off_scope' };
  return { target, error: null };
}

/** The log line of a finished entry, built in one fixed shape (cheaper to make and to stringify than spreads). */
export function logLine(e: FrontierEntry, fields: Partial<CrawlLogLine>): CrawlLogLine {
  const line: CrawlLogLine = {
    url: e.url, status: fields.status ?? null, error: fields.error ?? null, bytes: fields.bytes ?? 0, depth: e.depth, fetched_at: fields.fetched_at ?? null,
  };
  if (fields.content_type !== undefined) line.content_type = fields.content_type;
  if (fields.truncated) line.truncated = true;
  if (fields.redirect !== undefined) line.redirect = fields.redirect;
  if (e.kind === 'sitemap') line.kind = 'sitemap';
  if (e.attempt > 1) line.attempts = e.attempt;
  return line;
}

/** Fetches an origin's robots.txt, following up to maxRedirects hops; returns the final URL and result. */
export async function fetchRobots(fetcher: Fetcher, origin: string, maxRedirects: number): Promise<{ url: string; res: FetchResponse | FetchError }> {
  let url = `${origin}/robots.txt`;
  let res: FetchResponse | FetchError = new FetchError('other', 'no robots.txt fetch');
  for (let hop = 0; hop <= maxRedirects; hop++) {
    try {
      res = await fetcher.fetch(url, ROBOTS_MAX_BYTES);
    } catch (err) {
      res = classifyError(err);
    }
    if (res instanceof FetchError || !REDIRECT.has(res.status) || !res.headers.location) break;
    const next = normaliseUrl(res.headers.location, url);
    if (next === null) break;
    url = next;
  }
  return { url, res };
}

/** The body cap of an entry: sitemaps may be larger than pages. */
export function entryMaxBytes(e: FrontierEntry, o: CrawlOptions): number {
  return e.kind === 'sitemap' ? Math.max(o.maxBytes, 50 * 1024 * 1024) : o.maxBytes;
}
