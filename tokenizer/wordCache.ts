/**
 * Word -> token ids cache keyed by a word's UTF-16 code units where it sits in the text being encoded: no
 * string is made per word. Open addressing (linear probing, at most half full) over typed arrays; the keys'
 * code units and the ids live in two pools. Bounded: when the word count or a pool reaches its limit the
 * cache starts over (frequent words come back within a few documents). It lives as long as its tokenizer, so
 * it carries over from one document to the next.
 */

/** Words longer than this (in code units) are not cached: rare, and they would crowd the key pool. */
export const MAX_CACHED_UNITS = 128;

/** FNV-1a over the code units text[start, end). */
export function hashUnits(text: string, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

export class WordCache {
  private readonly mask: number;
  private readonly slotHash: Int32Array;
  /** Start of the slot's key in `units`; -1 for an empty slot. */
  private readonly slotKey: Int32Array;
  private readonly slotKeyLength: Int32Array;
  /** The slot's ids: ids[slotIds[s], slotIds[s] + slotIdCount[s]). */
  private readonly slotIds: Int32Array;
  private readonly slotIdCount: Int32Array;
  private readonly units: Uint16Array;
  /** The ids of every cached word, back to back (read by the encoder on a hit). */
  readonly ids: Int32Array;
  private unitsUsed = 0;
  private idsUsed = 0;
  private words = 0;

  constructor(readonly capacity: number) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.mask = size - 1;
    this.slotHash = new Int32Array(size);
    this.slotKey = new Int32Array(size).fill(-1);
    this.slotKeyLength = new Int32Array(size);
    this.slotIds = new Int32Array(size);
    this.slotIdCount = new Int32Array(size);
    this.units = new Uint16Array(capacity * 12);
    this.ids = new Int32Array(capacity * 6);
  }

  /** The slot holding text[start, end) (its hash is `hash`), or -1. */
  find(text: string, start: number, end: number, hash: number): number {
    const length = end - start;
    for (let s = (hash ^ (hash >>> 15)) & this.mask; ; s = (s + 1) & this.mask) {
      const key = this.slotKey[s]!;
      if (key < 0) return -1;
      if (this.slotHash[s] === hash && this.slotKeyLength[s] === length && this.sameUnits(text, start, key, length)) return s;
    }
  }

  private sameUnits(text: string, start: number, key: number, length: number): boolean {
    const units = this.units;
    for (let i = 0; i < length; i++) if (units[key + i] !== text.charCodeAt(start + i)) return false;
    return true;
  }

  /** Where the slot's ids start in `ids`. */
  idsStart(slot: number): number {
    return this.slotIds[slot]!;
  }

  /** How many ids the slot's word has. */
  idCount(slot: number): number {
    return this.slotIdCount[slot]!;
  }

  /** Caches text[start, end) -> ids[from, to) (the word must not be cached yet). */
  add(text: string, start: number, end: number, hash: number, ids: Int32Array, from: number, to: number): void {
    const length = end - start;
    if (length > MAX_CACHED_UNITS) return;
    if (this.words >= this.capacity || this.unitsUsed + length > this.units.length || this.idsUsed + to - from > this.ids.length) this.clear();
    let s = (hash ^ (hash >>> 15)) & this.mask;
    while (this.slotKey[s]! >= 0) s = (s + 1) & this.mask;
    this.slotHash[s] = hash;
    this.slotKey[s] = this.unitsUsed;
    this.slotKeyLength[s] = length;
    for (let i = 0; i < length; i++) this.units[this.unitsUsed + i] = text.charCodeAt(start + i);
    this.unitsUsed += length;
    this.slotIds[s] = this.idsUsed;
    this.slotIdCount[s] = to - from;
    for (let i = from; i < to; i++) this.ids[this.idsUsed++] = ids[i]!;
    this.words++;
  }

  /** Forgets every word. */
  clear(): void {
    this.slotKey.fill(-1);
    this.unitsUsed = 0;
    this.idsUsed = 0;
    this.words = 0;
  }
}
