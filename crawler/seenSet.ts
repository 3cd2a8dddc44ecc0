/**
 * The set of URLs the crawl has already queued, sized for tens of millions of URLs.
 *
 * Each URL is stored as a 64-bit fingerprint (two 32-bit halves of a cyrb53-style hash) in an
 * open-addressing table with linear probing, grown by doubling at 3/4 load: 8 bytes per slot,
 * 10.7-21 bytes per URL depending on where in the doubling it sits (measured in bench/crawl.ts:
 * 1M URLs ~16 MiB, 10M URLs ~128 MiB, against ~100+ bytes per URL for a JS Set of strings).
 * It is probabilistic in one direction only: two different URLs with the same 64-bit fingerprint
 * make the second look "seen" (skipped, never fetched twice). The chance that a new URL is wrongly
 * skipped is about n / 2^64 per lookup: ~5e-13 at 10M URLs, i.e. effectively exact.
 * The set is not persisted: on resume it is rebuilt by replaying the frontier log.
 */
export class SeenSet {
  private table: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(initialSlots = 1 << 16) {
    // A power of two, so a fingerprint's home slot is `hi & mask`.
    this.mask = 2 ** Math.ceil(Math.log2(Math.max(initialSlots, 1))) - 1;
    this.table = new Uint32Array((this.mask + 1) * 2);
  }

  /** URLs in the set. */
  get size(): number {
    return this.count;
  }

  /** Adds the URL; returns true when it was not in the set before. */
  add(url: string): boolean {
    fingerprint(url);
    return this.insert(fpHi, fpLo);
  }

  has(url: string): boolean {
    fingerprint(url);
    const t = this.table;
    let i = fpHi & this.mask;
    for (;;) {
      const hi = t[2 * i]!;
      const lo = t[2 * i + 1]!;
      if (hi === 0 && lo === 0) return false;
      if (hi === fpHi && lo === fpLo) return true;
      i = (i + 1) & this.mask;
    }
  }

  private insert(h: number, l: number): boolean {
    const t = this.table;
    let i = h & this.mask;
    for (;;) {
      const hi = t[2 * i]!;
      const lo = t[2 * i + 1]!;
      if (hi === 0 && lo === 0) break;
      if (hi === h && lo === l) return false;
      i = (i + 1) & this.mask;
    }
    t[2 * i] = h;
    t[2 * i + 1] = l;
    this.count++;
    if (this.count * 4 > (this.mask + 1) * 3) this.grow();
    return true;
  }

  /** Bytes held by the table (what a crawl of `size` URLs costs in memory). */
  get memoryBytes(): number {
    return this.table.byteLength;
  }

  /** Doubles the table: every key is inserted again at its place in the larger one. */
  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    this.count = 0;
    for (let j = 0; j < old.length; j += 2) if (old[j] !== 0 || old[j + 1] !== 0) this.insert(old[j]!, old[j + 1]!);
  }
}

// The hash writes its two halves here instead of allocating a pair per call (this is the hot path).
let fpHi = 0;
let fpLo = 0;

/** cyrb53's two-lane multiply-xor hash over UTF-16 code units, keeping all 64 bits. (0,0) marks an empty slot. */
function fingerprint(s: string): void {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  fpHi = h1 >>> 0;
  fpLo = h2 >>> 0;
  if (fpHi === 0 && fpLo === 0) fpLo = 1;
}

/** A URL's 64-bit fingerprint as two unsigned 32-bit halves (the shared crawl's seen-set keys it in Redis). */
export function urlFingerprint(url: string): [hi: number, lo: number] {
  fingerprint(url);
  return [fpHi, fpLo];
}
