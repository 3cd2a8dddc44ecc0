/**
 * One streaming pass from HTML to a page model: text blocks in document order, the block-level
 * elements that hold them (PageNodes, with subtree totals) and the page's metadata. Never content:
 * script, style, hidden elements... (dropped). Boilerplate containers (nav, aside, footer, site
 * header, landmark roles, class/id like "cookie-banner") stay in the model but are marked, so that
 * the selection (contentRegion.ts) leaves them out while the fallbacks can still see them.
 * Time and memory are linear in the input: one row per block-level element, one block per run of
 * text between block boundaries, and three linear passes after the parse.
 */
import { streamElements, type AttributeValues, type StreamLimits, type StreamResult } from './htmlStream.js';
import { MetadataCollector, type PageMetadata } from './pageMetadata.js';
import { classWeight, elementFlags, isHidden } from './elementClass.js';
import { BOILERPLATE, CONTENT_MARKER, DATA_TABLE, OWN_BOILERPLATE, PageNodes } from './pageNodes.js';
import { weightedLength } from '../text/words.js';
import { SCRIPTS_START } from '../text/charClass.js';
import { TextBlocks } from './textBlocks.js';

export { TextBlocks } from './textBlocks.js';

export { DEFAULT_BOILERPLATE_PATTERN } from './elementClass.js';

export interface ParsedPage extends StreamResult {
  blocks: TextBlocks;
  nodes: PageNodes;
  metadata: PageMetadata;
}

/** Elements whose subtree is never content. */
const SKIP_TAGS = [
  'script', 'style', 'noscript', 'template', 'iframe', 'svg', 'math', 'button', 'select', 'option', 'textarea',
  'canvas', 'object', 'embed', 'video', 'audio', 'map', 'dialog', 'title',
];
/** Elements that end the current block and get a row. */
const BLOCK_TAGS = [
  'address', 'article', 'blockquote', 'body', 'caption', 'center', 'dd', 'details', 'div', 'dl', 'dt', 'fieldset',
  'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'html', 'li', 'main',
  'menu', 'nav', 'aside', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
];
const HEADINGS = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'];
const EMBEDS = ['iframe', 'object', 'embed', 'video', 'audio'];
const INPUTS = ['input', 'select', 'textarea', 'button'];
/** Kind bits of a tag name: what the lists above say of it, in one lookup per element. */
const SKIP = 1;
const BLOCK = 2;
const HEADING = 4;
const EMBED = 8;
const INPUT = 16;
const TAG_KIND = new Map<string, number>();
for (const [names, bit] of [[SKIP_TAGS, SKIP], [BLOCK_TAGS, BLOCK], [HEADINGS, HEADING], [EMBEDS, EMBED], [INPUTS, INPUT]] as const) {
  for (const name of names) TAG_KIND.set(name, (TAG_KIND.get(name) ?? 0) | bit);
}
/** The stream asks once per tag name and hands the bits to open/close/boundary. */
const tagKind = (name: string): number => TAG_KIND.get(name) ?? 0;
const JAVASCRIPT_URL = /^\s*javascript:/i;
/** Every attribute the extraction reads: elementClass.ts, links, pageMetadata.ts. */
const READ_ATTRIBUTES = {
  names: new Set([
    'class', 'id', 'role', 'style', 'hidden', 'aria-hidden', 'aria-modal', 'itemprop', 'summary', 'href',
    'name', 'property', 'content', 'type', 'rel', 'datetime',
  ]),
};
// Runs to fold into one ' '; a lone ' ' is not matched, so a text without runs is not rebuilt.
const SPACE_RUN = /[ \t\n\r\f\v\u00a0]{2,}|[\t\n\r\f\v\u00a0]/g;
/** Marks a kept line break (<br>, newlines inside <pre>) in the block buffer. */
const BR = '\uE000';
/** Commas of several scripts (Readability's list, and the ideographic comma). */
const COMMAS = new Set([0x2c, 0x60c, 0xfe50, 0xfe10, 0xfe11, 0x2e41, 0x2e34, 0x2e32, 0xff0c, 0x3001]);
/** A <form> with less text than this, and not most of the page's, is a search box, a sign-up or a
 * comment form, not a page wrapper (ASP.NET pages put the whole body in one form). */
const FORM_WRAPPER_LENGTH = 1000;
const WRAPPER_TAGS = new Set(['div', 'section']);

/** Per open element (the stream's stack mirrored): its row, or -1 when inline. */
const INLINE = -1;
/** Frame kinds beyond a row index. */
const SKIPPED = -2;
const LINK = -3;

function countNonWs(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 32 && c !== 160) n++;
  }
  return n;
}

/** What scanBlock found in the last buffer it scanned (module fields, not an object per block: on
 * tag-dense pages a result object per block was a seventh of the garbage). */
const scan = { chars: 0, commas: 0, dense: false, clean: false, edgeSpace: false };

/** One scan of a block's buffer: its non-space characters, its commas, whether it has characters
 * of dense scripts (counted twice by weightedLength) and whether its whitespace needs folding
 * beyond trimming spaces at its ends (regex calls per short block cost more than this loop on
 * tag-dense pages). */
