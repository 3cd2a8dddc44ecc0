// Generated HTML for the page-reading targets (links, extract): a markup grammar rich in the constructs
// parsers get wrong (unclosed and misnested tags, raw-text elements, comments, entities, odd quoting).
import fc from 'fast-check';

const TAGS = ['a', 'A', 'p', 'div', 'span', 'table', 'tr', 'td', 'li', 'ul', 'h1', 'br', 'img', 'base', 'meta', 'script', 'style', 'title', 'textarea', 'iframe', 'area', 'frame', 'nav', 'article', 'main', 'footer', 'noscript', 'svg', 'template', 'pre', 'b', 'x-y'];
const ATTRS = ['href', 'HREF', 'src', 'name', 'content', 'class', 'id', 'role', 'charset', 'http-equiv', 'hidden', 'style', 'x'];
const VALUES = ['/a', 'https://example.org/b?x=1&amp;y=2', 'robots', 'nofollow', 'none', 'content', 'nav menu', 'main', '&#x41;&#0;&#xD800;&lt;', '', ' ', '>', '"', "'", 'a b'];
const TEXT = ['text', 'The river runs north past the market.', '&amp;', '&nbsp;', '&#128512;', '&bogus;', '<', '>', '&', ' ', '\n', '日本語', '\u0000', '\ud800', 'a'.repeat(80)];

const attr = fc
  .tuple(fc.constantFrom(...ATTRS), fc.constantFrom('="', "='", '=', ' = "', ''), fc.oneof(fc.constantFrom(...VALUES), fc.string({ maxLength: 10 })))
  .map(([name, q, v]) => (q === '' ? name : `${name}${q}${v}${q.includes('"') ? '"' : q.includes("'") ? "'" : ''}`));

const openTag = fc
  .tuple(fc.constantFrom(...TAGS), fc.array(attr, { maxLength: 3 }), fc.constantFrom('>', '/>', ' >', ''))
  .map(([t, attrs, end]) => `<${t}${attrs.map((a) => ` ${a}`).join('')}${end}`);

const piece: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: openTag, weight: 4 },
  { arbitrary: fc.constantFrom(...TAGS).map((t) => `</${t}>`), weight: 3 },
  { arbitrary: fc.constantFrom(...TEXT), weight: 4 },
  fc.constantFrom('<!--', '-->', '<!-- c -->', '<!DOCTYPE html>', '<![CDATA[x]]>', '<?xml x?>', '</', '<', '<a', '<!', '&#', '&#x'),
  fc.string({ maxLength: 8 }),
);

/** A page: a run of markup pieces, sometimes nested deep (the same open tag repeated). */
export const htmlPage: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.array(piece, { maxLength: 60 }).map((p) => p.join('')), weight: 5 },
  fc.tuple(openTag, fc.nat({ max: 3000 }), fc.array(piece, { maxLength: 10 })).map(([t, n, rest]) => t.repeat(n) + rest.join('')),
);
