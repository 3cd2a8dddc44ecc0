/**
 * Pluggable language identifiers behind one interface. Each returns a canonical ISO 639-3 code
 * (see text/langCodes.ts) and a confidence in [0,1]; neither library reports a probability, so
 * (measured in bench/langid.ts, recorded in docs/decisions.md):
 * - eld: how typical the text is of the language it was assigned, i.e. the best n-gram score over
 *   eld's own average best score for correct detections of that language (capped at 1). The
 *   best-vs-second margin is useless here: Hindi/Marathi or Russian/Ukrainian are told apart
 *   correctly with margins of 0.2%, while code and menus score clearly lower typicality.
 * - franc: the gap between the best and the second language (franc's best is always 1).
 *
 * Models load lazily and synchronously (require of the ESM entry): steps are built synchronously,
 * and a CLI that only lists steps must not pay eld's ~1 s / ~200 MB load.
 */
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { iso1To3 } from '../text/langCodes.js';
import { EldScorer } from './eldScorer.js';
import { buildEldTables, cachedEldTables, type EldNgramData } from './eldTables.js';
import { blankUrlsAndEmails } from './urlsAndEmails.js';

export type IdentifierName = 'eld' | 'franc' | 'franc-all';

export interface LanguageGuess {
  /** Canonical ISO 639-3 code, or `und`. */
  lang: string;
  /** Confidence in [0,1]. */
  score: number;
}

export interface LanguageIdentifier {
  readonly name: IdentifierName;
  identify(text: string): LanguageGuess;
}

type FrancAll = (value: string, options?: { minLength?: number }) => Array<[string, number]>;

const require = createRequire(import.meta.url);
const UND: LanguageGuess = { lang: 'und', score: 0 };

/**
 * Finds an ESM package entry without import.meta.resolve (absent when a loader runs this module
 * as CommonJS): eld's `exports` lists only the "import" condition,
 * which require.resolve cannot see, so read the package's own manifest.
 */
function packageEntry(pkg: string, subpath = '.'): string {
  for (const dir of require.resolve.paths(pkg) ?? []) {
    const root = path.join(dir, pkg);
    const manifestPath = path.join(root, 'package.json');
    if (!fs.existsSync(manifestPath)) continue;
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as {
      exports?: string | Record<string, string | Record<string, string>>;
      main?: string;
    };
    let target: string | Record<string, string> | undefined =
      typeof manifest.exports === 'string' ? (subpath === '.' ? manifest.exports : undefined) : manifest.exports?.[subpath];
    if (target && typeof target === 'object') target = target.import ?? target.default;
    if (!target && subpath === '.') target = manifest.main ?? 'index.js';
    if (typeof target === 'string') return path.join(root, target);
  }
  throw new Error(`cannot find ${pkg}${subpath === '.' ? '' : subpath.slice(1)} in node_modules`);
}

function load<T>(pkg: string, subpath = '.'): T {
  // require() of an ESM file: Node >= 20.19 supports it for synchronous module graphs.
  return require(packageEntry(pkg, subpath)) as T;
}

/**
 * Characters given to eld (it reads at most 1000 itself; its work grows with the sample): held-out
 * accuracy at 500 characters is already 99.9-100% (docs/decisions.md).
 */
const SAMPLE_CHARS = 600;

/**
 * The text sample to identify: a short first line (a title, often a brand or English boilerplate
 * above a page in another language) is skipped when enough text follows it.
 */
export function sampleForId(text: string): string {
  let start = 0;
  const nl = text.indexOf('\n');
  if (nl >= 0 && nl < 100 && text.length - nl > 200) start = nl + 1;
  return text.length - start > SAMPLE_CHARS ? text.slice(start, start + SAMPLE_CHARS) : start > 0 ? text.slice(start) : text;
}
/** eld's medium database: the accuracy/memory trade-off measured in docs/decisions.md. */
export const ELD_DATABASE = './medium';

/** eld's source folder (<eld>/src), found from the medium database's entry. */
function eldSource(): string {
  return path.dirname(path.dirname(packageEntry('eld', ELD_DATABASE))); // <eld>/src/entries/static.medium.js
}

let scorer: EldScorer | undefined;

/**
 * eld's medium model behind EldScorer: eld's own detect() gives the same answers ~6x slower
 * (see eldScorer.ts); its database, byte dictionary and separator regex are used as they are,
 * through tables cached on disk after the first build (eldTables.ts).
 */
export function eldMediumScorer(): EldScorer {
  if (!scorer) {
    const src = eldSource();
    const { version } = JSON.parse(fs.readFileSync(path.join(src, '..', 'package.json'), 'utf8')) as { version: string };
    const tables = cachedEldTables(`${version}-medium`, () => {
      const { ngramsData } = require(path.join(src, 'ngrams', 'medium.js')) as { ngramsData: EldNgramData };
      const { dictionary } = require(path.join(src, 'dictionary.js')) as { dictionary: string[] };
      const { separators } = require(path.join(src, 'regexPatterns.js')) as { separators: RegExp };
      return buildEldTables(ngramsData, separators, dictionary);
    });
    scorer = new EldScorer(tables);
  }
  return scorer;
}

function eldIdentifier(): LanguageIdentifier {
  const { avgScore } = require(path.join(eldSource(), 'avgScore.js')) as { avgScore: Record<string, number> };
  const scorer = eldMediumScorer();
  // eld's optional text cleanup (URLs, e-mails, numbers) is not used: it runs a backtracking domain
  // regex; numbers are dropped as separators anyway, so URLs and e-mails are stripped cheaply here.
  return {
    name: 'eld',
    identify(text) {
      let sample = sampleForId(text);
      if (sample.includes('@') || sample.includes('http') || sample.includes('www.')) sample = blankUrlsAndEmails(sample);
      const r = scorer.detect(sample);
      if (!r) return UND;
      const lang = iso1To3(r.lang);
      if (!lang) return UND;
      const typical = avgScore[r.lang];
      return { lang, score: typical ? Math.min(1, r.score / typical) : 0 };
    },
  };
}

function francIdentifier(name: 'franc' | 'franc-all'): LanguageIdentifier {
  const { francAll } = load<{ francAll: FrancAll }>(name);
  return {
    name,
    identify(text) {
      const ranked = francAll(text, { minLength: 1 });
      const top = ranked[0];
      if (!top || top[0] === 'und') return UND;
      // franc scores the best language 1 and the others 1 - (distance gap / max distance);
      // a single-language script (e.g. Thai) gives a list of one: fully confident.
      const second = ranked[1]?.[1] ?? 0;
      return { lang: top[0], score: 1 - second };
    },
  };
}

const cache = new Map<IdentifierName, LanguageIdentifier>();

/** The identifier by name, loading its model on first use (once per process/worker). */
export function getIdentifier(name: IdentifierName): LanguageIdentifier {
  let id = cache.get(name);
  if (!id) {
    id = name === 'eld' ? eldIdentifier() : francIdentifier(name);
    cache.set(name, id);
  }
  return id;
}
