// Text builders for the quality-filter and line-helper tests: exact word counts and lengths by construction, seeded random texts.
import { udhrParagraphs } from './udhrText.js';

/** n distinct 5-letter words made of letters only, none of them an English stop word. */
export function distinctWords(n: number, offset = 0): string[] {
  const a = 'bcdfghjklmnpqrstvwxz';
  const out: string[] = [];
  for (let i = offset; i < offset + n; i++) {
    let k = i;
    let w = '';
    for (let j = 0; j < 4; j++) {
      w += a[k % a.length];
      k = Math.floor(k / a.length);
    }
    out.push(`${w}o`);
  }
  return out;
}

/** A sentence of exactly n content words (two of them Gopher stop words) and a final period. */
export function sentence(n: number, offset = 0): string {
  const words = distinctWords(n - 2, offset);
  return ['the', ...words.slice(0, 1), 'and', ...words.slice(1)].join(' ') + '.';
}

/** UDHR article paragraphs (not the preamble), one per line. */
export function udhrArticles(file: string, from = 10, to = 40): string[] {
  return udhrParagraphs(file).slice(from, to);
}

/** `count` seeded random texts of repeated lines, odd spaces and newline runs (the same texts on every call). */
export function randomLineTexts(count: number): string[] {
  let seed = 21;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const pieces = ['Same line.', 'Same line.', 'Other words here!', '短い行。', '  ', ' ', '\t', '\u00a0', '\u3000', '\n', '\n', '\n\n', '\n\n\n', '\r', 'x', 'A much longer line that goes on and on past thirty characters.', '"quoted"', '...', '- item', '😀'];
  return Array.from({ length: count }, () => Array.from({ length: Math.floor(rand() * 30) }, () => pieces[Math.floor(rand() * pieces.length)]!).join(''));
}
