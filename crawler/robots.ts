import robotsModule from 'robots-parser';
import type { FetchResponse } from './fetcher.js';
import { FetchError } from './fetcher.js';

type RobotsParser = typeof robotsModule.default;
// robots-parser is CommonJS (`module.exports = fn`); its typings describe an ES default export.
const robotsParser = ((robotsModule as unknown as { default?: RobotsParser }).default ?? robotsModule) as unknown as RobotsParser;
type Robot = ReturnType<RobotsParser>;

/** Google's limit: robots.txt content beyond 500 KiB is ignored. */
export const ROBOTS_MAX_BYTES = 500 * 1024;

/** What the crawler may do on an origin, after its robots.txt was fetched. */
export type RobotsVerdict =
  | { kind: 'rules'; robot: Robot }
  | { kind: 'allow-all' }
  /** 5xx, 429 or network failure: the whole origin is off limits for now (retry later). */
  | { kind: 'unavailable'; reason: string }
  /** The origin's address is refused by the address rule: nothing there can be fetched. */
  | { kind: 'refused'; reason: string };

/**
 * Interprets a robots.txt fetch the way Google documents it: 2xx = the rules; 4xx (except 429) = no
 * rules, allow all; 5xx, 429 or a network error = disallow the whole site until a later retry.
 * Redirects are followed by the caller (up to 5 hops) before this is called.
 */
export function robotsVerdict(robotsUrl: string, result: FetchResponse | FetchError): RobotsVerdict {
  if (result instanceof FetchError) {
    if (result.kind === 'address_refused') return { kind: 'refused', reason: result.message };
    return { kind: 'unavailable', reason: `robots.txt ${result.kind}: ${result.message}` };
  }
  const s = result.status;
  if (s >= 200 && s < 300) return { kind: 'rules', robot: robotsParser(robotsUrl, result.body.toString('utf8')) };
  if (s === 429 || s >= 500) return { kind: 'unavailable', reason: `robots.txt HTTP ${s}` };
  if (s >= 400) return { kind: 'allow-all' };
  // A 3xx that could not be followed to the end, or a 1xx/other oddity: treat like "not found".
  return { kind: 'allow-all' };
}

/** The robots.txt product token of a User-Agent string: `corpusforge/0.1 (+https://...)` -> `corpusforge`. */
export function productToken(userAgent: string): string {
  return /^[^\s/;()]+/.exec(userAgent.trim())?.[0] ?? '*';
}

/** Per-origin rules, as the crawler consults them for each URL. */
export class OriginRobots {
  constructor(readonly verdict: RobotsVerdict, private readonly agentToken: string) {}

  /** True when the URL may be fetched. (robots-parser answers undefined for other origins: treat as allowed.) */
  allows(url: string): boolean {
    if (this.verdict.kind === 'allow-all') return true;
    if (this.verdict.kind !== 'rules') return false;
    return this.verdict.robot.isAllowed(url, this.agentToken) !== false;
  }

  /** Crawl-delay in milliseconds for our agent (or `*`), if the file sets one. */
  crawlDelayMs(): number | undefined {
    if (this.verdict.kind !== 'rules') return undefined;
    const d = this.verdict.robot.getCrawlDelay(this.agentToken);
    return d === undefined || !Number.isFinite(d) || d < 0 ? undefined : d * 1000;
  }

  sitemaps(): string[] {
    return this.verdict.kind === 'rules' ? this.verdict.robot.getSitemaps() : [];
  }
}
