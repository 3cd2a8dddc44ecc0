/**
 * eld's detect() (Nito T.M., Apache-2.0) over the same n-gram database, re-implemented for speed
 * with identical results (tests/eld-scorer.test.ts compares both on every UDHR language and on
 * generated strings). Per document eld spent its time in a separator regex with a look-behind over
 * a large Unicode class, in a dictionary-mode object lookup per n-gram and in `for...in` over
 * integer keys; here a per-code-unit letter table, n-grams packed into numbers (their byte codes,
 * base 256) looked up in an open-addressing table over typed arrays, and a Float64Array of totals do
 * the same work without a string per n-gram: ~6x eld's speed on the bench pages (docs/decisions.md).
 *
 * The algorithm, as eld 2.1: letters are kept, every other run of characters becomes one space
 * (a run keeps its trailing apostrophes: "don't"), lower case; the text is turned into UTF-8 bytes
 * (eld's one-character-per-byte dictionary) and cut after ~350-380 bytes; each word gives 4-byte
 * n-grams at stride 3 plus its last 4 bytes, with a leading space on the first and a trailing
 * space on the last; every distinct n-gram adds (score + 53) to each language listing it. The
 * best language is the highest total (lowest index on ties), scored (t/n) / (t/n + 25) with n
 * the number of distinct n-grams: eld's getScores() value for that language.
 */
import { slotOf, isApostrophe, MAX_PACKED, type EldTables } from './eldTables.js';

export interface EldGuess {
  /** ISO 639-1 code as eld reports it. */
  lang: string;
  /** eld's getScores() value for that language. */
  score: number;
}

const SCALE = 25;
const CUT_AT_SPACE_AFTER = 350;
const CUT_AFTER = 380;
/** Slots of the per-document distinct n-gram table (a document has at most ~130 n-grams). */
const SEEN_SLOTS = 1024;

export class EldScorer {
  private readonly codes: string[];
  /** Open-addressing table from a packed n-gram (its byte codes, base 256) to its entry, 0 = empty slot. */
  private readonly indexKeys: Float64Array;
  private readonly indexEntries: Int32Array;
  private readonly indexMask: number;
  private readonly offsets: Int32Array;
  private readonly langs: Uint8Array;
  private readonly scores: Int32Array;
  private readonly totals: Float64Array;
  /** 1 for code units eld treats as letters (its separators regex keeps them). */
  private readonly letter: Uint8Array;
  /** eld's dictionary as character codes (one per byte value). */
  private readonly dictCodes: Uint8Array;
  /** Per-document scratch: the sample's bytes (as dictionary codes), word bounds, distinct n-grams. */
  private readonly buf = new Uint8Array(CUT_AFTER + 8);
  private readonly starts = new Int32Array(CUT_AFTER + 8);
  private readonly ends = new Int32Array(CUT_AFTER + 8);
  private readonly seenKeys = new Float64Array(SEEN_SLOTS);
  private readonly seenStamp = new Int32Array(SEEN_SLOTS);
  private stamp = 0;
  /** N-grams longer than 6 bytes (the tail of a word over 70 bytes): never in the database, counted only. */
  private readonly longGrams = new Set<string>();

  constructor(tables: EldTables) {
    this.codes = tables.codes;
    this.offsets = tables.offsets;
    this.langs = tables.langs;
    this.scores = tables.scores;
    this.indexKeys = tables.indexKeys;
    this.indexEntries = tables.indexEntries;
    this.indexMask = tables.indexKeys.length - 1;
    this.letter = tables.letter;
    this.dictCodes = tables.dictCodes;
    this.totals = new Float64Array(tables.codes.length);
  }

  /** `text.replace(separators, ' ')`: each non-letter run becomes one space, minus its trailing apostrophes. */
  private separate(s: string): string {
    const letter = this.letter;
    let out = '';
    let last = 0;
    let i = 0;
    while (i < s.length) {
      if (letter[s.charCodeAt(i)] === 1) {
        i++;
        continue;
      }
      let j = i + 1;
      while (j < s.length && letter[s.charCodeAt(j)] !== 1) j++;
      let k = j;
      while (k > i && isApostrophe(s.charCodeAt(k - 1))) k--;
      if (k > i) {
        out += s.slice(last, i) + ' ';
        last = k;
      }
      i = j;
    }
    return last === 0 ? s : out + s.slice(last);
  }

