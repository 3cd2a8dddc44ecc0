/**
 * One streaming pass from HTML to a page model: text blocks in document order and the block-level
 * elements that hold them (nodes, with subtree totals), plus the page's metadata. Never content:
 * script, style, hidden elements... (dropped). Boilerplate containers (nav, aside, footer, site
 * header, landmark roles, class/id like "cookie-banner") are kept in the model but marked, so that
 * the selection (contentRegion.ts) can leave them out and the whole-page fallback can still use them.
 * Time and memory are linear in the input: one node per block-level element, one block per run of
 * text between block boundaries, subtree totals added to the parent when an element closes.
 */
import { streamElements, type AttributeValues, type StreamLimits, type StreamResult } from './htmlStream.js';
import { MetadataCollector, type PageMetadata } from './pageMetadata.js';
import { boundedMemo } from '../text/boundedMemo.js';
import { weightedLength } from '../text/words.js';

export interface TextBlock {
  /** Whitespace-collapsed text; `<br>` and newlines inside `<pre>` survive as "\n". */
  text: string;
  /** Length with Han/Kana/Hangul/Thai characters counted twice (words.ts weightedLength). */
  length: number;
  /** Non-whitespace characters, and how many of them were inside `<a>`. */
  chars: number;
  linkChars: number;
  commas: number;
  /** Index of the innermost block-level element holding the text. */
  node: number;
  /** The block came from h1-h6. */
  heading: boolean;
  /** Inside ul/ol. */
  inList: boolean;
  /** Inside a boilerplate container (nav, footer, cookie banner...). */
  boilerplate: boolean;
}

/** A block-level element. Totals cover its subtree outside boilerplate containers. */
export interface PageNode {
  tag: string;
  parent: number;
  /** Readability-style weight of its class/id: +25 content-like, -25 boilerplate-like, both 0. */
  classWeight: number;
  /** Starts a boilerplate subtree by its own tag, role or class/id. */
  ownBoilerplate: boolean;
  /** role=main, <main> or itemprop=articleBody: content even inside a boilerplate container. */
  contentMarker: boolean;
  /** Inside a boilerplate subtree (own or inherited; a content marker ends the inheritance). */
  boilerplate: boolean;
  /** Its blocks are blocks[firstBlock, endBlock). */
  firstBlock: number;
  endBlock: number;
  length: number;
  linkLength: number;
  commas: number;
  headingLength: number;
  listLength: number;
  paragraphs: number;
  listItems: number;
  images: number;
  inputs: number;
  embeds: number;
  /** Totals from here down cover the subtree; counts of the element's own kind and inline children. */
  dataTable: boolean;
  rows: number;
}

export interface ParsedPage extends StreamResult {
  blocks: TextBlock[];
  nodes: PageNode[];
  metadata: PageMetadata;
}

/** Elements whose subtree is never content. */
const SKIP_TAGS = new Set([
  'script', 'style', 'noscript', 'template', 'iframe', 'svg', 'math', 'button', 'select', 'option', 'textarea',
  'canvas', 'object', 'embed', 'video', 'audio', 'map', 'dialog', 'title',
]);
/** Elements whose subtree is boilerplate unless the content is inside them (see isBoilerplate). */
const BOILERPLATE_TAGS = new Set(['nav', 'aside', 'footer', 'menu', 'header']);
/** Elements that end the current block and get a node. */
const BLOCK_TAGS = new Set([
  'address', 'article', 'blockquote', 'body', 'caption', 'center', 'dd', 'details', 'div', 'dl', 'dt', 'fieldset',
  'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'html', 'li', 'main',
  'menu', 'nav', 'aside', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const EMBEDS = new Set(['iframe', 'object', 'embed', 'video', 'audio']);
const INPUTS = new Set(['input', 'select', 'textarea', 'button']);
const SKIP_ROLES = new Set(['dialog', 'alertdialog']);
const BOILERPLATE_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'complementary', 'search', 'menu', 'menubar']);
/** class/id tokens that mark boilerplate containers, matched as whole dash/underscore-separated parts. */
export const DEFAULT_BOILERPLATE_PATTERN =
  '(^|[-_])(cookies?|consent|gdpr|cc-banner|banner|newsletter|subscribe|popup|modal|overlay|share|sharing|social|breadcrumbs?|sidebar|navbar|nav|menu|related|advert|ads?|promo|sponsored|skip-link|comments?-form|footer|header)([-_]|$)';
