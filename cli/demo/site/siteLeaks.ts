/**
 * How much site chrome a corpus kept, measured against the multi-host site's own record of each page's
 * content: a line of a kept document is content when it is one of the page's content units (title,
 * heading, paragraph, teaser) or a long enough piece of them; any other line is chrome, sorted by kind
 * (cookie banner, breadcrumb, footer, navigation, lists of other posts, post meta).
 */
import type { MultiSite, ServedSite } from './multiSite.js';
import { PHRASES } from './phrases.js';

export type ChromeKind = 'cookie' | 'breadcrumb' | 'footer' | 'navigation' | 'post-lists' | 'widgets' | 'byline' | 'other';

/**
 * The kinds that repeat across a host's pages (site boilerplate). A byline ("Posted on <date> by
 * <author>", reading time, comment count, the post's tags) belongs to its page: it is counted apart.
 */
export const SITE_CHROME: readonly ChromeKind[] = ['cookie', 'breadcrumb', 'footer', 'navigation', 'post-lists', 'widgets', 'other'];

export interface LeakReport {
  /** Kept documents that are pages of the site. */
  pages: number;
  /** Of those, pages with at least one line of site chrome (SITE_CHROME kinds). */
  withChrome: number;
  share: number;
  /** Pages with a chrome line of any kind, bylines included. */
  withAnyChrome: number;
  /** Pages with at least one line of each kind. */
  byKind: Record<ChromeKind, number>;
  /** Characters of the kept pages' content found in their text, over all their content characters. */
  contentKept: number;
  /** A few chrome lines, for the eye. */
  examples: { url: string; kind: ChromeKind; line: string }[];
}

const squash = (s: string) => s.normalize('NFC').replace(/\s+/g, '');
/** A line this long (non-space characters) inside the content counts as content even if cut from a unit. */
const PIECE_CHARS = 25;

function kindOf(line: string, site: ServedSite, ownTitle: string): ChromeKind {
  const p = PHRASES[site.spec.lang]!;
  const has = (s: string) => line.includes(squash(s));
  const is = (...xs: string[]) => xs.some((s) => line === squash(s));
  if (has(p.cookie.slice(0, 30)) || is(p.accept, p.cookieSettings, p.reject)) return 'cookie';
  if (has(p.youAreHere) || line.startsWith(squash(p.home) + '>') || line.startsWith(squash(p.home) + '/')) return 'breadcrumb';
  if (has(p.rights) || has(p.address) || has(p.builtWith) || line.includes('©') || is(p.privacy, p.terms, p.imprint, p.backToTop, p.editPage)) return 'footer';
  const navLabels = [p.home, ...p.sections, p.about, p.contact, p.search, p.skip, p.subscribe].map(squash);
  const rest = navLabels.reduce((l, label) => l.split(label).join(''), line).replace(/[|·»«/>☰]/g, '');
  if (rest === '' || is(site.spec.name, site.spec.tagline)) return 'navigation';
  if (site.titles.some((t) => t !== ownTitle && has(t)) || is(p.readMore, p.related, p.recent, p.mostRead, p.archives, p.categories) || p.months.some((m) => line.startsWith(squash(m)))) return 'post-lists';
  const social = ['Facebook', 'X', 'Email', 'WhatsApp', 'Instagram', 'YouTube', 'Read the Docs', 'v: latest'];
  if ([p.share, p.leaveComment, p.newsletter].some(has) || is(p.previous, p.next, p.followUs, p.onThisPage, ...social)) return 'widgets';
  if (p.authors.some(has) || has(p.tags) || /^[\d\p{P}\p{S}]*$/u.test(line) || p.tagNames.some((t) => line.replace(/[,·]/g, '').includes(squash(t)))) return 'byline';
  return 'other';
}

/** Measures the chrome left in the documents (`url` + `text`) that are pages of the site. */
export function siteLeaks(site: MultiSite, docs: Iterable<{ url?: string | null; text: string }>): LeakReport {
  const byKind: Record<ChromeKind, number> = { cookie: 0, breadcrumb: 0, footer: 0, navigation: 0, 'post-lists': 0, widgets: 0, byline: 0, other: 0 };
  const examples: LeakReport['examples'] = [];
  let pages = 0;
  let withChrome = 0;
  let withAnyChrome = 0;
  let contentChars = 0;
  let keptChars = 0;
  for (const doc of docs) {
    const found = doc.url ? site.pageOf(doc.url) : undefined;
    if (!found) continue;
    pages++;
    const units = found.page.main.map(squash);
    const joined = units.join('');
    const text = squash(doc.text);
    for (const u of units) {
      contentChars += u.length;
      if (text.includes(u)) keptChars += u.length;
    }
    const kinds = new Set<ChromeKind>();
    for (const raw of doc.text.split('\n')) {
      const line = squash(raw);
      if (!line) continue;
      if (units.includes(line) || (line.length >= PIECE_CHARS && joined.includes(line))) continue;
      const kind = kindOf(line, found.site, found.page.main[0]!);
      kinds.add(kind);
      if (examples.length < 12 && !examples.some((e) => e.kind === kind)) examples.push({ url: doc.url!, kind, line: raw.trim().slice(0, 120) });
    }
    if (kinds.size) withAnyChrome++;
    if (SITE_CHROME.some((k) => kinds.has(k))) withChrome++;
    for (const k of kinds) byKind[k]++;
  }
  return { pages, withChrome, share: pages ? withChrome / pages : 0, withAnyChrome, byKind, contentKept: contentChars ? keptChars / contentChars : 1, examples };
}
