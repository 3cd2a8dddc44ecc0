/**
 * eld's detect() (Nito T.M., Apache-2.0) over the same n-gram database, re-implemented for speed
 * with identical results (tests/filters-langid.test.ts compares both on every UDHR language and on
 * generated strings). Per document eld spent its time in a separator regex with a look-behind over
 * a large Unicode class, in a dictionary-mode object lookup per n-gram and in `for...in` over
 * integer keys; here a per-code-unit letter table, a Map into typed arrays and a Float64Array of
 * totals do the same work: ~2.5-3x faster on the bench pages (docs/decisions.md).
 *
 * The algorithm, as eld 2.1: letters are kept, every other run of characters becomes one space
 * (a run keeps its trailing apostrophes: "don't"), lower case; the text is turned into UTF-8 bytes
 * (eld's one-character-per-byte dictionary) and cut after ~350-380 bytes; each word gives 4-byte
 * n-grams at stride 3 plus its last 4 bytes, with a leading space on the first and a trailing
 * space on the last; every distinct n-gram adds (score + 53) to each language listing it. The
 * best language is the highest total (lowest index on ties), scored (t/n) / (t/n + 25) with n
 * the number of distinct n-grams: eld's getScores() value for that language.
 */

/** The shape of eld's n-gram database module (`src/ngrams/*.js`). */
export interface EldNgramData {
  languages: Record<string, string>;
  ngrams: Record<string, Record<string, number>>;
}

export interface EldGuess {
  /** ISO 639-1 code as eld reports it. */
  lang: string;
  /** eld's getScores() value for that language. */
  score: number;
}

const BASE_NGRAM_SCORE = 53;
const SCALE = 25;
const CUT_AT_SPACE_AFTER = 350;
const CUT_AFTER = 380;

function isApostrophe(c: number): boolean {
  return c === 0x27 || c === 0x60 || c === 0x2019;
}

export class EldScorer {
  private readonly codes: string[];
  private readonly index = new Map<string, number>();
  private readonly offsets: Int32Array;
  private readonly langs: Uint8Array;
  private readonly scores: Int32Array;
  private readonly totals: Float64Array;
  /** 1 for code units eld treats as letters (its separators regex keeps them). */
  private readonly letter = new Uint8Array(65536);
  private readonly ngramSet = new Set<string>();

  /**
   * @param separators eld's `separators` regex (letters are what it does not match)
   * @param dictionary eld's byte-to-character table
   */
  constructor(data: EldNgramData, separators: RegExp, private readonly dictionary: readonly string[]) {
    const count = Object.keys(data.languages).length;
    this.codes = Array.from({ length: count }, (_, i) => data.languages[i]!);
    this.totals = new Float64Array(count);
    const offsets: number[] = [0];
    const langs: number[] = [];
    const scores: number[] = [];
    for (const gram in data.ngrams) {
      const entry = data.ngrams[gram]!;
      for (const lang in entry) {
        langs.push(Number(lang));
        scores.push(entry[lang]! + BASE_NGRAM_SCORE);
      }
      this.index.set(gram, offsets.length - 1);
      offsets.push(langs.length);
    }
    this.offsets = Int32Array.from(offsets);
    this.langs = Uint8Array.from(langs);
    this.scores = Int32Array.from(scores);
    const single = new RegExp(`^(?:${separators.source})$`, separators.flags.replace('g', ''));
    for (let c = 0; c < 65536; c++) {
      if (!isApostrophe(c) && !single.test(String.fromCharCode(c))) this.letter[c] = 1;
    }
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

  /** Words as byte strings, cut like eld's strToUtf8Bytes. */
  private byteWords(str: string): string[] {
    const d = this.dictionary;
    const words: string[] = [];
    let encoded = '';
    let bytes = 0;
    for (let i = 0; i < str.length; i++) {
      let c = str.charCodeAt(i);
      if (c < 0x80) {
        if (c === 32) {
          if (encoded !== '') {
            words.push(encoded);
            encoded = '';
          }
          if (bytes > CUT_AT_SPACE_AFTER) break;
        } else encoded += str[i];
        bytes++;
      } else if (c < 0x800) {
        encoded += d[0xc0 | (c >> 6)]! + d[0x80 | (c & 0x3f)]!;
        bytes += 2;
      } else if (c < 0xd800 || c >= 0xe000) {
        encoded += d[0xe0 | (c >> 12)]! + d[0x80 | ((c >> 6) & 0x3f)]! + d[0x80 | (c & 0x3f)]!;
        bytes += 3;
      } else {
        i++;
        c = 0x10000 + (((c & 0x3ff) << 10) | (str.charCodeAt(i) & 0x3ff));
        encoded += d[0xf0 | (c >> 18)]! + d[0x80 | ((c >> 12) & 0x3f)]! + d[0x80 | ((c >> 6) & 0x3f)]! + d[0x80 | (c & 0x3f)]!;
        bytes += 4;
      }
      if (bytes > CUT_AFTER) break;
    }
    if (encoded !== '') words.push(encoded);
    return words;
  }

  /** The best language and its score, or undefined where eld answers '' (no known n-gram). */
  detect(text: string): EldGuess | undefined {
    const words = this.byteWords(this.separate(text.substring(0, 1000)).trim().toLowerCase());
    const grams = this.ngramSet;
    grams.clear();
    for (const word of words) {
      const len = Math.min(word.length, 70);
      let j = 0;
      for (; j + 4 < len; j += 3) grams.add((j === 0 ? ' ' : '') + word.substring(j, j + 4));
      grams.add((j === 0 ? ' ' : '') + word.substring(len !== 3 ? len - 4 : 0) + ' ');
    }
    const totals = this.totals;
    totals.fill(0);
    for (const gram of grams) {
      const e = this.index.get(gram);
      if (e === undefined) continue;
      for (let p = this.offsets[e]!; p < this.offsets[e + 1]!; p++) totals[this.langs[p]!]! += this.scores[p]!;
    }
    let best = -1;
    let max = 0;
    for (let l = 0; l < totals.length; l++) {
      if (totals[l]! > max) {
        max = totals[l]!;
        best = l;
      }
    }
    if (best < 0) return undefined;
    const perGram = max / grams.size;
    return { lang: this.codes[best]!, score: perGram / (perGram + SCALE) };
  }
}