/** class/id parts that say "the content is in here": such an element is never boilerplate. */
const CONTENT_PART = /(^|[-_])(article|articles|body|content|entry|hentry|main|post|story|text|blog|column)([-_]|$)/i;
/** Readability's weights, as whole parts of class/id tokens (substrings caught "multimedia" as "media"). */
const NEGATIVE_PART =
  /(^|[-_])(ad|ads|advert|banner|byline|combx|comment|comments|contact|footer|gdpr|masthead|meta|outbrain|promo|related|share|sharing|shoutbox|sidebar|skyscraper|social|sponsor|sponsored|shopping|tags|widget|author|dateline)([-_]|$)/i;
const POSITIVE_PART = /(^|[-_])(article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story)([-_]|$)/i;
const HIDDEN_STYLE = /display\s*:\s*none|visibility\s*:\s*hidden/i;
const WHITESPACE_RUN = /\s+/;
// Runs to fold into one ' '; a lone ' ' is not matched, so a text without runs is not rebuilt.
const SPACE_RUN = /[ \t\n\r\f\v\u00a0]{2,}|[\t\n\r\f\v\u00a0]/g;
/** Marks a kept line break (<br>, newlines inside <pre>) in the block buffer. */
const BR = '\uE000';
const COMMA = /[,\u060C\uFE50\uFE10\uFE11\u2E41\u2E34\u2E32\uFF0C\u3001]/g;

// class/id tokens repeat across a site's pages ("menu-item" x 50 per page): remember each pattern's
// verdict per token instead of running its alternation again. Bounded per pattern; long keys not kept.
const verdicts = new WeakMap<RegExp, (token: string) => boolean>();
function matchesToken(re: RegExp, token: string): boolean {
  let test = verdicts.get(re);
  if (!test) verdicts.set(re, (test = boundedMemo(50_000, (t) => re.test(t), 200)));
  return test(token);
}
/** A token of 5+ dash-separated parts without "_" is a slug of text (Sphinx's id="sharing-with-a-single-developer"),
 * not a component name: it says nothing about boilerplate. */
function isSlug(token: string): boolean {
  let dashes = 0;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c === 95) return false;
    if (c === 45 && ++dashes >= 4) return true;
  }
  return false;
}
/** Whether a class/id token matches `re`; with `unless`, a token matching that does not count. */
function anyToken(re: RegExp, values: readonly (string | undefined)[], unless?: RegExp): boolean {
  for (const v of values) {
    if (v === undefined || v === '') continue;
    for (const token of v.split(WHITESPACE_RUN)) {
      if (token !== '' && !isSlug(token) && matchesToken(re, token) && !(unless && matchesToken(unless, token))) return true;
    }
  }
  return false;
}

function countNonWs(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 32 && c !== 160) n++;
  }
  return n;
}

interface Frame {
  name: string;
  /** Node index when the element is block-level, else -1. */
  node: number;
  skip: boolean;
}

const CONTENT_ROLES = new Set(['main', 'article']);

