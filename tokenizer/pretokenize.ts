/**
 * Pre-tokenizers: the regexes that split text into "words" before BPE. Tokens never cross a word boundary.
 *
 * The published patterns are written for Rust's regex / Oniguruma, where `\s` is Unicode White_Space.
 * JavaScript's `\s` differs (it adds U+FEFF and lacks U+0085), and JS has no inline `(?i:...)`, so each pattern
 * is kept twice: `source` as published (written into tokenizer.json) and `js`, an exact JavaScript translation.
 */

/** Unicode White_Space, the set Rust's and Oniguruma's `\s` match, as class members. */
const WS = '\\t-\\r \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const S = `[${WS}]`;
const NOT_S = `[^${WS}]`;
/** `(?i:'s|'t|'re|'ve|'m|'ll|'d)` under Unicode simple case folding (s also folds to U+017F LONG S). */
const CONTRACTIONS_I = "'[sS\\u017F]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD]";

export type PretokenizerName = 'gpt2' | 'cl100k' | 'o200k';

export interface PretokenizerPattern {
  readonly name: PretokenizerName | 'custom';
  /** The pattern as published (Rust regex / Oniguruma syntax). */
  readonly source: string;
  /** Equivalent JavaScript pattern, compiled with the `gu` flags. */
  readonly js: string;
}

export const PRETOKENIZERS: Readonly<Record<PretokenizerName, PretokenizerPattern>> = {
  gpt2: {
    name: 'gpt2',
    source: "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
    js: `'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^${WS}\\p{L}\\p{N}]+|${S}+(?!${NOT_S})|${S}+`,
  },
  cl100k: {
    name: 'cl100k',
    source:
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    js:
      `(?:${CONTRACTIONS_I})|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^${WS}\\p{L}\\p{N}]+[\\r\\n]*` +
      `|${S}*[\\r\\n]+|${S}+(?!${NOT_S})|${S}+`,
  },
  o200k: {
    name: 'o200k',
    source: [
      "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
      "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
      '\\p{N}{1,3}',
      ' ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*',
      '\\s*[\\r\\n]+',
      '\\s+(?!\\S)',
      '\\s+',
    ].join('|'),
    js: [
      `[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:${CONTRACTIONS_I})?`,
      `[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:${CONTRACTIONS_I})?`,
      '\\p{N}{1,3}',
      ` ?[^${WS}\\p{L}\\p{N}]+[\\r\\n/]*`,
      `${S}*[\\r\\n]+`,
      `${S}+(?!${NOT_S})`,
      `${S}+`,
    ].join('|'),
  },
};

/** Pretokenizer names accepted on the command line; `gpt4` is cl100k's pattern. */
export function pretokenizerByName(name: string): PretokenizerPattern | undefined {
  if (name === 'gpt4' || name === 'cl100k' || name === 'cl100k_base') return PRETOKENIZERS.cl100k;
  if (name === 'gpt2' || name === 'r50k_base') return PRETOKENIZERS.gpt2;
  if (name === 'o200k' || name === 'o200k_base' || name === 'gpt4o') return PRETOKENIZERS.o200k;
  return undefined;
}

/**
 * Finds the pattern for a published regex (from tokenizer.json or a tiktoken file). Known patterns use their
 * exact translation; the js-tiktoken spellings (case alternatives instead of `(?i:...)`) are recognised too.
 * Anything else is compiled as JavaScript as-is; throws if JavaScript cannot compile it.
 */
export function patternFromSource(source: string): PretokenizerPattern {
  for (const p of Object.values(PRETOKENIZERS)) if (p.source === source) return p;
  const unfolded = source.replace(
    /\('s\|'S\|'t\|'T\|'re\|'rE\|'Re\|'RE\|'ve\|'vE\|'Ve\|'VE\|'m\|'M\|'ll\|'lL\|'Ll\|'LL\|'d\|'D\)/g,
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)",
  );
  for (const p of Object.values(PRETOKENIZERS)) if (p.source === unfolded) return p;
  const js = translateRustRegex(unfolded);
  new RegExp(js, 'gu'); // throws SyntaxError for patterns JavaScript cannot run
  return { name: 'custom', source, js };
}

/**
 * Rust/Oniguruma -> JavaScript for the constructs split regexes use: `\s`/`\S` as Unicode White_Space (also
 * inside classes), and the case-insensitive contraction group. Other inline flags are refused.
 */
export function translateRustRegex(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const n = source[i + 1] ?? '';
      i++;
      if (n === 's') out += inClass ? WS : S;
      else if (n === 'S') {
        if (inClass) throw new SyntaxError('\\S inside a character class is not supported');
        out += NOT_S;
      } else out += c + n;
      continue;
    }
    if (!inClass && source.startsWith("(?i:'s|'t|'re|'ve|'m|'ll|'d)", i)) {
      out += `(?:${CONTRACTIONS_I})`;
      i += "(?i:'s|'t|'re|'ve|'m|'ll|'d)".length - 1;
      continue;
    }
    if (!inClass && source.startsWith('(?i', i)) throw new SyntaxError('inline case-insensitive groups are not supported');
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
    out += c;
  }
  return out;
}

/** Compiles a pattern to a fresh global RegExp (each has its own lastIndex state). */
export function compilePattern(p: PretokenizerPattern): RegExp {
  return new RegExp(p.js, 'gu');
}

/** Splits text into pre-tokenized words, in order; their concatenation is the input. */
export function pretokenize(text: string, p: PretokenizerPattern = PRETOKENIZERS.gpt2): string[] {
  return text.match(compilePattern(p)) ?? [];
}
