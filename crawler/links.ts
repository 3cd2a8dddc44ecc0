/** What a page says about its outlinks. */
export interface PageLinks {
  /** href/src values in document order, entities decoded, not yet resolved or normalised. */
  hrefs: string[];
  /** The first `<base href>`, which relative links resolve against instead of the page URL. */
  base?: string;
  /** `<meta name="robots" content="nofollow">` (or `none`): the page asks crawlers not to follow its links. */
  nofollow: boolean;
}

// Tags the scanner cares about, by a small id: link tags, <base>, <meta>, and raw-text elements (whose
// content is not markup: a `<a href>` inside a script is not a link).
const TAGS = ['a', 'area', 'frame', 'iframe', 'base', 'meta', 'script', 'style', 'textarea', 'title', 'xmp', 'noembed', 'noframes'] as const;
const LINK_ATTR: (string | undefined)[] = ['href', 'href', 'src', 'src'];
const BASE = 4;
const META = 5;
/** Ids of tags whose content is raw text (iframe's too, as htmlparser2 treats it). */
const RAW_TEXT = new Set([3, 6, 7, 8, 9, 10, 11, 12]);
/** Candidate tag ids by name length, so an unwanted tag costs a couple of comparisons and no allocation. */
const BY_LENGTH: number[][] = [];
TAGS.forEach((t, id) => (BY_LENGTH[t.length] ??= []).push(id));

/** True when html[start, end) is `name` (lower-case letters) in any case. */
function nameIs(html: string, start: number, end: number, name: string): boolean {
  if (end - start !== name.length) return false;
  for (let k = 0; k < name.length; k++) if ((html.charCodeAt(start + k) | 0x20) !== name.charCodeAt(k)) return false;
  return true;
}

/** The id of the tag named html[start, end) (any case), or -1. */
function tagId(html: string, start: number, end: number): number {
  const ids = BY_LENGTH[end - start];
  if (ids === undefined) return -1;
  outer: for (const id of ids) {
    const t = TAGS[id]!;
    for (let k = 0; k < t.length; k++) if ((html.charCodeAt(start + k) | 0x20) !== t.charCodeAt(k)) continue outer;
    return id;
  }
  return -1;
}

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

/** Index of the end tag `</name` (any case, then white space, `/` or `>`) at or after `from`, or -1. */
function findEndTag(html: string, name: string, from: number): number {
  let k = from;
  while ((k = html.indexOf('</', k)) !== -1) {
    const after = html.charCodeAt(k + 2 + name.length);
    if (nameIs(html, k + 2, k + 2 + name.length, name) && (isSpace(after) || after === 47 || after === 62)) return k;
    k += 2;
  }
  return -1;
}

/**
 * Extracts outlinks with a hand-written tag scanner: it visits only tags (indexOf('<')), skips comments,
 * declarations and the content of raw-text elements (script, style, ...), and reads attributes with the
 * HTML quoting rules. It replaced an htmlparser2 pass that took ~21% of the crawl loop's main-thread
 * time on 2 KB pages (bench/crawl profile); tests/link-extraction.test.ts checks it against htmlparser2.
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
    if (c === 47 /* / */ || c === 63 /* ? */) {
      // An end tag, `</>`, or a bogus comment (`</ x`, `<?x`): all end at the next `>`, quotes or not,
      // so a link inside one is no link.
      const close = html.indexOf('>', lt + 2);
      if (close === -1) break;
      i = close + 1;
      continue;
    }
    if (!isAlpha(c)) {
      i = lt + 1; // a stray `<`
      continue;
    }
    let j = lt + 2;
    while (j < n) {
      const d = html.charCodeAt(j);
      if (isSpace(d) || d === 47 /* / */ || d === 62 /* > */) break;
      j++;
    }
    const id = tagId(html, lt + 1, j);
    // Only link tags, <base> and <meta> need attribute values, and only one or two named ones each.
    const keep = id >= 0 && id <= META;
    const want1 = keep ? (id === META ? 'name' : (LINK_ATTR[id] ?? 'href')) : '';
    const want2 = id === META ? 'content' : '';
    let v1: string | undefined;
    let v2: string | undefined;
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
      // The first occurrence of an attribute wins, as in htmlparser2.
      const slot = !keep ? 0 : v1 === undefined && nameIs(html, nameStart, j, want1) ? 1 : v2 === undefined && want2 !== '' && nameIs(html, nameStart, j, want2) ? 2 : 0;
      while (j < n && isSpace(html.charCodeAt(j))) j++;
      let value = '';
      if (html.charCodeAt(j) === 61) {
        j++;
        while (j < n && isSpace(html.charCodeAt(j))) j++;
        const q = html.charCodeAt(j);
        if (q === 34 || q === 39) {
          const end = html.indexOf(q === 34 ? '"' : "'", j + 1);
          const stop = end === -1 ? n : end;
          if (slot) value = html.slice(j + 1, stop);
          j = stop + 1;
        } else {
          const start = j;
          while (j < n && !isSpace(html.charCodeAt(j)) && html.charCodeAt(j) !== 62) j++;
          if (slot) value = html.slice(start, j);
        }
      }
      if (slot !== 0) {
        if (value.indexOf('&') !== -1) value = decodeEntities(value);
        if (slot === 1) v1 = value;
        else v2 = value;
      }
    }
    if (j >= n) break; // a tag cut off by the end of the page is no tag (as in browsers)
    i = j + 1;
    if (keep) {
      if (id < BASE) {
        if (v1) out.hrefs.push(v1);
      } else if (id === BASE) {
        if (out.base === undefined && v1) out.base = v1;
      } else {
        const m = v1?.toLowerCase();
        if ((m === 'robots' || m === 'corpusforge') && v2 && /\b(nofollow|none)\b/i.test(v2)) out.nofollow = true;
      }
    }
    if (id >= 0 && RAW_TEXT.has(id)) {
      const end = findEndTag(html, TAGS[id]!, i);
      i = end === -1 ? n : end;
    }
  }
  return out;
}
