import { z } from 'zod';
import type { Document } from '../../core/document.js';
import { addCount, defineFilterStep } from '../filterStep.js';
import { UserError } from '../../core/errors.js';
import { expandLanguageCode } from '../text/langCodes.js';
import { getIdentifier, sampleForId } from './langidIdentifiers.js';
import { isWantedLanguage, mergedLanguage } from './closeLanguages.js';

const Options = z.object({
  /** Which library identifies the language (eld: default, 60 languages; franc-all: ~400 languages). */
  identifier: z.enum(['eld', 'franc', 'franc-all']).default('eld'),
  /** Languages to keep, as ISO 639-1 or 639-3 codes (`en`, `deu`, `zho`); omitted = keep every language. */
  langs: z.union([z.array(z.string()), z.string()]).optional(),
  /** Minimum confidence; default per identifier (DEFAULT_MIN_SCORE), calibrated in docs/decisions.md. */
  minScore: z.number().min(0).max(1).optional(),
  /** Texts with fewer non-space characters than this get `und`: too short to tell. */
  minChars: z.number().int().min(1).default(20),
  /** Keep documents whose language is undetermined (`und`) instead of dropping them. */
  keepUndetermined: z.boolean().default(false),
  /** Only annotate `lang`/`langScore`, never drop (datatrove's label_only). */
  labelOnly: z.boolean().default(false),
  /**
   * Languages the identifier cannot tell apart: 'merge' labels them with their group (`msa`: Malay or
   * Indonesian; `hbs`: Croatian, Serbian, Bosnian in Latin script), 'separate' keeps its guess.
   */
  closeLanguages: z.enum(['merge', 'separate']).default('merge'),
});
type RawOptions = z.output<typeof Options>;
export type LangidOptions = Omit<RawOptions, 'langs' | 'minScore'> & { langs?: string[]; minScore: number };

/**
 * Calibrated on held-out text (bench/langid.ts): eld's score is typicality, franc's a margin, so
 * each has its own scale. eld >= 0.9 keeps 98-99% of prose snippets (100/500 chars) at 99.9-100%
 * accuracy; franc >= 0.02 keeps 93-95% and rejects ~80% of code/menu snippets.
 */
export const DEFAULT_MIN_SCORE: Readonly<Record<RawOptions['identifier'], number>> = {
  eld: 0.9,
  franc: 0.02,
  'franc-all': 0.02,
};

/** True when the text has at least `min` non-whitespace characters (stops counting there). */
function hasChars(text: string, min: number): boolean {
  let n = 0;
  for (let i = 0; i < text.length && n < min; i++) {
    const c = text.charCodeAt(i);
    if (c > 32 && c !== 160 && c !== 0x3000) n++;
  }
  return n >= min;
}

/** Parses the option `langs` ("en,deu" or ["en","deu"]) into canonical 639-3 codes. */
function parseLangs(raw: RawOptions['langs']): string[] | undefined {
  if (raw === undefined) return undefined;
  const names = (Array.isArray(raw) ? raw : raw.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new UserError(`step 'langid': option 'langs': give at least one language code`);
  const out = new Set<string>();
  for (const name of names) {
    const codes = expandLanguageCode(name);
    if (!codes) throw new UserError(`step 'langid': option 'langs': '${name}' is not an ISO 639-1 or 639-3 code`);
    for (const c of codes) out.add(c);
  }
  return [...out].sort();
}

export const langidStep = defineFilterStep({
  name: 'langid',
  description: 'Language ID (eld | franc | franc-all): sets lang (ISO 639-3, und when too short) and langScore; keeps langs (639-1 or 639-3) above minScore',
  options: Options,
  refine: (o): LangidOptions => {
    const { langs, minScore, ...rest } = o;
    const parsed = parseLangs(langs);
    const filled = { ...rest, minScore: minScore ?? DEFAULT_MIN_SCORE[o.identifier] };
    return parsed ? { ...filled, langs: parsed } : filled;
  },
  rule: (options) => {
    const identifier = getIdentifier(options.identifier);
    const wanted = options.langs ? new Set(options.langs) : undefined;
    return {
      kind: options.labelOnly ? 'annotate' : 'filter',
      counters: ['langid.undetermined'],
      decide(doc, counters) {
        const long = hasChars(doc.text, options.minChars);
        const guess = long ? identifier.identify(doc.text) : { lang: 'und', score: 0 };
        // Rounded once, and the decision uses the stored value, so re-filtering a shard on its
        // lang_score column reproduces this step's decisions exactly.
        const score = Math.round(guess.score * 1e4) / 1e4;
        const lang = options.closeLanguages === 'merge' && guess.lang !== 'und' ? mergedLanguage(guess.lang, sampleForId(doc.text)) : guess.lang;
        const out: Document = { ...doc, lang, langScore: score };
        let reason: string | undefined;
        if (lang === 'und') {
          addCount(counters, 'langid.undetermined');
          if (!options.keepUndetermined) reason = 'undetermined';
        } else if (wanted && !isWantedLanguage(lang, wanted)) reason = 'wrong_language';
        else if (score < options.minScore) reason = 'low_score';
        return reason && !options.labelOnly ? { doc: out, reason } : out;
      },
    };
  },
});
