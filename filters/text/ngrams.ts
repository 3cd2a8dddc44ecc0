/**
 * Word n-gram statistics for the Gopher repetition rules without building n-gram strings.
 *
 * Each n-gram gets an exact class: the position of its first occurrence. Classes for n come from
 * classes for n - 1 (the n-gram at i is the (n-1)-gram at i plus word i + n - 1), and only n-grams
 * that occur twice or more are carried to the next n: an n-gram seen once has no repeated longer
 * n-gram starting there. In prose most 3-grams are already unique, so the 2..10-gram passes touch
 * a small fraction of the positions (measured: ~3x less time than one hashed pass per n).
 */

/** Open-addressing table from an int pair to an int, cleared in O(1) by a generation stamp. */
class PairTable {
  private a = new Int32Array(0);
  private b = new Int32Array(0);
  private v = new Int32Array(0);
  private stamp = new Int32Array(0);
  private gen = 0;
  private mask = 0;

  /** Empties the table, sized for `entries` keys. */
  reset(entries: number): void {
    let cap = 64;
    while (cap < 2 * entries) cap *= 2;
    const huge = this.a.length > 1 << 20 && this.a.length > 4 * cap; // left by a huge document
    if (cap > this.a.length || huge || this.gen === 0x7fffffff) {
      this.a = new Int32Array(cap);
      this.b = new Int32Array(cap);
      this.v = new Int32Array(cap);
      this.stamp = new Int32Array(cap);
      this.gen = 0;
    }
    this.mask = cap - 1;
    this.gen++;
  }

