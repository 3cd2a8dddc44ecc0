/**
 * Word counts for BPE training: pre-tokenized words -> occurrences. Memory is bounded by a cap on distinct
 * words: past the cap the rarest words are pruned (count <= t for the smallest t that gets back under 80% of
 * the cap), and the pruning is reported so the caller can say so.
 */
import { compilePattern, type PretokenizerPattern } from './pretokenize.js';

export interface PruneReport {
  /** Distinct words dropped. */
  words: number;
  /** Word occurrences dropped. */
  occurrences: number;
  /** Highest count pruned so far. */
  maxPrunedCount: number;
}

/** Pre-tokenizes one text into `counts`. `splitLines` runs the regex per line, as HF's file trainer does. */
export function countWords(text: string, regex: RegExp, counts: Map<string, number>, splitLines = false): void {
  if (splitLines) {
    let start = 0;
    while (start < text.length) {
      const nl = text.indexOf('\n', start);
      const end = nl < 0 ? text.length : nl + 1;
      countWords(text.slice(start, end), regex, counts, false);
      start = end;
    }
    return;
  }
  const words = text.match(regex);
  if (!words) return;
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
}

export class WordCounter {
  readonly counts = new Map<string, number>();
  readonly pruned: PruneReport = { words: 0, occurrences: 0, maxPrunedCount: 0 };
  private readonly regex: RegExp;

  constructor(
    pattern: PretokenizerPattern,
    readonly maxWords = 4_000_000,
    readonly splitLines = false,
  ) {
    if (maxWords < 1) throw new RangeError('maxWords must be >= 1');
    this.regex = compilePattern(pattern);
  }

  addText(text: string): void {
    countWords(text, this.regex, this.counts, this.splitLines);
    this.enforceCap();
  }

  /** Adds counts gathered elsewhere (a worker), in a deterministic order. */
  addCounts(words: readonly string[], counts: ArrayLike<number>): void {
    const m = this.counts;
    for (let i = 0; i < words.length; i++) m.set(words[i]!, (m.get(words[i]!) ?? 0) + counts[i]!);
    this.enforceCap();
  }

  private enforceCap(): void {
    if (this.counts.size <= this.maxWords) return;
    const target = Math.floor(this.maxWords * 0.8);
    let threshold = this.pruned.maxPrunedCount;
    while (this.counts.size > target) {
      threshold++;
      for (const [w, c] of this.counts) {
        if (c <= threshold) {
          this.counts.delete(w);
          this.pruned.words++;
          this.pruned.occurrences += c;
        }
      }
    }
    this.pruned.maxPrunedCount = threshold;
  }
}
