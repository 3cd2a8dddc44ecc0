/**
 * The tag names a parse meets, as one object per name and thread: its tree-building rules (void, which
 * open elements its start tag closes, foreign content), the stream's counts of its open and flattened
 * elements, and the handler's kind bits for it. A start or end tag costs a hash of its characters and a
 * compare against the name kept in an open-addressed table, instead of a slice, a toLowerCase and a
 * Map lookup per question (void? closes what? open? the handler's kind?): on pages of little else than
 * tags those lookups were a fifth of the parse.
 *
 * Bounded: MAX_NAMES names of at most 16 ASCII letters, digits and dashes are kept per thread; any other
 * name lives in the parse's own map. Not reentrant: one parse at a time per thread (parses are
 * synchronous), each numbered so that counts left by an earlier parse (or one that threw) are reset.
 */
const VOID = new Set(['area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'image', 'img', 'input', 'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
const P_ONLY = new Set(['p']);
const FORM_CONTROLS = new Set(['input', 'option', 'optgroup', 'select', 'button', 'datalist', 'textarea']);
const DD_DT = new Set(['dd', 'dt']);
/** Start tag -> the elements it closes while they are on top of the stack (htmlparser2's table). */
const IMPLIES_CLOSE = new Map<string, ReadonlySet<string>>([
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th'])],
  ['td', new Set(['thead', 'th', 'td'])],
  ['body', new Set(['head', 'link', 'script'])],
  ['li', new Set(['li'])],
  ['option', new Set(['option'])],
  ['optgroup', new Set(['optgroup', 'option'])],
  ['dd', DD_DT],
  ['dt', DD_DT],
  ['rt', new Set(['rt', 'rp'])],
  ['rp', new Set(['rt', 'rp'])],
  ['tbody', new Set(['thead', 'tbody'])],
  ['tfoot', new Set(['thead', 'tbody'])],
  ...['select', 'input', 'output', 'button', 'datalist', 'textarea'].map((t) => [t, FORM_CONTROLS] as const),
  ...['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'address', 'article', 'aside', 'blockquote', 'details', 'div', 'dl', 'fieldset', 'figcaption', 'figure', 'footer', 'form', 'header', 'hr', 'main', 'nav', 'ol', 'pre', 'section', 'table', 'ul'].map(
    (t) => [t, P_ONLY] as const,
  ),
]);


/** What a parse knows of one tag name. */
export interface Tag {
  /** Lower case. */
  readonly name: string;
  readonly isVoid: boolean;
  /** Open elements this start tag closes while they are on top of the stack. */
  readonly closes: ReadonlySet<string> | undefined;
  /** svg or math: foreign content (self-closing tags close, no raw-text elements). */
  readonly foreign: boolean;
  /** Elements of this name on the stack, and past maxDepth (not on it), in parse number `parse`. */
  open: number;
  flat: number;
  parse: number;
  /** The kind `kindOf` gave this name (cached per classifying function). */
  kind: number;
  kindOf: ((name: string) => number) | undefined;
}

function newTag(name: string): Tag {
  return { name, isVoid: VOID.has(name), closes: IMPLIES_CLOSE.get(name), foreign: name === 'svg' || name === 'math', open: 0, flat: 0, parse: 0, kind: 0, kindOf: undefined };
}

const SLOTS = 8192;
const MAX_NAMES = 4096;
const MAX_PROBES = 8;
const slots: (Tag | undefined)[] = new Array<Tag | undefined>(SLOTS).fill(undefined);
let namesKept = 0;
let parses = 0;

/** Starts a parse: its number, to hand to tagAt. */
export function startParse(): number {
  return ++parses;
}

/**
 * The tag html[start, end), its counts reset for this parse and its kind from `kindOf`. Names that are
 * not kept are looked up (and added) in `local`, the parse's own map.
 */
export function tagAt(html: string, start: number, end: number, parse: number, kindOf: (name: string) => number, local: Map<string, Tag>): Tag {
  const tag = keptTag(html, start, end) ?? localTag(html.slice(start, end).toLowerCase(), local);
  if (tag.parse !== parse) {
    tag.parse = parse;
    tag.open = 0;
    tag.flat = 0;
  }
  if (tag.kindOf !== kindOf) {
    tag.kindOf = kindOf;
    tag.kind = kindOf(tag.name);
  }
  return tag;
}

function localTag(name: string, local: Map<string, Tag>): Tag {
  let tag = local.get(name);
  if (tag === undefined) local.set(name, (tag = newTag(name)));
  return tag;
}

/** The kept tag of this name (kept now if there is room), or undefined for a name that cannot be kept. */
function keptTag(html: string, start: number, end: number): Tag | undefined {
  if (end - start > 16) return undefined;
  let h = 0;
  for (let i = start; i < end; i++) {
    let c = html.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 32;
    else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45)) return undefined;
    h = (Math.imul(h, 31) + c) | 0;
  }
  const length = end - start;
  for (let probe = 0; probe < MAX_PROBES; probe++) {
    const slot = (h + probe) & (SLOTS - 1);
    const known = slots[slot];
    if (known === undefined) {
      if (namesKept >= MAX_NAMES) return undefined;
      namesKept++;
      return (slots[slot] = newTag(html.slice(start, end).toLowerCase()));
    }
    if (known.name.length === length && sameLowerCase(known.name, html, start)) return known;
  }
  return undefined;
}

/** `name` (lower case) equals html[start, start + name.length) with ASCII letters lower-cased. */
function sameLowerCase(name: string, html: string, start: number): boolean {
  for (let i = 0; i < name.length; i++) {
    let c = html.charCodeAt(start + i);
    if (c >= 65 && c <= 90) c |= 32;
    if (c !== name.charCodeAt(i)) return false;
  }
  return true;
}
