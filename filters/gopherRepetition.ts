import { z } from 'zod';
import type { Document, Rejected } from '../pipelines/document.js';
import type { StepDefinition, Step } from '../pipelines/step.js';
import { zodOptions } from '../pipelines/options.js';
import { denseScriptShare, tokenizeCached } from './text/words.js';
import { findDuplicates } from './text/lines.js';

const NGramThreshold = z.tuple([z.number().int().min(1).max(32), z.number().min(0).max(1)]);

// Defaults are datatrove's GopherRepetitionFilter = Gopher paper table A1; null disables a rule.
const Options = z.object({
  dupLineFrac: z.number().nullable().default(0.3),
  dupParaFrac: z.number().nullable().default(0.3),
  dupLineCharFrac: z.number().nullable().default(0.2),
  dupParaCharFrac: z.number().nullable().default(0.2),
  /** [n, max fraction of characters covered by the most frequent n-gram]. */
  topNGrams: z.array(NGramThreshold).default([[2, 0.2], [3, 0.18], [4, 0.16]]),
  /** [n, max fraction of characters inside repeated n-grams]. */
  dupNGrams: z.array(NGramThreshold).default([[5, 0.15], [6, 0.14], [7, 0.13], [8, 0.12], [9, 0.11], [10, 0.1]]),
});
export type GopherRepetitionOptions = z.output<typeof Options>;

const PARAGRAPH_BREAK = /\n{2,}/;
const LINE_BREAK = /\n+/;

/**
 * Words as small integer ids plus their lengths, so n-grams are compared by a number instead of a
 * joined string (joining made this step 5x slower than tokenising). Each n-gram's key comes from
 * two polynomial prefix hashes in O(1) per position; a key match is confirmed by comparing the
 * ids, so hash collisions cannot create duplicates.
 */
class WordIds {
  readonly ids: Int32Array;
  readonly lengths: Int32Array;
  private readonly p1: Int32Array;
  private readonly p2: Int32Array;
  private readonly pow1: Int32Array;
  private readonly pow2: Int32Array;

  constructor(words: readonly string[]) {
    const n = words.length;
    const idOf = new Map<string, number>();
    this.ids = new Int32Array(n);
    this.lengths = new Int32Array(n);
    this.p1 = new Int32Array(n + 1);
    this.p2 = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      const w = words[i]!;
      let id = idOf.get(w);
      if (id === undefined) idOf.set(w, (id = idOf.size));
      this.ids[i] = id;
      this.lengths[i] = w.length;
      this.p1[i + 1] = Math.imul(this.p1[i]!, B1) + id + 1;
      this.p2[i + 1] = Math.imul(this.p2[i]!, B2) + id + 1;
    }
    this.pow1 = new Int32Array(MAX_N + 1);
    this.pow2 = new Int32Array(MAX_N + 1);
    this.pow1[0] = this.pow2[0] = 1;
    for (let k = 1; k <= MAX_N; k++) {
      this.pow1[k] = Math.imul(this.pow1[k - 1]!, B1);
      this.pow2[k] = Math.imul(this.pow2[k - 1]!, B2);
    }
  }

  /** A 53-bit key for words[start, start+n). */
  key(start: number, n: number): number {
    const h1 = (this.p1[start + n]! - Math.imul(this.p1[start]!, this.pow1[n]!)) >>> 0;
    const h2 = (this.p2[start + n]! - Math.imul(this.p2[start]!, this.pow2[n]!)) >>> 0;
    return h1 * 0x200000 + (h2 & 0x1fffff);
  }

  same(a: number, b: number, n: number): boolean {
    for (let k = 0; k < n; k++) if (this.ids[a + k] !== this.ids[b + k]) return false;
    return true;
  }

  chars(start: number, n: number): number {
    let len = 0;
    for (let k = start; k < start + n; k++) len += this.lengths[k]!;
    return len;
  }
}
const B1 = 0x01000193;
const B2 = 0x5bd1e995;
/** Largest n-gram the keys support (10-grams, doubled for segmented scripts, with room to spare). */
const MAX_N = 64;

