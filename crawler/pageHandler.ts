import type { Document } from '../core/document.js';
import { decodeHtml } from '../datasets/charset.js';
import { fetchedAtIso, type FetchResponse } from './fetcher.js';
import type { FrontierEntry } from './frontierLog.js';
import { extractLinks } from './links.js';
import { parseSitemap } from './sitemap.js';
import { normaliseLink, normaliseUrl } from './url.js';

/** What page handling needs from the crawl: a way to queue what it finds. */
export interface Discovery {
  enqueue(url: string, depth: number, kind: 'page' | 'sitemap', chain?: string[]): boolean;
}

/** Media type of a Content-Type value, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string {
  if (!contentType) return '';
  const semi = contentType.indexOf(';');
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/** True for bodies the crawler parses for links: text/html and application/xhtml+xml (sniffed when untyped). */
export function isHtml(contentType: string | undefined, body: Uint8Array): boolean {
  const t = mediaType(contentType);
  if (t === 'text/html' || t === 'application/xhtml+xml') return true;
  if (t !== '') return false;
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.length, 512)).toString('latin1').trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html');
}

/** A fetched HTML page as a pipeline document (`metadata.format = 'html'`, the extract step's input). */
export interface PageResult {
  error: string | null;
  /** Decoded HTML and its metadata, when the page was HTML; the caller adds the id. */
  doc?: Omit<Document, 'id'>;
}

/** Extracts and queues a page's links (if HTML and below max depth) and builds its document. */
export function handlePage(d: Discovery, e: FrontierEntry, res: FetchResponse, maxDepth: number, wantDoc: boolean): PageResult {
  const contentType = res.headers['content-type'];
  if (!isHtml(contentType, res.body)) return { error: null };
  const { text, charset } = decodeHtml(res.body, contentType);
  if (e.depth < maxDepth) {
    const links = extractLinks(text);
    if (!links.nofollow) {
      const base = (links.base !== undefined ? normaliseUrl(links.base, res.url) : null) ?? res.url;
      for (const href of links.hrefs) {
        const u = normaliseLink(href, base);
        if (u !== null) d.enqueue(u, e.depth + 1, 'page');
      }
    }
  }
  if (!wantDoc) return { error: null };
  return {
    error: null,
    doc: {
      text,
      url: res.url,
      source: `crawl:${res.url}`,
      metadata: {
        format: 'html', http_status: res.status, content_type: contentType ?? null, charset: charset.encoding,
        fetched_at: fetchedAtIso(res), depth: e.depth, ...(res.truncated ? { truncated: true } : {}),
      },
    },
  };
}

/** Queues a sitemap's pages (depth 1) and child sitemaps. */
export function handleSitemap(d: Discovery, res: FetchResponse, maxBytes: number): string | null {
  const found = parseSitemap(res.body, Math.max(maxBytes, 50 * 1024 * 1024));
  if (found.pages.length === 0 && found.sitemaps.length === 0) return 'sitemap_empty_or_invalid';
  for (const s of found.sitemaps) {
    const u = normaliseUrl(s);
    if (u) d.enqueue(u, 0, 'sitemap');
  }
  for (const p of found.pages) {
    const u = normaliseUrl(p);
    if (u) d.enqueue(u, 1, 'page');
  }
  return null;
}
