import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { glob } from 'tinyglobby';
import { UserError } from '../core/errors.js';

export type InputFormat = 'jsonl' | 'jsonl.gz' | 'parquet' | 'text' | 'html' | 'warc' | 'warc.gz';

/** One input file, resolved from a path, folder or glob, with the format its name says. */
export interface InputFile {
  path: string;
  format: InputFormat;
  bytes: number;
}

const SUFFIXES: [string, InputFormat][] = [
  ['.jsonl.gz', 'jsonl.gz'],
  ['.json.gz', 'jsonl.gz'],
  ['.ndjson.gz', 'jsonl.gz'],
  ['.warc.gz', 'warc.gz'],
  ['.jsonl', 'jsonl'],
  ['.ndjson', 'jsonl'],
  ['.parquet', 'parquet'],
  ['.txt', 'text'],
  ['.html', 'html'],
  ['.htm', 'html'],
  ['.warc', 'warc'],
];

/** The format a file name implies, or undefined when corpusforge cannot read it. */
export function formatOf(path: string): InputFormat | undefined {
  const lower = path.toLowerCase();
  return SUFFIXES.find(([suffix]) => lower.endsWith(suffix))?.[1];
}

/**
 * A folder written by `curate` is read through its manifest: exactly the finished shards, in order,
 * never the journal, reports or leftovers beside them. Undefined for other folders.
 */
async function manifestShards(dir: string): Promise<string[] | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, 'manifest.json'), 'utf8');
  } catch {
    return undefined;
  }
  let m: { kind?: string; complete?: boolean; shards?: { file: string }[] };
  try {
    m = JSON.parse(text);
  } catch {
    throw new UserError(`${join(dir, 'manifest.json')}: not valid JSON`);
  }
  if (m.kind !== 'docs' || !Array.isArray(m.shards)) return undefined;
  if (m.complete === false) throw new UserError(`${dir}: the curate run that wrote it has not finished (resume it with --resume)`);
  return m.shards.map((s) => s.file);
}

const GLOB_CHARS = /[*?[\]{}]/;

/**
 * Expands paths, folders (recursively) and globs into a sorted, de-duplicated list of readable files.
 * Sorting makes task order, and therefore shard contents, independent of directory listing order.
 * A path that matches nothing is an error: silently curating nothing hides typos.
 */
export async function expandInputs(paths: string[]): Promise<InputFile[]> {
  if (paths.length === 0) throw new UserError('no --input given');
  const seen = new Set<string>();
  const files: InputFile[] = [];
  const add = async (path: string, explicit: boolean) => {
    if (seen.has(path)) return;
    const format = formatOf(path);
    if (!format) {
      if (explicit) throw new UserError(`${path}: unsupported input type (expected .jsonl, .jsonl.gz, .parquet, .txt, .html, .warc, .warc.gz)`);
      return;
    }
    seen.add(path);
    files.push({ path, format, bytes: (await stat(path)).size });
  };
  for (const p of paths) {
    if (GLOB_CHARS.test(p)) {
      const matches = (await glob(p, { onlyFiles: true, absolute: false, expandDirectories: false })).sort();
      if (matches.length === 0) throw new UserError(`${p}: the pattern matches no files`);
      for (const m of matches) await add(m, false);
      continue;
    }
    const st = await stat(p).catch(() => undefined);
    if (!st) throw new UserError(`${p}: no such file or directory`);
    if (st.isDirectory()) {
      const shards = await manifestShards(p);
      if (shards) {
        for (const f of shards) await add(join(p, f), true);
        continue;
      }
      const inside = (await glob('**/*', { cwd: p, onlyFiles: true, absolute: false })).sort();
      const before = files.length;
      let end = p.length; // the folder as given, less trailing slashes (a loop: /\/+$/ is quadratic)
      while (end > 0 && p.charCodeAt(end - 1) === 0x2f) end--;
      for (const m of inside) await add(`${p.slice(0, end)}/${m}`, false);
      if (files.length === before) throw new UserError(`${p}: the folder holds no readable input files`);
    } else {
      await add(p, true);
    }
  }
  return files;
}
