/**
 * Atomic file writes: temp file beside the target, fsync, rename, fsync of the directory. Readers see the old
 * content or the whole new content, never a part, and a renamed file survives power loss.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { threadId } from 'node:worker_threads';

/** One string or byte array, or several written in order (large parts are not concatenated first). */
export type FileContent = string | Uint8Array | readonly (string | Uint8Array)[];

function partsOf(data: FileContent): readonly (string | Uint8Array)[] {
  return typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
}

/**
 * A temp name beside `path` (same filesystem, so rename is atomic); ignored by readers and resume. It names
 * the process, and in a worker thread the thread too, so two writers of one path never share a temp file.
 */
export function tempPathFor(path: string): string {
  const owner = threadId === 0 ? `${process.pid}` : `${process.pid}.${threadId}`;
  return join(dirname(path), `.${basename(path)}.${owner}.tmp`);
}

/** fsyncs a directory so a rename inside it survives power loss. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  } finally {
    await fh.close();
  }
}

/** Writes a file so readers see either the old content or the whole new content, never a part. */
export async function writeFileAtomic(path: string, data: FileContent): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    const fh = await open(tmp, 'w');
    try {
      // Each writeFile continues at the handle's position, so the parts follow one another.
      for (const part of partsOf(data)) await fh.writeFile(part);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await syncDir(dirname(path));
}

/** JSON with a trailing newline, written atomically. */
export function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  return writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/** writeFileAtomic for synchronous callers (a cache filled inside a constructor, a sync API). */
export function writeFileAtomicSync(path: string, data: FileContent): void {
  const tmp = tempPathFor(path);
  try {
    const fd = openSync(tmp, 'w');
    try {
      for (const part of partsOf(data)) writeFileSync(fd, part);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  let dirFd: number | undefined;
  try {
    dirFd = openSync(dirname(path), 'r');
    fsyncSync(dirFd);
  } catch {
    // as in syncDir
  } finally {
    if (dirFd !== undefined) closeSync(dirFd);
  }
}
