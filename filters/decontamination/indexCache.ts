/**
 * One evaluation index per process, built once on the coordinator and shared with the worker threads.
 *
 * The coordinator builds it (step `prepare`, before the worker pool starts) into SharedArrayBuffers and
 * publishes it with worker_threads.setEnvironmentData: every worker thread started afterwards receives
 * the same memory, without reading an evaluation file or copying a table. Entries are keyed by the
 * options that shape the index; prepare rebuilds an entry when a file under it changed (size or mtime).
 */
import { stat } from 'node:fs/promises';
import { getEnvironmentData, setEnvironmentData } from 'node:worker_threads';
import { buildEvalIndex, EvalIndex, type EvalIndexParts } from './evalIndex.js';
import { evalFiles } from './evalItems.js';
import type { DecontaminateOptions } from './options.js';

const ENV_PREFIX = 'corpusforge:decontaminate:';
/** Indexes kept at once: a process running several runs one after another keeps the last few. */
const MAX_ENTRIES = 3;

interface Entry {
  files: string;
  index: EvalIndex;
}

const cache = new Map<string, Entry>();

/** The options that shape the index (the mode does not), as a key. */
export function indexKey(o: DecontaminateOptions): string {
  return JSON.stringify([o.sets.map((s) => [s.name, s.paths, s.fields, s.idField ?? null]), o.ngram, o.minWords]);
}

async function filesKey(o: DecontaminateOptions): Promise<string> {
  const out: unknown[] = [];
  for (const set of o.sets) {
    for (const f of await evalFiles(set)) {
      const s = await stat(f.path);
      out.push([f.path, s.size, s.mtimeMs]);
    }
  }
  return JSON.stringify(out);
}

function remember(key: string, entry: Entry): void {
  cache.delete(key);
  cache.set(key, entry);
  setEnvironmentData(ENV_PREFIX + key, { files: entry.files, parts: entry.index.parts });
  while (cache.size > MAX_ENTRIES) {
    const oldest = cache.keys().next().value!;
    cache.delete(oldest);
    setEnvironmentData(ENV_PREFIX + oldest, undefined);
  }
}

/** Builds the index of these options unless this process holds it already for the same files. */
export async function prepareEvalIndex(o: DecontaminateOptions): Promise<EvalIndex> {
  const key = indexKey(o);
  const files = await filesKey(o);
  const held = cache.get(key);
  if (held && held.files === files) return held.index;
  const index = await buildEvalIndex(o);
  remember(key, { files, index });
  return index;
}

/** The index prepared for these options: this thread's, else the one the coordinator published. */
export function preparedEvalIndex(o: DecontaminateOptions): EvalIndex {
  const key = indexKey(o);
  const held = cache.get(key);
  if (held) return held.index;
  const shared = getEnvironmentData(ENV_PREFIX + key) as { files: string; parts: EvalIndexParts } | undefined;
  if (!shared) throw new Error("decontaminate: the evaluation index was not prepared (curate prepares it before the workers start; a direct caller awaits the step's prepare)");
  const index = new EvalIndex(shared.parts);
  cache.set(key, { files: shared.files, index });
  return index;
}
