// The labelled regex corpus of bench/redos-checkers.ts: known-vulnerable regexes (textbook cases, real CVEs and
// outages) and known-safe but tricky ones, each with hand-built attack strings (or worst-case probes for the safe).

export type Label = 'vulnerable' | 'safe';
/** An attack string: `prefix + pump.repeat(k) + suffix`, pumped k times (several pumps for polynomial attacks). */
export interface Attack {
  pumps: { prefix: string; pump: string }[];
  suffix: string;
}
export interface Entry {
  id: string;
  source: string;
  flags: string;
  label: Label;
  note: string;
  /** Hand-built attacks: for a vulnerable entry the known attack; for a safe entry, worst-case probes. */
  attacks: Attack[];
}

export const a1 = (prefix: string, pump: string, suffix: string): Attack => ({ pumps: [{ prefix, pump }], suffix });

// The pre-tokenizers as JavaScript runs them (contractions spelled out instead of Rust's `(?i:...)`).
const GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
const CONTRACTIONS = "'[sS\\u017F]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD]";
const CL100K =
  `(?:${CONTRACTIONS})|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*` +
  '|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+';
const O200K = [
  `[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?:${CONTRACTIONS})?`,
  `[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?:${CONTRACTIONS})?`,
  '\\p{N}{1,3}',
  ' ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*',
  '\\s*[\\r\\n]+',
  '\\s+(?!\\S)',
  '\\s+',
].join('|');
/** Probes for the pre-tokenizers: long runs of each character class, ended by something of another class. */
const PRETOKENIZER_PROBES = [
  a1('', ' ', 'x'),
  a1('', ' ', ''),
  a1('', '\n', 'x'),
  a1('', ' \n', 'x'),
  a1('', '\t ', '!'),
  a1('', 'a', '1'),
  a1('', 'é', "'"),
  a1('', 'Aa', '!'),
  a1('', '1', 'a'),
  a1('', '!', '\n'),
  a1('', " '", 'x'),
];

