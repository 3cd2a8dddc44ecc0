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
import { startParse, tagAt, type Tag } from './tagTable.js';

/** The attributes a handler reads, by name (first occurrence wins, as in htmlparser2). */
export type AttributeValues = Map<string, string>;

export interface ElementHandler {
  /** The handler's bits for a tag name, asked once per name and passed with each of its elements (a
   * lookup per element saved; the same function must give the same bits for a name). */
  kindOf(name: string): number;
  /** An element was pushed (void elements are opened and closed at once). */
  open(name: string, kind: number, attributes: AttributeValues): void;
  /** The element on top of the stack was popped (explicit, implied or at the end of input). */
  close(name: string, kind: number): void;
  text(text: string): void;
  /** A block-level element past the depth limit started or ended (it is not on the stack). */
  boundary(name: string, kind: number): void;
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

/** Runs the handler over `html`; returns which limits were hit. */
export function streamElements(html: string, handler: ElementHandler, limits: StreamLimits, filter?: AttributeFilter): StreamResult {
  // A name of another length is dropped before it is sliced (most attributes on a page: data-*, src...).
  const lengths = filter ? new Set([...filter.names].map((n) => n.length)) : undefined;
  const stack: Tag[] = [];
  const parse = startParse();
  const kindOf = handler.kindOf;
  // Names the thread's table does not keep (long, unusual or past its bound): at most maxNodes of them.
  const local = new Map<string, Tag>();
  const tagOf = (start: number, end: number) => tagAt(html, start, end, parse, kindOf, local);
  const attributes: AttributeValues = new Map();
  const result: StreamResult = { tooDeep: false, tooManyNodes: false };
  let nodes = 0;
  let tag: Tag | undefined;
  /** The start tag being read was pushed/reported (false: ignored, or flattened past maxDepth). */
  let tagState: 'none' | 'pending' | 'flat' = 'none';
  let attrName: string | undefined;
  let attrValue = '';
  let foreign = 0;

  const pop = () => {
    const st = stack.pop()!;
    st.open--;
    if (st.foreign) foreign--;
    handler.close(st.name, st.kind);
  };
  const closeTo = (st: Tag) => {
    // The caller checked that `st` is open: pops down to and including its nearest instance.
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      pop();
      if (top === st) return;
    }
  };
  const slice = (start: number, end: number) => html.slice(start, end);

  const startTag = (st: Tag) => {
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
      handler.boundary(st.name, st.kind);
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
    handler.open(st.name, st.kind, attributes);
    if (st.isVoid) return handler.close(st.name, st.kind);
    stack.push(st);
    st.open++;
    if (st.foreign) foreign++;
    // A self-closing tag closes itself only in foreign content (HTML ignores the slash).
    if (selfClosing && foreign > 0) pop();
  };

  const callbacks: TokenizerCallbacks = {
    onopentagname(start, end) {
      startTag(tagOf(start, end));
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
      const st = tagOf(start, end);
      const name = st.name;
      if (st.isVoid) {
        if (name === 'br') {
          handler.open('br', st.kind, new Map());
          handler.close('br', st.kind);
        }
        return;
      }
      if (st.flat > 0) {
        st.flat--;
        handler.boundary(name, st.kind);
      } else if (st.open > 0) closeTo(st);
      else if (name === 'p') {
        handler.open('p', st.kind, new Map());
        handler.close('p', st.kind);
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
