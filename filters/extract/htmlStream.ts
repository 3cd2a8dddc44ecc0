/**
 * A streaming HTML element stack over htmlparser2's Tokenizer, linear in the input by construction.
 *
 * htmlparser2's Parser keeps its open elements with Array#unshift/shift (top at index 0) and finds
 * a close tag's element with indexOf: every open and close costs O(depth), so 200,000 nested <div>s
 * took 21 s (a CPU profile put 95% in Parser.popElement and emitOpenTag). Here the stack is pushed
 * and popped at its end, a count of open elements per name answers "is a <name> open?" in O(1)
 * (a stray close tag costs nothing), and every element is popped once: amortised O(1) per tag.
 *
 * Tree-building rules kept from htmlparser2 (what the extractor relied on): lower-cased names, void
 * elements, a start tag implicitly closing the elements on top of the stack it ends (p by a block,
 * li by li, td/th/tr, dd/dt, option), `</p>` with no open p as an empty p, `</br>` as <br>, a
 * <form> inside an open form ignored, entities decoded in text and attribute values.
 *
 * Limits (documented step options): past `maxDepth` open elements, further elements are not pushed
 * (a browser flattens the same way; Blink's limit is 512), only their block boundaries are reported;
 * past `maxNodes` start tags the parse stops there. Attribute values are read up to
 * MAX_ATTRIBUTE_CHARS (a 10 MB class is never a useful class).
 */
import { QuoteType, type TokenizerCallbacks } from 'htmlparser2';
import { FastTokenizer } from './htmlTokenizer.js';

/** The attributes a handler reads, by name (first occurrence wins, as in htmlparser2). */
export type AttributeValues = Map<string, string>;

export interface ElementHandler {
  /** An element was pushed (void elements are opened and closed at once). */
  open(name: string, attributes: AttributeValues): void;
  /** The element on top of the stack was popped (explicit, implied or at the end of input). */
  close(name: string): void;
  text(text: string): void;
  /** A block-level element past the depth limit started or ended (it is not on the stack). */
  boundary(name: string): void;
  /** False while attribute values cannot matter (inside a subtree the handler ignores). */
  wantsAttributes(): boolean;
}

export interface StreamLimits {
  maxDepth: number;
  maxNodes: number;
}

/** Which attributes to read (lower-case names); others are skipped without building their values. */
export interface AttributeFilter {
  names: ReadonlySet<string>;
}

export interface StreamResult {
  /** Elements were past maxDepth (flattened). */
  tooDeep: boolean;
  /** The parse stopped at maxNodes start tags. */
  tooManyNodes: boolean;
}

export const MAX_ATTRIBUTE_CHARS = 4096;

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

/**
 * Lower-cased tag names met so far (names of at most 16 ASCII letters, digits and dashes), in an
 * open-addressed table checked character by character: a start or end tag costs a hash and a compare
 * instead of a slice and a toLowerCase, two strings per tag on pages made of little else. Bounded by
 * MAX_NAMES; a name that finds no slot is built the slow way.
 */
const SLOTS = 8192;
const MAX_NAMES = 4096;
const MAX_PROBES = 8;
const slotNames: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined);
let namesKept = 0;

/** The tag name html[start, end) lower-cased, as the same string each time it is met. */
function lowerTagName(html: string, start: number, end: number): string {
  if (end - start > 16) return html.slice(start, end).toLowerCase();
  let h = 0;
  for (let i = start; i < end; i++) {
    let c = html.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 32;
    else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45)) return html.slice(start, end).toLowerCase();
    h = (Math.imul(h, 31) + c) | 0;
  }
  const length = end - start;
  for (let probe = 0; probe < MAX_PROBES; probe++) {
    const slot = (h + probe) & (SLOTS - 1);
    const known = slotNames[slot];
    if (known === undefined) {
      const name = html.slice(start, end).toLowerCase();
      if (namesKept < MAX_NAMES) {
        slotNames[slot] = name;
        namesKept++;
      }
      return name;
    }
    if (known.length === length && sameLowerCase(known, html, start)) return known;
  }
  return html.slice(start, end).toLowerCase();
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

/**
 * What the stream knows of one tag name in one parse: its static rules and how many elements of it are
 * open (on the stack) or past maxDepth (flattened, not on it). One lookup per tag instead of one per
 * question (void? which closes? open? flat?): on pages made of little else than tags that was a fifth
 * of the parse.
 */
interface TagState {
  readonly name: string;
  readonly isVoid: boolean;
  readonly closes: ReadonlySet<string> | undefined;
  readonly foreign: boolean;
  open: number;
  flat: number;
}

