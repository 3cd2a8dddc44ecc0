/**
 * The main-content region of a page, after Mozilla Readability's method (read, not copied):
 * every text block of 25+ characters scores 1 + its commas + one point per 100 characters (at most 3);
 * the score goes to the block's parent element in full, its grandparent in half and three more
 * ancestors at 1/(level*3). Elements start from a tag prior (div +5, td/pre/blockquote +3, lists and
 * forms -3, headings -5) and a class/id weight (+/-25); each total is scaled by 1 - link density.
 * The best element, moved up to a common ancestor when 3+ near-best candidates share one or its
 * parent scores higher, is the region, together with siblings that score at least a fifth of it
 * and sibling paragraphs that read as prose. Inside the region, containers that look like link
 * lists, forms, image galleries or tiny fragments are cleaned out (Readability's conditional clean),
 * except inside data tables and code. Linear: a block touches at most 5 ancestors, and every other
 * pass visits each node or block once.
 */
import type { ParsedPage } from './extractHtml.js';
import { DATA_TABLE, type PageNodes } from './pageNodes.js';

export interface RegionOptions {
  /** Leave out blocks inside boilerplate containers (nav, footer, cookie banners...). */
  stripBoilerplate: boolean;
  /** Use the class/id weights. */
  weightClasses: boolean;
  /** Clean link-list, form and fragment containers out of the region. */
  cleanConditionally: boolean;
}

const MIN_PARAGRAPH = 25;
const ANCESTOR_LEVELS = 5;
const TOP_CANDIDATES = 5;
const MIN_SHARED_CANDIDATES = 3;
const TAG_PRIOR: Readonly<Record<string, number>> = {
  div: 5, pre: 3, td: 3, blockquote: 3, address: -3, ol: -3, ul: -3, dl: -3, dd: -3, dt: -3, li: -3, form: -3,
  h1: -5, h2: -5, h3: -5, h4: -5, h5: -5, h6: -5, th: -5,
};
/** Elements that are a paragraph themselves: their text scores their parent. Text directly inside
 * any other element is an implicit paragraph inside it (Readability wraps such runs in <p>). */
const PARAGRAPH_TAGS = new Set(['p', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'dt', 'dd', 'td', 'th', 'blockquote', 'figcaption', 'caption', 'address', 'summary']);
const CLEANED_TAGS = new Set(['div', 'section', 'ul', 'ol', 'table', 'form', 'fieldset']);
const ROOT_TAGS = new Set(['html', 'body']);
const SENTENCE_END = /\.( |$)/;
const MAX_REGION_LINK_DENSITY = 0.5;


/** Per block, whether it belongs to the main content. */
export function selectContent(page: ParsedPage, o: RegionOptions): boolean[] {
  const { nodes, blocks } = page;
  // Each pass over the page's rows or blocks is a function of its own: V8 compiles a long loop while it
  // runs (on-stack replacement) and keeps that code for the next call, and code after the loop that had
  // not run yet deoptimised it on every call of a huge page (2-3 deoptimisations per page).
  const unlikely = o.weightClasses ? unlikelyRows(nodes) : new Uint8Array(nodes.size);
  const score = new Float64Array(nodes.size);
  const scored = new Uint8Array(nodes.size);
  scoreAncestors(page, o, unlikely, score, scored);
  const top = topCandidates(nodes, score, scored);
  const visible = (i: number) => !(o.stripBoilerplate && blocks.boilerplate(i));
  let best = top[0];
  if (best === undefined || ROOT_TAGS.has(nodes.tag[best]!)) return keepVisible(blocks, o.stripBoilerplate);
  const keep = new Array<boolean>(blocks.size).fill(false);
  // A best candidate made mostly of links is a link list: the page has no article region.
  if (nodes.linkDensity(best) > MAX_REGION_LINK_DENSITY) return keep;
  best = raiseCandidate(nodes, best, top, score, scored);
  const removed = o.cleanConditionally ? conditionalClean(nodes, o.weightClasses) : new Uint8Array(nodes.size);
  const take = (first: number, end: number) => {
    for (let i = first; i < end; i++) if (visible(i) && !removed[blocks.node[i]!]) keep[i] = true;
  };
  const parent = nodes.parent[best]!;
  if (parent < 0) {
    take(nodes.firstBlock[best]!, nodes.endBlock[best]!);
    return keep;
  }
  // Siblings: the children of the region's parent, and text runs directly inside it.
  const threshold = Math.max(10, score[best]! * 0.2);
  for (let i = nodes.firstBlock[parent]!; i < nodes.endBlock[parent]!; ) {
    if (blocks.node[i] === parent) {
      const chars = blocks.chars[i]!;
      if (isProse(blocks.length[i]!, chars > 0 ? blocks.linkChars[i]! / chars : 0, blocks.text[i]!)) take(i, i + 1);
      i++;
      continue;
    }
    // The child of `parent` that holds block i.
    let c = blocks.node[i]!;
    while (nodes.parent[c] !== parent) c = nodes.parent[c]!;
    const [first, end] = [nodes.firstBlock[c]!, nodes.endBlock[c]!];
    const lastText = end > first ? blocks.text[end - 1]! : '';
    if (c === best || (scored[c] && score[c]! >= threshold) || (nodes.tag[c] === 'p' && isProse(nodes.length[c]!, nodes.linkDensity(c), lastText))) take(first, end);
    i = Math.max(end, i + 1);
  }
  return keep;
}

