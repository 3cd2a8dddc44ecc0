/**
 * An append-only JSONL journal, one fsynced line per commit: the record a resumable run trusts. A line is
 * appended only after the files it names are in place, so a file the journal does not list is a leftover.
 */
import { open, readFile } from 'node:fs/promises';

/**
 * The journal's entries in order, or undefined when there is no journal yet. A torn last line (a crash
 * mid-append) ends the list: nothing it described was committed.
 */
export async function readJournal<T>(path: string): Promise<T[] | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const entries: T[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      entries.push(JSON.parse(line) as T);
    } catch {
      break;
    }
  }
  return entries;
}

/** Appends one entry and fsyncs it before returning, so a committed entry survives a crash. */
export async function appendJournal(path: string, entry: unknown): Promise<void> {
  const fh = await open(path, 'a');
  try {
    await fh.write(JSON.stringify(entry) + '\n');
    await fh.sync();
  } finally {
    await fh.close();
  }
}