/** Characters of the most frequent n-gram ("w1 w2 ..." length x count); first seen wins ties. */
function topNGramChars(w: WordIds, n: number): number {
  const first = new Map<number, number>(); // key -> start of its first occurrence
  const counts = new Map<number, number>();
  let bestCount = 0;
  let bestStart = 0;
  for (let i = 0; i + n <= w.ids.length; i++) {
    const key = w.key(i, n);
    const at = first.get(key);
    if (at === undefined) first.set(key, i);
    else if (!w.same(at, i, n)) continue; // a hash collision, not a repeat
    const c = (counts.get(key) ?? 0) + 1;
    counts.set(key, c);
    if (c > bestCount) {
      bestCount = c;
      bestStart = i;
    }
  }
  return (w.chars(bestStart, n) + n - 1) * bestCount; // joined with spaces
}

/** Characters in n-grams that repeat an earlier one, skipping past each repeat (datatrove find_all_duplicate). */
function duplicateNGramChars(w: WordIds, n: number): number {
  const first = new Map<number, number>();
  let chars = 0;
  let i = 0;
  while (i + n <= w.ids.length) {
    const key = w.key(i, n);
    const at = first.get(key);
    if (at !== undefined && w.same(at, i, n)) {
      chars += w.chars(i, n); // joined without spaces, as datatrove
      i += n;
    } else {
      if (at === undefined) first.set(key, i);
      i++;
    }
  }
  return chars;
}

export function gopherRepetitionReason(text: string, o: GopherRepetitionOptions): string | undefined {
  if (text.length === 0) return undefined;
  const paragraphs = text.trim().split(PARAGRAPH_BREAK);
  const para = findDuplicates(paragraphs);
  if (o.dupParaFrac !== null && para.count / paragraphs.length > o.dupParaFrac) return 'dup_para_frac';
  if (o.dupParaCharFrac !== null && para.chars / text.length > o.dupParaCharFrac) return 'dup_para_char_frac';

  const lines = text.split(LINE_BREAK);
  const line = findDuplicates(lines);
  if (o.dupLineFrac !== null && line.count / lines.length > o.dupLineFrac) return 'dup_line_frac';
  if (o.dupLineCharFrac !== null && line.chars / text.length > o.dupLineCharFrac) return 'dup_line_char_frac';

  if (o.topNGrams.length === 0 && o.dupNGrams.length === 0) return undefined;
  const words = tokenizeCached(text);
  // Segmented Chinese/Japanese tokens are about half an English word (particles, single
  // characters): a Japanese 5-token n-gram is a stock phrase like "を有する。", and the Japanese
  // UDHR trips the 5-gram rule at 0.15-0.2 where other languages score < 0.1. Such text is
  // measured in n-grams of twice the tokens; reasons keep the configured n.
  const scale = denseScriptShare(words) >= 0.5 ? 2 : 1;
  const w = new WordIds(words);
  for (const [n, frac] of o.topNGrams) {
    if (words.length < n * scale) continue;
    if (topNGramChars(w, n * scale) / text.length > frac) return `top_${n}_gram`;
  }
  for (const [n, frac] of o.dupNGrams) {
    if (duplicateNGramChars(w, n * scale) / text.length > frac) return `duplicated_${n}_n_grams`;
  }
  return undefined;
}

export function createGopherRepetition(options: GopherRepetitionOptions): Step {
  return {
    name: 'gopher_repetition',
    kind: 'filter',
    run(batch: Document[]) {
      const kept: Document[] = [];
      const dropped: Rejected[] = [];
      for (const doc of batch) {
        const reason = gopherRepetitionReason(doc.text, options);
        if (reason) dropped.push({ doc, reason: `gopher_repetition:${reason}` });
        else kept.push(doc);
      }
      return { kept, dropped };
    },
  };
}

export const gopherRepetitionStep: StepDefinition<GopherRepetitionOptions> = {
  name: 'gopher_repetition',
  description:
    'Gopher repetition rules (datatrove defaults): duplicate line/paragraph fractions, top 2-4-gram and duplicated 5-10-gram character fractions',
  parseOptions: zodOptions('gopher_repetition', Options),
  worker: createGopherRepetition,
};
