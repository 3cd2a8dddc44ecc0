import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { parseSitemap } from '../crawler/sitemap.js';
import { crawl, html, startServer } from './helpers/crawlSite.js';

test('sitemaps: urlset, sitemap index, gzip, text, garbage', () => {
  const urlset = '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc> https://a.com/1?x=1&amp;y=2 </loc></url><url><loc>https://a.com/2</loc></url></urlset>';
  assert.deepEqual(parseSitemap(Buffer.from(urlset), 1e6), { pages: ['https://a.com/1?x=1&y=2', 'https://a.com/2'], sitemaps: [] });
  const index = '<?xml version="1.0"?><sitemapindex><sitemap><loc>https://a.com/s1.xml.gz</loc></sitemap></sitemapindex>';
  assert.deepEqual(parseSitemap(gzipSync(index), 1e6), { pages: [], sitemaps: ['https://a.com/s1.xml.gz'] });
  assert.deepEqual(parseSitemap(Buffer.from('https://a.com/t1\nnot a url\nhttps://a.com/t2\n'), 1e6).pages, ['https://a.com/t1', 'https://a.com/t2']);
  assert.deepEqual(parseSitemap(Buffer.from([0x1f, 0x8b, 1, 2, 3]), 1e6), { pages: [], sitemaps: [] });
});

test('sitemaps: pages listed only in sitemaps (robots.txt Sitemap lines, gzip sitemap index, /sitemap.xml) are found', async () => {
  const gz = await import('node:zlib');
  const srv = await startServer((req, res, path) => {
    const o = srv.origin;
    if (path === '/robots.txt') return html(res, `User-agent: *\nAllow: /\nSitemap: ${o}/index.xml\n`, 200, { 'content-type': 'text/plain' });
    if (path === '/index.xml') return html(res, `<?xml version="1.0"?><sitemapindex><sitemap><loc>${o}/s1.xml.gz</loc></sitemap></sitemapindex>`, 200, { 'content-type': 'application/xml' });
    if (path === '/s1.xml.gz') {
      res.writeHead(200, { 'content-type': 'application/gzip' });
      return res.end(gz.gzipSync(`<urlset><url><loc>${o}/hidden1</loc></url><url><loc>${o}/hidden2</loc></url><url><loc>https://off.example/x</loc></url></urlset>`));
    }
    if (path === '/sitemap.xml') return html(res, `<urlset><url><loc>${o}/hidden3</loc></url></urlset>`, 200, { 'content-type': 'application/xml' });
    html(res, path === '/' ? '<p>no links here</p>' : 'hidden page');
  });
  const c = await crawl([`${srv.origin}/`]);
  try {
    for (const p of ['/hidden1', '/hidden2', '/hidden3']) assert.equal(srv.hits.get(p), 1, p);
    assert.ok(!c.log.some((l) => l.url.includes('off.example')));
    const sitemapLines = c.log.filter((l) => l.kind === 'sitemap');
    assert.equal(sitemapLines.length, 3);
  } finally {
    await srv.close();
    await c.cleanup();
  }
});
