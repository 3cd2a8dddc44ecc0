/**
 * Generated HTML pages for bench/curate.ts: real text (UDHR articles in 16 languages, 60% English)
 * inside realistic boilerplate (inline CSS and JS taken from node_modules, JSON-LD, header/nav
 * menus, a cookie banner, breadcrumbs, share/related links, a sidebar and a footer). Deterministic
 * per page index.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Document } from '../core/document.js';
import { mulberry32 } from '../datasets/seededRandom.js';
import { serialiseRecord, uuid4 } from '../crawler/warcWriter.js';
import { gzipRecord } from '../crawler/gzipMember.js';

const UDHR = path.join(path.dirname(fileURLToPath(import.meta.resolve('udhr'))), 'declaration');
const FILES = ['eng', 'deu_1996', 'fra', 'spa', 'por_PT', 'ita', 'nld', 'rus', 'pol', 'tur', 'swe', 'jpn', 'cmn_hans', 'kor', 'arb', 'vie'];
const paragraphs = new Map(
  FILES.map((f) => {
    const html = fs.readFileSync(path.join(UDHR, `${f}.html`), 'utf8');
    const ps = [...html.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((m) => m[1]!.replace(/\s+/g, ' ').trim()).filter((p) => p.length > 40);
    return [f, ps.slice(8)] as const;
  }),
);
const nodeFile = (p: string) => fs.readFileSync(fileURLToPath(import.meta.resolve(p)), 'utf8');
const JS = (nodeFile('htmlparser2') + nodeFile('franc')).slice(0, 24_000).replace(/<\/script/gi, '<\\/script');
const CSS = Array.from({ length: 120 }, (_, i) => `.c${i} .item-${i % 7} > a:hover { color: #${(i * 4099).toString(16).slice(0, 6).padEnd(6, '0')}; margin: ${i % 9}px ${i % 5}px; }`).join('\n');
const MENU = ['Home', 'World', 'Politics', 'Business', 'Technology', 'Science', 'Health', 'Sport', 'Culture', 'Travel', 'Opinion', 'Video', 'Podcasts', 'Newsletters', 'Weather', 'Obituaries', 'Crosswords', 'Games', 'Jobs', 'Events'];

function links(r: () => number, n: number, prefix: string): string {
  return Array.from({ length: n }, () => {
    const w = MENU[Math.floor(r() * MENU.length)]!;
    return `<li class="menu-item"><a href="/${prefix}/${w.toLowerCase()}-${Math.floor(r() * 1e5)}">${w} ${prefix === 'story' ? 'story of the week ' + Math.floor(r() * 100) : ''}</a></li>`;
  }).join('');
}

export function makePage(i: number): { html: string; lang: string } {
  const r = mulberry32(i * 7919 + 1);
  const file = r() < 0.6 ? 'eng' : FILES[1 + Math.floor(r() * (FILES.length - 1))]!;
  const pool = paragraphs.get(file)!;
  const n = 4 + Math.floor(r() * 12);
  const body: string[] = [];
  for (let k = 0; k < n; k++) body.push(`<p>${pool[Math.floor(r() * pool.length)]!}</p>`);
  const html = `<!DOCTYPE html><html lang="x"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Article ${i} | Example Daily</title><link rel="stylesheet" href="/main.css"><style>${CSS}</style>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Article ${i}","datePublished":"2024-0${1 + (i % 9)}-1${i % 10}"}</script>
<script>${JS}</script></head><body class="page article">
<div id="cookie-consent" class="cookie-banner"><p>We use cookies and similar technologies to improve your experience, measure traffic and personalise ads. <a href="/privacy">Privacy policy</a></p><button>Accept all</button><button>Reject</button></div>
<header class="site-header"><a class="logo" href="/">Example Daily</a><nav class="main-nav"><ul>${links(r, 20, 'section')}</ul></nav><form class="search"><input name="q" placeholder="Search"><button>Go</button></form></header>
<div class="breadcrumbs"><a href="/">Home</a> › <a href="/world">World</a> › <span>Article ${i}</span></div>
<main><article><h1>Human rights, article ${i}</h1><div class="byline">By Staff Writer · ${1 + (i % 28)} March 2024 · ${3 + (i % 9)} min read</div>
${body.join('\n')}
<div class="share-tools"><a href="/share/fb">Facebook</a> <a href="/share/x">X</a> <a href="/share/mail">Email</a></div>
<section class="related"><h2>Related stories</h2><ul>${links(r, 8, 'story')}</ul></section></article></main>
<aside class="sidebar"><h3>Most read</h3><ol>${links(r, 10, 'story')}</ol><div class="ad-slot">Advertisement</div></aside>
<footer class="site-footer"><ul>${links(r, 16, 'footer')}</ul><p>© 2024 Example Daily Ltd. All rights reserved.</p></footer>
<script src="/analytics.js"></script></body></html>`;
  return { html, lang: file };
}

export function* pages(n: number, from = 0): Generator<Document> {
  for (let i = from; i < from + n; i++) {
    const { html } = makePage(i);
    yield { id: `p${i}`, text: html, url: `https://example.org/article/${i}`, source: 'bench', metadata: { format: 'html' } };
  }
}

/**
 * Writes pages [0, n) as a WARC.gz the way Common Crawl and our crawler do (one gzip member per record,
 * HTTP response records), so the executor reads a real input file. Returns its size in bytes.
 */
export function writePagesWarc(file: string, n: number): number {
  const fd = fs.openSync(file, 'w');
  let size = 0;
  try {
    for (const d of pages(n)) {
      const body = Buffer.from(d.text, 'utf8');
      const http = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
      const record = serialiseRecord(
        [
          ['WARC-Type', 'response'],
          ['WARC-Record-ID', `<urn:uuid:${uuid4()}>`],
          ['WARC-Date', '2024-03-01T00:00:00Z'],
          ['WARC-Target-URI', d.url!],
          ['Content-Type', 'application/http; msgtype=response'],
        ],
        http,
      );
      const member = gzipRecord(record, 6);
      fs.writeSync(fd, member);
      size += member.length;
    }
  } finally {
    fs.closeSync(fd);
  }
  return size;
}
