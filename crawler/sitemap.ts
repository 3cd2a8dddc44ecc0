import { Parser } from 'htmlparser2';
import { gunzipSync } from 'node:zlib';

/** URLs a sitemap lists: pages (`<url><loc>`) and child sitemaps (`<sitemap><loc>` in a sitemap index). */
export interface SitemapEntries {
  pages: string[];
  sitemaps: string[];
}

/**
 * Parses a sitemap or sitemap index (XML, optionally gzip-compressed as `.xml.gz` files are), or a
 * plain-text sitemap (one URL per line). Streaming parse, no DOM; at most `maxBytes` after gunzip.
 */
export function parseSitemap(body: Buffer, maxBytes: number): SitemapEntries {
  let data = body;
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) {
    try {
      data = gunzipSync(data, { maxOutputLength: maxBytes });
    } catch {
      return { pages: [], sitemaps: [] };
    }
  }
  const text = data.toString('utf8');
  const out: SitemapEntries = { pages: [], sitemaps: [] };
  if (!/^\s*(<\?xml|<urlset|<sitemapindex|<!--)/i.test(text)) {
    for (const line of text.split(/\r?\n/)) if (/^https?:\/\//i.test(line.trim())) out.pages.push(line.trim());
    return out;
  }
  let inLoc = false;
  let parent: 'url' | 'sitemap' | '' = '';
  let loc = '';
  const parser = new Parser(
    {
      onopentag(name) {
        const local = name.slice(name.indexOf(':') + 1).toLowerCase();
        if (local === 'url' || local === 'sitemap') parent = local;
        else if (local === 'loc') {
          inLoc = true;
          loc = '';
        }
      },
      ontext(t) {
        if (inLoc) loc += t;
      },
      onclosetag(name) {
        const local = name.slice(name.indexOf(':') + 1).toLowerCase();
        if (local === 'loc') {
          inLoc = false;
          const v = loc.trim();
          if (v) (parent === 'sitemap' ? out.sitemaps : out.pages).push(v);
        } else if (local === 'url' || local === 'sitemap') parent = '';
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.end(text);
  return out;
}
