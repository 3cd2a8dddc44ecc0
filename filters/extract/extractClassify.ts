/**
 * A jusText-like block classifier (Pomikálek 2011): each block is first classed by its own
 * length and link density, then short and "near-good" blocks take their class from their
 * neighbours, so a short sentence inside an article survives while a short link row between
 * menus does not. jusText's stop-word density needs the language before language ID has run;
 * we use a sentence-punctuation test in its place, which works for every script.
 */
import type { TextBlock } from './extractHtml.js';
import { weightedLength } from '../text/words.js';

export interface ClassifyOptions {
  /** Blocks shorter than this (weighted chars) are "short" and decided by context (jusText: 70). */
  lengthLow: number;
  /** Blocks at least this long with sentence punctuation are "good" on their own (jusText: 200). */
  lengthHigh: number;
  /** Blocks with a larger share of their characters inside links are boilerplate (jusText: 0.2). */
  maxLinkDensity: number;
}

type Class = 'good' | 'neargood' | 'short' | 'bad';

const COPYRIGHT = /©|\bcopyright\b|all rights reserved/i;
const SENTENCE_END = /[.!?。！？؟।…](?:["'”’»)\]]*)(?:\s|$)/u;

function initialClass(b: TextBlock, o: ClassifyOptions): Class {
  const linkDensity = b.chars === 0 ? 0 : b.linkChars / b.chars;
  if (linkDensity > o.maxLinkDensity) return 'bad';
  const len = weightedLength(b.text);
  if (COPYRIGHT.test(b.text) && len < o.lengthHigh * 2) return 'bad';
  if (len < o.lengthLow) return b.linkChars > 0 ? 'bad' : 'short';
  if (len >= o.lengthHigh && SENTENCE_END.test(b.text)) return 'good';
  return 'neargood';
}

/** Nearest class in one direction, skipping blocks of the given classes; the document edge counts as bad. */
function neighbour(classes: Class[], from: number, step: 1 | -1, skip: ReadonlySet<Class>): Class {
  for (let i = from + step; i >= 0 && i < classes.length; i += step) {
    if (!skip.has(classes[i]!)) return classes[i]!;
  }
  return 'bad';
}

const SKIP_SHORT = new Set<Class>(['short']);
const SKIP_SHORT_NEAR = new Set<Class>(['short', 'neargood']);

/** Returns, per block, whether it is main content. */
export function classifyBlocks(blocks: readonly TextBlock[], o: ClassifyOptions): boolean[] {
  const initial = blocks.map((b) => initialClass(b, o));
  // Headings are short by nature: promote one when the next non-short block is content.
  for (let i = 0; i < blocks.length; i++) {
    if (blocks[i]!.heading && (initial[i] === 'short' || initial[i] === 'neargood')) {
      const next = neighbour(initial, i, 1, SKIP_SHORT);
      if (next === 'good' || next === 'neargood') initial[i] = 'neargood';
    }
  }
  // Near-good blocks: good if the nearest decided block on either side is good, else bad.
  const mid = initial.slice();
  for (let i = 0; i < blocks.length; i++) {
    if (initial[i] !== 'neargood') continue;
    const prev = neighbour(initial, i, -1, SKIP_SHORT_NEAR);
    const next = neighbour(initial, i, 1, SKIP_SHORT_NEAR);
    mid[i] = prev === 'good' || next === 'good' ? 'good' : 'bad';
  }
  // Short blocks: good only when enclosed by content on both sides (edges count as bad),
  // or next to content on one side and a near-good block on the other.
  const out = mid.slice();
  for (let i = 0; i < blocks.length; i++) {
    if (mid[i] !== 'short') continue;
    const prev = neighbour(mid, i, -1, SKIP_SHORT);
    const next = neighbour(mid, i, 1, SKIP_SHORT);
    if (prev === 'good' && next === 'good') out[i] = 'good';
    else if (prev === 'bad' && next === 'bad') out[i] = 'bad';
    else {
      const p = neighbour(initial, i, -1, SKIP_SHORT_NEAR);
      const n = neighbour(initial, i, 1, SKIP_SHORT_NEAR);
      out[i] = p === 'good' && n === 'good' ? 'good' : 'bad';
    }
  }
  // A page made only of medium-length blocks (no block is good on its own) would come out
  // empty; keep its near-good blocks rather than lose a whole page of real text.
  if (!out.includes('good')) return initial.map((c) => c === 'neargood');
  return out.map((c) => c === 'good');
}
