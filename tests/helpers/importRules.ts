// The import rule of docs/architecture.md as a table, and the check of a source tree against it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { importSpecifiers } from './moduleImports.js';

/** Top-level folders of the project; '.' is the root itself (index.ts, package.json). */
const FOLDERS = ['.', 'bin', 'core', 'datasets', 'filters', 'tokenizer', 'trainer', 'crawler', 'pipelines', 'cli', 'scripts', 'bench', 'tests'] as const;

const allBut = (...excluded: string[]) => FOLDERS.filter((f) => !excluded.includes(f));

/**
 * Folder -> what its files may import besides their own folder: whole folders, or single files where only
 * one file of a folder is allowed (the executor knows the step registry, never a step).
 */
export const IMPORT_RULES: Readonly<Record<string, readonly string[]>> = {
  core: [],
  datasets: ['core'],
  filters: ['core', 'datasets'],
  tokenizer: ['core', 'datasets'],
  trainer: ['core', 'datasets', 'tokenizer'],
  crawler: ['core', 'datasets'],
  pipelines: ['core', 'datasets', 'filters/registry.ts'],
  cli: allBut('bench', 'tests'),
  '.': allBut('bench', 'tests'),
  bin: allBut('bench', 'tests'),
  scripts: allBut('bench', 'tests'),
  bench: allBut('tests'),
  tests: allBut('bench'),
};

export interface ImportViolation {
  /** The importing file, relative to the project root. */
  from: string;
  /** The imported file (relative to the root) or the bare specifier that left the project. */
  to: string;
  why: string;
}

const CODE_FILE = /\.(ts|mts|cts|js|mjs|cjs)$/;
const withoutExtension = (path: string) => path.replace(CODE_FILE, '');

/** How a table entry reads in messages: '.' is the root's own files. */
const label = (entry: string) => (entry === '.' ? '(root files)' : entry);

function folderOf(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? '.' : path.slice(0, slash);
}

/** Whether `target` (a root-relative path) is one of the entries: inside an allowed folder, or an allowed file. */
function allowedBy(entries: readonly string[], target: string): boolean {
  const folder = folderOf(target);
  return entries.some((e) => (CODE_FILE.test(e) ? withoutExtension(e) === withoutExtension(target) : e === folder));
}

/** The arrows of a tree (root-relative path -> source text) that IMPORT_RULES does not allow. */
export function importViolations(files: ReadonlyMap<string, string>, rules: Readonly<Record<string, readonly string[]>> = IMPORT_RULES): ImportViolation[] {
  const out: ImportViolation[] = [];
  for (const [from, source] of files) {
    const folder = folderOf(from);
    const allowed = rules[folder];
    for (const spec of importSpecifiers(source)) {
      if (!spec.startsWith('.')) continue; // a package, not a folder of ours
      const to = posix.normalize(posix.join(posix.dirname(from), spec));
      if (to.startsWith('..')) out.push({ from, to: spec, why: 'imports from outside the project' });
      else if (allowed === undefined) out.push({ from, to, why: `no rule for folder ${folder}/: add it to IMPORT_RULES` });
      else if (folderOf(to) !== folder && !allowedBy(allowed, to)) {
        out.push({ from, to, why: `${label(folder)} may import only ${allowed.length ? allowed.map(label).join(', ') : 'nothing of ours'}` });
      }
    }
  }
  return out;
}

/** Every source file under the root (node_modules and dot folders skipped), root-relative path -> text. */
export function readSourceTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  // Top-level folders .gitignore names (`out/`, `demo-out/`): scratch and output, not the project's code.
  const ignored = new Set(
    (existsSync(posix.join(root, '.gitignore')) ? readFileSync(posix.join(root, '.gitignore'), 'utf8') : '')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^\/?[\w.-]+\/$/.test(l))
      .map((l) => l.replace(/^\//, '').slice(0, -1)),
  );
  const walk = (dir: string) => {
    for (const entry of readdirSync(posix.join(root, dir), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.') || (!dir && ignored.has(entry.name))) continue;
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && CODE_FILE.test(entry.name) && !entry.name.endsWith('.d.ts')) files.set(path, readFileSync(posix.join(root, path), 'utf8'));
    }
  };
  walk('');
  return files;
}

/** The table as text, for failure messages. */
export function formatImportRules(rules: Readonly<Record<string, readonly string[]>> = IMPORT_RULES): string {
  return Object.entries(rules).map(([folder, allowed]) => `  ${label(folder)} -> ${allowed.length ? allowed.map(label).join(', ') : '(nothing of ours)'}`).join('\n');
}