/** Parses a page into blocks, nodes and metadata. Throws only on parser failures. */
export function parseHtmlBlocks(html: string, boilerplate: RegExp, limits: StreamLimits): ParsedPage {
  const blocks: TextBlock[] = [];
  const nodes: PageNode[] = [];
  const frames: Frame[] = [];
  const meta = new MetadataCollector();
  let skipping = 0;
  let articleDepth = 0;
  let linkDepth = 0;
  /** Per open <a>, whether it is a real link. */
  const linkFrames: boolean[] = [];
  let preDepth = 0;
  let headingDepth = 0;
  let listDepth = 0;
  let current = -1;
  /** Open tables' node indices (a th/thead/caption marks the innermost as a data table). */
  const tables: number[] = [];
  let buf = '';
  let chars = 0;
  let linkChars = 0;

  const flush = () => {
    if (chars > 0) {
      const text = buf.includes(BR)
        ? buf
            .split(BR)
            .map((l) => l.replace(SPACE_RUN, ' ').trim())
            .filter((l) => l !== '')
            .join('\n')
        : buf.replace(SPACE_RUN, ' ').trim();
      if (text !== '') {
        blocks.push({
          text, length: weightedLength(text), chars, linkChars, commas: text.match(COMMA)?.length ?? 0,
          node: current, heading: headingDepth > 0, inList: listDepth > 0, boilerplate: false,
        });
      }
    }
    buf = '';
    chars = 0;
    linkChars = 0;
  };

  const isBoilerplate = (name: string, a: AttributeValues): boolean => {
    const values = [a.get('class'), a.get('id')];
    if (name === 'article' || name === 'main' || name === 'html' || name === 'body') return false;
    // A class/id part such as "content" or "post" says the content is here, unless that same
    // token is also a boilerplate name ("comment-body", "sidebar-content").
    if (anyToken(CONTENT_PART, values, boilerplate)) return false;
    if (name === 'header') return articleDepth === 0;
    if (BOILERPLATE_TAGS.has(name)) return true;
    const role = a.get('role')?.toLowerCase();
    if (role !== undefined && BOILERPLATE_ROLES.has(role)) return true;
    return anyToken(boilerplate, values);
  };
  const isHidden = (a: AttributeValues): boolean => {
    if (a.has('hidden') || a.get('aria-hidden') === 'true' || a.get('aria-modal') === 'true') return true;
    const role = a.get('role')?.toLowerCase();
    if (role !== undefined && SKIP_ROLES.has(role)) return true;
    const style = a.get('style');
    return style !== undefined && HIDDEN_STYLE.test(style);
  };
  const countInto = (field: 'images' | 'inputs' | 'embeds') => {
    if (current >= 0) nodes[current]![field]++;
  };

  const handler = {
    wantsAttributes: () => skipping === 0,
    open(name: string, a: AttributeValues) {
      meta.open(name, a, skipping > 0);
      if (INPUTS.has(name)) countInto('inputs');
      if (skipping > 0) {
        frames.push({ name, node: -1, skip: false });
        return;
      }
      const skip = SKIP_TAGS.has(name) || (name !== 'html' && name !== 'body' && isHidden(a));
      if (EMBEDS.has(name)) countInto('embeds');
      else if (name === 'img') countInto('images');
      const frame: Frame = { name, node: -1, skip };
      frames.push(frame);
      if (skip) {
        skipping++;
        return;
      }
      if (BLOCK_TAGS.has(name)) {
        flush();
        const values = [a.get('class'), a.get('id')];
        const weight = (anyToken(POSITIVE_PART, values) ? 25 : 0) - (anyToken(NEGATIVE_PART, values) ? 25 : 0);
        const role = a.get('role')?.toLowerCase();
        if (name === 'tr' && tables.length > 0) nodes[tables[tables.length - 1]!]!.rows++;
        frame.node = nodes.length;
        const ownBoilerplate = isBoilerplate(name, a);
        nodes.push({
          tag: name, parent: current, classWeight: weight, ownBoilerplate, boilerplate: ownBoilerplate,
          contentMarker: name === 'main' || (role !== undefined && CONTENT_ROLES.has(role)) || a.get('itemprop') === 'articleBody',
          firstBlock: blocks.length, endBlock: blocks.length, length: 0, linkLength: 0, commas: 0, headingLength: 0, listLength: 0,
          paragraphs: name === 'p' ? 1 : 0, listItems: name === 'li' ? 1 : 0, images: 0, inputs: 0, embeds: 0,
          dataTable: name === 'table' && (a.has('summary') || role === 'grid'), rows: 0,
        });
        current = frame.node;
        if (name === 'article' || name === 'main') articleDepth++;
        if (HEADINGS.has(name)) headingDepth++;
        if (name === 'ul' || name === 'ol') listDepth++;
        if (name === 'table') tables.push(frame.node);
        else if ((name === 'th' || name === 'thead' || name === 'caption') && tables.length > 0) nodes[tables[tables.length - 1]!]!.dataTable = true;
      } else if (name === 'br') buf += BR;
      else if (name === 'a') {
        // A javascript: pseudo-link or an anchor without href is text, not a link (as in Readability).
        const href = a.get('href');
        const isLink = href !== undefined && !/^\s*javascript:/i.test(href);
        linkFrames.push(isLink);
        if (isLink) linkDepth++;
      }
      if (name === 'pre') preDepth++;
    },
    close(name: string) {
      const frame = frames.pop()!;
      meta.close(name);
      if (frame.skip) {
        skipping--;
        return;
      }
      if (skipping > 0) return;
      if (name === 'a' && linkFrames.pop()) linkDepth--;
      if (name === 'pre') preDepth = Math.max(0, preDepth - 1);
      if (frame.node < 0) return;
      flush();
      const n = nodes[frame.node]!;
      n.endBlock = blocks.length;
      if (name === 'table') {
        tables.pop();
        if (n.rows >= 10) n.dataTable = true;
      }
      if (name === 'article' || name === 'main') articleDepth--;
      if (HEADINGS.has(name)) headingDepth--;
      if (name === 'ul' || name === 'ol') listDepth--;
      current = n.parent;
    },
    text(text: string) {
      if (meta.text(text)) return;
      if (skipping > 0) return;
      buf += preDepth > 0 ? text.replaceAll('\n', BR) : text;
      const n = countNonWs(text);
      chars += n;
      if (linkDepth > 0) linkChars += n;
    },
    boundary(name: string) {
      if (skipping === 0 && BLOCK_TAGS.has(name)) flush();
    },
  };
  const result = streamElements(html, handler, limits);
  flush();
  markBoilerplate(nodes, blocks);
  addTotals(nodes, blocks);
  return { ...result, blocks, nodes, metadata: meta.result() };
}