export const CORPUS: Entry[] = [
  // ---- known vulnerable ----
  { id: 'V01', source: '^(a+)+$', flags: '', label: 'vulnerable', note: 'nested quantifier (textbook)', attacks: [a1('', 'a', '!')] },
  { id: 'V02', source: '(a|a)*b', flags: '', label: 'vulnerable', note: 'identical alternatives under *', attacks: [a1('', 'a', '')] },
  { id: 'V03', source: '^(\\w+\\s?)*$', flags: '', label: 'vulnerable', note: 'words with optional separator (OWASP)', attacks: [a1('', 'a', '!')] },
  { id: 'V04', source: '(\\d+)*x', flags: '', label: 'vulnerable', note: 'nested quantifier, unanchored', attacks: [a1('', '1', '')] },
  { id: 'V05', source: '^(?:\\w|\\d)+$', flags: '', label: 'vulnerable', note: 'overlapping alternatives (\\d within \\w)', attacks: [a1('', '1', '!')] },
  { id: 'V06', source: '^(a|aa)+$', flags: '', label: 'vulnerable', note: 'overlapping alternatives of different length', attacks: [a1('', 'a', '!')] },
  {
    id: 'V07',
    source:
      '^([a-zA-Z0-9])(([\\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$',
    flags: '',
    label: 'vulnerable',
    note: 'OWASP ReDoS example: e-mail validation',
    attacks: [a1('a', 'a', '!')],
  },
  { id: 'V08', source: '^(.*,)+(.+)?$', flags: '', label: 'vulnerable', note: 'brace-expansion CVE-2017-18077', attacks: [a1('', ',', '\n')] },
  { id: 'V09', source: '^(.*?,){11}P', flags: '', label: 'vulnerable', note: 'CSV field skip, polynomial of degree 11', attacks: [a1('', ',', '')] },
  {
    id: 'V10',
    source:
      '^((?:\\d+)?\\.?\\d+) *(milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|years?|yrs?|y)?$',
    flags: 'i',
    label: 'vulnerable',
    note: 'ms CVE-2015-8315',
    attacks: [a1('', '1', '!')],
  },
  {
    id: 'V11',
    source: "[0-9]*['a-z\\u00A0-\\u05FF\\u0700-\\uD7FF\\uFF07\\uFF10-\\uFFEF]+|[\\u0600-\\u06FF\\/]+(\\s*?[\\u0600-\\u06FF]+){1,2}",
    flags: 'i',
    label: 'vulnerable',
    note: 'moment CVE-2017-18214 (matchWord)',
    attacks: [a1('', '1', '!')],
  },
  { id: 'V12', source: '^[\\s\\u200c]+|[\\s\\u200c]+$', flags: '', label: 'vulnerable', note: 'Stack Overflow outage 2016 (trim)', attacks: [a1('x', ' ', 'x')] },
  { id: 'V13', source: ' *, *', flags: '', label: 'vulnerable', note: 'fresh CVE-2017-16119 (header token list split)', attacks: [a1('', ' ', 'x')] },
  { id: 'V14', source: '.*[\\.\\/\\\\]', flags: '', label: 'vulnerable', note: 'mime CVE-2017-16138 (extension strip)', attacks: [a1('', 'a', '')] },
  { id: 'V15', source: '^(([^=;]+))\\s*=\\s*([^\\n\\r\\0]*)', flags: '', label: 'vulnerable', note: 'tough-cookie CVE-2017-15010 (cookie pair)', attacks: [a1('x', ' ', 'x')] },
  { id: 'V16', source: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$', flags: '', label: 'vulnerable', note: 'the common "simple" e-mail check', attacks: [a1('a@', '.', '@')] },
  { id: 'V17', source: '.*(?:.*=.*)', flags: '', label: 'vulnerable', note: 'Cloudflare outage 2019 (core of the WAF rule)', attacks: [a1('', 'x', '')] },
  { id: 'V18', source: '[\\w.+-]+@[\\w-]+\\.[\\w.-]+', flags: 'g', label: 'vulnerable', note: 'unanchored e-mail finder (PII scrubbers)', attacks: [a1('', 'a', '')] },
  { id: 'V19', source: '^"(?:[^"\\\\]+|\\\\.)*"$', flags: '', label: 'vulnerable', note: 'quoted string with a nested + (JSON-ish)', attacks: [a1('"', 'a', '')] },
  // Written as a safe case; recheck's attack ("µ\tAµ\tÀ" repeated) showed it quadratic: \b is ASCII-only even with
  // the u flag, so after a non-ASCII lower-case letter the final \b fails and every start position rescans the run.
  { id: 'V20', source: '\\b\\p{Lu}\\p{Ll}+(?:\\s+\\p{Lu}\\p{Ll}+)*\\b', flags: 'gu', label: 'vulnerable', note: 'capitalised phrase (\\b is ASCII-only)', attacks: [a1('', 'µ\tAµ\tÀ', '')] },
  // ---- known safe, tricky ----
  { id: 'S01', source: '^\\p{L}+$', flags: 'u', label: 'safe', note: 'Unicode property class', attacks: [a1('', 'é', '1')] },
  { id: 'S02', source: GPT2, flags: 'gu', label: 'safe', note: 'GPT-2 pre-tokenizer', attacks: PRETOKENIZER_PROBES },
  { id: 'S03', source: CL100K, flags: 'gu', label: 'safe', note: 'cl100k pre-tokenizer', attacks: PRETOKENIZER_PROBES },
  { id: 'S04', source: O200K, flags: 'gu', label: 'safe', note: 'o200k pre-tokenizer', attacks: PRETOKENIZER_PROBES },
  {
    id: 'S05',
    source: '[\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}]+',
    flags: 'gu',
    label: 'safe',
    note: 'script property classes',
    attacks: [a1('', '漢', 'a')],
  },
  {
    id: 'S06',
    source: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:\\d{2})$',
    flags: '',
    label: 'safe',
    note: 'ISO timestamp',
    attacks: [a1('2024-01-01T00:00:00.', '1', 'x')],
  },
  { id: 'S07', source: '^(?:[a-z0-9-]+\\.)*[a-z0-9-]+$', flags: 'i', label: 'safe', note: 'host name: nested quantifier, separator makes it unambiguous', attacks: [a1('', 'a.', '!'), a1('', 'a', '!')] },
  { id: 'S08', source: '^"(?:[^"\\\\]|\\\\.)*"$', flags: '', label: 'safe', note: 'quoted string, disjoint alternatives', attacks: [a1('"', 'a', ''), a1('"', '\\a', '')] },
  { id: 'S09', source: '^(?=.*\\d)(?=.*[a-z])(?=.*[A-Z]).{8,64}$', flags: '', label: 'safe', note: 'password rule: anchored lookaheads', attacks: [a1('', 'a', '')] },
  { id: 'S10', source: '(?<=\\s)\\p{Lu}\\p{Ll}+', flags: 'gu', label: 'safe', note: 'lookbehind', attacks: [a1('', ' A', ''), a1(' A', 'b', '')] },
  { id: 'S11', source: '^(\\w+)\\s+\\1$', flags: '', label: 'safe', note: 'back-reference, anchored', attacks: [a1('', 'a', ' b'), a1('a', ' ', 'b')] },
  { id: 'S12', source: '^https?:\\/\\/[^\\s/$.?#].[^\\s]*$', flags: 'i', label: 'safe', note: 'URL check, anchored', attacks: [a1('http://a', 'b', ' ')] },
  {
    id: 'S13',
    source: "[\\p{L}\\p{M}\\p{N}]+(?:['’\\-][\\p{L}\\p{M}\\p{N}]+|[.,]\\p{N}+)*|\\.\\.\\.|[^\\s\\p{L}\\p{M}\\p{N}]",
    flags: 'gu',
    label: 'safe',
    note: 'word tokenizer: nested quantifier with separators',
    attacks: [a1('', 'a-', ''), a1('', '1.', ''), a1('', 'a', '-')],
  },
  { id: 'S14', source: '^[ \\t]*$', flags: 'gm', label: 'safe', note: 'blank line, multiline anchors', attacks: [a1('', ' ', 'x'), a1('', ' \n', 'x')] },
  { id: 'S15', source: '(?:^|,)(?:"(?:[^"]|"")*"|[^,]*)', flags: 'g', label: 'safe', note: 'CSV field', attacks: [a1('"', 'a', ''), a1('', '""', '')] },
  { id: 'S16', source: '[\\u00C2-\\u00F4][\\u0080-\\u00BF]{1,3}', flags: 'g', label: 'safe', note: 'bounded repetition (mojibake)', attacks: [a1('', '\u00C3', '')] },
  {
    id: 'S17',
    source: '^[a-z][a-z0-9+.-]*:\\/\\/[^\\s/?#]+(?:[/?#]\\S*)?$',
    flags: 'i',
    label: 'safe',
    note: 'URL, anchored, overlapping classes split by a required character',
    attacks: [a1('http://', 'a', ' '), a1('http://a', '/', ' '), a1('', 'a', ':')],
  },
];
