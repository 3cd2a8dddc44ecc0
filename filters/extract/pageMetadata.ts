/**
 * Title, author, publication date and site name of a page, collected during the extraction's one pass:
 * `<title>`, `<meta>` (Open Graph, Dublin Core, parsely, article:*), schema.org JSON-LD (Article and
 * its kinds: headline, author, datePublished), microdata (itemprop author/datePublished), rel=author
 * links and the first `<time datetime>`. First source in that order of trust wins per field. Bounded:
 * captured texts stop at MAX_CAPTURE characters.
 */
import type { AttributeValues } from './htmlStream.js';

export interface PageMetadata {
  title?: string;
  author?: string;
  date?: string;
  siteName?: string;
}

const MAX_CAPTURE = 100_000;
const MAX_FIELD = 200;
const SPACE_RUN = /\s+/g;
/** meta name/property -> field, most trusted first within a field. */
const META_FIELDS: ReadonlyMap<string, keyof PageMetadata> = new Map([
  ['og:title', 'title'], ['twitter:title', 'title'], ['dc.title', 'title'], ['dcterms.title', 'title'],
  ['author', 'author'], ['article:author', 'author'], ['parsely-author', 'author'], ['dc.creator', 'author'],
  ['dcterms.creator', 'author'], ['byl', 'author'], ['sailthru.author', 'author'], ['twitter:creator', 'author'],
  ['article:published_time', 'date'], ['datepublished', 'date'], ['parsely-pub-date', 'date'], ['dc.date', 'date'],
  ['dcterms.date', 'date'], ['dcterms.created', 'date'], ['date', 'date'], ['pubdate', 'date'], ['sailthru.date', 'date'],
  ['og:site_name', 'siteName'], ['application-name', 'siteName'],
]);
const ARTICLE_TYPE = /Article|BlogPosting|Posting|Report|WebPage/;

type Rank = Partial<Record<keyof PageMetadata, number>>;

interface Capture {
  kind: 'title' | 'jsonld' | 'author';
  depth: number;
  text: string;
}

export class MetadataCollector {
  private readonly fields: PageMetadata = {};
  /** Trust of each field's current value (lower wins). */
  private readonly rank: Rank = {};
  private depth = 0;
  private capture: Capture | undefined;

  private offer(field: keyof PageMetadata, value: string | undefined, rank: number): void {
    if (value === undefined) return;
    const v = value.replace(SPACE_RUN, ' ').trim().slice(0, MAX_FIELD);
    if (v === '' || (field === 'author' && /^https?:/.test(v))) return;
    if ((this.rank[field] ?? Infinity) <= rank) return;
    this.fields[field] = v;
    this.rank[field] = rank;
  }

  /** Every element opening, `skipped` when inside a subtree that is never content (svg...). Small enough
   * to be inlined where it is called for every element: most elements have no attributes and say nothing. */
  open(name: string, a: AttributeValues, skipped: boolean): void {
    this.depth++;
    if (this.capture === undefined && (a.size > 0 || name === 'title')) this.inspect(name, a, skipped);
  }

  private inspect(name: string, a: AttributeValues, skipped: boolean): void {
    if (name === 'title' && !skipped && (this.rank.title ?? Infinity) > 0) this.startCapture('title');
    else if (name === 'meta') {
      const key = (a.get('property') ?? a.get('name') ?? a.get('itemprop'))?.toLowerCase();
      const field = key === undefined ? undefined : META_FIELDS.get(key);
      if (field) this.offer(field, a.get('content'), field === 'title' ? 20 : 10);
    } else if (a.size === 0 || skipped) return;
    else if (name === 'script' && a.get('type')?.toLowerCase() === 'application/ld+json') this.startCapture('jsonld');
    else if (name === 'time' && a.has('datetime')) this.offer('date', a.get('datetime'), 40);
    else if (a.get('itemprop') === 'datePublished') this.offer('date', a.get('content') ?? a.get('datetime'), 15);
    else if ((a.get('rel') === 'author' || a.get('itemprop') === 'author') && this.fields.author === undefined) this.startCapture('author');
  }

  close(_name: string): void {
    const c = this.capture;
    if (c !== undefined && c.depth === this.depth) this.endCapture(c);
    this.depth--;
  }

  private endCapture(c: Capture): void {
    this.capture = undefined;
    if (c.kind === 'title') this.offer('title', c.text, 0);
    else if (c.kind === 'author') this.offer('author', c.text.replace(/^\s*by\s+/i, ''), 30);
    else this.readJsonLd(c.text);
  }

  /** Text seen anywhere; true when it was metadata (the title), not page text. */
  text(text: string): boolean {
    const c = this.capture;
    if (!c) return false;
    if (c.text.length < MAX_CAPTURE) c.text += text;
    return c.kind === 'title';
  }

  result(): PageMetadata {
    return this.fields;
  }

  private startCapture(kind: 'title' | 'jsonld' | 'author'): void {
    this.capture = { kind, depth: this.depth, text: '' };
  }

  private readJsonLd(text: string): void {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      return;
    }
    // Objects to look at: the top level, arrays, and @graph members (one level, bounded).
    const queue: unknown[] = Array.isArray(data) ? data.slice(0, 50) : [data];
    for (let i = 0; i < queue.length && i < 100; i++) {
      const o = queue[i];
      if (o === null || typeof o !== 'object') continue;
      const r = o as Record<string, unknown>;
      if (Array.isArray(r['@graph'])) queue.push(...(r['@graph'] as unknown[]).slice(0, 50));
      const type = Array.isArray(r['@type']) ? r['@type'].join(' ') : String(r['@type'] ?? '');
      if (!ARTICLE_TYPE.test(type)) continue;
      if (typeof r.headline === 'string') this.offer('title', r.headline, 25);
      if (typeof r.datePublished === 'string') this.offer('date', r.datePublished, 5);
      const author = Array.isArray(r.author) ? r.author : [r.author];
      const names = author.map((x) => (typeof x === 'string' ? x : typeof (x as { name?: unknown })?.name === 'string' ? (x as { name: string }).name : undefined));
      const joined = names.filter((n): n is string => n !== undefined && n.trim() !== '').join(', ');
      if (joined !== '') this.offer('author', joined, 5);
    }
  }
}