/** A <form> with less text than this is a search box, a sign-up or a comment form, not a page
 * wrapper (ASP.NET pages put the whole body in one form). */
const FORM_WRAPPER_LENGTH = 1000;
const WRAPPER_TAGS = new Set(['div', 'section']);

/** Boilerplate is inherited down the tree until a content marker; blocks take their node's. */
function markBoilerplate(nodes: PageNode[], blocks: TextBlock[]): void {
  const raw = new Float64Array(nodes.length);
  const rawLinks = new Float64Array(nodes.length);
  let total = 0;
  for (const b of blocks) {
    total += b.length;
    if (b.node < 0) continue;
    raw[b.node] += b.length;
    rawLinks[b.node] += b.chars === 0 ? 0 : (b.length * b.linkChars) / b.chars;
  }
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    if (n.parent >= 0) {
      raw[n.parent] += raw[i]!;
      rawLinks[n.parent] += rawLinks[i]!;
    }
    if (n.tag === 'form' && raw[i]! < FORM_WRAPPER_LENGTH && !n.contentMarker) n.ownBoilerplate = true;
    // A div/section named like boilerplate ("has-sidebar", "ad-portal") that holds most of the
    // page's text, and prose rather than links, is a page wrapper, not a component.
    else if (n.ownBoilerplate && WRAPPER_TAGS.has(n.tag) && raw[i]! > total / 2 && rawLinks[i]! < raw[i]! / 2) n.ownBoilerplate = false;
  }
  for (const n of nodes) {
    const inherited = n.parent >= 0 && nodes[n.parent]!.boilerplate && !n.contentMarker;
    n.boilerplate = n.ownBoilerplate || inherited;
  }
  for (const b of blocks) b.boilerplate = b.node >= 0 && nodes[b.node]!.boilerplate;
}

/** Subtree totals over what is not boilerplate: blocks into their node, then each node into its
 * parent (nodes are in document order, so children come after their parent). */
function addTotals(nodes: PageNode[], blocks: TextBlock[]): void {
  for (const n of nodes) {
    if (n.boilerplate) n.paragraphs = n.listItems = n.images = n.inputs = n.embeds = 0;
  }
  for (const b of blocks) {
    if (b.boilerplate || b.node < 0) continue;
    const n = nodes[b.node]!;
    n.length += b.length;
    n.linkLength += b.chars === 0 ? 0 : (b.length * b.linkChars) / b.chars;
    n.commas += b.commas;
    if (b.heading) n.headingLength += b.length;
    if (b.inList) n.listLength += b.length;
  }
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    const p = nodes[n.parent];
    if (!p) continue;
    p.length += n.length;
    p.linkLength += n.linkLength;
    p.commas += n.commas;
    p.headingLength += n.headingLength;
    p.listLength += n.listLength;
    p.paragraphs += n.paragraphs;
    p.listItems += n.listItems;
    p.images += n.images;
    p.inputs += n.inputs;
    p.embeds += n.embeds;
  }
}
