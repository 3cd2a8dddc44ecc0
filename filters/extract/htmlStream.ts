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
 * Lower-cased tag names by the exact base-128 number of their lower-cased characters (names of at most 7
 * ASCII letters and digits): a start or end tag costs a lookup instead of a slice and a toLowerCase, two
 * strings per tag on pages made of little else. Filled as names are met, bounded by MAX_NAMES.
 */
const tagNames = new Map<number, string>();
const MAX_NAMES = 4096;

function lowerTagName(html: string, start: number, end: number): string {
  if (end - start <= 7) {
    let key = 0;
    let i = start;
    for (; i < end; i++) {
      let c = html.charCodeAt(i);
      if (c >= 65 && c <= 90) c |= 32;
      else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) break;
      key = key * 128 + c;
    }
    if (i === end) {
      const known = tagNames.get(key);
      if (known !== undefined) return known;
      const name = html.slice(start, end).toLowerCase();
      if (tagNames.size < MAX_NAMES) tagNames.set(key, name);
      return name;
    }
  }
  return html.slice(start, end).toLowerCase();
}

/** Runs the handler over `html`; returns which limits were hit. */
export function streamElements(html: string, handler: ElementHandler, limits: StreamLimits, filter?: AttributeFilter): StreamResult {
  // A name of another length is dropped before it is sliced (most attributes on a page: data-*, src...).
  const lengths = filter ? new Set([...filter.names].map((n) => n.length)) : undefined;
  const stack: string[] = [];
  /** Open elements per name (on the stack), and elements past maxDepth per name (not on it). */
  const openCount = new Map<string, number>();
  const flatCount = new Map<string, number>();
  const attributes: AttributeValues = new Map();
  const result: StreamResult = { tooDeep: false, tooManyNodes: false };
  let nodes = 0;
  let tagName = '';
  /** The start tag being read was pushed/reported (false: ignored, or flattened past maxDepth). */
  let tagState: 'none' | 'pending' | 'flat' = 'none';
  let attrName: string | undefined;
  let attrValue = '';
  let foreign = 0;

  const bump = (m: Map<string, number>, name: string, by: number) => {
    const n = (m.get(name) ?? 0) + by;
    if (n === 0) m.delete(name);
    else m.set(name, n);
  };
  const pop = () => {
    const name = stack.pop()!;
    bump(openCount, name, -1);
    if (name === 'svg' || name === 'math') foreign--;
    handler.close(name);
  };
  const closeTo = (name: string) => {
    // The caller checked that `name` is open: pops down to and including its nearest instance.
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      pop();
      if (top === name) return;
    }
  };
  const slice = (start: number, end: number) => html.slice(start, end);

  const startTag = (name: string) => {
    if (++nodes > limits.maxNodes) {
      result.tooManyNodes = true;
      tokenizer.pause();
      tagState = 'none';
      return;
    }
    if (name === 'form' && openCount.has('form')) {
      tagState = 'none';
      return;
    }
    const closes = IMPLIES_CLOSE.get(name);
    if (closes) while (stack.length > 0 && closes.has(stack[stack.length - 1]!)) pop();
    tagName = name;
    if (attributes.size > 0) attributes.clear(); // clear() allocates a new table even when empty
    attrName = undefined;
    if (!VOID.has(name) && stack.length >= limits.maxDepth) {
      result.tooDeep = true;
      bump(flatCount, name, 1);
      tagState = 'flat';
      handler.boundary(name);
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
    const name = tagName;
    handler.open(name, attributes);
    if (VOID.has(name)) return handler.close(name);
    stack.push(name);
    bump(openCount, name, 1);
    if (name === 'svg' || name === 'math') foreign++;
    // A self-closing tag closes itself only in foreign content (HTML ignores the slash).
    if (selfClosing && foreign > 0) pop();
  };

  const callbacks: TokenizerCallbacks = {
    onopentagname(start, end) {
      startTag(lowerTagName(html, start, end));
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
      const name = lowerTagName(html, start, end);
      if (VOID.has(name)) {
        if (name === 'br') {
          handler.open('br', new Map());
          handler.close('br');
        }
        return;
      }
      if (flatCount.has(name)) {
        bump(flatCount, name, -1);
        handler.boundary(name);
      } else if (openCount.has(name)) closeTo(name);
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
