/** Line and duplicate helpers shared by the Gopher, C4 and FineWeb filters (datatrove semantics). */

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
 * scripts that do not use "." (CJK 。！？, Arabic ؟ ۔, Devanagari । ॥, Ethiopic ።, Myanmar ။),
 * so pages in those languages are not dropped for lacking Latin punctuation.
 */
export const TERMINAL_PUNCTUATION: readonly string[] = ['.', '?', '!', '"', "'", '。', '！', '？', '؟', '۔', '।', '॥', '።', '။'];

export function endsWithAny(line: string, endings: readonly string[]): boolean {
  for (const e of endings) if (line.endsWith(e)) return true;
  return false;
}
