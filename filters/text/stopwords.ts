/**
 * Stop-word sets per language for the Gopher "has some stop words" rule.
 *
 * English keeps Gopher's own eight words (the datatrove default), so English decisions match
 * datatrove exactly; other languages use the `stopwords-iso` list for their ISO 639-1 code,
 * restricted to entries that are words (some lists also hold punctuation and digits).
 */
import { createRequire } from 'node:module';
import { iso3To1 } from './langCodes.js';

/** Gopher's stop words (Rae et al. 2021, as in datatrove's GopherQualityFilter). */
export const GOPHER_STOP_WORDS: readonly string[] = ['the', 'be', 'to', 'of', 'and', 'that', 'have', 'with'];

// The groups langid labels close languages with (langid/closeLanguages.ts): Malay and Indonesian,
// Serbo-Croatian (stopwords-iso has Croatian, not Serbian or Bosnian).
const GROUP_LISTS: Readonly<Record<string, readonly string[]>> = { msa: ['ms', 'id'], hbs: ['hr'] };

let iso: Record<string, string[]> | undefined;
const cache = new Map<string, ReadonlySet<string> | undefined>();
const WORDLIKE = /^[\p{L}\p{M}'’\-]+$/u;

function isoLists(): Record<string, string[]> {
  // Loaded lazily: 600 KB of JSON that a pipeline without gopher_quality never needs.
  iso ??= createRequire(import.meta.url)('stopwords-iso') as Record<string, string[]>;
  return iso;
}

/**
 * Stop words for a canonical ISO 639-3 code (`eng`, `deu`, `cmn`...), lower-cased;
 * undefined when no list exists for the language.
 */
export function stopWordsFor(lang: string): ReadonlySet<string> | undefined {
  if (cache.has(lang)) return cache.get(lang);
  let set: ReadonlySet<string> | undefined;
  if (lang === 'eng') set = new Set(GOPHER_STOP_WORDS);
  else {
    const one = GROUP_LISTS[lang] ?? [iso3To1(lang)];
    const list = one.flatMap((l) => (l ? (isoLists()[l] ?? []) : []));
    if (list.length > 0) set = new Set(list.map((w) => w.toLowerCase()).filter((w) => WORDLIKE.test(w)));
  }
  cache.set(lang, set);
  return set;
}
