/**
 * The groups a document belongs to, for the corpus profile and for mixtures: its language, the registrable
 * domain and top-level domain of its URL, the input it was read from, or a metadata field. One definition,
 * so a profile's "deu" and a mixture's "deu" are the same documents.
 */
import { parse as parseUrlDomain } from 'tldts';
import type { Document } from '../core/document.js';
import { UserError } from '../core/errors.js';

/** `lang`, `domain`, `tld`, `source`, or `metadata.FIELD` (a top-level key of the document's metadata). */
export type GroupBy = 'lang' | 'domain' | 'tld' | 'source' | `metadata.${string}`;

/** The groups of documents that have no value for a dimension (no URL, no such metadata field). */
export const NO_VALUE = '(none)';

const BUILT_IN = ['lang', 'domain', 'tld', 'source'] as const;

/** Checks a dimension name as a user wrote it; throws UserError naming the valid ones. */
export function parseGroupBy(name: string, where = 'by'): GroupBy {
  if ((BUILT_IN as readonly string[]).includes(name)) return name as GroupBy;
  if (name.startsWith('metadata.') && name.length > 'metadata.'.length) return name as GroupBy;
  throw new UserError(`${where}: unknown grouping '${name}'; use one of ${BUILT_IN.join(', ')} or metadata.FIELD`);
}

function urlParts(url: string | undefined): { domain: string; tld: string } {
  if (!url) return { domain: NO_VALUE, tld: NO_VALUE };
  const p = parseUrlDomain(url);
  if (!p.hostname) return { domain: NO_VALUE, tld: NO_VALUE };
  if (p.isIp) return { domain: p.hostname, tld: '(ip)' };
  // A host without a known public suffix (intranet names, localhost) is its own group.
  const dot = p.hostname.lastIndexOf('.');
  return { domain: p.domain ?? p.hostname, tld: dot < 0 ? p.hostname : p.hostname.slice(dot + 1) };
}

/** The input a document came from: its source less the locator (`:line`, `#row`, `@offset`); `crawl` for crawled pages. */
export function sourceFile(source: string): string {
  if (source.startsWith('crawl:')) return 'crawl';
  const m = /[:#@]\d+$/.exec(source);
  return m ? source.slice(0, m.index) : source;
}

function metadataValue(doc: Document, field: string): string {
  const v = doc.metadata[field];
  if (v === undefined || v === null || v === '') return NO_VALUE;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The document's group under one dimension. */
export function groupOf(doc: Document, by: GroupBy): string {
  switch (by) {
    case 'lang':
      return doc.lang || 'und';
    case 'domain':
      return urlParts(doc.url).domain;
    case 'tld':
      return urlParts(doc.url).tld;
    case 'source':
      return sourceFile(doc.source);
    default:
      return metadataValue(doc, by.slice('metadata.'.length));
  }
}

/** The document's groups under several dimensions, in their order (the URL parsed once). */
export function groupsOf(doc: Document, dims: readonly GroupBy[]): string[] {
  let url: { domain: string; tld: string } | undefined;
  return dims.map((by) => {
    if (by === 'domain' || by === 'tld') return (url ??= urlParts(doc.url))[by];
    return groupOf(doc, by);
  });
}