/** Rows under a class/id that weighs against content (widget, related, comments...): their text does not
 * vote for a region, as Readability strips its "unlikely candidates" before scoring. */
function unlikelyRows(nodes: PageNodes): Uint8Array {
  const unlikely = new Uint8Array(nodes.size);
  for (let i = 0; i < nodes.size; i++) {
    const p = nodes.parent[i]!;
    unlikely[i] = (p >= 0 && unlikely[p]) || nodes.classWeight[i]! < 0 ? 1 : 0;
  }
  return unlikely;
}

/** Every paragraph's points to its ancestors (see the file's comment), into `score` and `scored`. Nothing
 * after the loop: even returning an object literal there deoptimised the loop's compiled code per call. */
function scoreAncestors(page: ParsedPage, o: RegionOptions, unlikely: Uint8Array, score: Float64Array, scored: Uint8Array): void {
  const { nodes, blocks } = page;
  for (let b = 0; b < blocks.size; b++) {
    const length = blocks.length[b]!;
    const node = blocks.node[b]!;
    if (length < MIN_PARAGRAPH || node < 0 || (o.stripBoilerplate && blocks.boilerplate(b)) || unlikely[node]) continue;
    const points = 1 + blocks.commas[b]! + Math.min(Math.floor(length / 100), 3);
    let a = PARAGRAPH_TAGS.has(nodes.tag[node]!) ? nodes.parent[node]! : node;
    for (let level = 0; level < ANCESTOR_LEVELS && a >= 0; level++, a = nodes.parent[a]!) {
      if (!scored[a]) {
        scored[a] = 1;
        score[a] = (TAG_PRIOR[nodes.tag[a]!] ?? 0) + (o.weightClasses ? nodes.classWeight[a]! : 0);
      }
      score[a] += level === 0 ? points : level === 1 ? points / 2 : points / (level * 3);
    }
  }
}

/** Scores scaled by 1 - link density; the TOP_CANDIDATES best rows, best first. */
function topCandidates(nodes: PageNodes, score: Float64Array, scored: Uint8Array): number[] {
  const top: number[] = [];
  for (let i = 0; i < nodes.size; i++) {
    if (!scored[i]) continue;
    score[i] *= 1 - nodes.linkDensity(i);
    insertTop(top, i, score);
  }
  return top;
}

/** Every block, less those in boilerplate when they are stripped (no region; also extract's fallbacks). */
export function keepVisible(blocks: ParsedPage['blocks'], stripBoilerplate: boolean): boolean[] {
  const keep = new Array<boolean>(blocks.size);
  for (let i = 0; i < blocks.size; i++) keep[i] = !(stripBoilerplate && blocks.boilerplate(i));
  return keep;
}

/** A sibling paragraph worth keeping: long with few links, or short, link-free and sentence-like. */
function isProse(length: number, density: number, text: string): boolean {
  if (length > 80) return density < 0.25;
  return length > 0 && density === 0 && SENTENCE_END.test(text);
}

/** Keeps `top` as the TOP_CANDIDATES best node indices, best first. */
function insertTop(top: number[], i: number, score: Float64Array): void {
  let at = top.length;
  while (at > 0 && score[top[at - 1]!]! < score[i]!) at--;
  if (at >= TOP_CANDIDATES) return;
  top.splice(at, 0, i);
  if (top.length > TOP_CANDIDATES) top.pop();
}

