/**
 * URL deduplication across the whole run: documents whose normalised URL was already seen are
 * dropped as `url_dedup:duplicate_url` (first in input order wins, `metadata.duplicate_of`).
 * Documents without a URL are kept and counted as `url_dedup.no_url`.
 */
import { z } from 'zod';
import { hashString64 } from './hash.js';
import { defineKeepFirstStep, memoryMbOption } from './keepFirst/keepFirstStep.js';

const Options = z.object({
  /** Treat http:// and https:// as the same page. */
  ignoreScheme: z.boolean().default(true),
  /** Treat `www.example.com` and `example.com` as the same host. */
  ignoreWww: z.boolean().default(true),
  /** Drop query parameters that only track the visit (utm_*, fbclid, gclid, ...). */
  stripTracking: z.boolean().default(true),
  /** Ignore the whole query string (for sites whose query only carries session state). */
  ignoreQuery: z.boolean().default(false),
  /** Disk-backed index (see memoryMbOption); unset, ~60 bytes per kept document in memory: set it past ~50M documents. */
  memoryMb: memoryMbOption,
});
export type UrlDedupOptions = z.output<typeof Options>;

const TRACKING = /^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|yclid|mc_cid|mc_eid|_ga|_hsenc|_hsmi|igshid)$/i;

/**
 * The comparison key of a URL: scheme/host lower-cased (WHATWG parsing), default port, fragment,
 * trailing slash and (by option) scheme, `www.` and tracking parameters removed, remaining query
 * parameters sorted. Unparseable URLs compare as their trimmed text.
 */
export function normaliseUrl(raw: string, options: UrlDedupOptions): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return raw.trim();
  }
  let host = url.hostname;
  if (options.ignoreWww && host.startsWith('www.')) host = host.slice(4);
  const scheme = options.ignoreScheme && (url.protocol === 'http:' || url.protocol === 'https:') ? '' : url.protocol;
  let path = url.pathname;
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  let query = '';
  if (!options.ignoreQuery) {
    const params = [...url.searchParams].filter(([k]) => !(options.stripTracking && TRACKING.test(k)));
    params.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    if (params.length) query = '?' + new URLSearchParams(params).toString();
  }
  const port = url.port ? ':' + url.port : '';
  return `${scheme}//${host}${port}${path}${query}`;
}

export const urlDedupStep = defineKeepFirstStep({
  name: 'url_dedup',
  description: 'Drops documents whose normalised URL appeared earlier in the run (keeps the first)',
  options: Options,
  keys: (options) => ({
    duplicateRule: 'duplicate_url',
    metadataKey: '_url_key',
    numKeys: 1,
    computeKeys(doc) {
      if (!doc.url) return undefined;
      const keys = new Uint32Array(2);
      hashString64(normaliseUrl(doc.url, options), keys);
      return keys;
    },
    unkeyedCounter: 'no_url',
    memoryMb: options.memoryMb,
  }),
});
