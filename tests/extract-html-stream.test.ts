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
      kindOf: () => 0,
      open: (n: string, _kind: number, a: AttributeValues) => ev.push(`open ${n} ${JSON.stringify([...a.entries()].sort())}`),
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
  const handler = { kindOf: () => 0, open: () => opened++, close: () => {}, text: () => {}, boundary: () => {}, wantsAttributes: () => true };
  const r = streamElements('<p>x</p>'.repeat(100), handler, { maxDepth: 100, maxNodes: 10 });
  assert.equal(opened, 10);
  assert.deepEqual(r, { tooDeep: false, tooManyNodes: true });
  let cls = '';
  streamElements(`<div class="${'a'.repeat(3 * MAX_ATTRIBUTE_CHARS)}">x</div>`, { ...handler, open: (_n: string, _k: number, a: AttributeValues) => (cls = a.get('class') ?? '') }, NO_LIMITS);
  assert.equal(cls.length, MAX_ATTRIBUTE_CHARS);
});

test('htmlStream: tag names and their counts per parse (long names, a parse that threw, two handlers)', () => {
  // A name too long for the thread's name table is matched case-insensitively all the same.
  const long = 'my-very-long-custom-element-name';
  assert.deepEqual(streamEvents(`<${long.toUpperCase()}>x</${long}>y`), [`open ${long} []`, 'text x', `close ${long}`, 'text y']);
  // A parse that throws leaves two <div>s counted open; the next parse must see its </div> as stray.
  assert.throws(() => streamElements('<div><div>boom', { kindOf: () => 0, open: () => {}, close: () => {}, text: () => { throw new Error('boom'); }, boundary: () => {}, wantsAttributes: () => true }, NO_LIMITS));
  assert.deepEqual(streamEvents('</div>after'), ['text after']);
  // Each handler gets its own kind bits for a name, whichever parsed the name first.
  const kinds = (kindOf: (n: string) => number) => {
    const seen: string[] = [];
    streamElements('<p>a</p><div>b</div>', { kindOf, open: (n: string, k: number) => seen.push(`${n}=${k}`), close: () => {}, text: () => {}, boundary: () => {}, wantsAttributes: () => true }, NO_LIMITS);
    return seen;
  };
  assert.deepEqual(kinds((n) => n.length), ['p=1', 'div=3']);
  assert.deepEqual(kinds((n) => (n === 'p' ? 7 : 0)), ['p=7', 'div=0']);
});
