/**
 * A jusText-like block classifier (Pomikálek 2011): each block is first classed by its own
 * length and link density, then short and "near-good" blocks take their class from their
 * neighbours, so a short sentence inside an article survives while a short link row between
 * menus does not. jusText's stop-word density needs the language before language ID has run;
 * we use a sentence-punctuation test in its place, which works for every script.
 */
import type { TextBlocks } from './textBlocks.js';

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

function initialClass(blocks: TextBlocks, b: number, o: ClassifyOptions): Class {
  const chars = blocks.chars[b]!;
  const linkChars = blocks.linkChars[b]!;
  const linkDensity = chars === 0 ? 0 : linkChars / chars;
  if (linkDensity > o.maxLinkDensity) return 'bad';
  const len = blocks.length[b]!;
  const text = blocks.text[b]!;
  if (COPYRIGHT.test(text) && len < o.lengthHigh * 2) return 'bad';
  if (len < o.lengthLow) return linkChars > 0 ? 'bad' : 'short';
  if (len >= o.lengthHigh && SENTENCE_END.test(text)) return 'good';
  return 'neargood';
}

/**
 * Per index, the class of the nearest block before it (step -1) or after it (step 1) whose class is
 * not in `skip`; the document edge counts as bad. One linear scan (a search per block was quadratic
 * on pages of many short blocks).
 */
function nearest(classes: readonly Class[], step: 1 | -1, skip: ReadonlySet<Class>): Class[] {
  const out = new Array<Class>(classes.length);
  let seen: Class = 'bad';
  const n = classes.length;
  for (let k = 0; k < n; k++) {
    const i = step === 1 ? n - 1 - k : k;
    out[i] = seen;
    if (!skip.has(classes[i]!)) seen = classes[i]!;
  }
  return out;
}

const SKIP_SHORT = new Set<Class>(['short']);
const SKIP_SHORT_NEAR = new Set<Class>(['short', 'neargood']);

/** Returns, per block, whether it is main content. */
export function classifyBlocks(blocks: TextBlocks, o: ClassifyOptions): boolean[] {
  const initial = Array.from({ length: blocks.size }, (_, b) => initialClass(blocks, b, o));
  // Headings are short by nature: promote one when the next non-short block is content.
  const nextNonShort = nearest(initial, 1, SKIP_SHORT);
  for (let i = 0; i < blocks.size; i++) {
    if (blocks.heading(i) && (initial[i] === 'short' || initial[i] === 'neargood')) {
      const next = nextNonShort[i];
      if (next === 'good' || next === 'neargood') initial[i] = 'neargood';
    }
  }
  // Near-good blocks: good if the nearest decided block on either side is good, else bad.
  const prevDecided = nearest(initial, -1, SKIP_SHORT_NEAR);
  const nextDecided = nearest(initial, 1, SKIP_SHORT_NEAR);
  const mid = initial.slice();
  for (let i = 0; i < blocks.size; i++) {
    if (initial[i] === 'neargood') mid[i] = prevDecided[i] === 'good' || nextDecided[i] === 'good' ? 'good' : 'bad';
  }
  // Short blocks: good only when enclosed by content on both sides (edges count as bad),
  // or next to content on one side and a near-good block on the other.
  const prevMid = nearest(mid, -1, SKIP_SHORT);
  const nextMid = nearest(mid, 1, SKIP_SHORT);
  const out = mid.slice();
  for (let i = 0; i < blocks.size; i++) {
    if (mid[i] !== 'short') continue;
    const prev = prevMid[i];
    const next = nextMid[i];
    if (prev === 'good' && next === 'good') out[i] = 'good';
    else if (prev === 'bad' && next === 'bad') out[i] = 'bad';
    else out[i] = prevDecided[i] === 'good' && nextDecided[i] === 'good' ? 'good' : 'bad';
  }
  // A page made only of medium-length blocks (no block is good on its own) would come out
  // empty; keep its near-good blocks rather than lose a whole page of real text.
  if (!out.includes('good')) return initial.map((c) => c === 'neargood');
  return out.map((c) => c === 'good');
}
