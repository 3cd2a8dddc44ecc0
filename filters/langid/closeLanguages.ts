/**
 * Close languages the identifiers cannot tell apart on real text (bench/langid-pairs.ts, measured on
 * gettext translations; docs/curation.md). eld has no Indonesian, Bosnian or Galician: it labels every
 * Indonesian text Malay (zlm) and Serbian in Latin script or Bosnian Croatian (hrv); franc splits them
 * about at random. With `closeLanguages: 'merge'` such a label becomes the group's ISO 639-3 code:
 * `msa` (Malay macrolanguage: Malay, Indonesian) or `hbs` (Serbo-Croatian: Croatian, Serbian, Bosnian,
 * Montenegrin; a Cyrillic text labelled Serbian stays `srp`, which eld tells apart).
 */

/** Group code -> the individual codes an identifier may answer for a text of the group. */
export const CLOSE_GROUPS: Readonly<Record<string, readonly string[]>> = {
  msa: ['zlm', 'zsm', 'ind'],
  hbs: ['hrv', 'srp', 'bos', 'cnr'],
};

const GROUP_OF: ReadonlyMap<string, string> = new Map(Object.entries(CLOSE_GROUPS).flatMap(([g, members]) => members.map((m) => [m, g] as const)));

/** True when the sample has more Cyrillic letters than Latin ones. */
function mostlyCyrillic(sample: string): boolean {
  let cyrillic = 0;
  let latin = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c >= 0x400 && c <= 0x4ff) cyrillic++;
    else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xc0 && c <= 0x24f)) latin++;
  }
  return cyrillic > latin;
}

/** The label to store for an identifier's answer: the group code when `lang` is a member (see module comment). */
export function mergedLanguage(lang: string, sample: string): string {
  const group = GROUP_OF.get(lang);
  if (!group) return lang;
  // eld tells Serbian in Cyrillic apart (it has no Bosnian or Montenegrin): keep its answer there.
  if (lang === 'srp' && mostlyCyrillic(sample)) return lang;
  return group;
}

/** Whether a document labelled `lang` is one of the `wanted` languages (a group matches any member). */
export function isWantedLanguage(lang: string, wanted: ReadonlySet<string>): boolean {
  if (wanted.has(lang)) return true;
  const members = CLOSE_GROUPS[lang];
  return members !== undefined && members.some((m) => wanted.has(m));
}