  /** The value stored for (ka, kb), storing `value` first when the pair is new. */
  getOrSet(ka: number, kb: number, value: number): number {
    const { a, b, v, stamp, gen, mask } = this;
    let s = (Math.imul(ka, 0x9e3779b1) ^ Math.imul(kb + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
    s = (s ^ (s >>> 15)) & mask;
    for (;;) {
      if (stamp[s] !== gen) {
        stamp[s] = gen;
        a[s] = ka;
        b[s] = kb;
        v[s] = value;
        return value;
      }
      if (a[s] === ka && b[s] === kb) return v[s]!;
      s = (s + 1) & mask;
    }
  }
}

// Scratch shared by all indexes of a thread: one document is measured at a time (an index whose
// scratch was taken by a newer one rebuilds it). Grown on demand; a few typed arrays instead of
// several per n-gram length keeps allocation (and GC) per document near zero.
const table = new PairTable();
let ids = new Int32Array(0); // class (first occurrence) of each word
let charsBefore = new Int32Array(0); // charsBefore[i]: total length of words 0..i-1
let counts = new Int32Array(0); // per class: occurrences, then "seen" marks; all zero between uses
let positions = new Int32Array(0); // every level's repeated positions, ascending, level after level
let classes = new Int32Array(0); // the class of each of those n-grams
let owner: NGramIndex | undefined;

/** `a` when it holds `size` entries (kept entries preserved); a big one left by a huge document is given back. */
function grow(a: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  if (a.length >= size && (a.length <= 1 << 20 || a.length <= 4 * size)) return a;
  if (a.length >= size) return a.slice(0, size);
  const b = new Int32Array(Math.max(size, a.length * 2));
  b.set(a);
  return b;
}

interface Level {
  /** This level's entries in `positions`/`classes`: [start, end). */
  start: number;
  end: number;
  /** Occurrences of the most frequent n-gram, and its first position (the earliest on ties). */
  bestCount: number;
  bestStart: number;
}

/** Words as ids: ids[i] is the index of the first word equal to word i; lengths in UTF-16 units. */
export interface WordIds {
  readonly count: number;
  readonly ids: Int32Array;
  readonly lengths: Int32Array;
}

export class NGramIndex {
  private readonly words: WordIds;
  private levels: Level[] = [];

  /** From word strings, or from word ids (see WordIds: filters/text/wordAnalysis.ts gives them). */
  constructor(words: readonly string[] | WordIds, maxN: number) {
    this.words = Array.isArray(words) ? wordIdsOf(words as readonly string[]) : (words as WordIds);
    void maxN; // levels are built on demand, up to the longest n asked for
    this.build();
  }

  get length(): number {
    return this.words.count;
  }

  /** Level 1 into the shared scratch: the class of a word is the position of its first occurrence. */
  private build(): void {
    const { count: n, ids: wordIds, lengths } = this.words;
    owner = this;
    this.levels = [];
    ids = grow(ids, n);
    charsBefore = grow(charsBefore, n + 1);
    counts = grow(counts, n);
    positions = grow(positions, n);
    classes = grow(classes, n);
    for (let i = 0; i < n; i++) {
      const first = wordIds[i]!;
      ids[i] = first;
      charsBefore[i + 1] = charsBefore[i]! + lengths[i]!;
      counts[first]++;
      positions[i] = i;
      classes[i] = first;
    }
    this.levels.push(keepRepeated(0, n, n > 0));
  }

  /** Classes of n-grams (n >= 2) from those of (n-1)-grams. */
  private level(n: number): Level {
    if (owner !== this) this.build();
    while (this.levels.length < n) {
      const m = this.levels.length + 1; // building level m from level m - 1
      const prev = this.levels[m - 2]!;
      const last = this.words.count - m; // last position with a whole m-gram
      const start = prev.end;
      positions = grow(positions, start + (prev.end - prev.start));
      classes = grow(classes, start + (prev.end - prev.start));
      table.reset(prev.end - prev.start);
      const pos = positions;
      const cls = classes;
      const id = ids;
      const cnt = counts;
      let end = start;
      for (let k = prev.start; k < prev.end; k++) {
        const i = pos[k]!;
        if (i > last) break;
        const c = table.getOrSet(cls[k]!, id[i + m - 1]!, i);
        pos[end] = i;
        cls[end++] = c;
        cnt[c]++;
      }
      this.levels.push(keepRepeated(start, end, last >= 0));
    }
    return this.levels[n - 1]!;
  }

  private chars(start: number, n: number): number {
    return charsBefore[start + n]! - charsBefore[start]!;
  }

  /**
   * Characters of the most frequent n-gram joined with spaces, times its count (datatrove
   * find_top_duplicate: Counter.most_common(1), ties go to the n-gram seen first).
   */
  topNGramChars(n: number): number {
    if (this.words.count < n) return 0;
    const { bestCount, bestStart } = this.level(n);
    return (this.chars(bestStart, n) + n - 1) * bestCount;
  }

  /**
   * Characters (joined without spaces) of n-grams repeating an earlier one, jumping n words past
   * each repeat (datatrove find_all_duplicate).
   */
  duplicateNGramChars(n: number): number {
    if (this.words.count < n) return 0;
    const { start, end } = this.level(n);
    // Only repeated n-grams can be duplicates; unique ones are seen once and never looked up again.
    const pos = positions;
    const cls = classes;
    const seen = counts;
    let chars = 0;
    let next = 0; // first position not jumped over
    for (let k = start; k < end; k++) {
      const i = pos[k]!;
      if (i < next) continue;
      const c = cls[k]!;
      if (seen[c] === 1) {
        chars += this.chars(i, n);
        next = i + n;
      } else seen[c] = 1;
    }
    for (let k = start; k < end; k++) seen[cls[k]!] = 0;
    return chars;
  }
}

/**
 * Keeps the n-grams in positions/classes[start, end) that occur twice or more (their occurrences are
 * in `counts`, which is reset to zero) and returns the level. When every n-gram is unique the "most
 * frequent" one is the first (count 1, position 0).
 */
function keepRepeated(start: number, end: number, hasNGrams: boolean): Level {
  const pos = positions;
  const cls = classes;
  const cnt = counts;
  let bestCount = hasNGrams ? 1 : 0;
  let bestStart = 0;
  let kept = start;
  for (let k = start; k < end; k++) {
    const c = cls[k]!;
    const occ = cnt[c]!;
    if (occ < 2) {
      cnt[c] = 0; // the only entry of its class
      continue;
    }
    if (occ > bestCount || (occ === bestCount && c < bestStart)) {
      bestCount = occ;
      bestStart = c;
    }
    pos[kept] = pos[k]!;
    cls[kept++] = c;
  }
  for (let k = start; k < kept; k++) cnt[cls[k]!] = 0;
  return { start, end: kept, bestCount, bestStart };
}

/** Word ids of word strings. */
export function wordIdsOf(words: readonly string[]): WordIds {
  const ids = new Int32Array(words.length);
  const lengths = new Int32Array(words.length);
  const first = new Map<string, number>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    let f = first.get(w);
    if (f === undefined) first.set(w, (f = i));
    ids[i] = f;
    lengths[i] = w.length;
  }
  return { count: words.length, ids, lengths };
}
