import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractLinks } from '../crawler/links.js';
import { Parser } from 'htmlparser2';

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
