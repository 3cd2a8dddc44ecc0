/**
 * One document against the evaluation index: which items it shares an n-gram with and, in span mode,
 * the document with the overlapping text cut out.
 */
import type { Document } from '../../core/document.js';
import { lastWordSpans, simplifiedWordHashes } from '../dedup/minhash/simplify.js';
import type { EvalIndex } from './evalIndex.js';
import type { DecontaminateOptions } from './options.js';

/** Metadata key of a matched document: the items it matched and what was done. */
export const MATCH_KEY = 'decontamination';
/** Metadata key the worker half sets on every document it checked, for the coordinator half (never written out). */
export const CHECKED_KEY = '_decontaminate';

export interface MatchRecord {
  /** Every item matched, in order of first match: set name and item id. */
  matches: { set: string; item: string }[];
  /** N-grams of the document found in the index. */
  ngrams: number;
  /** `drop`: the document is dropped; `remove-span`: the overlapping text was removed and the rest kept. */
  action: 'drop' | 'remove-span';
  /** Characters removed (span mode). */
  removed_chars?: number;
  /** Why a span-mode document is dropped instead: nothing left, or a script without spaces (no word spans). */
  why_dropped?: 'nothing_left' | 'no_word_spans';
}

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029;

/**
 * The text without the given source ranges (sorted, merged): each cut also takes the whitespace after
 * it, so "a b [c d] e" becomes "a b e"; a cut at the end takes the whitespace before it instead.
 */
export function cutRanges(text: string, starts: number[], ends: number[]): string {
  let out = '';
  let from = 0;
  for (let r = 0; r < starts.length; r++) {
    let a = starts[r]!;
    let b = ends[r]!;
    while (b < text.length && isSpace(text.charCodeAt(b))) b++;
    if (b === text.length) while (a > from && isSpace(text.charCodeAt(a - 1))) a--;
    out += text.slice(from, a);
    from = b;
  }
  return out + text.slice(from);
}

export class DocumentMatcher {
  private buf = new Uint32Array(4096);

  constructor(
    private readonly index: EvalIndex,
    private readonly options: Pick<DecontaminateOptions, 'sets' | 'mode'>,
  ) {}

  /** The document checked: unchanged with its n-gram count, or with its match record (and spans cut). */
  check(doc: Document): { doc: Document; checked: number; record?: MatchRecord } {
    const text = doc.text;
    if (this.buf.length < (text.length >> 1) + 1) this.buf = new Uint32Array((text.length >> 1) + 1);
    const words = simplifiedWordHashes(text, this.buf);
    const items: number[] = [];
    const seen = new Set<number>();
    const ranges: number[] = []; // word ranges of the hits, [start, end) pairs in scan order (ascending start)
    let ngrams = 0;
    const checked = this.index.scan(words, (start, length, item) => {
      ngrams++;
      if (!seen.has(item)) seen.add(item), items.push(item);
      ranges.push(start, start + length);
    });
    if (items.length === 0) return { doc, checked };
    const { index } = this;
    const record: MatchRecord = {
      matches: items.map((i) => ({ set: this.options.sets[index.setOf(i)]!.name, item: index.idOf(i) })),
      ngrams,
      action: this.options.mode,
    };
    if (this.options.mode === 'drop') return { doc: { ...doc, metadata: { ...doc.metadata, [MATCH_KEY]: record } }, checked, record };
    const spans = lastWordSpans();
    let cut = text;
    if (!spans) (record.action = 'drop'), (record.why_dropped = 'no_word_spans');
    else {
      const starts: number[] = [];
      const ends: number[] = [];
      for (let r = 0; r < ranges.length; r += 2) {
        const a = spans.starts[ranges[r]!]!;
        const b = spans.ends[ranges[r + 1]! - 1]!;
        if (starts.length > 0 && a <= ends[ends.length - 1]!) ends[ends.length - 1] = Math.max(b, ends[ends.length - 1]!);
        else starts.push(a), ends.push(b);
      }
      cut = cutRanges(text, starts, ends);
      record.removed_chars = text.length - cut.length;
      if (cut.trim() === '') (record.action = 'drop'), (record.why_dropped = 'nothing_left');
    }
    return { doc: { ...doc, text: record.action === 'drop' ? text : cut, metadata: { ...doc.metadata, [MATCH_KEY]: record } }, checked, record };
  }
}
