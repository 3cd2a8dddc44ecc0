/**
 * Close language pairs through the langid step (issue 14): Indonesian/Malay, Croatian/Serbian/Bosnian,
 * Norwegian Bokmål/Danish, Galician/Portuguese, Czech/Slovak, on real text that is not the UDHR: the
 * translations of 13 gettext catalogues Debian ships (bench/data/langid-pairs, see its README),
 * in paragraphs of 400 characters built from them. For each identifier and `closeLanguages` mode:
 * what each language is labelled, and the share labelled right (its own code, or its group's).
 *
 * Usage: node --import tsx bench/langid-pairs.ts [--quick]
 *        node --import tsx bench/langid-pairs.ts --write-data   (rebuilds the data from /usr/share/locale)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanMessage, readMo, snippets } from './_gettext.js';
import { langidStep } from '../filters/langid/langid.js';
import { CLOSE_GROUPS } from '../filters/langid/closeLanguages.js';
import { mulberry32 } from '../datasets/seededRandom.js';

const DATA = fileURLToPath(new URL('data/langid-pairs/', import.meta.url));
/** [gettext locale, data file, the language's ISO 639-3 code] */
export const PAIR_LOCALES: ReadonlyArray<readonly [string, string, string]> = [
  ['id', 'ind', 'ind'], ['ms', 'zlm', 'zlm'], ['hr', 'hrv', 'hrv'], ['sr@latin', 'srp-Latn', 'srp'], ['sr', 'srp-Cyrl', 'srp'],
  ['bs', 'bos', 'bos'], ['nb', 'nob', 'nob'], ['da', 'dan', 'dan'], ['gl', 'glg', 'glg'], ['pt', 'por', 'por'], ['cs', 'ces', 'ces'], ['sk', 'slk', 'slk'],
];
/** Catalogues with a clear licence (data README), taken where a locale has them. */
const CATALOGUES = [
  'coreutils', 'tar', 'findutils', 'diffutils', 'apt', 'libapt-pkg6.0', 'dpkg', 'glib20', 'gdk-pixbuf', 'at-spi2-core',
  'gsettings-desktop-schemas', 'PackageKit', 'Linux-PAM',
];
const MESSAGES_PER_LOCALE = 200;

function writeData(): void {
  fs.mkdirSync(DATA, { recursive: true });
  for (const [locale, file] of PAIR_LOCALES) {
    const dir = path.join('/usr/share/locale', locale, 'LC_MESSAGES');
    const found: Array<[string, string]> = [];
    const seen = new Set<string>();
    for (const cat of CATALOGUES) {
      const mo = path.join(dir, `${cat}.mo`);
      if (!fs.existsSync(mo)) continue;
      for (const [id, str] of readMo(mo)) {
        const m = str === id ? undefined : cleanMessage(str);
        if (m && !m.includes('\t') && !seen.has(m)) {
          seen.add(m);
          found.push([cat, m]);
        }
      }
    }
    // A seeded sample, in catalogue order.
    const r = mulberry32(17);
    const picked = found.map((x, i) => [r(), i, x] as const).sort((a, b) => a[0] - b[0]).slice(0, MESSAGES_PER_LOCALE).sort((a, b) => a[1] - b[1]);
    fs.writeFileSync(path.join(DATA, `${file}.tsv`), picked.map(([, , [cat, m]]) => `${cat}\t${m}\n`).join(''));
    console.log(`${file}: ${picked.length} of ${found.length} messages`);
  }
}

/** The messages of one data file. */
export function pairMessages(file: string): string[] {
  return fs.readFileSync(path.join(DATA, `${file}.tsv`), 'utf8').split('\n').filter((l) => l !== '').map((l) => l.split('\t')[1]!);
}

function main(): void {
  const quick = process.argv.includes('--quick');
  const perLang = quick ? 30 : 100;
  console.log(`langid close pairs: ${PAIR_LOCALES.length} languages, ${perLang} paragraphs of 400 characters each (gettext translations)`);
  console.log('| language | identifier | closeLanguages | labels | right |');
  console.log('|---|---|---|---|---:|');
  for (const identifier of ['eld', 'franc', 'franc-all'] as const) {
    for (const closeLanguages of ['separate', 'merge'] as const) {
      const step = langidStep.worker!(langidStep.parseOptions({ identifier, closeLanguages, labelOnly: true }));
      for (const [, file, want] of PAIR_LOCALES) {
        const texts = snippets(pairMessages(file), 400, perLang, 7);
        const labels = step.run(texts.map((text, i) => ({ id: String(i), text, source: file, metadata: {} }))).kept.map((d) => d.lang!);
        const counts = new Map<string, number>();
        for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
        const right = labels.filter((l) => l === want || CLOSE_GROUPS[l]?.includes(want)).length;
        const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([l, n]) => `${l} ${n}`).join(', ');
        console.log(`| ${file} | ${identifier} | ${closeLanguages} | ${top} | ${((100 * right) / labels.length).toFixed(0)}% |`);
      }
    }
  }
}

if (process.argv.includes('--write-data')) writeData();
else main();
