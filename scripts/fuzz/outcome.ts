// What a fuzz case may end in: valid documents, or one clean user-facing error. Anything else is a finding.
import type { Document } from '../../core/document.js';
import { isUserError } from '../../core/errors.js';

/** A broken property: the input made the code do something other than yield valid output or fail cleanly. */
export class FuzzViolation extends Error {
  override readonly name = 'FuzzViolation';
}

/** Error classes a target accepts besides UserError (the CLI turns them into UserError), by `name`. */
export type CleanErrorNames = readonly string[];

/**
 * Checks a thrown value: a UserError (or an accepted class) with a non-empty one-line message is a clean
 * failure; anything else (TypeError, RangeError, a wasm trap, a multi-line message) is a violation.
 */
export function expectCleanError(e: unknown, accepted: CleanErrorNames = []): string {
  if (e instanceof FuzzViolation) throw e;
  const clean = isUserError(e) || (e instanceof Error && accepted.includes(e.name));
  if (!clean) {
    const err = e as Error;
    const first = String(err?.stack ?? e).split('\n').slice(0, 4).join(' | ');
    throw new FuzzViolation(`unexpected ${err?.name ?? typeof e}: ${first}`);
  }
  const message = (e as Error).message;
  if (message === '' || message.includes('\n')) throw new FuzzViolation(`${(e as Error).name} message is not one line: ${JSON.stringify(message.slice(0, 300))}`);
  return message;
}

/** Runs `work`; returns its value, or the clean error's message; throws FuzzViolation otherwise. */
export async function settle<T>(work: () => Promise<T>, accepted: CleanErrorNames = []): Promise<{ value: T } | { error: string }> {
  try {
    return { value: await work() };
  } catch (e) {
    return { error: expectCleanError(e, accepted) };
  }
}

/** A document as every reader must produce it (core/document.ts). */
export function checkDocument(doc: Document, where: string): void {
  const bad = (why: string) => new FuzzViolation(`${where}: invalid document (${why}): ${JSON.stringify(doc).slice(0, 200)}`);
  if (doc === null || typeof doc !== 'object') throw bad('not an object');
  if (typeof doc.id !== 'string' || doc.id === '') throw bad('id');
  if (typeof doc.text !== 'string') throw bad('text');
  if (typeof doc.source !== 'string' || doc.source === '') throw bad('source');
  if (doc.url !== undefined && typeof doc.url !== 'string') throw bad('url');
  if (doc.lang !== undefined && typeof doc.lang !== 'string') throw bad('lang');
  if (doc.langScore !== undefined && typeof doc.langScore !== 'number') throw bad('langScore');
  if (doc.metadata === null || typeof doc.metadata !== 'object' || Array.isArray(doc.metadata)) throw bad('metadata');
}

/**
 * Drains a reader: every document valid, their text within `maxTextChars` in all (memory bounded by the
 * input, not by what a header claims). Returns the documents, or the clean error's message.
 */
export async function drainReader(
  read: () => AsyncIterable<Document>,
  where: string,
  maxTextChars: number,
  accepted: CleanErrorNames = [],
): Promise<{ docs: Document[]; error?: string }> {
  const docs: Document[] = [];
  let chars = 0;
  const out = await settle(async () => {
    for await (const doc of read()) {
      checkDocument(doc, where);
      chars += doc.text.length;
      if (chars > maxTextChars) throw new FuzzViolation(`${where}: ${chars} characters of text from an input that holds at most ${maxTextChars}`);
      docs.push(doc);
    }
  }, accepted);
  return 'error' in out ? { docs, error: out.error } : { docs };
}
