/** What a page says about its outlinks. */
export interface PageLinks {
  /** href/src values in document order, entities decoded, not yet resolved or normalised. */
  hrefs: string[];
  /** The first `<base href>`, which relative links resolve against instead of the page URL. */
  base?: string;
  /** `<meta name="robots" content="nofollow">` (or `none`): the page asks crawlers not to follow its links. */
  nofollow: boolean;
}

const LINK_ATTR: Record<string, string> = { a: 'href', area: 'href', frame: 'src', iframe: 'src' };
const WANTED = new Set(['a', 'area', 'frame', 'iframe', 'base', 'meta']);
/** Elements whose content is not markup (a `<a href>` inside a script is not a link). */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes']);

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(v: string): string {
  return v.replace(/&(#[xX][0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z]+);/g, (m, e: string) => {
    if (e[0] !== '#') return NAMED[e.toLowerCase()] ?? m;
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
  });
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
}

function isAlpha(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** Index of `</name` (any case) at or after `from`, or -1. */
function findEndTag(html: string, name: string, from: number): number {
  let k = from;
  while ((k = html.indexOf('</', k)) !== -1) {
    if (html.slice(k + 2, k + 2 + name.length).toLowerCase() === name) return k;
    k += 2;
  }
  return -1;
}

/**
 * Extracts outlinks with a hand-written tag scanner: it visits only tags (indexOf('<')), skips comments,
 * declarations and the content of raw-text elements (script, style, ...), and reads attributes with the
 * HTML quoting rules. It replaced an htmlparser2 pass that took ~21% of the crawl loop's main-thread
 * time on 2 KB pages (bench/crawl profile); tests/crawler-units.test.ts checks it against htmlparser2.
 */
export function extractLinks(html: string): PageLinks {
  const out: PageLinks = { hrefs: [], nofollow: false };
  const n = html.length;
  let i = 0;
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt === -1 || lt + 1 >= n) break;
    const c = html.charCodeAt(lt + 1);
    if (c === 33 /* ! */) {
      const close = html.startsWith('<!--', lt) ? html.indexOf('-->', lt + 4) : html.indexOf('>', lt + 2);
      if (close === -1) break;
      i = close + (html.startsWith('<!--', lt) ? 3 : 1);
      continue;
    }
    if (!isAlpha(c)) {
      i = lt + 1; // end tags, `<?`, stray `<`
      continue;
    }
    let j = lt + 2;
    while (j < n) {
      const d = html.charCodeAt(j);
      if (isSpace(d) || d === 47 /* / */ || d === 62 /* > */) break;
      j++;
    }
    const name = html.slice(lt + 1, j).toLowerCase();
    const wanted = WANTED.has(name);
    let attrs: Record<string, string> | null = wanted ? {} : null;
    // Attributes, up to the tag's closing `>` (which may not sit inside a quoted value).
    while (j < n) {
      let d = html.charCodeAt(j);
      while (j < n && (isSpace(d) || d === 47)) d = html.charCodeAt(++j);
      if (j >= n || d === 62) break;
      const nameStart = j;
      while (j < n) {
        d = html.charCodeAt(j);
        if (isSpace(d) || d === 61 /* = */ || d === 62 || d === 47) break;
        j++;
      }
      if (j === nameStart) j++; // a lone character htmlparser2 would treat as an attribute name
      const attrName = attrs ? html.slice(nameStart, j).toLowerCase() : '';
      while (j < n && isSpace(html.charCodeAt(j))) j++;
      let value = '';
      if (html.charCodeAt(j) === 61) {
        j++;
        while (j < n && isSpace(html.charCodeAt(j))) j++;
        const q = html.charCodeAt(j);
        if (q === 34 || q === 39) {
          const end = html.indexOf(q === 34 ? '"' : "'", j + 1);
          const stop = end === -1 ? n : end;
          if (attrs) value = html.slice(j + 1, stop);
          j = stop + 1;
        } else {
          const start = j;
          while (j < n && !isSpace(html.charCodeAt(j)) && html.charCodeAt(j) !== 62) j++;
          if (attrs) value = html.slice(start, j);
        }
      }
      if (attrs && attrName && !(attrName in attrs)) attrs[attrName] = value.indexOf('&') === -1 ? value : decodeEntities(value);
    }
    i = j + 1;
    if (attrs) {
      const attr = LINK_ATTR[name];
      if (attr !== undefined) {
        const v = attrs[attr];
        if (v) out.hrefs.push(v);
      } else if (name === 'base') {
        if (out.base === undefined && attrs.href) out.base = attrs.href;
      } else if (name === 'meta') {
        const m = attrs.name?.toLowerCase();
        if ((m === 'robots' || m === 'corpusforge') && attrs.content && /\b(nofollow|none)\b/i.test(attrs.content)) out.nofollow = true;
      }
      attrs = null;
    }
    if (RAW_TEXT.has(name)) {
      const end = findEndTag(html, name, i);
      i = end === -1 ? n : end;
    }
  }
  return out;
}