  /**
   * The sample's words as dictionary codes, cut like eld's strToUtf8Bytes: into `buf`, word i spanning
   * starts[i]..ends[i]. Returns the word count.
   */
  private byteWords(str: string): number {
    const d = this.dictCodes;
    const buf = this.buf;
    let n = 0;
    let words = 0;
    let wordStart = 0;
    let bytes = 0;
    for (let i = 0; i < str.length; i++) {
      let c = str.charCodeAt(i);
      if (c < 0x80) {
        if (c === 32) {
          if (n > wordStart) {
            this.starts[words] = wordStart;
            this.ends[words++] = n;
            wordStart = n;
          }
          if (bytes > CUT_AT_SPACE_AFTER) break;
        } else buf[n++] = c;
        bytes++;
      } else if (c < 0x800) {
        buf[n++] = d[0xc0 | (c >> 6)]!;
        buf[n++] = d[0x80 | (c & 0x3f)]!;
        bytes += 2;
      } else if (c < 0xd800 || c >= 0xe000) {
        buf[n++] = d[0xe0 | (c >> 12)]!;
        buf[n++] = d[0x80 | ((c >> 6) & 0x3f)]!;
        buf[n++] = d[0x80 | (c & 0x3f)]!;
        bytes += 3;
      } else {
        i++;
        c = 0x10000 + (((c & 0x3ff) << 10) | (str.charCodeAt(i) & 0x3ff));
        buf[n++] = d[0xf0 | (c >> 18)]!;
        buf[n++] = d[0x80 | ((c >> 12) & 0x3f)]!;
        buf[n++] = d[0x80 | ((c >> 6) & 0x3f)]!;
        buf[n++] = d[0x80 | (c & 0x3f)]!;
        bytes += 4;
      }
      if (bytes > CUT_AFTER) break;
    }
    if (n > wordStart) {
      this.starts[words] = wordStart;
      this.ends[words++] = n;
    }
    return words;
  }

  /** Counts a packed n-gram once per document; a new one adds its scores to the totals. Returns 1 if new. */
  private addGram(key: number): number {
    const mask = SEEN_SLOTS - 1;
    let slot = slotOf(key, mask);
    while (this.seenStamp[slot] === this.stamp) {
      if (this.seenKeys[slot] === key) return 0;
      slot = (slot + 1) & mask;
    }
    this.seenStamp[slot] = this.stamp;
    this.seenKeys[slot] = key;
    const keys = this.indexKeys;
    let i = slotOf(key, this.indexMask);
    while (keys[i] !== 0) {
      if (keys[i] === key) {
        const e = this.indexEntries[i]!;
        const totals = this.totals;
        for (let p = this.offsets[e]!; p < this.offsets[e + 1]!; p++) totals[this.langs[p]!]! += this.scores[p]!;
        break;
      }
      i = (i + 1) & this.indexMask;
    }
    return 1;
  }

  /** The best language and its score, or undefined where eld answers '' (no known n-gram). */
  detect(text: string): EldGuess | undefined {
    const words = this.byteWords(this.separate(text.substring(0, 1000)).trim().toLowerCase());
    const buf = this.buf;
    // At most ~130 distinct n-grams per document: a fresh stamp empties the seen-table.
    if (++this.stamp === 0x7fffffff) {
      this.seenStamp.fill(0);
      this.stamp = 1;
    }
    this.totals.fill(0);
    this.longGrams.clear();
    let distinct = 0;
    // Scores are integers, so the totals do not depend on the order n-grams are added in.
    for (let w = 0; w < words; w++) {
      const s = this.starts[w]!;
      const end = this.ends[w]!;
      const len = Math.min(end - s, 70);
      let j = 0;
      for (; j + 4 < len; j += 3) {
        let key = j === 0 ? 32 : 0;
        for (let k = s + j; k < s + j + 4; k++) key = key * 256 + buf[k]!;
        distinct += this.addGram(key);
      }
      // The last n-gram runs to the end of the word (eld's substring), past byte 70 for longer words.
      const from = s + (len !== 3 ? Math.max(0, len - 4) : 0);
      const size = end - from + (j === 0 ? 2 : 1);
      if (size <= MAX_PACKED) {
        let key = j === 0 ? 32 : 0;
        for (let k = from; k < end; k++) key = key * 256 + buf[k]!;
        distinct += this.addGram(key * 256 + 32);
      } else {
        const gram = (j === 0 ? ' ' : '') + String.fromCharCode(...buf.subarray(from, end)) + ' ';
        if (!this.longGrams.has(gram)) {
          this.longGrams.add(gram);
          distinct++;
        }
      }
    }
    const totals = this.totals;
    let best = -1;
    let max = 0;
    for (let l = 0; l < totals.length; l++) {
      if (totals[l]! > max) {
        max = totals[l]!;
        best = l;
      }
    }
    if (best < 0) return undefined;
    const perGram = max / distinct;
    return { lang: this.codes[best]!, score: perGram / (perGram + SCALE) };
  }
}
