/** Line and duplicate helpers shared by the Gopher, C4 and FineWeb filters (datatrove semantics). */
import { Spans } from './spans.js';
import { classAt, SPACE } from './charClass.js';

// Python's str.splitlines() boundaries.
const PY_LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;

/** Python `text.splitlines()`: no trailing empty line for a final newline; [] for ''. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(PY_LINE_BREAK);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** datatrove find_duplicates: how many elements repeat an earlier one, and their total length. */
export function findDuplicates(items: readonly string[]): { count: number; chars: number } {
  const seen = new Set<string>();
  let count = 0;
  let chars = 0;
  for (const x of items) {
    if (seen.has(x)) {
      count++;
      chars += x.length;
    } else seen.add(x);
  }
  return { count, chars };
}

/**
 * Sentence-final punctuation: datatrove's C4/FineWeb set (. ? ! " ') plus the full stops of
 * scripts that do not use "." (CJK 。！？, Arabic ؟ ۔, Devanagari । ॥, Ethiopic ።, Myanmar ။,
 * Khmer ។ ៕, Thai ๚ ๛), so pages in those languages are not dropped for lacking Latin punctuation.
 */
export const TERMINAL_PUNCTUATION: readonly string[] = ['.', '?', '!', '"', "'", '。', '！', '？', '؟', '۔', '।', '॥', '።', '။', '។', '៕', '๚', '๛'];

/** Thai (U+0E00-U+0E7F) ends a sentence with a space, not a mark (Lao text mostly uses "."). */
export function isUnmarkedSentenceScript(c: number): boolean {
  return c >= 0x0e00 && c <= 0x0e7f;
}

/**
 * Whether text[start, end) ends (before trailing whitespace) in Thai: such a line has no
 * sentence-final mark to look for, so the terminal-punctuation rules cannot judge it.
 */
export function endsInUnmarkedScript(text: string, start = 0, end = text.length): boolean {
  let i = end - 1;
  while (i >= start && isSpaceAt(text, i)) i--;
  return i >= start && isUnmarkedSentenceScript(text.charCodeAt(i));
}

export function endsWithAny(line: string, endings: readonly string[]): boolean {
  for (const e of endings) if (line.endsWith(e)) return true;
  return false;
}

/**
 * The pieces of text[from, to) between newline runs, as spans (no substrings): `minRun` 0 cuts at
 * every '\n' (split('\n')); k >= 1 cuts at each maximal run of k or more (split(/\n{k,}/)).
 */
export function newlineSpans(text: string, from: number, to: number, minRun: number, out: Spans): void {
  out.reset();
  let start = from;
  let i = text.indexOf('\n', from);
  while (i >= 0 && i < to) {
    let run = i + 1;
    if (minRun > 0) while (run < to && text.charCodeAt(run) === 10) run++;
    if (run - i >= minRun) {
      out.add(start, i);
      start = run;
    }
    i = text.indexOf('\n', run);
  }
  out.add(start, to);
}

let slots = new Int32Array(0); // open-addressing table of span indexes, by hash of their characters
let slotHash = new Int32Array(0);
let firstScratch = new Int32Array(0);

/**
 * For each of the first n spans, the index of the first span with the same text (itself when
 * new), written to `first`: equal texts found by hashing them in place, without substrings.
 */
export function firstEqualSpans(text: string, starts: Int32Array, ends: Int32Array, n: number, first: Int32Array): void {
  let cap = 16;
  while (cap < 2 * n) cap *= 2;
  // Grown on demand; a big table left by a huge document is given back.
  if (slots.length < cap || (slots.length > 1 << 20 && slots.length > 4 * cap)) {
    slots = new Int32Array(cap);
    slotHash = new Int32Array(cap);
  }
  slots.fill(-1, 0, cap);
  const mask = cap - 1;
  for (let p = 0; p < n; p++) {
    const start = starts[p]!;
    const len = ends[p]! - start;
    let h = 0x811c9dc5 | 0; // int32, as stored in slotHash (an empty span is never multiplied)
    for (let i = start; i < start + len; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    let s = (h ^ (h >>> 15)) & mask;
    for (;;) {
      const q = slots[s]!;
      if (q === -1) {
        slots[s] = p;
        slotHash[s] = h;
        first[p] = p;
        break;
      }
      if (slotHash[s] === h && ends[q]! - starts[q]! === len && sameChars(text, starts[q]!, start, len)) {
        first[p] = q;
        break;
      }
      s = (s + 1) & mask;
    }
  }
}

const candidates = new Spans();

/** findDuplicates over the spans' texts (how many repeat an earlier one, and their total length). */
export function findDuplicateSpans(text: string, spans: Spans): { count: number; chars: number } {
  // Only spans whose length occurs twice can repeat: most lines and paragraphs have a length of
  // their own and are never hashed (order is kept, so "first occurrence" is unchanged).
  const lengthCount = new Map<number, number>();
  for (let p = 0; p < spans.count; p++) {
    const len = spans.ends[p]! - spans.starts[p]!;
    lengthCount.set(len, (lengthCount.get(len) ?? 0) + 1);
  }
  candidates.reset();
  for (let p = 0; p < spans.count; p++) {
    if (lengthCount.get(spans.ends[p]! - spans.starts[p]!)! > 1) candidates.add(spans.starts[p]!, spans.ends[p]!);
  }
  const n = candidates.count;
  if (firstScratch.length < n || firstScratch.length > Math.max(1 << 16, 4 * n)) firstScratch = new Int32Array(Math.max(n, 64));
  firstEqualSpans(text, candidates.starts, candidates.ends, n, firstScratch);
  let count = 0;
  let chars = 0;
  for (let p = 0; p < n; p++) {
    if (firstScratch[p] === p) continue;
    count++;
    chars += candidates.ends[p]! - candidates.starts[p]!;
  }
  return { count, chars };
}

/** text[a, a + len) === text[b, b + len) */
export function sameChars(text: string, a: number, b: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (text.charCodeAt(a + k) !== text.charCodeAt(b + k)) return false;
  return true;
}

/** \s at i (JavaScript's trim() set; all of it is in the BMP). */
export function isSpaceAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 0x80) return c === 32 || (c >= 9 && c <= 13);
  return (classAt(s, i) & SPACE) !== 0;
}

/** [start, end) of text.trim() within text. */
export function trimmedRange(text: string): [number, number] {
  let start = 0;
  let end = text.length;
  while (start < end && isSpaceAt(text, start)) start++;
  while (end > start && isSpaceAt(text, end - 1)) end--;
  return [start, end];
}
