import { z } from 'zod';
import { addCount, defineFilterStep } from '../filterStep.js';
import { countLetterTokens, hasUnspacedScript } from '../text/words.js';
import { endsInUnmarkedScript, endsWithAny, isSpaceAt, isUnmarkedSentenceScript, splitLines, TERMINAL_PUNCTUATION } from '../text/lines.js';
import { spacedWordTokens } from '../text/spacedWords.js';

// Defaults are datatrove's C4QualityFilter (Raffel et al. 2020 + the TFDS c4_utils code); -1 disables a count.
const Options = z.object({
  removeCitations: z.boolean().default(true),
  filterNoTerminalPunct: z.boolean().default(true),
  minNumSentences: z.number().int().default(5),
  minWordsPerLine: z.number().int().default(3),
  maxWordLength: z.number().int().default(1000),
  filterLoremIpsum: z.boolean().default(true),
  filterJavascript: z.boolean().default(true),
  filterCurlyBracket: z.boolean().default(true),
  filterPolicy: z.boolean().default(true),
  /** Line endings that count as terminal punctuation (default: C4's plus non-Latin full stops). */
  terminalPunctuation: z.array(z.string().min(1)).default([...TERMINAL_PUNCTUATION]),
});
export type C4QualityOptions = z.output<typeof Options>;

const CITATION = /\[\d*\]|\[edit\]|\[citation needed\]/g;
const POLICY = ['terms of use', 'privacy policy', 'cookie policy', 'uses cookies', 'use of cookies', 'use cookies'];
// Sentence ends inside a line: a terminal mark followed by space or the line end, or a full-width
// CJK stop followed by anything (Chinese and Japanese put no space after 。). NLTK's punkt is
// smarter about abbreviations; a kept line always counts at least one sentence.
const SENTENCE_END = /[.!?؟।॥።။។៕][)"'”’»」』）]*(?=\s|$)|[。！？][)"'”’»」』）〉》】]*/gu;

const THAI = /[\u0e00-\u0e7f]/;

/**
 * Sentences in a line. Thai ends a sentence with a space between two Thai letters; it also spaces
 * clauses and list items that way, so for Thai this counts clauses (a lenient count).
 */
function countSentences(line: string): number {
  let n = line.match(SENTENCE_END)?.length ?? 0;
  if (THAI.test(line)) {
    for (let i = 1; i < line.length - 1; i++) {
      if (!isSpaceAt(line, i) || !isUnmarkedSentenceScript(line.charCodeAt(i - 1))) continue;
      let j = i;
      while (j < line.length && isSpaceAt(line, j)) j++;
      if (j < line.length && isUnmarkedSentenceScript(line.charCodeAt(j))) n++;
      i = j;
    }
    if (endsInUnmarkedScript(line)) n++; // the last sentence, which no mark ends
  }
  return Math.max(1, n);
}

// Any of the lowercase phrases the rules look for, in any case. On ASCII this is exactly
// toLowerCase().includes(); of all other characters only U+0130 (İ -> "i̇") and U+212A (Kelvin
// sign -> "k") lowercase to ASCII letters, and "i̇" cannot complete any phrase (an "i" in them is
// never last and never followed by U+0307), so a line without U+212A that fails this test needs
// no toLowerCase() (tests/c4-quality.test.ts checks the claim over all code points).
export const PHRASE_PREFILTER = new RegExp(['lorem ipsum', 'javascript', ...POLICY].join('|'), 'i');

/** min(limit, words) where words is line === '' ? 0 : line.split(/\s+/).length, for a trimmed line. */
function spacedWordsUpTo(line: string, limit: number): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < line.length && count < limit; i++) {
    if (isSpaceAt(line, i)) inWord = false;
    else if (!inWord) {
      inWord = true;
      count++;
    }
  }
  return count;
}

/** Whether some word of the line is longer than `max` code units (dictionary words for unspaced scripts). */
function hasWordLongerThan(line: string, max: number): boolean {
  if (line === '' || line.length <= max) return false;
  // A Chinese or Japanese paragraph has no spaces: its "word" would be the whole line.
  if (hasUnspacedScript(line)) return spacedWordTokens(line).some((w) => w.length > max);
  let start = 0;
  for (let i = 0; i <= line.length; i++) {
    if (i === line.length || isSpaceAt(line, i)) {
      if (i - start > max) return true;
      start = i + 1;
    }
  }
  return false;
}

export interface C4Result {
  /** Drop reason, or undefined when the document stays (with `text` holding the kept lines). */
  reason?: string;
  text: string;
  /** Lines removed per rule. */
  removed: Record<string, number>;
}

export function c4Quality(text: string, o: C4QualityOptions): C4Result {
  const removed: Record<string, number> = {};
  const drop = (rule: string) => (removed[rule] = (removed[rule] ?? 0) + 1);
  const kept: string[] = [];
  let sentences = 0;
  for (const raw of splitLines(text)) {
    let line = raw.trim();
    if (o.maxWordLength !== -1 && hasWordLongerThan(line, o.maxWordLength)) {
      drop('too_long_word');
      continue;
    }
    // Words are counted on the line before citations are removed.
    const original = line;
    if (o.removeCitations && line.includes('[')) line = line.replace(CITATION, '');
    // Thai has no sentence-final mark: its lines are not judged by this rule.
    if (o.filterNoTerminalPunct && (!endsWithAny(line, o.terminalPunctuation) || line.endsWith('...')) && !endsInUnmarkedScript(line)) {
      drop('no_terminal_punct');
      continue;
    }
    // Whitespace words, as C4 does, except for scripts written without spaces.
    const words = hasUnspacedScript(line) ? countLetterTokens(line) : spacedWordsUpTo(original, Math.max(o.minWordsPerLine, 0));
    if (words < o.minWordsPerLine) {
      drop('too_few_words');
      continue;
    }
    if (!PHRASE_PREFILTER.test(line) && !line.includes('\u212a')) {
      if (o.filterCurlyBracket && line.includes('{')) return { reason: 'curly_bracket', text, removed };
      sentences += countSentences(line);
      kept.push(line);
      continue;
    }
    const lower = line.toLowerCase();
    if (o.filterLoremIpsum && lower.includes('lorem ipsum')) return { reason: 'lorem_ipsum', text, removed };
    if (o.filterJavascript && lower.includes('javascript')) {
      drop('javascript');
      continue;
    }
    if (o.filterCurlyBracket && line.includes('{')) return { reason: 'curly_bracket', text, removed };
    if (o.filterPolicy && POLICY.some((p) => lower.includes(p))) {
      drop('policy');
      continue;
    }
    sentences += countSentences(line);
    kept.push(line);
  }
  if (sentences < o.minNumSentences) return { reason: 'too_few_sentences', text, removed };
  return { text: kept.join('\n').trim(), removed };
}

export const c4QualityStep = defineFilterStep({
  name: 'c4_quality',
  description: 'C4 rules (datatrove defaults): removes lines without terminal punctuation, with < 3 words, "javascript" or policy text; drops pages with lorem ipsum, "{", or < 5 sentences',
  options: Options,
  rule: (options) => (doc, counters) => {
    const r = c4Quality(doc.text, options);
    for (const [rule, n] of Object.entries(r.removed)) addCount(counters, `c4_quality.lines_removed_${rule}`, n);
    return r.reason ?? (r.text === doc.text ? doc : { ...doc, text: r.text });
  },
});