function scanBlock(buf: string): void {
  let chars = 0;
  let commas = 0;
  let dense = false;
  let clean = true;
  let spaces = 0;
  let first = -1;
  let end = 0;
  for (let i = 0; i < buf.length; i++) {
    const c = buf.charCodeAt(i);
    if (c === 32) {
      spaces++;
      continue;
    }
    if (spaces > 1 && first >= 0) clean = false;
    spaces = 0;
    if (c < 32 || c === 160 || c === 0xe000) {
      clean = false;
      continue;
    }
    if (first < 0) first = i;
    end = i + 1;
    chars++;
    if (c === 44) commas++;
    else if (c >= SCRIPTS_START) {
      dense = true;
      if (COMMAS.has(c)) commas++;
    } else if (c >= 0x60c && COMMAS.has(c)) commas++;
  }
  scan.chars = chars;
  scan.commas = commas;
  scan.dense = dense;
  scan.clean = clean;
  scan.edgeSpace = first > 0 || end < buf.length;
}

function blockText(buf: string): string {
  if (!buf.includes(BR)) return buf.replace(SPACE_RUN, ' ').trim();
  const lines: string[] = [];
  for (const l of buf.split(BR)) {
    const t = l.replace(SPACE_RUN, ' ').trim();
    if (t !== '') lines.push(t);
  }
  return lines.join('\n');
}

/** The columns of the last page parsed in this thread, reused by the next (see PageNodes.reset). */
const spare = { blocks: new TextBlocks(), nodes: new PageNodes() };

/**
 * Parses a page into blocks, rows and metadata. Throws only on parser failures. The page is valid until
 * the next call in this thread: its columns are reused.
 */
export function parseHtmlBlocks(html: string, boilerplate: RegExp, limits: StreamLimits): ParsedPage {
  const blocks = spare.blocks.reset();
  const nodes = spare.nodes.reset();
  // The stream never holds more than maxDepth open elements: one slot each.
  const frames = new Int32Array(limits.maxDepth + 1);
  let depth = 0;
  const meta = new MetadataCollector();
  let skipping = 0;
  let articleDepth = 0;
  let linkDepth = 0;
  let preDepth = 0;
  let headingDepth = 0;
  let listDepth = 0;
  let current = -1;
  /** Open tables' rows (a th/thead/caption marks the innermost as a data table). */
  const tables: number[] = [];
  let buf = '';
  let linkChars = 0;

  const flush = () => {
    if (buf !== '') {
      scanBlock(buf);
      const text = scan.chars === 0 ? '' : !scan.clean ? blockText(buf) : scan.edgeSpace ? buf.trim() : buf;
      if (text !== '') blocks.add(text, scan.dense ? weightedLength(text) : text.length, scan.chars, linkChars, scan.commas, current, headingDepth > 0, listDepth > 0);
    }
    buf = '';
    linkChars = 0;
  };
  const count = (column: 'images' | 'inputs' | 'embeds') => {
    if (current >= 0) nodes[column][current]++;
  };

  const openBlock = (name: string, kind: number, a: AttributeValues): number => {
    flush();
    let flags = elementFlags(name, a, boilerplate, articleDepth > 0);
    if (name === 'tr' && tables.length > 0) nodes.rows[tables[tables.length - 1]!]++;
    if ((name === 'th' || name === 'thead' || name === 'caption') && tables.length > 0) nodes.set(tables[tables.length - 1]!, DATA_TABLE, true);
    if (flags & OWN_BOILERPLATE) flags |= BOILERPLATE;
    const row = nodes.add(name, current, a.size === 0 ? 0 : classWeight(a, boilerplate), flags, blocks.size);
    current = row;
    if (name === 'article' || name === 'main') articleDepth++;
    else if (kind & HEADING) headingDepth++;
    else if (name === 'ul' || name === 'ol') listDepth++;
    else if (name === 'table') tables.push(row);
    else if (name === 'pre') preDepth++;
    return row;
  };
  const closeBlock = (row: number, name: string, kind: number) => {
    flush();
    nodes.endBlock[row] = blocks.size;
    if (name === 'article' || name === 'main') articleDepth--;
    else if (kind & HEADING) headingDepth--;
    else if (name === 'ul' || name === 'ol') listDepth--;
    else if (name === 'pre') preDepth--;
    else if (name === 'table') {
      tables.pop();
      if (nodes.rows[row]! >= 10) nodes.set(row, DATA_TABLE, true);
    }
    current = nodes.parent[row]!;
  };

  const handler = {
    kindOf: tagKind,
    wantsAttributes: () => skipping === 0,
    open(name: string, kind: number, a: AttributeValues) {
      meta.open(name, a, skipping > 0);
      if (kind & INPUT) count('inputs');
      let frame = INLINE;
      if (skipping > 0) {
        // inside a skipped subtree nothing counts
      } else if (kind & SKIP || (name !== 'html' && name !== 'body' && isHidden(a))) {
        if (kind & EMBED) count('embeds');
        frame = SKIPPED;
        skipping++;
      } else if (kind & BLOCK) frame = openBlock(name, kind, a);
      else if (name === 'br') buf += BR;
      else if (name === 'img') count('images');
      else if (name === 'a') {
        // A javascript: pseudo-link or an anchor without href is text, not a link (as in Readability).
        const href = a.get('href');
        if (href !== undefined && !JAVASCRIPT_URL.test(href)) {
          frame = LINK;
          linkDepth++;
        }
      }
      frames[depth++] = frame;
    },
    close(name: string, kind: number) {
      const frame = frames[--depth]!;
      meta.close(name);
      if (frame === SKIPPED) skipping--;
      else if (frame === LINK) linkDepth--;
      else if (frame >= 0) closeBlock(frame, name, kind);
    },
    text(text: string) {
      if (meta.text(text) || skipping > 0) return;
      buf += preDepth > 0 ? text.replaceAll('\n', BR) : text;
      if (linkDepth > 0) linkChars += countNonWs(text);
    },
    boundary(_name: string, kind: number) {
      if (skipping === 0 && kind & BLOCK) flush();
    },
  };
  // Void elements are opened and closed at once: one slot more than maxDepth covers them.
  const result = streamElements(html, handler, limits, READ_ATTRIBUTES);
  flush();
  markBoilerplate(nodes, blocks);
  addTotals(nodes, blocks);
  return { ...result, blocks, nodes, metadata: meta.result() };
}

