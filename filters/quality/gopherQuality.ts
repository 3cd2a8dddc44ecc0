import { z } from 'zod';
import { addCount, defineFilterStep } from '../filterStep.js';
import { denseShareOf } from '../text/words.js';
import { analyseWords } from '../text/wordAnalysis.js';
import { stopWordsFor } from '../text/stopwords.js';
import { splitLines } from '../text/lines.js';
import { analyseSpacedWords, bareWord } from '../text/spacedWords.js';
import { DefinitionsOption } from './definitions.js';

// Thresholds are datatrove's GopherQualityFilter (Rae et al. 2021, appendix A); null disables a rule.
// `definitions: 'datatrove'` also counts words and lines as datatrove does (see definitions.ts).
const Options = z.object({
  definitions: DefinitionsOption,
  minDocWords: z.number().int().nullable().default(50),
  maxDocWords: z.number().int().nullable().default(100_000),
  minAvgWordLength: z.number().nullable().default(3),
  maxAvgWordLength: z.number().nullable().default(10),
  maxSymbolWordRatio: z.number().nullable().default(0.1),
  maxBulletLinesRatio: z.number().nullable().default(0.9),
  maxEllipsisLinesRatio: z.number().nullable().default(0.3),
  /** Minimum share of words containing a letter (datatrove's max_non_alpha_words_ratio). */
  maxNonAlphaWordsRatio: z.number().nullable().default(0.8),
  minStopWords: z.number().int().nullable().default(2),
  /** Stop words for every document; default: Gopher's 8 for English, stopwords-iso per `lang` otherwise. */
  stopWords: z.array(z.string()).optional(),
  /** Language assumed for documents without `lang` (datatrove assumes English). */
  defaultLang: z.string().default('eng'),
});
export type GopherQualityOptions = z.output<typeof Options>;

// Per token: whether its first occurrence is a stop word (grown on demand, written before read).
let stopScratch = new Uint8Array(1024);

/** Non-overlapping occurrences, as Python's str.count. */
function occurrences(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

function isBulletLine(line: string): boolean {
  const s = line.trimStart();
  return s.startsWith('•') || s.startsWith('-');
}

// Besides • and -: the list marks of CJK pages (・ ● ■ ◆ ※) and other bullet glyphs.
const BULLETS = new Set(['•', '-', '*', '‣', '◦', '▪', '▫', '●', '○', '■', '□', '◆', '◇', '・', '※']);

function isAnyBulletLine(line: string): boolean {
  const s = line.trimStart();
  return s !== '' && BULLETS.has(s[0]!);
}

function isEllipsisLine(line: string): boolean {
  const s = line.trimEnd();
  return s.endsWith('...') || s.endsWith('…');
}

/** Share of the (non-empty list of) lines that pass the test. */
function shareOfLines(lines: readonly string[], test: (line: string) => boolean): number {
  let n = 0;
  for (const l of lines) if (test(l)) n++;
  return n / lines.length;
}

/** Why a document fails, or undefined when it passes. `counters` collects rules that were skipped. */
export function gopherQualityReason(
  text: string,
  lang: string | undefined,
  o: GopherQualityOptions,
  counters?: Record<string, number>,
): string | undefined {
  // One tokenisation gives every count below (shared with gopher_repetition).
  const paper = o.definitions === 'paper';
  const words = paper ? analyseSpacedWords(text) : analyseWords(text);
  const nWords = words.count;
  const stats = words.stats;
  const n = nWords - stats.symbolTokens; // tokens that are not only punctuation/symbols
  if (o.minDocWords !== null && n < o.minDocWords) return 'too_few_words';
  if (o.maxDocWords !== null && n > o.maxDocWords) return 'too_many_words';
  if (n === 0) return 'too_few_words';

  // Words of Chinese/Japanese/Thai (dictionary-segmented) and Korean average 1-3 characters;
  // the 3-10 range is a property of alphabetic scripts, so the rule is not applied to such text.
  // (Tokens with a letter are never symbol tokens: the share over all tokens is the share over words.)
  if (denseShareOf(stats) < 0.5) {
    const avg = stats.contentCodePoints / n;
    if (o.minAvgWordLength !== null && avg < o.minAvgWordLength) return 'avg_word_length_low';
    if (o.maxAvgWordLength !== null && avg > o.maxAvgWordLength) return 'avg_word_length_high';
  } else if (counters) addCount(counters, 'gopher_quality.word_length_skipped_dense_script');

  if (o.maxSymbolWordRatio !== null) {
    const hashes = occurrences(text, '#');
    if (hashes / nWords > o.maxSymbolWordRatio) return 'too_many_hashes';
    const ellipses = occurrences(text, '...') + occurrences(text, '…');
    if (ellipses / nWords > o.maxSymbolWordRatio) return 'too_many_ellipsis';
  }

  // datatrove counts blank lines too, so blank lines between bullets halve the bullet share.
  const lines = paper ? splitLines(text).filter((l) => l.trim() !== '') : splitLines(text);
  if (lines.length > 0) {
    const bullet = paper ? isAnyBulletLine : isBulletLine;
    if (o.maxBulletLinesRatio !== null && shareOfLines(lines, bullet) > o.maxBulletLinesRatio) return 'too_many_bullet_lines';
    if (o.maxEllipsisLinesRatio !== null && shareOfLines(lines, isEllipsisLine) > o.maxEllipsisLinesRatio) return 'too_many_ellipsis_lines';
  }

  if (o.maxNonAlphaWordsRatio !== null) {
    const alpha = stats.letterTokens;
    if (alpha / nWords < o.maxNonAlphaWordsRatio) return 'too_few_alpha_words';
  }

  if (o.minStopWords !== null) {
    const stop = o.stopWords ? new Set(o.stopWords) : stopWordsFor(lang ?? o.defaultLang);
    if (!stop) {
      if (counters) addCount(counters, 'gopher_quality.stop_words_skipped_no_list');
    } else {
      let found = 0;
      // datatrove compares tokens as written ("The" at a sentence start does not count); paper
      // words are compared without their punctuation, lower-cased ("The", "(to" count).
      // Each distinct token is looked up once, at its first occurrence (ids[t] <= t).
      const isStop = stopScratch.length >= nWords ? stopScratch : (stopScratch = new Uint8Array(nWords));
      for (let t = 0; t < nWords; t++) {
        const id = words.ids[t]!;
        if (id === t) isStop[t] = stop.has(paper ? bareWord(words.token(t)) : words.token(t)) ? 1 : 0;
        if (isStop[id] && ++found >= o.minStopWords) break;
      }
      if (found < o.minStopWords) return 'too_few_stop_words';
    }
  }
  return undefined;
}

export const gopherQualityStep = defineFilterStep({
  name: 'gopher_quality',
  description: 'Gopher quality rules (datatrove thresholds; words as the paper counts them unless definitions: datatrove): word count, mean word length, #/ellipsis ratio, bullet/ellipsis lines, alphabetic words, stop words per language',
  options: Options,
  rule: (options) => {
    const stopWords = options.stopWords ? [...options.stopWords] : undefined;
    const o = { ...options, stopWords };
    // `und` finds no stop-word list, so that rule is skipped rather than judged in English.
    return (doc, counters) => gopherQualityReason(doc.text, doc.lang, o, counters) ?? doc;
  },
});
