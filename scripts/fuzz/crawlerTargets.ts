// Fuzz targets for what the crawler reads from the web: robots.txt, sitemaps, links in pages, URLs.
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { Parser } from 'htmlparser2';
import { OriginRobots, robotsVerdict } from '../../crawler/robots.js';
import type { FetchResponse } from '../../crawler/fetcher.js';
import { parseSitemap } from '../../crawler/sitemap.js';
import { extractLinks, type PageLinks } from '../../crawler/links.js';
import { normaliseLink, normaliseUrl } from '../../crawler/url.js';
import { ROBOTS, SAMPLE_HTML, SITEMAPS } from './corpus.js';
import { mutatedFile } from './mutate.js';
import { htmlPage } from './htmlGen.js';
import { FuzzViolation } from './outcome.js';
import { asBytes, type FuzzTarget } from './target.js';

const ORIGIN = 'https://example.org';

function response(body: Buffer, status = 200): FetchResponse {
  return { url: `${ORIGIN}/robots.txt`, status, statusText: '', headerLines: [], headers: {}, body, decoded: false, truncated: false, requestHead: '', fetchedAt: new Date(0) };
}

/** robots.txt lines from a grammar: directive names in any case, wildcard and `$` patterns, odd values. */
const robotsLine = fc.oneof(
  fc.tuple(fc.constantFrom('User-agent', 'user-AGENT', 'Disallow', 'allow', 'Crawl-delay', 'Sitemap', 'Host', 'Noindex', ''), fc.constantFrom(':', ': ', ' : ', ''), fc.oneof(
    fc.stringMatching(/^[/*$a-z%?=&.0-9~-]{0,24}$/),
    fc.constantFrom('*', 'corpusforge', 'CorpusForge/2.0', '/', '/*', '/$', '$', '*$', '/%zz', '/%E2%82', '-1', '1e400', 'NaN', '0x10'),
    fc.string({ maxLength: 12 }),
  )).map(([k, sep, v]) => `${k}${sep}${v}`),
  fc.string({ maxLength: 20 }),
);
const robotsText: fc.Arbitrary<Buffer> = fc.oneof(
  mutatedFile(ROBOTS.map((r) => Buffer.from(r))),
  fc.tuple(fc.array(robotsLine, { maxLength: 16 }), fc.constantFrom('\n', '\r\n', '\r')).map(([lines, eol]) => Buffer.from(lines.join(eol))),
);
const urlPath = fc.oneof(fc.stringMatching(/^\/[a-z/*$%?=&.0-9~-]{0,30}$/), fc.webPath(), fc.constantFrom('/', '/private/ok', '/a.pdf', '/ü/x', '/%7Euser/', '/q?x=1&y'));

export const robotsTarget: FuzzTarget<{ body: Buffer; paths: string[] }> = {
  name: 'robots',
  what: 'robots.txt from a directive grammar and mutated real files; robotsVerdict, allows() for random paths (never throws, agrees with robots-parser), crawl delay finite and >= 0, sitemaps are strings',
  arbitrary: async () => fc.record({ body: robotsText, paths: fc.array(urlPath, { minLength: 1, maxLength: 6 }) }),
  check: async ({ body, paths }) => {
    const verdict = robotsVerdict(`${ORIGIN}/robots.txt`, response(body));
    const rules = new OriginRobots(verdict, 'corpusforge');
    for (const p of paths) {
      const url = ORIGIN + p;
      const allowed = rules.allows(url);
      if (typeof allowed !== 'boolean') throw new FuzzViolation(`allows(${url}) returned ${String(allowed)}`);
      if (verdict.kind === 'rules') {
        const reference = verdict.robot.isAllowed(url, 'corpusforge') !== false;
        if (allowed !== reference) throw new FuzzViolation(`allows(${url}) = ${allowed}, robots-parser says ${reference}`);
      }
    }
    const delay = rules.crawlDelayMs();
    if (delay !== undefined && !(Number.isFinite(delay) && delay >= 0)) throw new FuzzViolation(`crawl delay ${delay}`);
    if (!rules.sitemaps().every((s) => typeof s === 'string')) throw new FuzzViolation('a sitemap that is not a string');
  },
  bytes: ({ body, paths }) => Buffer.from(JSON.stringify({ body: body.toString('base64'), paths })),
};

const sitemapBytes: fc.Arbitrary<Buffer> = fc
  .record({ file: mutatedFile(SITEMAPS.map((s) => Buffer.from(s)), 4), gzip: fc.boolean() })
  .map(({ file, gzip }) => (gzip ? gzipSync(file) : file));

export const sitemapTarget: FuzzTarget<{ body: Buffer; maxBytes: number }> = {
  name: 'sitemap',
  what: 'sitemaps (urlset, index, namespaced, text; plain and gzip) mutated by byte; parseSitemap never throws, returns strings, holds no more than the input after gunzip',
  arbitrary: async () => fc.record({ body: fc.oneof(sitemapBytes, mutatedFile([gzipSync(Buffer.from(SITEMAPS[0]!))], 3)), maxBytes: fc.constantFrom(16, 1024, 1 << 20) }),
  check: async ({ body, maxBytes }) => {
    const out = parseSitemap(body, maxBytes);
    const all = [...out.pages, ...out.sitemaps];
    if (!all.every((s) => typeof s === 'string' && s.length > 0)) throw new FuzzViolation('an entry that is not a non-empty string');
    const chars = all.reduce((n, s) => n + s.length, 0);
    if (chars > Math.max(body.length, maxBytes)) throw new FuzzViolation(`${chars} characters of URLs from ${body.length} bytes (limit ${maxBytes})`);
  },
  bytes: ({ body }) => body,
};

/** htmlparser2 as the reference for the hand-written link scanner (as tests/link-extraction.test.ts uses it). */
export function referenceLinks(html: string): PageLinks {
  const out: PageLinks = { hrefs: [], nofollow: false };
  const p = new Parser(
    {
      onopentag(name, attrs) {
        const attr = ({ a: 'href', area: 'href', frame: 'src', iframe: 'src' } as Record<string, string>)[name];
        if (attr && attrs[attr]) out.hrefs.push(attrs[attr]!);
        if (name === 'base' && out.base === undefined && attrs.href) out.base = attrs.href;
        const meta = attrs.name?.toLowerCase();
        if (name === 'meta' && (meta === 'robots' || meta === 'corpusforge') && /\b(nofollow|none)\b/i.test(attrs.content ?? '')) out.nofollow = true;
      },
    },
    { decodeEntities: true },
  );
  p.end(html);
  return out;
}

export const linksTarget: FuzzTarget<string> = {
  name: 'links',
  what: 'generated HTML (tags, attributes, quotes, entities, comments, raw-text elements) and mutated pages; extractLinks never throws, every href a string, <base> and nofollow as htmlparser2 reads them',
  arbitrary: async () => fc.oneof(htmlPage, mutatedFile([Buffer.from(SAMPLE_HTML)], 6).map((b) => b.toString('utf8'))),
  check: async (html) => {
    const links = extractLinks(html);
    if (!links.hrefs.every((h) => typeof h === 'string' && h !== '')) throw new FuzzViolation('an empty or non-string href');
    if (typeof links.nofollow !== 'boolean') throw new FuzzViolation('nofollow is not a boolean');
    // Same links as htmlparser2 finds; values compared where no entity is involved (legacy entities
    // without ';' are decoded by htmlparser2's full table, not by the scanner, and browsers mostly agree with the scanner).
    // htmlparser2 matches `</title`, `</script`... with (c | 0x20), so U+001C reads as "<" and U+000F as "/"
    // there (a fuzz finding: `<title>\x1c/title><a href=t>` ended its title). Browsers, and the scanner, take
    // them as text: the reference reads the page with them swapped for another control character.
    const neutral = (s: string) => s.replace(/[\x0f\x1c]/g, '\x01');
    const ref = referenceLinks(neutral(html));
    const comparable = (l: PageLinks) => ({ ...l, hrefs: l.hrefs.map((h) => (h.includes('&') ? '&' : neutral(h))), base: l.base?.includes('&') ? '&' : l.base && neutral(l.base) });
    if (JSON.stringify(comparable(links)) !== JSON.stringify(comparable(ref))) throw new FuzzViolation(`links differ from htmlparser2's: ${JSON.stringify(links).slice(0, 200)} vs ${JSON.stringify(ref).slice(0, 200)}`);
  },
  bytes: (html) => Buffer.from(html),
};

/** URL-ish strings: real URL shapes, relative references, odd schemes, spaces, IPv6, percent escapes, long runs. */
const urlish = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.stringMatching(/^(https?:|HTTP:|ftp:|javascript:|)(\/\/|\/|)[a-zA-Z0-9.:@[\]%/?#&=_~+ -]{0,40}$/),
  fc.constantFrom('http://[::1]:80/', 'https://ex.org./a/../b?utm_source=x&a=1#f', 'http://user:pw@EX.org:8080', 'https://xn--nxasmq6b.com/', 'http://a..b/', '//host/p', '?q', '#f', '', ' ', '\t/x\n', 'https://ex.org/%zz', 'https://ex.org/' + '.'.repeat(50)),
  fc.string({ maxLength: 30 }),
);

export const urlTarget: FuzzTarget<{ raw: string; base: string }> = {
  name: 'url',
  what: 'URL strings (absolute, relative, odd schemes, IPv6, escapes); normaliseUrl never throws and is idempotent; normaliseLink (the fast path) equals normaliseUrl',
  arbitrary: async () => fc.record({ raw: urlish, base: fc.oneof(fc.webUrl(), fc.constantFrom('https://example.org/a/b', 'http://[::1]:8080/x?y')) }),
  check: async ({ raw, base }) => {
    const once = normaliseUrl(raw);
    if (once !== null && normaliseUrl(once) !== once) throw new FuzzViolation(`not idempotent: ${JSON.stringify(raw)} -> ${once} -> ${normaliseUrl(once)}`);
    const b = normaliseUrl(base);
    if (b === null) return;
    const link = normaliseLink(raw, b);
    const slow = normaliseUrl(raw, b);
    if (link !== slow) throw new FuzzViolation(`normaliseLink(${JSON.stringify(raw)}, ${b}) = ${link}, normaliseUrl = ${slow}`);
  },
  bytes: (x) => Buffer.from(JSON.stringify(x)),
};

export { asBytes };
