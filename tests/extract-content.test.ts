// What the extract step keeps of real page shapes: documentation (admonitions, list items, table
// cells, code), article metadata (title, author, date), pages wrapped in a form or an unlucky class.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractMainText, extractStep } from '../filters/extract/extract.js';

const options = extractStep.parseOptions({});
const sentence = (topic: string) =>
  `The ${topic} is described here in enough words to read as prose, with commas, clauses, and a full stop at the end of it.`;

test('extract: a documentation page keeps admonitions, list items, table cells and code, not its sidebar', () => {
  const html = `<html><head><title>Installing | Example docs</title></head><body>
<div class="related" role="navigation"><ul><li><a href="/">Docs home</a></li><li><a href="/next">NEXT_LINK next page</a></li></ul></div>
<div class="document"><div class="body" role="main"><div class="section" id="installing-the-package-on-a-new-machine">
<h1>Installing</h1>
<p>${sentence('installation')}</p>
<div class="admonition note"><p class="admonition-title">Note</p><p>ADMONITION_TEXT ${sentence('prerequisite')}</p></div>
<ul class="simple"><li><p>LIST_ITEM_ONE ${sentence('first step')}</p></li><li>LIST_ITEM_TWO short item</li></ul>
<table class="docutils"><thead><tr><th>Option</th><th>Meaning</th></tr></thead><tbody>
<tr><td>--prefix</td><td>TABLE_CELL ${sentence('prefix option')}</td></tr><tr><td>--user</td><td>per-user install</td></tr></tbody></table>
<div class="highlight"><pre>CODE_LINE_ONE $ make install
CODE_LINE_TWO $ make check</pre></div>
<p>${sentence('upgrade path')}</p>
</div></div></div>
<div class="sphinxsidebar" role="navigation"><h3>SIDEBAR_TEXT Table of contents</h3><ul><li><a href="#">Installing</a></li></ul></div>
<div class="footer">FOOTER_TEXT © Copyright 2026, the authors.</div>
</body></html>`;
  const r = extractMainText(html, options);
  for (const kept of ['ADMONITION_TEXT', 'Note', 'LIST_ITEM_ONE', 'LIST_ITEM_TWO', 'TABLE_CELL', '--prefix', 'per-user install', 'CODE_LINE_ONE $ make install\nCODE_LINE_TWO']) {
    assert.ok(r.text.includes(kept), `${kept} is missing`);
  }
  for (const dropped of ['NEXT_LINK', 'SIDEBAR_TEXT', 'FOOTER_TEXT']) assert.ok(!r.text.includes(dropped), `${dropped} leaked`);
  assert.equal(r.method, 'region');
});

test('extract: title, author and date go to metadata (meta tags, JSON-LD, microdata), not into the text', () => {
  const body = `<article><h1>Rivers</h1><p class="byline">By <a rel="author" href="/a/jane">Jane Doe</a></p><p>${sentence('river')}</p><p>${sentence('delta')}</p><p>${sentence('basin')}</p></article>`;
  const jsonLd = `<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Rivers of Europe","datePublished":"2026-03-01T10:00:00Z","author":[{"@type":"Person","name":"Jane Doe"},{"@type":"Person","name":"Max Roe"}]}</script>`;
  const withLd = extractMainText(`<html><head><title>Rivers | Example</title>${jsonLd}</head><body>${body}</body></html>`, options);
  assert.deepEqual([withLd.title, withLd.author, withLd.date], ['Rivers | Example', 'Jane Doe, Max Roe', '2026-03-01T10:00:00Z']);
  const withMeta = extractMainText(
    `<html><head><meta property="og:title" content="Rivers (OG)"><meta name="author" content="Ann Lee"><meta property="article:published_time" content="2026-02-02"></head><body>${body}</body></html>`,
    options,
  );
  assert.deepEqual([withMeta.title, withMeta.author, withMeta.date], ['Rivers (OG)', 'Ann Lee', '2026-02-02']);
  const fromPage = extractMainText(`<html><body><time datetime="2026-01-05">5 Jan</time>${body}</body></html>`, options);
  assert.deepEqual([fromPage.author, fromPage.date], ['Jane Doe', '2026-01-05']);
  const step = extractStep.worker!(options).run([{ id: 'a', text: `<html><head>${jsonLd}</head><body>${body}</body></html>`, source: 's', metadata: { format: 'html' } }]);
  assert.equal(step.kept[0]!.metadata.author, 'Jane Doe, Max Roe');
  assert.equal(step.kept[0]!.metadata.date, '2026-03-01T10:00:00Z');
});

test('extract: a page wrapped in one <form> or in a wrapper with a boilerplate-like class keeps its article', () => {
  const article = `<div class="story"><p>${sentence('first point')}</p><p>${sentence('second point')}</p><p>${sentence('third point')}</p><p>${sentence('fourth point')}</p><p>${sentence('fifth point')}</p><p>${sentence('sixth point')}</p><p>${sentence('seventh point')}</p><p>${sentence('eighth point')}</p></div>`;
  const aspNet = extractMainText(`<html><body><form id="aspnetForm" action="/page.aspx"><input type="hidden" name="__VIEWSTATE"><nav><a href="/">Home</a></nav>${article}</form></body></html>`, options);
  assert.ok(aspNet.text.includes('eighth point'));
  const wrapped = extractMainText(`<html><body><div class="layout has-sidebar"><div class="sidebar"><a href="/">Home</a> <a href="/b">Blog</a></div>${article}</div></body></html>`, options);
  assert.ok(wrapped.text.includes('first point') && wrapped.text.includes('eighth point'));
  assert.ok(!wrapped.text.includes('Home'));
  const search = extractMainText(`<html><body><form action="/search"><label>SEARCH_LABEL Search this site for anything</label><input name="q"></form>${article}</body></html>`, options);
  assert.ok(!search.text.includes('SEARCH_LABEL'), 'a small form is boilerplate');
});
