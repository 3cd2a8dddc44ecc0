import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractStep, extractMainText } from '../filters/extract/extract.js';
import type { Document } from '../core/document.js';
import { assertOptionsRejected } from './helpers/stepOptions.js';
import { Tokenizer } from 'htmlparser2';
import { parserEvents as parseEvents } from '../scripts/fuzz/tokenizerEvents.js';
import { FastTokenizer, FAST_TOKENIZER_ACTIVE } from '../filters/extract/htmlTokenizer.js';

const ARTICLE_1 =
  'The Danube is the second-longest river in Europe, after the Volga in Russia. It flows through much of Central and Southeastern Europe, from the Black Forest into the Black Sea, and has been a trade route for centuries.';
const ARTICLE_2 =
  'Historically, the river was a long-standing frontier of the Roman Empire. Today it flows through ten countries, more than any other river in the world, and its basin is home to eighty million people.';

function page(body: string, title = 'The rivers of Europe | Example News'): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>
<style>body { font: 12px sans-serif } .x { color: red }</style>
<script>window.dataLayer = [{ event: 'pageview', tracking: 'SECRET_SCRIPT_TEXT' }];</script></head>
<body>
<header class="site-header"><a href="/">Example News</a> <span>HEADER_TEXT breaking stories every day of the week</span></header>
<nav><ul><li><a href="/politics">Politics</a></li><li><a href="/sport">NAV_TEXT Sport</a></li></ul></nav>
<div id="cookie-banner">COOKIE_TEXT We use cookies to improve your experience. By continuing you accept our cookie policy.</div>
<div class="gdpr-consent-popup">CONSENT_TEXT Manage your privacy choices for our advertising partners here.</div>
${body}
<aside>ASIDE_TEXT Most read: a long sidebar paragraph that goes on for a while to look like real content, but is not.</aside>
<form action="/subscribe"><label>FORM_TEXT Subscribe to our newsletter for weekly updates</label><input name="email"></form>
<noscript>NOSCRIPT_TEXT Please enable JavaScript to view this site properly.</noscript>
<div class="link-row"><a href="/a">LINKROW_TEXT Ten facts about rivers</a> | <a href="/b">The longest bridges of the world</a> | <a href="/c">Twenty lakes</a></div>
<footer>FOOTER_TEXT © 2025 Example News. All rights reserved. <a href="/privacy">Privacy</a></footer>
</body></html>`;
}

const ARTICLE = `<main><article><h1>The rivers of Europe</h1>
<p>${ARTICLE_1}</p>
<p>Short but real.</p>
<p>${ARTICLE_2}<br>A second line after a break belongs to the same paragraph.</p>
</article></main>`;

function run(docs: Document[], raw: Record<string, unknown> = {}) {
  return extractStep.worker!(extractStep.parseOptions(raw)).run(docs);
}

function htmlDoc(id: string, text: string, extra: Record<string, unknown> = {}): Document {
  return { id, text, source: `test:${id}`, metadata: { format: 'html', ...extra } };
}

test('extract keeps the article with paragraph breaks and drops every kind of boilerplate', () => {
  const out = run([htmlDoc('a', page(ARTICLE))]);
  assert.equal(out.dropped.length, 0);
  const doc = out.kept[0]!;
  assert.equal(
    doc.text,
    [
      'The rivers of Europe',
      ARTICLE_1,
      'Short but real.',
      `${ARTICLE_2}\nA second line after a break belongs to the same paragraph.`,
    ].join('\n\n'),
  );
  for (const marker of ['SECRET_SCRIPT_TEXT', 'font:', 'HEADER_TEXT', 'NAV_TEXT', 'COOKIE_TEXT', 'CONSENT_TEXT', 'ASIDE_TEXT', 'FORM_TEXT', 'NOSCRIPT_TEXT', 'LINKROW_TEXT', 'FOOTER_TEXT']) {
    assert.ok(!doc.text.includes(marker), `${marker} leaked into the text`);
  }
  assert.equal(doc.metadata.format, 'text');
  assert.equal(doc.metadata.title, 'The rivers of Europe | Example News');
  assert.ok((out.counters?.['extract.blocks'] ?? 0) > (out.counters?.['extract.blocks_kept'] ?? 0));
});

test('extract: link-heavy containers inside the article are cleaned out, entities are decoded', () => {
  const body = `<div><p>${ARTICLE_1} Fish &amp; chips &lt;3 caf&eacute;.</p>