/**
 * Boilerplate is inherited down the tree until a content marker; blocks take their row's. Two
 * corrections first, from the text each element holds: a small <form> is boilerplate (a search or
 * sign-up box) unless it holds most of the page's text, and a div/section named like boilerplate ("has-sidebar", "ad-portal") that holds
 * most of the page's text, prose rather than links, is a page wrapper, not a component.
 */
function markBoilerplate(nodes: PageNodes, blocks: TextBlocks): void {
  // All text and link text per subtree, boilerplate included, in the length columns that addTotals
  // fills afterwards (zero until then): no two arrays of the page's size per page.
  const raw = nodes.length;
  const rawLinks = nodes.linkLength;
  let total = 0;
  for (let b = 0; b < blocks.size; b++) {
    total += blocks.length[b]!;
    const node = blocks.node[b]!;
    if (node < 0) continue;
    raw[node] += blocks.length[b]!;
    rawLinks[node] += blocks.linkLength(b);
  }
  for (let i = nodes.size - 1; i >= 0; i--) {
    const p = nodes.parent[i]!;
    if (p >= 0) {
      raw[p] += raw[i]!;
      rawLinks[p] += rawLinks[i]!;
    }
    const tag = nodes.tag[i]!;
    if (tag === 'form' && raw[i]! < FORM_WRAPPER_LENGTH && raw[i]! <= total / 2 && !nodes.has(i, CONTENT_MARKER)) nodes.set(i, OWN_BOILERPLATE, true);
    else if (nodes.has(i, OWN_BOILERPLATE) && WRAPPER_TAGS.has(tag) && raw[i]! > total / 2 && rawLinks[i]! < raw[i]! / 2) {
      nodes.set(i, OWN_BOILERPLATE, false);
    }
  }
  for (let i = 0; i < nodes.size; i++) {
    const p = nodes.parent[i]!;
    const inherited = p >= 0 && nodes.has(p, BOILERPLATE) && !nodes.has(i, CONTENT_MARKER);
    nodes.set(i, BOILERPLATE, nodes.has(i, OWN_BOILERPLATE) || inherited);
  }
  for (let b = 0; b < blocks.size; b++) blocks.setBoilerplate(b, blocks.node[b]! >= 0 && nodes.has(blocks.node[b]!, BOILERPLATE));
  raw.fill(0, 0, nodes.size);
  rawLinks.fill(0, 0, nodes.size);
}

/** Subtree totals over what is not boilerplate: blocks into their row, then rows into parents. One loop
 * per function (see selectContent in contentRegion.ts: code after a long loop deoptimised every call). */
function addTotals(nodes: PageNodes, blocks: TextBlocks): void {
  clearBoilerplateCounts(nodes);
  addBlockTotals(nodes, blocks);
  nodes.sumSubtrees();
}

function clearBoilerplateCounts(nodes: PageNodes): void {
  for (let i = 0; i < nodes.size; i++) if (nodes.has(i, BOILERPLATE)) nodes.clearCounts(i);
}

function addBlockTotals(nodes: PageNodes, blocks: TextBlocks): void {
  for (let b = 0; b < blocks.size; b++) {
    const i = blocks.node[b]!;
    if (blocks.boilerplate(b) || i < 0) continue;
    const length = blocks.length[b]!;
    nodes.length[i] += length;
    nodes.linkLength[i] += blocks.linkLength(b);
    nodes.commas[i] += blocks.commas[b]!;
    if (blocks.heading(b)) nodes.headingLength[i] += length;
    if (blocks.inList(b)) nodes.listLength[i] += length;
  }
}
