/**
 * One page as the boilerplate_lines step reads it: its units (lines or paragraphs), each normalised
 * the CCNet way and keyed per host; the parts of its <title>; the segments of breadcrumb-like lines;
 * and which unit follows which. Every key is a 64-bit hash in a per-page list of (hi, lo) pairs, each
 * key once per page ("on N pages", not N times on one page).
 */
import type { Document } from '../../core/document.js';
import { fmix32, hashString64, mixWord } from './hash.js';

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
  units: string[];
  /** Per unit: normalised text ('' for a blank unit). */
  texts: string[];
  /** Per unit: the 64-bit hash of its normalised text (hi, lo), host-free: two lanes per unit. */
  textHash: Uint32Array;
  /** Per unit: index into `keys` (pairs hi, lo) of its key, or -1 for a unit too narrow to count. */
  keyOf: Int32Array;
  /** The host's page key first, then the page's distinct keys, as (hi, lo) pairs. */
  keys: number[];
  /** The host's hash (hi, lo), for keys looked up while deciding. */
  host: [number, number];
  /** The parts of `metadata.title` (normalised), their text hashes and the index of their key: a post title, the site name. */
  titleParts: { text: string; hi: number; lo: number; at: number }[];
  /** Units made of separated segments: unit index -> its segments (normalised) and their keys' indexes. */
  segments: Map<number, [string, number][]>;
  /** The page's pairs "unit B follows unit A" (as numbers, see idOf), so that a page does not count its own. */
  pairs: Set<number>;
}

/** A number for a 64-bit key, exact in its high lane and 21 bits of the low one: for sets within a page or batch. */
export const idOf = (hi: number, lo: number) => hi * 0x200000 + (lo & 0x1fffff);

/** What a key is of: same text, different kinds of key never meet. */
export const KEY = { page: 1, unit: 2, titlePart: 3, pair: 4 } as const;

/** A 64-bit key of a kind from hashes already taken (each a hi, lo pair), written to out[0], out[1]. */
export function keyOfHashes(kind: number, hashes: number[], out: Uint32Array): void {
  let h1 = 0x9747b28c ^ kind;
  let h2 = 0x5bd1e995 ^ Math.imul(kind, 0x9e3779b1);
  for (let i = 0; i < hashes.length; i += 2) {
    h1 = mixWord(mixWord(h1, hashes[i]!), hashes[i + 1]!);
    h2 = mixWord(mixWord(h2, hashes[i + 1]! ^ 0x27d4eb2f), hashes[i]!);
  }
  out[0] = fmix32(h1 ^ hashes.length);
  out[1] = fmix32(h2 ^ Math.imul(hashes.length, 0x85ebca6b));
}

/** Reads a page: `minColumns` is the width below which a unit is neither counted nor removed. */
export function readPageUnits(doc: Document, o: { scope: 'host' | 'global'; unit: 'line' | 'paragraph'; minColumns: number }): PageUnits {
  const key = new Uint32Array(2);
  hashString64(o.scope === 'host' ? hostOf(doc.url) : '', key);
  const host: [number, number] = [key[0]!, key[1]!];
  const keys: number[] = [];
  const index = new Map<number, number>();
  /** Adds the key in `key` once per page; returns where it is in `keys`. */
  const add = (): number => {
    const id = idOf(key[0]!, key[1]!);
    let at = index.get(id);
    if (at === undefined) {
      index.set(id, (at = keys.length));
      keys.push(key[0]!, key[1]!);
    }
    return at;
  };
  const keyAt = (kind: number, ...hashes: number[]): number => {
    keyOfHashes(kind, hashes, key);
    return add();
  };
  const textHashOf = (text: string): [number, number] => {
    hashString64(text, key);
    return [key[0]!, key[1]!];
  };
  keyAt(KEY.page, ...host);
  const title = typeof doc.metadata.title === 'string' ? doc.metadata.title : '';
  const titleParts = title.split(TITLE_SEPARATOR).map(normaliseUnit).filter((part) => part.length > 0).map((text) => {
    const [hi, lo] = textHashOf(text);
    return { text, hi, lo, at: keyAt(KEY.titlePart, ...host, hi, lo) };
  });
  const units = doc.text.split(o.unit === 'line' ? '\n' : /\n[^\S\n]*\n\s*/);
  const texts = new Array<string>(units.length).fill('');
  const textHash = new Uint32Array(units.length * 2);
  const keyOf = new Int32Array(units.length).fill(-1);
  const segments = new Map<number, [string, number][]>();
  const pairs = new Set<number>();
  let previous = -1;
  units.forEach((unit, u) => {
    const trimmed = unit.trim();
    if (!trimmed) return;
    const text = (texts[u] = normaliseUnit(trimmed));
    const [hi, lo] = textHashOf(text);
    textHash[2 * u] = hi;
    textHash[2 * u + 1] = lo;
    const counts = columns(trimmed) >= o.minColumns;
    // Which unit follows which (a narrow one too): a listing page shows a post's title, then its first paragraph.
    if (previous >= 0 && counts) {
      const at = keyAt(KEY.pair, ...host, textHash[2 * previous]!, textHash[2 * previous + 1]!, hi, lo);
      pairs.add(idOf(keys[at]!, keys[at + 1]!));
    }
    previous = u;
    if (!counts) return;
    keyOf[u] = keyAt(KEY.unit, ...host, hi, lo);
    // Segments share the units' keys: a section name or a post title counts wherever it stands.
    const split = SEPARATOR_CHAR.test(trimmed) ? trimmed.split(SEGMENT_SEPARATOR) : [];
    if (split.length < 2) return;
    const parts = split.map(normaliseUnit).filter((part) => part.length > 0);
    if (parts.length) segments.set(u, parts.map((part): [string, number] => [part, keyAt(KEY.unit, ...host, ...textHashOf(part))]));
  });
  return { units, texts, textHash, keyOf, keys, host, titleParts, segments, pairs };
}
