/**
 * ISO 639 code handling for language ID and per-language resources.
 *
 * Canonical `lang` values are ISO 639-3 *individual* language codes as franc emits them
 * (e.g. `cmn`, not the macrolanguage `zho`), so every identifier agrees on one spelling.
 * Users may name a language by its 639-1 code, its macrolanguage code or its individual code.
 */

/** ISO 639-1 -> canonical ISO 639-3 (individual language where 639-1 names a macrolanguage). */
const ONE_TO_THREE: Readonly<Record<string, string>> = {
  af: 'afr', am: 'amh', ar: 'arb', az: 'azj', be: 'bel', bg: 'bul', bn: 'ben', br: 'bre', bs: 'bos',
  ca: 'cat', cs: 'ces', cy: 'cym', da: 'dan', de: 'deu', el: 'ell', en: 'eng', eo: 'epo', es: 'spa',
  et: 'ekk', eu: 'eus', fa: 'pes', fi: 'fin', fr: 'fra', ga: 'gle', gl: 'glg', gu: 'guj', ha: 'hau',
  he: 'heb', hi: 'hin', hr: 'hrv', hu: 'hun', hy: 'hye', id: 'ind', ig: 'ibo', is: 'isl', it: 'ita',
  ja: 'jpn', jv: 'jav', ka: 'kat', kk: 'kaz', km: 'khm', kn: 'kan', ko: 'kor', ku: 'ckb', ky: 'kir',
  la: 'lat', lo: 'lao', lt: 'lit', lv: 'lvs', mg: 'plt', mk: 'mkd', ml: 'mal', mn: 'khk', mr: 'mar',
  ms: 'zlm', my: 'mya', nb: 'nob', ne: 'npi', nl: 'nld', nn: 'nno', no: 'nob', or: 'ory', pa: 'pan',
  pl: 'pol', ps: 'pbu', pt: 'por', ro: 'ron', ru: 'rus', rw: 'kin', si: 'sin', sk: 'slk', sl: 'slv',
  so: 'som', sq: 'als', sr: 'srp', st: 'sot', sv: 'swe', sw: 'swh', ta: 'tam', te: 'tel', tg: 'tgk',
  th: 'tha', ti: 'tir', tk: 'tuk', tl: 'tgl', tn: 'tsn', tr: 'tur', tt: 'tat', ug: 'uig', uk: 'ukr',
  ur: 'urd', uz: 'uzn', vi: 'vie', xh: 'xho', yi: 'ydd', yo: 'yor', zh: 'cmn', zu: 'zul',
};

/** Macrolanguage (and common alternative) codes -> the individual codes they cover. */
const MACRO: Readonly<Record<string, readonly string[]>> = {
  ara: ['arb'], aze: ['azj'], est: ['ekk'], fas: ['pes', 'prs'], kur: ['ckb', 'kmr'], lav: ['lvs'],
  mlg: ['plt'], mon: ['khk'], msa: ['zlm', 'zsm'], nep: ['npi'], nor: ['nob', 'nno'], ori: ['ory'],
  pus: ['pbu'], sqi: ['als'], swa: ['swh'], uzb: ['uzn'], yid: ['ydd'], zho: ['cmn'],
};

const THREE_TO_ONE: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>();
  for (const [one, three] of Object.entries(ONE_TO_THREE)) if (!m.has(three)) m.set(three, one);
  m.set('zsm', 'ms');
  m.set('prs', 'fa');
  m.set('kmr', 'ku');
  return m;
})();

/** Canonical 639-3 code for a 639-1 code (e.g. eld's output); undefined when unknown. */
export function iso1To3(code: string): string | undefined {
  return ONE_TO_THREE[code.toLowerCase()];
}

/** ISO 639-1 code for a canonical 639-3 code, used to find per-language resources (stop words). */
export function iso3To1(code: string): string | undefined {
  return THREE_TO_ONE.get(code.toLowerCase());
}

/**
 * Expands a user's language names (639-1, 639-3 individual or macrolanguage) into the set of
 * canonical codes a document's `lang` may hold. Returns undefined for a name that is not a code.
 */
export function expandLanguageCode(name: string): string[] | undefined {
  const code = name.trim().toLowerCase();
  if (/^[a-z]{2}$/.test(code)) {
    const three = ONE_TO_THREE[code];
    if (!three) return undefined;
    const macro = Object.entries(MACRO).find(([, members]) => members.includes(three));
    return macro ? [...macro[1]] : [three];
  }
  if (!/^[a-z]{3}$/.test(code)) return undefined;
  const members = MACRO[code];
  if (members) return [...members];
  const macro = Object.entries(MACRO).find(([, m]) => m.includes(code));
  return macro ? [...macro[1]] : [code];
}
