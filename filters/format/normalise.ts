import { z } from 'zod';
import { addCount, defineFilterStep } from '../filterStep.js';
import { fixMojibake } from '../text/mojibake.js';

const Options = z.object({
  /** Unicode normalisation form applied to every document. */
  form: z.enum(['NFC', 'NFKC']).default('NFC'),
  /** Documents shorter than this many characters after cleaning are dropped as `empty`. */
  minChars: z.number().int().min(0).default(1),
  /** Repair UTF-8 text that was decoded as Windows-1252 ("cafÃ©" -> "café") before anything else. */
  fixMojibake: z.boolean().default(true),
});
export type NormaliseOptions = z.output<typeof Options>;

// C0/C1 controls except \t \n; plus invisible-operator, soft-hyphen and BOM characters that only hide in
// text (and split words for every later filter).
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u00AD\u2060-\u2064\uFEFF]/g;
// Format characters that are spelling in some scripts and noise elsewhere, judged by their neighbours:
// ZWNJ/ZWJ (U+200C/D) join or part letters in Persian, Kurdish, Urdu and the Indic scripts and build emoji
// sequences, so they stay between two visible characters; the zero-width space marks word breaks in Thai,
// Lao, Khmer, Myanmar and Tibetan text and the Mongolian vowel separator is part of Mongolian spelling, so
// each stays inside its script and goes elsewhere.
const CONTEXTUAL = /[\u180E\u200B-\u200D]/g;
const SEGMENTED_SCRIPT = /[\u0E00-\u0FFF\u1000-\u109F\u1780-\u17FF\u19E0-\u19FF\uA9E0-\uA9FF\uAA60-\uAA7F]/;
const MONGOLIAN = /[\u1800-\u18AF]/;
const INVISIBLE_OR_SPACE = /[\s\u180E\u200B-\u200D]/;

function keepContextual(c: string, at: number, text: string): string {
  const before = text[at - 1];
  const after = text[at + 1];
  if (before === undefined || after === undefined) return '';
  if (c === '\u200B') return SEGMENTED_SCRIPT.test(before) && SEGMENTED_SCRIPT.test(after) ? c : '';
  if (c === '\u180E') return MONGOLIAN.test(before) && MONGOLIAN.test(after) ? c : '';
  return INVISIBLE_OR_SPACE.test(before) || INVISIBLE_OR_SPACE.test(after) ? '' : c;
}
// Runs of horizontal whitespace (incl. NBSP, ideographic space). A lone ' ' is left out of the match, so
// ordinary text needs no rewrite (3.5x faster on a 4 KB page; the output is the same).
const SPACES = /[^\S\n]{2,}|[^\S \n]/g;
const BLANK_LINES = /\n{3,}/g;

/** Cleans one text: Unicode form, line endings, control characters, whitespace runs. */
export function normaliseText(
  text: string,
  form: NormaliseOptions['form'] = 'NFC',
  repairMojibake = true,
): string {
  // Mojibake first: its repair needs the C1 characters that the control-character pass removes.
  return (repairMojibake ? fixMojibake(text) : text)
    .normalize(form)
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .replace(CONTEXTUAL, keepContextual)
    .replace(SPACES, ' ')
    // SPACES left no two blanks side by side, so a trailing run is one space: a plain string replace
    // (the regex / +\n/ would backtrack quadratically on a long run of spaces).
    .replaceAll(' \n', '\n')
    .replace(BLANK_LINES, '\n\n')
    .trim();
}

export const normaliseStep = defineFilterStep({
  name: 'normalise',
  description: 'Mojibake repair (UTF-8 read as Windows-1252), Unicode NFC, line endings, control/zero-width characters, whitespace runs; drops empty documents',
  options: Options,
  rule: (options) => ({
    counters: ['normalise.mojibake_repaired'],
    decide(doc, counters) {
      const repairedText = options.fixMojibake ? fixMojibake(doc.text) : doc.text;
      if (repairedText !== doc.text) addCount(counters, 'normalise.mojibake_repaired');
      const out = { ...doc, text: normaliseText(repairedText, options.form, false) };
      return out.text.length < options.minChars ? { doc: out, reason: 'empty' } : out;
    },
  }),
});
