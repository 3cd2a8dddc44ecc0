import { z } from 'zod';
import { defineFilterStep } from '../filterStep.js';
import { countTokens, weightedLength } from '../text/words.js';
import { Spans } from '../text/spans.js';
import { endsInUnmarkedScript, findDuplicateSpans, isSpaceAt, newlineSpans, TERMINAL_PUNCTUATION } from '../text/lines.js';
import { countSpacedWords } from '../text/spacedWords.js';
import { DefinitionsOption } from './definitions.js';

// Defaults are datatrove's FineWebQualityFilter (Penedo et al. 2024). `definitions: 'paper'` (default)
// judges the non-blank lines and counts whitespace words; 'datatrove' counts every line (blank ones
// are short and unpunctuated, so a page with paragraph breaks is half "short lines") and its tokens.
const Options = z.object({
  definitions: DefinitionsOption,
  /** Drop when the share of lines ending in punctuation is at most this. */
  linePunctThr: z.number().min(0).max(1).default(0.12),
  /** Do not apply the punctuation rule to documents where no line ends in punctuation. */
  linePunctExcludeZero: z.boolean().default(false),
  /** Drop when the share of lines of at most `shortLineLength` characters is at least this. */
  shortLineThr: z.number().min(0).max(1).default(0.67),
  shortLineLength: z.number().int().min(0).default(30),
  /**
   * Drop when characters in duplicated lines are at least this share of all (non-newline)
   * characters. Default: the paper's 0.1 (`definitions: 'paper'`), datatrove's code's 0.01 ('datatrove').
   */
  charDuplicatesRatio: z.number().min(0).max(1).optional(),
  /** Drop when newlines per word exceed this (list-like pages). */
  newLineRatio: z.number().min(0).default(0.3),
  /** Line endings that count as punctuation: FineWeb's (. ' " ! ?) plus non-Latin full stops. */
  stopChars: z.array(z.string().min(1)).default([...TERMINAL_PUNCTUATION]),
});
export type FinewebQualityOptions = Omit<z.output<typeof Options>, 'charDuplicatesRatio'> & { charDuplicatesRatio: number };

/**
 * The FineWeb paper (Penedo et al. 2024, section 3.6) drops documents whose "fraction of characters
 * in duplicated lines is >= 0.1"; datatrove's FineWebQualityFilter, which FineWeb ran, defaults to
 * 0.01, which drops documentation for a repeated "Traceback (most recent call last):" (docs/decisions.md).
 */
export const CHAR_DUPLICATES_RATIO = { paper: 0.1, datatrove: 0.01 } as const;

// Reused span buffers: lines are looked at in place, never cut out as strings.
const lineSpans = new Spans();
const nonEmptySpans = new Spans();

/** line.endsWith(e) for some e, with the line as text[start, end). */
function endsWithAnyAt(text: string, start: number, end: number, endings: readonly string[]): boolean {
  for (const e of endings) if (end - start >= e.length && text.endsWith(e, end)) return true;
  return false;
}

export function finewebQualityReason(text: string, o: FinewebQualityOptions): string | undefined {
  newlineSpans(text, 0, text.length, 0, lineSpans); // text.split('\n')
  const paper = o.definitions === 'paper';
  let punct = 0;
  let unmarked = 0; // lines ending in Thai, which marks no sentence end: not judged
  let short = 0;
  nonEmptySpans.reset();
  for (let l = 0; l < lineSpans.count; l++) {
    const start = lineSpans.starts[l]!;
    const end = lineSpans.ends[l]!;
    let blank = true;
    for (let i = start; i < end && blank; i++) blank = isSpaceAt(text, i);
    if (!blank) nonEmptySpans.add(start, end); // line.trim() !== ''
    else if (paper) continue;
    if (endsWithAnyAt(text, start, end, o.stopChars)) punct++;
    else if (endsInUnmarkedScript(text, start, end)) unmarked++;
    // Weighted: a 17-character Chinese sentence is not a "short line" (see weightedLength, which is
    // never below the length, so only lines that short need it).
    if (end - start <= o.shortLineLength && weightedLength(text.slice(start, end)) <= o.shortLineLength) short++;
  }
  const lines = paper ? nonEmptySpans.count : lineSpans.count;
  if (lines === 0) return 'empty';
  const judged = lines - unmarked;
  const punctRatio = judged === 0 ? 1 : punct / judged;
  if (punctRatio <= o.linePunctThr && !(punctRatio === 0 && o.linePunctExcludeZero)) return 'line_punct_ratio';
  if (short / lines >= o.shortLineThr) return 'short_line_ratio';
  const chars = text.length - lineSpans.count + 1; // text without its newlines
  if (chars > 0 && findDuplicateSpans(text, nonEmptySpans).chars / chars >= o.charDuplicatesRatio) return 'char_dup_ratio';
  const words = paper ? countSpacedWords(text) : countTokens(text);
  // Line breaks: every '\n' (datatrove), or the breaks between non-blank lines (paper).
  if (words === 0 || (lines - 1) / words > o.newLineRatio) return 'list_ratio';
  return undefined;
}

export const finewebQualityStep = defineFilterStep({
  name: 'fineweb_quality',
  description: 'FineWeb rules (datatrove thresholds; lines, words and the duplicate threshold as the paper states them unless definitions: datatrove): line punctuation ratio, short-line ratio, duplicated-line characters, newline/word (list) ratio',
  options: Options,
  refine: (o): FinewebQualityOptions => ({ ...o, charDuplicatesRatio: o.charDuplicatesRatio ?? CHAR_DUPLICATES_RATIO[o.definitions] }),
  rule: (options) => (doc) => finewebQualityReason(doc.text, options) ?? doc,
});
