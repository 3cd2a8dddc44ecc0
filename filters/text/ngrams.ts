/**
 * Word n-gram statistics for the Gopher repetition rules without building n-gram strings.
 * Words become integer ids; each n-gram gets two 32-bit polynomial hashes from prefix sums in O(1);
 * an open-addressing table in typed arrays finds repeats, and a hash match counts only when the
 * word ids are equal, so results are exact.
 */
const B1 = 0x01000193;
const B2 = 0x5bd1e995;

export class NGramIndex {
  private readonly ids: Int32Array;
  private readonly lengths: Int32Array;
  private readonly p1: Int32Array;
  private readonly p2: Int32Array;
  private readonly pow1: Int32Array;
  private readonly pow2: Int32Array;
  private readonly mask: number;
  private readonly tA: Int32Array;
  private readonly tB: Int32Array;
  private readonly tStart: Int32Array;
  private readonly tCount: Int32Array;

  constructor(words: readonly string[], maxN: number) {
    const n = words.length;
    const idOf = new Map<string, number>();
    this.ids = new Int32Array(n);
    this.lengths = new Int32Array(n);
    this.p1 = new Int32Array(n + 1);
    this.p2 = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) {
      const w = words[i]!;
      let id = idOf.get(w);
      if (id === undefined) idOf.set(w, (id = idOf.size));
      this.ids[i] = id;
      this.lengths[i] = w.length;
      this.p1[i + 1] = Math.imul(this.p1[i]!, B1) + id + 1;
      this.p2[i + 1] = Math.imul(this.p2[i]!, B2) + id + 1;
    }
    this.pow1 = new Int32Array(maxN + 1);
    this.pow2 = new Int32Array(maxN + 1);
    this.pow1[0] = this.pow2[0] = 1;
    for (let k = 1; k <= maxN; k++) {
      this.pow1[k] = Math.imul(this.pow1[k - 1]!, B1);
      this.pow2[k] = Math.imul(this.pow2[k - 1]!, B2);
    }
    let cap = 16;
    while (cap < 2 * n + 2) cap *= 2;
    this.mask = cap - 1;
    this.tA = new Int32Array(cap);
    this.tB = new Int32Array(cap);
    this.tStart = new Int32Array(cap);
    this.tCount = new Int32Array(cap);
  }

  get length(): number {
    return this.ids.length;
  }

  private same(a: number, b: number, n: number): boolean {
    for (let k = 0; k < n; k++) if (this.ids[a + k] !== this.ids[b + k]) return false;
    return true;
  }

  private chars(start: number, n: number): number {
    let len = 0;
    for (let k = start; k < start + n; k++) len += this.lengths[k]!;
    return len;
  }

  /** Slot of the n-gram at i, inserting it (tStart = i) when unseen. */
  private slot(i: number, n: number): number {
    // `| 0` wraps to int32 like the Int32Array slots, or equal n-grams would compare unequal.
    const h1 = (this.p1[i + n]! - Math.imul(this.p1[i]!, this.pow1[n]!)) | 0;
    const h2 = (this.p2[i + n]! - Math.imul(this.p2[i]!, this.pow2[n]!)) | 0;
    let s = (h1 ^ Math.imul(h2, 0x9e3779b1)) & this.mask;
    for (;;) {
      const start = this.tStart[s]!;
      if (start === -1) {
        this.tA[s] = h1;
        this.tB[s] = h2;
        this.tStart[s] = i;
        this.tCount[s] = 0;
        return s;
      }
      if (this.tA[s] === h1 && this.tB[s] === h2 && this.same(start, i, n)) return s;
      s = (s + 1) & this.mask;
    }
  }

  /**
   * Characters of the most frequent n-gram joined with spaces, times its count (datatrove
   * find_top_duplicate: Counter.most_common(1), ties go to the n-gram seen first).
   */
  topNGramChars(n: number): number {
    if (this.ids.length < n) return 0;
    this.tStart.fill(-1);
    for (let i = 0; i + n <= this.ids.length; i++) this.tCount[this.slot(i, n)]++;
    let bestCount = 0;
    let bestStart = 0;
    for (let s = 0; s <= this.mask; s++) {
      const start = this.tStart[s]!;
      if (start === -1) continue;
      const c = this.tCount[s]!;
      if (c > bestCount || (c === bestCount && start < bestStart)) {
        bestCount = c;
        bestStart = start;
      }
    }
    return (this.chars(bestStart, n) + n - 1) * bestCount;
  }

  /**
   * Characters (joined without spaces) of n-grams repeating an earlier one, jumping n words past
   * each repeat (datatrove find_all_duplicate).
   */
  duplicateNGramChars(n: number): number {
    this.tStart.fill(-1);
    let chars = 0;
    let i = 0;
    while (i + n <= this.ids.length) {
      const s = this.slot(i, n);
      if (this.tStart[s] !== i) {
        chars += this.chars(i, n);
        i += n;
      } else i++;
    }
    return chars;
  }
}
