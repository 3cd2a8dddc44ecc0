/**
 * One page as the boilerplate_lines step reads it: its units (lines or paragraphs), each normalised
 * the CCNet way and keyed per host; the parts of its <title>; the segments of breadcrumb-like lines;
 * and which unit follows which. Every key is a 64-bit hash in a per-page list of (hi, lo) pairs, each
 * key once per page ("on N pages", not N times on one page).
 */
import type { Document } from '../../core/document.js';
import { hashString64 } from './hash.js';

const DIGIT = /\p{Nd}/gu;
const SPACES = /\s+/g;


/** CCNet's line normalisation: case and digits do not matter ("© 2023" and "© 2024" are one line). */
export function normaliseUnit(unit: string): string {
  return unit.toLowerCase().replace(DIGIT, '0').replace(SPACES, ' ').trim();
}

/**
 * A unit's length in terminal columns (UAX #11's East Asian Wide and Fullwidth blocks): a CJK character
 * is as wide as two Latin letters, and says about as much.
 */
export function columns(text: string): number {
  let width = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x1100) continue;
    if ((c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6)) width++;
  }
  return width;
}

/**
 * Separators of a breadcrumb or a list of links on one line: "Home > News > Title", "« Older | Newer »",
 * "Home/News/Title" (links in spans with a slash between, extracted without spaces).
 */
const SEGMENT_SEPARATOR = /\s[>›»«|·•→/]\s|(?<=\S)\/(?=\S)|^[«‹]\s|\s[»›]$/;
/** Lines without any of these characters have no segments (most prose): the split above is not tried. */
const SEPARATOR_CHAR = /[>›»«‹|·•→/]/;

/** Separators between a page's title and its site's name: "Post – Site", "Site | Section | Post". */
const TITLE_SEPARATOR = /\s[-–—|·•:»«]\s/;

/** The site of a URL: its host with the port (two servers on one machine are two sites). */
export function hostOf(url: string | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

export interface PageUnits {
  host: string;
  units: string[];
  /** Per unit: normalised text ('' for a blank unit). */
  texts: string[];
  /** Per unit: index into `keys` (pairs hi, lo) of its key, or -1 for a unit too narrow to count. */
  keyOf: Int32Array;
  /** The host's page key first, then the page's distinct keys, as (hi, lo) pairs. */
  keys: number[];
  /** The same keys as strings, one per pair (ids[at / 2]). */
  ids: string[];
  /** The parts of `metadata.title` (normalised) with the index of their key: a post title, the site name. */
  titleParts: [string, number][];
  /** Units made of separated segments: unit index -> its segments (normalised) and their keys' indexes. */
  segments: Map<number, [string, number][]>;
  /** Ids of the page's pairs "unit B follows unit A", so that a page does not count its own. */
  pairs: Set<string>;
}

export const keyId = (hi: number, lo: number) => `${hi}:${lo}`;
/** The text hashed for "second follows first" on a host. */
export const pairText = (host: string, first: string, second: string) => `${host}\u0004${first}\u0004${second}`;

/** Reads a page: `minColumns` is the width below which a unit is neither counted nor removed. */
export function readPageUnits(doc: Document, o: { scope: 'host' | 'global'; unit: 'line' | 'paragraph'; minColumns: number }): PageUnits {
  const host = o.scope === 'host' ? hostOf(doc.url) : '';
  const key = new Uint32Array(2);
  const keys: number[] = [];
  const ids: string[] = [];
  const index = new Map<string, number>();
  const keyAt = (text: string): number => {
    hashString64(text, key);
    const id = keyId(key[0]!, key[1]!);
    let at = index.get(id);
    if (at === undefined) {
      index.set(id, (at = keys.length));
      keys.push(key[0]!, key[1]!);
      ids.push(id);
    }
    return at;
  };
  keyAt(`${host}\u0001page`);
  const title = typeof doc.metadata.title === 'string' ? doc.metadata.title : '';
  const titleParts = title.split(TITLE_SEPARATOR).map(normaliseUnit).filter((part) => part.length > 0).map((part): [string, number] => [part, keyAt(`${host}\u0002${part}`)]);
  const units = doc.text.split(o.unit === 'line' ? '\n' : /\n[^\S\n]*\n\s*/);
  const texts = new Array<string>(units.length).fill('');
  const keyOf = new Int32Array(units.length).fill(-1);
  const segments = new Map<number, [string, number][]>();
  const pairs = new Set<string>();
  let previous: string | undefined;
  units.forEach((unit, u) => {
    const trimmed = unit.trim();
    if (!trimmed) return;
    const text = (texts[u] = normaliseUnit(trimmed));
    const counts = columns(trimmed) >= o.minColumns;
    // Which unit follows which (a narrow one too): a listing page shows a post's title, then its first paragraph.
    if (previous !== undefined && counts) pairs.add(ids[keyAt(pairText(host, previous, text)) / 2]!);
    previous = text;
    if (!counts) return;
    keyOf[u] = keyAt(`${host}\u0000${text}`);
    // Segments share the units' keys: a section name or a post title counts wherever it stands.
    const split = SEPARATOR_CHAR.test(trimmed) ? trimmed.split(SEGMENT_SEPARATOR) : [];
    if (split.length < 2) return;
    const parts = split.map(normaliseUnit).filter((part) => part.length > 0);
    if (parts.length) segments.set(u, parts.map((part): [string, number] => [part, keyAt(`${host}\u0000${part}`)]));
  });
  return { host, units, texts, keyOf, keys, ids, titleParts, segments, pairs };
}
