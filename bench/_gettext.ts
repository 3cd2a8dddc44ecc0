/**
 * Held-out text for the language-ID benches: the translated messages of the gettext catalogues the OS
 * ships (/usr/share/locale/<ll>/LC_MESSAGES/*.mo: coreutils, apt, bash...), cut into snippets.
 */
import fs from 'node:fs';
import path from 'node:path';
import { mulberry32 } from '../datasets/seededRandom.js';

/** msgid/msgstr pairs of a GNU .mo file (first plural form only). */
export function readMo(file: string): Array<[string, string]> {
  const b = fs.readFileSync(file);
  const magic = b.readUInt32LE(0);
  const le = magic === 0x950412de;
  if (!le && b.readUInt32BE(0) !== 0x950412de) return [];
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const n = u32(8);
  const orig = u32(12);
  const trans = u32(16);
  const str = (table: number, i: number) => {
    const len = u32(table + i * 8);
    const off = u32(table + i * 8 + 4);
    return b.toString('utf8', off, off + len).split('\0')[0]!;
  };
  const out: Array<[string, string]> = [];
  for (let i = 0; i < n; i++) out.push([str(orig, i), str(trans, i)]);
  return out;
}

/** A message as plain prose: printf formats, options and bracketed names blanked; undefined when short or not mostly letters. */
export function cleanMessage(s: string): string | undefined {
  const t = s
    .replace(/%(\d+\$)?[-+ #0]*\d*(\.\d+)?[a-zA-Z]/g, ' ')
    .replace(/--?[a-zA-Z][\w-]*(=\S+)?/g, ' ')
    .replace(/[<{\[][^>}\]]*[>}\]]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (t.length < 30) return undefined;
  const letters = t.match(/\p{L}/gu)?.length ?? 0;
  return letters / t.length >= 0.6 ? t : undefined;
}

/** Every distinct translated message of a locale's catalogues (English: the msgids), cleaned. */
export function heldOut(locale: string): string[] {
  const dir = path.join('/usr/share/locale', locale === 'en' ? 'de' : locale, 'LC_MESSAGES');
  if (!fs.existsSync(dir)) return [];
  const seen = new Set<string>();
  for (const f of fs.readdirSync(dir).sort()) {
    if (!f.endsWith('.mo')) continue;
    for (const [id, str] of readMo(path.join(dir, f))) {
      const m = cleanMessage(locale === 'en' ? id : str === id ? '' : str);
      if (m) seen.add(m);
    }
  }
  return [...seen];
}

/** Deterministic snippets of about `len` characters built from shuffled messages. */
export function snippets(messages: string[], len: number, count: number, seed: number): string[] {
  if (messages.length === 0) return [];
  const r = mulberry32(seed);
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let s = '';
    while (s.length < len) s += (s ? ' ' : '') + messages[Math.floor(r() * messages.length)]!;
    out.push(s.slice(0, len));
  }
  return out;
}

