/**
 * Word-list toxicity filter with the LDNOOBW lists C4 used (npm `naughty-words`, 27 languages),
 * picked per document by `doc.lang`. Matching is on whole words and whole multi-word phrases,
 * so "Scunthorpe", "assessment" or "Sussex" never match "cunt", "ass" or "sex". Text and entries
 * in scripts written without spaces (Chinese, Japanese, Thai) are split into words by
 * Intl.Segmenter, so 性 ("sex") does not match inside 性别 ("gender") or 人性 ("humanity").
 *
 * C4 dropped any page containing one listed word. That removes far more than abuse (medical,
 * educational and LGBTQ+ pages; Dodge et al. 2021), so by default a document is dropped only when
 * it has at least `minMatches` (3) matches AND they make up at least `minRatio` (0.5%) of its
 * words: a passing mention survives, a page dense with the vocabulary does not. `{ minMatches: 1,
 * minRatio: 0, neutralTerms: false }` reproduces C4.
 *
 * Identity, history and health terms (人種 "race", 奴隷 "slave", "sex", "vagina") and entries whose
 * common meaning is neutral (Persian کس "person") do not count (neutralTerms.ts), so a text that
 * names a group, its history or its health is not scored as abuse for it.
 */
import { createRequire } from 'node:module';
import { z } from 'zod';
import { addCount, defineFilterStep } from '../filterStep.js';
import { wordTokens, wordTokensCached } from '../text/wordTokens.js';
import { neutralTermsFor } from './neutralTerms.js';

/**
 * Counts occurrences of listed words and phrases in a text: single words through a Set,
 * phrases through a map from their first word.
 */
export class WordListMatcher {
  private readonly words = new Set<string>();
  private readonly phrases = new Map<string, string[][]>();
  /** Every listed word and phrase start, so that a token costs one lookup (most match nothing). */
  private readonly starts = new Map<string, { word: boolean; phrases?: string[][] }>();

  constructor(entries: Iterable<string>) {
    for (const raw of entries) {
      const entry = raw.normalize('NFKC').toLowerCase().trim();
      if (!entry) continue;
      const toks = wordTokens(entry);
      // An entry that is only digits ("13." in the Chinese list) would match every such number.
      if (toks.length === 0 || toks.every((t) => /^\p{N}+$/u.test(t))) continue;
      if (toks.length === 1) this.words.add(toks[0]!);
      else {
        const list = this.phrases.get(toks[0]!) ?? [];
        list.push(toks);
        this.phrases.set(toks[0]!, list);
      }
    }
    for (const list of this.phrases.values()) list.sort((a, b) => b.length - a.length); // longest phrase wins
    for (const w of this.words) this.starts.set(w, { word: true });
    for (const [w, phrases] of this.phrases) this.starts.set(w, { word: this.words.has(w), phrases });
  }

  get size(): number {
    return this.words.size + this.phrases.size;
  }

  /** Matches among the tokens (each position counts once, the longest phrase first). */
  count(tokens: readonly string[]): { matches: number; terms: Set<string> } {
    let matches = 0;
    const terms = new Set<string>();
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      const entry = this.starts.get(t);
      if (entry === undefined) continue;
      const cands = entry.phrases;
      let matchedPhrase = false;
      if (cands) {
        for (const p of cands) {
          let ok = i + p.length <= tokens.length;
          for (let j = 1; ok && j < p.length; j++) ok = tokens[i + j] === p[j];
          if (ok) {
            matches++;
            terms.add(p.join(' '));
            i += p.length - 1;
            matchedPhrase = true;
            break;
          }
        }
      }
      if (!matchedPhrase && entry.word) {
        matches++;
        terms.add(t);
      }
    }
    return { matches, terms };
  }
}

