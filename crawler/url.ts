/** URL normalisation for the frontier: two spellings of one page must map to one key. */

/** Longest URL the crawler accepts; longer ones are usually traps or garbage (sitemaps cap at 2,048 too). */
export const MAX_URL_LENGTH = 2048;

// Parameters that only identify a click or campaign, never the page (utm_* is handled by prefix).
const TRACKING_PARAMS = new Set([
  'gclid', 'gclsrc', 'dclid', 'fbclid', 'msclkid', 'yclid', 'igshid', 'mc_cid', 'mc_eid', '_ga', '_gl',
  'twclid', 'ttclid', 'li_fat_id', 'wickedid', 'oly_anon_id', 'oly_enc_id', '_hsenc', '_hsmi', 'vero_id', 'mkt_tok',
]);
const MAYBE_TRACKING = /(?:^|[?&])(?:utm_|gcl|dclid|fbclid|msclkid|yclid|igshid|mc_[ce]id|_ga|_gl|twclid|ttclid|li_fat_id|wickedid|oly_|_hs|vero_id|mkt_tok)/i;

function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith('utm_') || TRACKING_PARAMS.has(lower);
}

/**
 * Normalises `raw` (resolved against `base` when relative) to the crawler's canonical form:
 * http(s) only, lowercase scheme and host (WHATWG URL does that, plus default ports, dot segments and
 * percent-encoding), no fragment, no credentials, no trailing dot on the host, tracking parameters removed.
 * Returns null for anything that is not a crawlable URL.
 */
export function normaliseUrl(raw: string, base?: string | URL, maxLength = MAX_URL_LENGTH): string | null {
  if (raw.length > maxLength * 2) return null;
  let u: URL;
  try {
    u = base === undefined ? new URL(raw.trim()) : new URL(raw.trim(), base);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if (u.hostname === '') return null;
  u.hash = '';
  if (u.username || u.password) {
    u.username = '';
    u.password = '';
  }
  if (u.hostname.endsWith('.')) {
    // A loop, not /\.+$/ (quadratic on a long run of dots).
    let end = u.hostname.length;
    while (end > 0 && u.hostname.charCodeAt(end - 1) === 0x2e) end--;
    u.hostname = u.hostname.slice(0, end);
  }
  if (u.search.length > 1 && MAYBE_TRACKING.test(u.search)) {
    const kept = u.search
      .slice(1)
      .split('&')
      .filter((pair) => pair !== '' && !isTrackingParam(decodeParamName(pair)));
    u.search = kept.length ? `?${kept.join('&')}` : '';
  }
  let href = u.href;
  // An empty query keeps its '?' in href; a query that is itself '?' ('a??') must keep both.
  if (u.search === '' && href.endsWith('?')) href = href.slice(0, -1);
  return href.length > maxLength ? null : href;
}

/** `/` then letters, digits, `-`, `_`, `~`, `/` only (no dots: no dot segments; not `//`: that is a host). */
const SIMPLE_PATH = /^\/(?!\/)[A-Za-z0-9_~\/-]*$/;

function decodeParamName(pair: string): string {
  const eq = pair.indexOf('=');
  const name = eq === -1 ? pair : pair.slice(0, eq);
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/**
 * normaliseUrl for a link on a page whose URL (or `<base>`) is already normalised, with a fast path for the
 * commonest link, a root-relative path of plain characters ("/a/b-c_d"): nothing to resolve, encode or
 * strip, so the answer is the base's origin plus the path, without a URL parse per link.
 */
export function normaliseLink(href: string, normalisedBase: string, maxLength = MAX_URL_LENGTH): string | null {
  if (href.length < maxLength && SIMPLE_PATH.test(href)) return originOf(normalisedBase) + href;
  return normaliseUrl(href, normalisedBase, maxLength);
}

/** `scheme://host:port` of a normalised URL: the unit for robots.txt, politeness and connection pools. */
export function originOf(url: string): string {
  // Normalised URLs always have `//` after the scheme; the origin ends at the next `/`.
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  return slash === -1 ? url : url.slice(0, slash);
}

/** Hostname of a normalised URL without parsing it again (hot path: every extracted link). */
export function hostnameOf(url: string): string {
  const start = url.indexOf('//') + 2;
  let end = start;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) break;
    end++;
  }
  const host = url.slice(start, end);
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}
