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
  let m: { kind?: unknown; complete?: unknown; shards?: unknown } | null;
  try {
    m = JSON.parse(text);
  } catch {
    throw new UserError(`${join(dir, 'manifest.json')}: not valid JSON`);
  }
  if (m === null || typeof m !== 'object' || m.kind !== 'docs' || !Array.isArray(m.shards)) return undefined;
  if (m.complete === false) throw new UserError(`${dir}: the curate run that wrote it has not finished (resume it with --resume)`);
  return m.shards.map((s: unknown, i) => {
    const file = s !== null && typeof s === 'object' ? (s as { file?: unknown }).file : undefined;
    // A shard is a file name inside the folder, as curate writes it.
    if (typeof file !== 'string' || file === '' || /[/\\]/.test(file) || file === '..' || file === '.') {
      throw new UserError(`${join(dir, 'manifest.json')}: shards[${i}] does not name a shard file in the folder`);
    }
    return file;
  });
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
    const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
      // A shard a manifest lists but the folder lacks, or a file gone since the folder was listed.
      throw new UserError(`${path}: ${e.code === 'ENOENT' ? 'no such file' : `cannot read (${e.code ?? e.message})`}`);
    });
    files.push({ path, format, bytes: st.size });
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