/** ISO 639-3 codes (as the langid step writes them) -> naughty-words list names. */
const LIST_FOR_LANG: Readonly<Record<string, readonly string[]>> = {
  arb: ['ar'], ara: ['ar'], ary: ['ar'], arz: ['ar'], ces: ['cs'], dan: ['da'], deu: ['de'], eng: ['en'],
  epo: ['eo'], spa: ['es'], pes: ['fa'], fas: ['fa'], prs: ['fa'], fin: ['fi'], fil: ['fil'], tgl: ['fil'],
  fra: ['fr', 'fr-CA-u-sd-caqc'], hin: ['hi'], hun: ['hu'], ita: ['it'], jpn: ['ja'], kab: ['kab'],
  kor: ['ko'], nld: ['nl'], nob: ['no'], nno: ['no'], nor: ['no'], pol: ['pl'], por: ['pt'], rus: ['ru'],
  swe: ['sv'], tha: ['th'], tlh: ['tlh'], tur: ['tr'], cmn: ['zh'], zho: ['zh'], yue: ['zh'], wuu: ['zh'],
};

let lists: Record<string, string[]> | undefined;
function naughtyWords(): Record<string, string[]> {
  lists ??= createRequire(import.meta.url)('naughty-words') as Record<string, string[]>;
  return lists;
}

/** The naughty-words lists that apply to an ISO 639-3 (or 639-1 / list name) language code. */
export function listsForLang(lang: string): readonly string[] {
  return LIST_FOR_LANG[lang] ?? (lang in naughtyWords() ? [lang] : []);
}

const Options = z.object({
  /** Drop only with at least this many matches (C4: 1). */
  minMatches: z.number().int().min(1).default(3),
  /** ...and when matches / words is at least this (C4: 0). */
  minRatio: z.number().min(0).max(1).default(0.005),
  /** List used for documents without a language or whose language has no list; null: keep them unchecked. */
  fallbackLang: z.string().nullable().default('eng'),
  /** Extra words or phrases to match in every language (user additions). */
  extraWords: z.array(z.string()).default([]),
  /** Listed words to ignore (e.g. medical terms a corpus needs). */
  allowWords: z.array(z.string()).default([]),
  /** Leave the identity, history, health and everyday terms of neutralTerms.ts out of the lists (false: the lists as C4 used them). */
  neutralTerms: z.boolean().default(true),
});
export type ToxicityOptions = z.output<typeof Options>;

export const toxicityStep = defineFilterStep({
  name: 'toxicity',
  description: 'Drops documents dense in LDNOOBW list words for their language (whole-word match; >= 3 hits and >= 0.5% of words; identity, history and health terms do not count)',
  options: Options,
  rule: (options) => {
    const matchers = new Map<string, WordListMatcher>();
    const norm = (w: string) => w.normalize('NFKC').toLowerCase().trim();
    const allow = new Set(options.allowWords.map(norm));
    const matcherFor = (lang: string | undefined): WordListMatcher | undefined => {
      let names = lang && lang !== 'und' ? listsForLang(lang) : [];
      if (names.length === 0 && options.fallbackLang) names = listsForLang(options.fallbackLang);
      const key = names.join('+');
      if (!key && options.extraWords.length === 0) return undefined;
      let m = matchers.get(key);
      if (!m) {
        const entries = names.flatMap((n) => naughtyWords()[n] ?? []).concat(options.extraWords);
        const skip = options.neutralTerms ? new Set([...allow, ...neutralTermsFor(names).map(norm)]) : allow;
        m = new WordListMatcher(entries.filter((e) => !skip.has(norm(e))));
        matchers.set(key, m);
      }
      return m;
    };
    return {
      counters: ['toxicity.no_list', 'toxicity.docs_with_matches'],
      omitZeroCounters: true,
      decide(doc, counters) {
        const m = matcherFor(doc.lang);
        if (!m) {
          addCount(counters, 'toxicity.no_list');
          return doc;
        }
        const tokens = wordTokensCached(doc.text);
        const { matches } = m.count(tokens);
        if (matches === 0) return doc;
        addCount(counters, 'toxicity.docs_with_matches');
        const out = { ...doc, metadata: { ...doc.metadata, toxic_words: matches } };
        const words = Math.max(tokens.length, 1);
        return matches >= options.minMatches && matches / words >= options.minRatio ? { doc: out, reason: 'word_list' } : out;
      },
    };
  },
});
