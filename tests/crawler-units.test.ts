import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normaliseUrl, normaliseLink, hostnameOf } from '../crawler/url.js';
import { Scope } from '../crawler/scope.js';
import { SeenSet } from '../crawler/seenSet.js';
import { isPublicAddress } from '../crawler/addressGuard.js';
import { detectCharset, decodeHtml } from '../datasets/charset.js';
import { extractLinks } from '../crawler/links.js';
import { Parser } from 'htmlparser2';
import { parseSitemap } from '../crawler/sitemap.js';
import { OriginRobots, robotsVerdict, productToken } from '../crawler/robots.js';
import { FrontierLog } from '../crawler/frontierLog.js';
import { FetchError, type FetchResponse } from '../crawler/fetcher.js';
import { uuid4 } from '../crawler/warcWriter.js';
import { readSeedFile } from '../crawler/seeds.js';

test('normaliseUrl: case, default ports, fragments, dot segments, tracking parameters, relative links', () => {
  assert.equal(normaliseUrl('HTTP://Example.COM:80/a/./b/../c#frag'), 'http://example.com/a/c');
  assert.equal(normaliseUrl('https://example.com:443/?utm_source=x&id=3&fbclid=y&UTM_Medium=z'), 'https://example.com/?id=3');
  assert.equal(normaliseUrl('https://example.com/p?utm_campaign=a'), 'https://example.com/p');
  assert.equal(normaliseUrl('../x?b=2&a=1', 'https://example.com/d/e/f'), 'https://example.com/d/x?b=2&a=1');
  assert.equal(normaliseUrl('https://user:pw@example.com./'), 'https://example.com/');
  assert.equal(normaliseUrl('mailto:a@b.c'), null);
  assert.equal(normaliseUrl('javascript:void(0)', 'https://example.com/'), null);
  assert.equal(normaliseUrl('ftp://example.com/'), null);
  assert.equal(normaliseUrl(`https://example.com/${'a'.repeat(3000)}`), null);
  assert.equal(normaliseUrl('not a url'), null);
  assert.equal(hostnameOf('http://127.0.0.1:8080/x?y'), '127.0.0.1');
  // The root-relative fast path gives what a full WHATWG parse gives.
  for (const href of ['/p/1', '/a/b-c_d~e/', '/', '//other.host/x', '/a/../b', '/x?utm_source=y', '/%7Ex', '/a b', '/é']) {
    const base = 'https://example.com:8443/dir/page?q=1';
    assert.equal(normaliseLink(href, base), normaliseUrl(href, base), href);
  }
  assert.equal(normaliseLink('/p/1', 'http://127.0.0.1:8080/a'), 'http://127.0.0.1:8080/p/1');
  assert.equal(hostnameOf('http://[::1]:8080/x'), '[::1]');
});

test('scope: host, registrable domain (public suffix list), any', () => {
  const host = new Scope('host', ['www.example.co.uk']);
  assert.ok(host.allows('https://www.example.co.uk/x'));
  assert.ok(!host.allows('https://blog.example.co.uk/x'));
  const domain = new Scope('domain', ['www.example.co.uk']);
  assert.ok(domain.allows('https://blog.example.co.uk/x'));
  assert.ok(!domain.allows('https://other.co.uk/x'), 'co.uk is a public suffix, not a shared domain');
  const gh = new Scope('domain', ['alice.github.io']);
  assert.ok(!gh.allows('https://bob.github.io/'), 'github.io is a private public suffix');
  assert.ok(new Scope('any', ['a.com']).allows('https://b.org/'));
});

test('seen-set: exact for distinct URLs across growth, reports repeats', () => {
  const s = new SeenSet(16);
  for (let i = 0; i < 200_000; i++) assert.ok(s.add(`https://example.com/page/${i}?q=${i * 7}`));
  assert.equal(s.size, 200_000);
  for (let i = 0; i < 200_000; i += 997) assert.ok(!s.add(`https://example.com/page/${i}?q=${i * 7}`));
  assert.ok(s.has('https://example.com/page/5?q=35'));
  assert.ok(!s.has('https://example.com/page/5?q=36'));
  assert.ok(s.memoryBytes <= 200_000 * 8 * 3, `memory ${s.memoryBytes}`);
});