<div><a href="/1">Read more about the Danube delta and its birds</a> <a href="/2">and the Iron Gates gorge</a></div>
<p>${ARTICLE_2} ${ARTICLE_1}</p><p><a href="javascript:void(0)">A javascript: pseudo-link is text, and this paragraph reads as prose.</a></p></div>`;
  const { text } = extractMainText(page(body), extractStep.parseOptions({}));
  assert.ok(text.includes('Fish & chips <3 café.'));
  assert.ok(!text.includes('Read more about'), 'a container made of links is not content');
  assert.ok(text.includes(`${ARTICLE_2} ${ARTICLE_1}`));
  assert.ok(text.includes('A javascript: pseudo-link is text'));
});

test('extract: source newlines are spaces, <br> and <pre> lines are kept', () => {
  const body = `<p>${ARTICLE_1.replace(/ /g, '\n   ')}</p><pre>line one of the code sample that is long enough to count
  line two keeps its place</pre><p>${ARTICLE_2} ${ARTICLE_1}</p>`;
  const { text } = extractMainText(page(body), extractStep.parseOptions({ classify: false }));
  assert.ok(text.includes(ARTICLE_1), 'newlines in the HTML source collapse to single spaces');
  assert.ok(text.includes('line one of the code sample that is long enough to count\nline two keeps its place'));
});

test('extract: classify=false keeps every visible block outside boilerplate containers', () => {
  const body = `<div><a href="/x">Menu-like short line</a> <a href="/y">and another menu entry</a></div><div><p>${ARTICLE_1}</p><p>${ARTICLE_2}</p></div>`;
  const classified = extractMainText(page(body), extractStep.parseOptions({}));
  const all = extractMainText(page(body), extractStep.parseOptions({ classify: false }));
  assert.ok(!classified.text.includes('Menu-like short line'));
  assert.ok(all.text.includes('Menu-like short line'));
  assert.ok(!all.text.includes('NAV_TEXT'), 'skipped containers stay skipped without the classifier');
});

test('extract: non-HTML documents pass through; boilerplate-only pages and broken input become drop reasons', () => {
  const text: Document = { id: 't', text: 'already text', source: 's', metadata: { format: 'text' } };
  const untyped: Document = { id: 'u', text: '<p>no format given</p>', source: 's', metadata: {} };
  const empty = htmlDoc('e', page(''));
  const broken = htmlDoc('b', 42 as unknown as string);
  const garbage = htmlDoc('g', `<div><p>${ARTICLE_1}<table><tr><td>${ARTICLE_2}</b></i></span></div></div></html><<<>>>\u0000`);
  const out = run([text, untyped, empty, broken, garbage]);
  assert.deepEqual(out.kept.map((d) => d.id), ['t', 'u', 'g']);
  assert.equal(out.kept[0], text, 'non-HTML documents are returned unchanged');
  assert.ok(out.kept[2]!.text.includes(ARTICLE_2));
  assert.deepEqual(out.dropped.map((r) => [r.doc.id, r.reason]), [['e', 'extract:empty'], ['b', 'extract:failed']]);
});

test('extract: a page whose blocks are all medium-length keeps them rather than coming out empty', () => {
  const body = ['第一条 人人生而自由,在尊严和权利上一律平等。他们赋有理性和良心,并应以兄弟关系的精神相对待。', '第二条 人人有资格享有本宣言所载的一切权利和自由,不分种族、肤色、性别、语言、宗教。']
    .map((p) => `<p>${p}</p>`)
    .join('');
  const { text } = extractMainText(page(body), extractStep.parseOptions({}));
  assert.ok(text.startsWith('第一条'));
  assert.ok(text.includes('\n\n第二条'));
});

test('extract options are validated', () => {
  assertOptionsRejected(extractStep, { maxLinkDensity: 2 }, { boilerplatePattern: '(' }, { nope: 1 });
});

test('extract: the fast tokenizer emits exactly the stock htmlparser2 events', () => {
  assert.ok(FAST_TOKENIZER_ACTIVE, 'htmlparser2 internals changed: the fast paths are off');
  const cases = [
    page(`<article><p>${ARTICLE_1}</p><p>${ARTICLE_2}</p></article>`),
    '<p>Fish &amp; chips &lt;3 &copy &notanentity; &#x41;&#66; a < b && c > d</p>',
    '<title>A &amp; B</title><textarea>x &lt; y</textarea><p>tail',
    '<script>if (a<b && c</d) { x = "</scr" + "ipt>"; } // </SCRIPT></script><p>after</p>',
    '<style>a > b { c: "<" }</style><!-- comment <p> & --><![CDATA[ x ]]><?xml y?>',
    `<div class="a &amp; b" data-x='1 "2" &lt;' id=plain title="t&quot;">v</div><img alt="&">`,
    '<p>unterminated &amp',
    '<script>never closed < < <',
    'plain text only & more',
    '<a href="x',
    '',
    // tag names: cases, ends (">", "/", whitespace, end of input), special and foreign-content names
    '<DIV><P>a</P ><Td\nclass=x>b</tD\t>c<br/><hr\f>d</div\r>',
    '<svg><title>t <b>x</b></title><style>s</style></svg><TITLE>u &amp; v</TITLE><Scripts>w</Scripts><xmp><p></xmp>',
    '<p>x</p><textarea><p></textarea><noframes><p></noframes><iframe><p></iframe><plaintext><p></p>',
    '<table><tr><td>cell <table><tr><td>cell <p>short</p><div>x<div>x',
    '<p>unfinished <div',
    '<p>unfinished </div',
    '<a1-b_c.d>e</a1-b_c.d><1p>f</ p></>',
    '<<p>x<</p>y</<div>z<', 'a</', 'a</b', '<!DOCTYPE html><?pi x?><p/>q</p/>r</p\n\n>',
  ];
  for (const html of cases) assert.deepEqual(parseEvents(html, FastTokenizer), parseEvents(html, Tokenizer), html);
});

test('extract: boilerplate attributes as htmlparser2 reads them (first occurrence wins, names in any case)', () => {
  const o = extractStep.parseOptions({ classify: false }) as Parameters<typeof extractMainText>[1];
  const text = (body: string) => extractMainText(`<html><body>${body}</body></html>`, o).text;
  assert.equal(text('<div class="story" class="cookie-banner">kept one</div>'), 'kept one');
  assert.equal(text('<div class="cookie-banner" class="story">dropped</div><p>kept two</p>'), 'kept two');
  assert.equal(text('<div ID="promo-box">dropped</div><div ROLE="Navigation">dropped</div><p HIDDEN>dropped</p><p>kept three</p>'), 'kept three');
  assert.equal(text('<p style="color:red" STYLE="display:none">kept four</p><p aria-hidden="true">dropped</p>'), 'kept four');
  assert.equal(text('<form id="a"><div>x</div><form class="story"><p>in form</p></form></form><p>kept five</p>'), 'kept five');
});
