// filters/extract/htmlStream.ts builds the same element tree as htmlparser2's Parser (implied closes,
// void elements, stray and implicit tags, form in form, entities), with its own linear stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Parser } from 'htmlparser2';
import { streamElements, MAX_ATTRIBUTE_CHARS, type AttributeValues } from '../filters/extract/htmlStream.js';

const NO_LIMITS = { maxDepth: 1_000_000, maxNodes: 1_000_000 };

/** open/close/text events, consecutive texts merged, attributes as a sorted list. */
function merged(events: string[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    const last = out[out.length - 1];
    if (e.startsWith('text ') && last?.startsWith('text ')) out[out.length - 1] = last + e.slice(5);
    else out.push(e);
  }
  return out;
}

function parserEvents(html: string): string[] {
  const ev: string[] = [];
  new Parser(
    {
      onopentag: (n, a) => ev.push(`open ${n} ${JSON.stringify(Object.entries(a).sort())}`),
      onclosetag: (n) => ev.push(`close ${n}`),
      ontext: (t) => ev.push(`text ${t}`),
    },
    { decodeEntities: true },
  ).end(html);
  return merged(ev);
}

function streamEvents(html: string, limits = NO_LIMITS): string[] {
  const ev: string[] = [];
  streamElements(
    html,
    {
      open: (n: string, a: AttributeValues) => ev.push(`open ${n} ${JSON.stringify([...a.entries()].sort())}`),
      close: (n: string) => ev.push(`close ${n}`),
      text: (t: string) => ev.push(`text ${t}`),
      boundary: (n: string) => ev.push(`boundary ${n}`),
      wantsAttributes: () => true,
    },
    limits,
  );
  return merged(ev);
}

test('htmlStream: the same tree as htmlparser2 on tricky HTML', () => {
  const cases = [
    '<!doctype html><html><head><title>A &amp; B</title><meta charset=utf-8></head><body><p>one<p>two<div>three</div></body></html>',
    '<ul><li>a<li>b<ul><li>c</ul></ul><dl><dt>t<dd>d<dt>t2</dl>',
    '<table><thead><tr><th>h<td>x<tr><td>y</table><p>after',
    '<div CLASS="a &amp; b" Id=plain class="second" hidden>v</div><br/><img src=x alt="&lt;">',
    '<p>para</br>after br</p></p><span>stray</div></span>',
    '<form id=a><input name=q><form id=b><p>in</p></form></form><select><option>1<option>2</select>',
    '<script>if (a<b && c</d) { x = "</scr" + "ipt>"; }</script><style>a > b {}</style><!-- c --><p>x',
    '<b><i>mis</b>nested</i> tail',
    '<p>Fish &amp; chips &lt;3 &copy &notanentity; &#x41;&#66;</p><textarea>x &lt; y</textarea>',
    '<h1>t</h1><h2>s<p>in heading</h2>tail',
    '',
  ];
  for (const html of cases) assert.deepEqual(streamEvents(html), parserEvents(html), html);
  // One difference on purpose: a start tag cut off by the end of input still opens its element with
  // the attributes read so far (htmlparser2 pushes it but never reports it).
  assert.deepEqual(streamEvents('<p>x <a href="/x" class="unterminated'), ['open p []', 'text x ', 'open a [["href","/x"]]', 'close a', 'close p']);
});

test('htmlStream: past maxDepth elements are flattened (block boundaries only) and the rest of the tree is intact', () => {
  const html = `<div><section>${'<div>'.repeat(5)}deep${'</div>'.repeat(5)}</section><p>after</p></div>`;
  const ev = streamEvents(html, { maxDepth: 3, maxNodes: 1000 });
  assert.deepEqual(ev, [
    'open div []', 'open section []', 'open div []', 'boundary div', 'boundary div', 'boundary div', 'boundary div', 'text deep',
    'boundary div', 'boundary div', 'boundary div', 'boundary div', 'close div', 'close section', 'open p []', 'text after', 'close p', 'close div',
  ]);
});

test('htmlStream: the parse stops at maxNodes start tags; attribute values are bounded', () => {
  let opened = 0;
  const handler = { open: () => opened++, close: () => {}, text: () => {}, boundary: () => {}, wantsAttributes: () => true };
  const r = streamElements('<p>x</p>'.repeat(100), handler, { maxDepth: 100, maxNodes: 10 });
  assert.equal(opened, 10);
  assert.deepEqual(r, { tooDeep: false, tooManyNodes: true });
  let cls = '';
  streamElements(`<div class="${'a'.repeat(3 * MAX_ATTRIBUTE_CHARS)}">x</div>`, { ...handler, open: (_n: string, a: AttributeValues) => (cls = a.get('class') ?? '') }, NO_LIMITS);
  assert.equal(cls.length, MAX_ATTRIBUTE_CHARS);
});
