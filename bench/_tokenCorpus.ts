// Benchmark corpora of real text available offline (shared by bench/tokenizer.ts and bench/tokenize.ts): the
// Markdown and .d.ts files shipped in node_modules, and UDHR paragraphs, as JSONL documents.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

async function filesUnder(dir: string, exts: string[], out: string[] = []): Promise<string[]> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await filesUnder(p, exts, out);
    else if (exts.some((x) => e.name.endsWith(x))) out.push(p);
  }
  return out;
}

/** English prose and code from node_modules (Markdown docs, then type declarations), in sorted file order. */
export async function nodeModulesText(maxBytes: number): Promise<string> {
  const root = fileURLToPath(new URL('../node_modules/', import.meta.url));
  const files = [...(await filesUnder(root, ['.md'])).sort(), ...(await filesUnder(root, ['.d.ts'])).sort()];
  const parts: string[] = [];
  let bytes = 0;
  for (const f of files) {
    if (f.includes('/udhr/')) continue;
    // '<|' is broken up so special-token strings in docs stay plain text for every encoder (some throw).
    const t = (await readFile(f, 'utf8')).replaceAll('<|', '< |');
    parts.push(t);
    bytes += Buffer.byteLength(t);
    if (bytes >= maxBytes) break;
  }
  return parts.join('\n');
}

/** Writes documents to a JSONL file (streamed, with back-pressure); returns the text bytes written. */
export async function writeJsonl(path: string, docs: Iterable<{ id: string; text: string }>): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  for (const d of docs) {
    bytes += Buffer.byteLength(d.text);
    if (!out.write(JSON.stringify(d) + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}

/** Documents of at most ~16k characters: paragraphs, long ones cut at line ends (UDHR texts have no blank lines). */
export function documentsOf(text: string): string[] {
  const docs: string[] = [];
  for (const p of text.split(/\n\s*\n/)) {
    if (!p.trim()) continue;
    let cur = '';
    for (const line of p.split('\n')) {
      if (cur.length + line.length > 16_000 && cur) {
        docs.push(cur);
        cur = '';
      }
      cur += (cur ? '\n' : '') + line;
    }
    if (cur.trim()) docs.push(cur);
  }
  return docs;
}

/** Documents of `text` repeated until `targetBytes`; each repetition tags its documents so they differ. */
export function* scaledParagraphs(text: string, targetBytes: number): Generator<{ id: string; text: string }> {
  const paragraphs = documentsOf(text);
  let bytes = 0;
  for (let rep = 0; bytes < targetBytes; rep++) {
    for (let i = 0; i < paragraphs.length && bytes < targetBytes; i++) {
      const t = rep ? `${paragraphs[i]} (${rep})` : paragraphs[i]!;
      bytes += Buffer.byteLength(t);
      yield { id: `${rep}-${i}`, text: t };
    }
  }
}

export function table(headers: string[], rows: (string | number)[][]): string {
  const lines = [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}