/** Runs the handler over `html`; returns which limits were hit. */
export function streamElements(html: string, handler: ElementHandler, limits: StreamLimits, filter?: AttributeFilter): StreamResult {
  // A name of another length is dropped before it is sliced (most attributes on a page: data-*, src...).
  const lengths = filter ? new Set([...filter.names].map((n) => n.length)) : undefined;
  const stack: TagState[] = [];
  // One entry per distinct name on the page (at most maxNodes of them).
  const states = new Map<string, TagState>();
  const stateOf = (name: string): TagState => {
    let st = states.get(name);
    if (st === undefined) {
      st = { name, isVoid: VOID.has(name), closes: IMPLIES_CLOSE.get(name), foreign: name === 'svg' || name === 'math', open: 0, flat: 0 };
      states.set(name, st);
    }
    return st;
  };
  const attributes: AttributeValues = new Map();
  const result: StreamResult = { tooDeep: false, tooManyNodes: false };
  let nodes = 0;
  let tag: TagState | undefined;
  /** The start tag being read was pushed/reported (false: ignored, or flattened past maxDepth). */
  let tagState: 'none' | 'pending' | 'flat' = 'none';
  let attrName: string | undefined;
  let attrValue = '';
  let foreign = 0;

  const pop = () => {
    const st = stack.pop()!;
    st.open--;
    if (st.foreign) foreign--;
    handler.close(st.name);
  };
  const closeTo = (st: TagState) => {
    // The caller checked that `st` is open: pops down to and including its nearest instance.
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      pop();
      if (top === st) return;
    }
  };
  const slice = (start: number, end: number) => html.slice(start, end);

  const startTag = (st: TagState) => {
    if (++nodes > limits.maxNodes) {
      result.tooManyNodes = true;
      tokenizer.pause();
      tagState = 'none';
      return;
    }
    if (st.name === 'form' && st.open > 0) {
      tagState = 'none';
      return;
    }
    const closes = st.closes;
    if (closes) while (stack.length > 0 && closes.has(stack[stack.length - 1]!.name)) pop();
    tag = st;
    if (attributes.size > 0) attributes.clear(); // clear() allocates a new table even when empty
    attrName = undefined;
    if (!st.isVoid && stack.length >= limits.maxDepth) {
      result.tooDeep = true;
      st.flat++;
      tagState = 'flat';
      handler.boundary(st.name);
      return;
    }
    tagState = 'pending';
  };
  /** Reports the start tag once its attributes are read. */
  const endStartTag = (selfClosing: boolean) => {
    if (tagState !== 'pending') {
      tagState = 'none';
      return;
    }
    tagState = 'none';
    const st = tag!;
    handler.open(st.name, attributes);
    if (st.isVoid) return handler.close(st.name);
    stack.push(st);
    st.open++;
    if (st.foreign) foreign++;
    // A self-closing tag closes itself only in foreign content (HTML ignores the slash).
    if (selfClosing && foreign > 0) pop();
  };

  const callbacks: TokenizerCallbacks = {
    onopentagname(start, end) {
      startTag(stateOf(lowerTagName(html, start, end)));
    },
    onattribname(start, end) {
      attrName = undefined;
      if (tagState !== 'pending' || !handler.wantsAttributes() || (lengths && !lengths.has(end - start))) return;
      const name = slice(start, end).toLowerCase();
      if (filter && !filter.names.has(name)) return;
      if (!attributes.has(name)) {
        attrName = name;
        attrValue = '';
      }
    },
    onattribdata(start, end) {
      if (attrName !== undefined && attrValue.length < MAX_ATTRIBUTE_CHARS) attrValue += slice(start, Math.min(end, start + MAX_ATTRIBUTE_CHARS));
    },
    onattribentity(cp) {
      if (attrName !== undefined && attrValue.length < MAX_ATTRIBUTE_CHARS) attrValue += String.fromCodePoint(cp);
    },
    onattribend(quote, _end) {
      if (attrName !== undefined) attributes.set(attrName, quote === QuoteType.NoValue ? '' : attrValue.slice(0, MAX_ATTRIBUTE_CHARS));
      attrName = undefined;
    },
    onopentagend() {
      endStartTag(false);
    },
    onselfclosingtag() {
      endStartTag(true);
    },
    onclosetag(start, end) {
      const st = stateOf(lowerTagName(html, start, end));
      const name = st.name;
      if (st.isVoid) {
        if (name === 'br') {
          handler.open('br', new Map());
          handler.close('br');
        }
        return;
      }
      if (st.flat > 0) {
        st.flat--;
        handler.boundary(name);
      } else if (st.open > 0) closeTo(st);
      else if (name === 'p') {
        handler.open('p', new Map());
        handler.close('p');
      }
    },
    ontext(start, end) {
      handler.text(slice(start, end));
    },
    ontextentity(cp) {
      handler.text(String.fromCodePoint(cp));
    },
    oncdata() {},
    oncomment() {},
    ondeclaration() {},
    onprocessinginstruction() {},
    onend() {},
    isInForeignContext: () => foreign > 0,
  };
  const tokenizer = new FastTokenizer({ decodeEntities: true }, callbacks);
  tokenizer.write(html);
  if (!result.tooManyNodes) tokenizer.end();
  if ((tagState as string) === 'pending') endStartTag(false);
  while (stack.length > 0) pop();
  return result;
}