test('address rule: loopback, private, link-local, multicast, unspecified refused; public allowed', () => {
  for (const ip of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '224.0.0.1', '0.0.0.0', '100.64.0.1', '::1', '::', 'fe80::1', 'fc00::1', 'ff02::1', '::ffff:127.0.0.1']) {
    assert.equal(isPublicAddress(ip), false, ip);
  }
  for (const ip of ['8.8.8.8', '93.184.216.34', '2606:4700::1111', '::ffff:8.8.8.8']) assert.equal(isPublicAddress(ip), true, ip);
  assert.equal(isPublicAddress('not-an-ip'), false);
});

test('charset: Shift_JIS, GB18030, windows-1252 (as iso-8859-1), UTF-16 by BOM and header, meta http-equiv; order of trust', () => {
  const sjis = Buffer.from([0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea]); // 日本語
  assert.equal(decodeHtml(sjis, 'text/html; charset=Shift_JIS').text, '日本語');
  const gb = Buffer.concat([Buffer.from('<meta charset="gb18030"><p>'), Buffer.from([0xd6, 0xd0, 0xce, 0xc4])]);
  assert.ok(decodeHtml(gb, 'text/html').text.endsWith('中文'));
  const latin = Buffer.from([0x93, 0x63, 0x61, 0x66, 0xe9, 0x94]); // “café” in windows-1252
  assert.equal(decodeHtml(latin, 'text/html; charset=ISO-8859-1').text, '\u201ccaf\u00e9\u201d');
  const u16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<p>héllo ✓</p>', 'utf16le')]);
  assert.deepEqual(detectCharset(u16, 'text/html; charset=iso-8859-1'), { encoding: 'utf-16le', source: 'bom' });
  assert.equal(decodeHtml(u16, 'text/html').text, '<p>héllo ✓</p>');
  const be = Buffer.from('<p>ok ✓</p>', 'utf16le').swap16();
  assert.equal(decodeHtml(be, 'text/html; charset=utf-16be').text, '<p>ok ✓</p>');
  const equiv = Buffer.concat([Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'), Buffer.from([0xe9])]);
  assert.equal(detectCharset(equiv).source, 'meta');
  assert.ok(decodeHtml(equiv).text.endsWith('é'));
  // The header beats the meta tag; unknown labels fall through; undeclared bytes: UTF-8 if valid, else windows-1252.
  assert.equal(detectCharset(equiv, 'text/html; charset=utf-8').encoding, 'utf-8');
  assert.equal(detectCharset(equiv, 'text/html; charset=bogus-charset').source, 'meta');
  assert.equal(detectCharset(Buffer.from('plain ✓')).encoding, 'utf-8');
  assert.deepEqual(detectCharset(Buffer.from([0x63, 0x61, 0x66, 0xe9])), { encoding: 'windows-1252', source: 'default' });
});

test('links: a/area/iframe, entities decoded, <base>, meta robots nofollow', () => {
  const l = extractLinks('<base href="/b/"><a href="x?a=1&amp;b=2">1</a><AREA HREF="y"><iframe src="z"></iframe><link href="style.css"><a>none</a>');
  assert.deepEqual(l.hrefs, ['x?a=1&b=2', 'y', 'z']);
  assert.equal(l.base, '/b/');
  assert.equal(l.nofollow, false);
  assert.equal(extractLinks('<meta name="ROBOTS" content="noindex, nofollow"><a href="a">').nofollow, true);
});

/** htmlparser2 as the reference the hand-written scanner must agree with. */
function referenceLinks(html: string): { hrefs: string[]; base?: string; nofollow: boolean } {
  const out: { hrefs: string[]; base?: string; nofollow: boolean } = { hrefs: [], nofollow: false };
  const p = new Parser({
    onopentag(name, attrs) {
      const attr = ({ a: 'href', area: 'href', frame: 'src', iframe: 'src' } as Record<string, string>)[name];
      if (attr && attrs[attr]) out.hrefs.push(attrs[attr]!);
      if (name === 'base' && out.base === undefined && attrs.href) out.base = attrs.href;
      if (name === 'meta' && attrs.name?.toLowerCase() === 'robots' && /\b(nofollow|none)\b/i.test(attrs.content ?? '')) out.nofollow = true;
    },
  }, { decodeEntities: true });
  p.end(html);
  return out;
}

test('links: the hand-written scanner agrees with htmlparser2 on tricky markup', () => {
  const samples = [
    '<A HREF="/Up">x</A><a href=/unquoted?x=1>y</a><a href = \'/single\' >z</a>',
    '<!-- <a href="/in-comment"> --><a href="/after-comment">',
    '<script>var s = "<a href=\\"/in-script\\">";</script><a href="/after-script">',
    '<SCRIPT type="x">document.write("<a href=/x>")</ScRiPt><a href="/after-upper-script">',
    '<style>a[href="/in-style"]{}</style><title><a href="/in-title"></title><textarea><a href="/in-textarea"></textarea><a href="/end">',
    '<a title="a > b" href="/quoted-gt">q</a><a data-x=\'"\' href="/mixed-quotes">',
    '<a href="/e?a=1&amp;b=2&#38;c=&#x33;&quot;">e</a><a href="/unknown&foo;x">',
    '<!DOCTYPE html><base href="https://cdn.example/"><base href="/second"><img src="/not-a-link.png"><iframe src="/frame"></iframe>',
    '<meta name="robots" content="NOINDEX, NOFOLLOW"><a href="">empty</a><a>no href</a><a href="/dup" href="/dup2">',
    '<p>a < b and c<d <a href="/after-lt">x</a> <br/><a/href="/slash-attr">',
    '<meta content="nofollow" NAME="Robots"><a hrefx="/no" xhref="/no2" HREF=/yes href="/second">',
    '<base HREF=""><base href="/real-base"><FRAME SRC="/f"><frameset><iframe href="/not-src" src="/iframe-src"></iframe><area href="/ar">',
    '<meta name="description" content="none"><ab href="/ab"><abbr href="/abbr"><a href="/last">',
  ];
  for (const html of samples) assert.deepEqual(extractLinks(html), referenceLinks(html), html);
});

test('sitemaps: urlset, sitemap index, gzip, text, garbage', () => {
  const urlset = '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc> https://a.com/1?x=1&amp;y=2 </loc></url><url><loc>https://a.com/2</loc></url></urlset>';
  assert.deepEqual(parseSitemap(Buffer.from(urlset), 1e6), { pages: ['https://a.com/1?x=1&y=2', 'https://a.com/2'], sitemaps: [] });
  const index = '<?xml version="1.0"?><sitemapindex><sitemap><loc>https://a.com/s1.xml.gz</loc></sitemap></sitemapindex>';
  assert.deepEqual(parseSitemap(gzipSync(index), 1e6), { pages: [], sitemaps: ['https://a.com/s1.xml.gz'] });
  assert.deepEqual(parseSitemap(Buffer.from('https://a.com/t1\nnot a url\nhttps://a.com/t2\n'), 1e6).pages, ['https://a.com/t1', 'https://a.com/t2']);
  assert.deepEqual(parseSitemap(Buffer.from([0x1f, 0x8b, 1, 2, 3]), 1e6), { pages: [], sitemaps: [] });
});

function response(status: number, body: string): FetchResponse {
  return { url: 'https://a.com/robots.txt', status, statusText: '', headerLines: [], headers: {}, body: Buffer.from(body), decoded: false, truncated: false, requestHead: '', fetchedAt: new Date() };
}

test('robots verdicts: 2xx rules with agent groups, wildcards and Crawl-delay; 4xx allow all; 5xx, 429, network errors unavailable', () => {
  const txt = 'User-agent: *\nDisallow: /private\n\nUser-agent: corpusforge\nDisallow: /*.pdf$\nAllow: /private/ok\nDisallow: /private\nCrawl-delay: 2\nSitemap: https://a.com/sm.xml\n';
  const rules = new OriginRobots(robotsVerdict('https://a.com/robots.txt', response(200, txt)), productToken('corpusforge/0.1 (+https://x)'));
  assert.equal(rules.allows('https://a.com/doc.pdf'), false);
  assert.equal(rules.allows('https://a.com/doc.pdf?x'), true);
  assert.equal(rules.allows('https://a.com/private/ok'), true);
  assert.equal(rules.allows('https://a.com/private/no'), false);
  assert.equal(rules.crawlDelayMs(), 2000);
  assert.deepEqual(rules.sitemaps(), ['https://a.com/sm.xml']);
  const other = new OriginRobots(robotsVerdict('https://a.com/robots.txt', response(200, txt)), 'otherbot');
  assert.equal(other.allows('https://a.com/doc.pdf'), true);
  assert.equal(other.allows('https://a.com/private/ok'), false);
  assert.equal(robotsVerdict('https://a.com/robots.txt', response(404, '')).kind, 'allow-all');
  assert.equal(robotsVerdict('https://a.com/robots.txt', response(403, '')).kind, 'allow-all');
  assert.equal(robotsVerdict('https://a.com/robots.txt', response(503, '')).kind, 'unavailable');
  assert.equal(robotsVerdict('https://a.com/robots.txt', response(429, '')).kind, 'unavailable');
  assert.equal(robotsVerdict('https://a.com/robots.txt', new FetchError('timeout', 't')).kind, 'unavailable');
  assert.equal(robotsVerdict('https://a.com/robots.txt', new FetchError('address_refused', 'r')).kind, 'refused');
});

test('frontier log: FIFO reads, replay after a torn last line, done entries skipped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cf-frontier-'));
  try {
    const path = join(dir, 'frontier.log');
    const f = FrontierLog.open(path);
    for (let i = 0; i < 10; i++) f.append(`https://a.com/${i}`, i % 3, i === 9 ? 'sitemap' : 'page', i === 4 ? ['https://a.com/r'] : []);
    const first = f.read(4, () => false);
    assert.deepEqual(first.map((e) => e.seq), [0, 1, 2, 3]);
    const rest = f.read(100, () => false);
    assert.equal(rest.length, 6);
    assert.deepEqual(rest[0]!.chain, ['https://a.com/r']);
    assert.equal(rest[5]!.kind, 'sitemap');
    assert.ok(f.exhausted);
    f.close();
    appendFileSync(path, '3\tp\thttps://a.com/torn'); // crash mid-line
    const replayed: string[] = [];
    const g = FrontierLog.open(path, (u) => replayed.push(u));
    assert.equal(replayed.length, 10);
    assert.equal(g.length, 10);
    const undone = g.read(100, (seq) => seq % 2 === 0);
    assert.deepEqual(undone.map((e) => e.seq), [1, 3, 5, 7, 9]);
    assert.equal(g.append('https://a.com/new', 1, 'page'), 10);
    g.close();
    assert.ok(readFileSync(path, 'utf8').endsWith('1\tp\thttps://a.com/new\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('seed file: comments and blanks ignored, bad lines reported with line numbers, duplicates once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cf-seeds-'));
  try {
    const path = join(dir, 'seeds.txt');
    writeFileSync(path, '# seeds\n\nhttps://a.com/\nhttps://A.com:443/#x\nnot a url\nftp://x.org/\n  https://b.org/p  \n');
    const r = await readSeedFile(path);
    assert.deepEqual(r.seeds, ['https://a.com/', 'https://b.org/p']);
    assert.equal(r.problems.length, 2);
    assert.match(r.problems[0]!, /seeds\.txt:5: not an http\(s\) URL: not a url/);
    assert.match(r.problems[1]!, /seeds\.txt:6:/);
    await assert.rejects(readSeedFile(join(dir, 'missing.txt')), /cannot read seed file/);
    assert.ok(!existsSync(join(dir, 'missing.txt')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('frontier log: entries read from memory before a flush keep their sequence numbers and file position', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cf-frontier2-'));
  try {
    const path = join(dir, 'frontier.log');
    const f = FrontierLog.open(path);
    f.append('https://a.com/0', 0, 'page');
    f.append('https://a.com/1', 1, 'page');
    assert.deepEqual(f.read(1, () => false).map((e) => e.seq), [0]); // from memory
    f.flush();
    f.append('https://a.com/2', 1, 'page');
    f.flush();
    f.append('https://a.com/3', 2, 'page');
    assert.deepEqual(f.read(10, () => false).map((e) => [e.seq, e.url]), [[1, 'https://a.com/1'], [2, 'https://a.com/2'], [3, 'https://a.com/3']]);
    assert.ok(f.exhausted);
    f.append('https://a.com/4', 2, 'page');
    f.flush();
    assert.deepEqual(f.read(10, () => false).map((e) => e.seq), [4]);
    f.close();
    assert.equal(readFileSync(path, 'utf8').split('\n').length, 6);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('WARC record ids: random version-4 UUIDs, all distinct, all four variants', () => {
  const ids = Array.from({ length: 5000 }, () => uuid4());
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(new Set(ids.map((id) => id[19])).size, 4);
});
