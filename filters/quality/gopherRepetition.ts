import { z } from 'zod';
import { defineFilterStep } from '../filterStep.js';
import { denseShareOf, hasDenseScript } from '../text/words.js';
import { Spans } from '../text/spans.js';
import { analyseWords } from '../text/wordAnalysis.js';
import { NGramIndex } from '../text/ngrams.js';
import { findDuplicateSpans, newlineSpans, trimmedRange } from '../text/lines.js';
import { analyseSpacedWords } from '../text/spacedWords.js';
import { DefinitionsOption } from './definitions.js';

const NGramThreshold = z.tuple([z.number().int().min(1), z.number().min(0).max(1)]);

// Defaults are datatrove's GopherRepetitionFilter = Gopher paper table A1; null disables a rule.
// N-grams are of whitespace-separated words, or of datatrove's tokens with `definitions: 'datatrove'`.
const Options = z.object({
  definitions: DefinitionsOption,
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

// Reused span buffer: paragraphs and lines are hashed in place, never cut out as strings.
const pieces = new Spans();

export function gopherRepetitionReason(text: string, o: GopherRepetitionOptions): string | undefined {
  if (text.length === 0) return undefined;
  // Paragraphs: text.trim().split(/\n{2,}/); lines: text.split(/\n+/).
  const [from, to] = trimmedRange(text);
  newlineSpans(text, from, to, 2, pieces);
  const paragraphs = pieces.count;
  const para = findDuplicateSpans(text, pieces);
  if (o.dupParaFrac !== null && para.count / paragraphs > o.dupParaFrac) return 'dup_para_frac';
  if (o.dupParaCharFrac !== null && para.chars / text.length > o.dupParaCharFrac) return 'dup_para_char_frac';

  newlineSpans(text, 0, text.length, 1, pieces);
  const lines = pieces.count;
  const line = findDuplicateSpans(text, pieces);
  if (o.dupLineFrac !== null && line.count / lines > o.dupLineFrac) return 'dup_line_frac';
  if (o.dupLineCharFrac !== null && line.chars / text.length > o.dupLineCharFrac) return 'dup_line_char_frac';

  if (o.topNGrams.length === 0 && o.dupNGrams.length === 0) return undefined;
  const words = o.definitions === 'paper' ? analyseSpacedWords(text) : analyseWords(text);
  // Segmented Chinese/Japanese tokens are about half an English word (particles, single
  // characters): a Japanese 5-token n-gram is a stock phrase like "を有する。", and the Japanese
  // UDHR trips the 5-gram rule at 0.15-0.2 where other languages score < 0.1. Such text is
  // measured in n-grams of twice the tokens; reasons keep the configured n.
  const scale = hasDenseScript(text) && denseShareOf(words.stats) >= 0.5 ? 2 : 1;
  const maxN = Math.max(0, ...o.topNGrams.map(([n]) => n), ...o.dupNGrams.map(([n]) => n)) * scale;
  const index = new NGramIndex(words, maxN);
  for (const [n, frac] of o.topNGrams) {
    if (words.count < n * scale) continue;
    if (index.topNGramChars(n * scale) / text.length > frac) return `top_${n}_gram`;
  }
  for (const [n, frac] of o.dupNGrams) {
    if (index.duplicateNGramChars(n * scale) / text.length > frac) return `duplicated_${n}_n_grams`;
  }
  return undefined;
}

export const gopherRepetitionStep = defineFilterStep({
  name: 'gopher_repetition',
  description: 'Gopher repetition rules (datatrove defaults; n-grams of whitespace words unless definitions: datatrove): duplicate line/paragraph fractions, top 2-4-gram and duplicated 5-10-gram character fractions',
  options: Options,
  rule: (options) => (doc) => gopherRepetitionReason(doc.text, options) ?? doc,
});