/** Readability's moves up from the best candidate: to a shared ancestor of near-best candidates, to
 * a parent that scores higher, and past parents that hold nothing else. */
function raiseCandidate(nodes: PageNodes, best: number, top: number[], score: Float64Array, scored: Uint8Array): number {
  const near = top.slice(1).filter((i) => score[i]! / score[best]! >= 0.75);
  if (near.length >= MIN_SHARED_CANDIDATES) {
    const ancestors = near.map((i) => {
      const s = new Set<number>();
      for (let a = nodes.parent[i]!; a >= 0; a = nodes.parent[a]!) s.add(a);
      return s;
    });
    for (let a = nodes.parent[best]!; a >= 0 && !ROOT_TAGS.has(nodes.tag[a]!); a = nodes.parent[a]!) {
      if (ancestors.filter((s) => s.has(a)).length >= MIN_SHARED_CANDIDATES) {
        best = a;
        break;
      }
    }
  }
  let last = score[best]!;
  const floor = last / 3;
  for (let a = nodes.parent[best]!; a >= 0 && !ROOT_TAGS.has(nodes.tag[a]!); a = nodes.parent[a]!) {
    if (!scored[a]) continue;
    if (score[a]! < floor) break;
    if (score[a]! > last) {
      best = a;
      break;
    }
    last = score[a]!;
  }
  // A parent whose only content is this candidate is the same region with its wrapper.
  for (let a = nodes.parent[best]!; a >= 0 && !ROOT_TAGS.has(nodes.tag[a]!); a = nodes.parent[a]!) {
    if (nodes.firstBlock[a] !== nodes.firstBlock[best] || nodes.endBlock[a] !== nodes.endBlock[best]) break;
    best = a;
  }
  return best;
}

/**
 * Containers to clean out of the region, per node (1 = removed with its subtree). Nodes come in
 * document order, so a parent is decided before its children.
 */
function conditionalClean(nodes: PageNodes, weightClasses: boolean): Uint8Array {
  const n = nodes.size;
  const removed = new Uint8Array(n);
  // Inside or holding a data table, inside pre/figure: never cleaned (children before parents below).
  const holdsData = new Uint8Array(n);
  for (let i = n - 1; i >= 0; i--) {
    if (nodes.has(i, DATA_TABLE)) holdsData[i] = 1;
    if (holdsData[i] && nodes.parent[i]! >= 0) holdsData[nodes.parent[i]!] = 1;
  }
  const guarded = new Uint8Array(n);
  const inFigure = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = nodes.parent[i]!;
    if (p >= 0) {
      removed[i] = removed[p]!;
      guarded[i] = guarded[p]! | (nodes.has(p, DATA_TABLE) || nodes.tag[p] === 'pre' ? 1 : 0);
      inFigure[i] = inFigure[p]! | (nodes.tag[p] === 'figure' ? 1 : 0);
    }
    if (removed[i] || guarded[i] || holdsData[i]) continue;
    const tag = nodes.tag[i]!;
    const weight = weightClasses ? nodes.classWeight[i]! : 0;
    if ((tag === 'h1' || tag === 'h2') && weight < 0) removed[i] = 1;
    else if (CLEANED_TAGS.has(tag) && shouldClean(nodes, i, weight, inFigure[i] === 1)) removed[i] = 1;
  }
  return removed;
}

function shouldClean(nodes: PageNodes, i: number, weight: number, inFigure: boolean): boolean {
  if (weight < 0) return true;
  if (nodes.commas[i]! >= 10) return false;
  const tag = nodes.tag[i]!;
  const length = nodes.length[i]!;
  const isList = tag === 'ul' || tag === 'ol' || (length > 0 && nodes.listLength[i]! / length > 0.9);
  const density = nodes.linkDensity(i);
  const headingDensity = length > 0 ? nodes.headingLength[i]! / length : 0;
  const p = nodes.paragraphs[i]!;
  const img = nodes.images[i]!;
  const embeds = nodes.embeds[i]!;
  return (
    (img > 1 && p / img < 0.5 && !inFigure) ||
    (!isList && nodes.listItems[i]! - 100 > p) ||
    nodes.inputs[i]! > Math.floor(p / 3) ||
    (!isList && headingDensity < 0.9 && length < 25 && (img === 0 || img > 2) && !inFigure) ||
    (!isList && weight < 25 && density > 0.2) ||
    (weight >= 25 && density > 0.5) ||
    (embeds === 1 && length < 75) ||
    embeds > 1
  );
}
