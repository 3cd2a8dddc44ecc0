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

/** A rule as robots-parser stores it (its `_rules`: user agent -> rules, in file order). */
interface StoredRule {
  pattern: string;
  allow: boolean;
}

/** A rule's pattern cut at its `*` wildcards; `anchored` when it ends in `$` (the path must end there). */
interface CompiledRule {
  parts: string[];
  anchored: boolean;
  /** The pattern's length: the longest matching pattern decides (Google's rule). */
  length: number;
  allow: boolean;
}

function compileRule(rule: StoredRule): CompiledRule {
  const anchored = rule.pattern.endsWith('$');
  const body = anchored ? rule.pattern.slice(0, -1) : rule.pattern;
  return { parts: body.split('*'), anchored, length: rule.pattern.length, allow: rule.allow };
}

/**
 * Whether a compiled pattern matches `path` (robots.txt patterns match a prefix of the path). The literal
 * parts are found left to right with indexOf, the leftmost place each can go: if any placement matches, this
 * one does. robots-parser's matcher (Google's) keeps every partial match length instead, O(pattern x path)
 * per rule with an allocation per call: a 500 KB robots.txt of short wildcard rules cost ~1.7 s per URL.
 */
function matchesPath(rule: CompiledRule, path: string): boolean {
  const { parts, anchored } = rule;
  const first = parts[0]!;
  if (!path.startsWith(first)) return false;
  if (parts.length === 1) return !anchored || path.length === first.length;
  let at = first.length;
  const lastIndex = parts.length - 1;
  for (let k = 1; k < lastIndex; k++) {
    const found = path.indexOf(parts[k]!, at);
    if (found === -1) return false;
    at = found + parts[k]!.length;
  }
  const last = parts[lastIndex]!;
  if (anchored) return path.length - last.length >= at && path.endsWith(last);
  return path.indexOf(last, at) !== -1;
}

/** `%xx` escapes upper-cased, as robots-parser normalises paths before matching. */
const upperEscapes = (s: string) => s.replace(/%[0-9a-fA-F]{2}/g, (m) => m.toUpperCase());

/** The rules robots-parser parsed for `agent` (else `*`), compiled; undefined if its internals are not as expected. */
function compiledRules(robot: Robot, agent: string): CompiledRule[] | undefined {
  const table = (robot as unknown as { _rules?: Record<string, StoredRule[] | undefined> })._rules;
  if (!table || typeof table !== 'object') return undefined;
  const name = agent.toLowerCase().split('/')[0]!.trim();
  const rules = table[name] ?? table['*'] ?? [];
  return rules.map(compileRule);
}

/** `protocol//hostname:port` with the default port filled in, as robots-parser compares origins. */
function originKey(u: URL): string {
  return `${u.protocol}//${u.hostname}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
}

/** Per-origin rules, as the crawler consults them for each URL. */
export class OriginRobots {
  private readonly rules?: CompiledRule[];
  private readonly origin?: string;

  constructor(readonly verdict: RobotsVerdict, private readonly agentToken: string) {
    if (verdict.kind !== 'rules') return;
    this.rules = compiledRules(verdict.robot, agentToken);
    const own = (verdict.robot as unknown as { _url?: unknown })._url;
    this.origin = own instanceof URL ? originKey(own) : undefined;
    if (this.origin === undefined) this.rules = undefined;
  }

  /** True when the URL may be fetched. (robots-parser answers undefined for other origins: treat as allowed.) */
  allows(url: string): boolean {
    if (this.verdict.kind === 'allow-all') return true;
    if (this.verdict.kind !== 'rules') return false;
    if (!this.rules) return this.verdict.robot.isAllowed(url, this.agentToken) !== false;
    let u: URL;
    try {
      u = new URL(url, 'http://robots-relative.samclarke.com/');
    } catch {
      return true;
    }
    if (originKey(u) !== this.origin) return true;
    const path = upperEscapes(u.pathname + u.search);
    let best: CompiledRule | undefined;
    for (const rule of this.rules) {
      if (best && (rule.length < best.length || (rule.length === best.length && (best.allow || !rule.allow)))) continue;
      if (matchesPath(rule, path)) best = rule;
    }
    return best === undefined || best.allow;
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

/** The verdict of a robots.txt body fetched earlier (a shared crawl caches the text, not the parsed rules). */
export function rulesVerdict(robotsUrl: string, text: string): RobotsVerdict {
  return { kind: 'rules', robot: robotsParser(robotsUrl, text) };
}
