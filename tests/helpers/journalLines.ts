import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Commits a curate run in `out` has journaled so far (0 before its first). */
export async function journalLines(out: string): Promise<number> {
  const text = await readFile(join(out, 'state', 'journal.jsonl'), 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).length;
}
