/**
 * One writer per output folder. A run holds a lock in its output folder for as long as it writes there, so a
 * second process on the same folder (a scheduler's retry while the first attempt still runs, a user's second
 * `--resume`) is refused with one clear error instead of interleaving journal lines and state deltas.
 *
 * The lock is proper-lockfile's: a directory created with mkdir (atomic on local and network filesystems) whose
 * mtime the owner refreshes as a heartbeat. A lock whose heartbeat is older than `staleMs` belongs to a process
 * that is gone (kill -9, a lost host) and is taken over. Beside it, `<lock>.owner.json` names the owner (host,
 * pid, command, start time) for the error message (proper-lockfile removes its lock with rmdir, so the
 * directory stays empty); when that owner is on this host and no longer running, the lock is taken over at
 * once, so a rerun after kill -9 or the OOM killer just works.
 */
import { mkdir, readFile, rm, stat, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { UserError } from './errors.js';
import { writeJsonAtomic } from './atomicFile.js';

export interface OutputLockOptions {
  /** Distinguishes locks that share a folder, e.g. `r3` for rank 3 of a split run (each rank owns its files). */
  name?: string;
  /** What the owner is doing, shown to a refused process (e.g. `corpusforge curate`). */
  command?: string;
  /** Heartbeat age after which the lock is taken over; default CORPUSFORGE_LOCK_STALE_MS or 30 s (min 5 s). */
  staleMs?: number;
  /** Told when the lock of a dead owner on this host is taken over. */
  onTakeover?: (message: string) => void;
}

export interface OutputLock {
  /** Throws UserError when the lock was lost (taken over after a stalled heartbeat): stop before committing. */
  assertHeld(): void;
  release(): Promise<void>;
}

interface Owner {
  host: string;
  pid: number;
  command: string;
  started: string;
}

/** The lock's directory inside `dir` (readers and resume must leave it alone). */
export function outputLockPath(dir: string, name?: string): string {
  return join(dir, name ? `.corpusforge-lock-${name}` : '.corpusforge-lock');
}

/** True for paths an output folder's cleanup must skip. */
export function isOutputLockName(file: string): boolean {
  return file.startsWith('.corpusforge-lock');
}

function defaultStaleMs(): number {
  const env = Number(process.env.CORPUSFORGE_LOCK_STALE_MS);
  return Math.max(5000, Number.isFinite(env) && env > 0 ? env : 30_000);
}

function isRunningHere(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The owner the lock's owner file names, and whether that file belongs to the lock as it is now: an owner file
 * older than the lock directory (birth time, where the filesystem keeps one) is an earlier holder's, left
 * between a new holder's mkdir and its owner write.
 */
async function readOwner(lockDir: string): Promise<{ owner: Owner; current: boolean } | undefined> {
  try {
    const file = `${lockDir}.owner.json`;
    const [dir, meta, text] = await Promise.all([stat(lockDir), stat(file), readFile(file, 'utf8')]);
    return { owner: JSON.parse(text) as Owner, current: dir.birthtimeMs > 0 && meta.mtimeMs + 1 >= dir.birthtimeMs };
  } catch {
    return undefined; // no lock, or the winner has not written its owner file yet
  }
}

async function heartbeatAgeMs(lockDir: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(lockDir)).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * Acquires the output lock of `dir` (created if missing). Throws UserError naming the owner while another live
 * process holds it.
 */
export async function lockOutput(dir: string, options: OutputLockOptions = {}): Promise<OutputLock> {
  await mkdir(dir, { recursive: true });
  const lockDir = outputLockPath(dir, options.name);
  const stale = Math.max(5000, options.staleMs ?? defaultStaleMs());
  let lost: Error | undefined;
  let tookOver = false;
  for (;;) {
    try {
      // Keyed by the lock's own path: proper-lockfile keeps one registry entry per locked path in a process, so
      // two named locks of one folder (ranks, or tokenize beside train) must not share a key.
      const release = await lockfile.lock(lockDir, {
        lockfilePath: lockDir,
        realpath: false,
        stale,
        onCompromised: (e) => {
          lost = e;
        },
      });
      const owner: Owner = { host: hostname(), pid: process.pid, command: options.command ?? 'corpusforge', started: new Date().toISOString() };
      await writeJsonAtomic(`${lockDir}.owner.json`, owner);
      return {
        assertHeld() {
          if (lost) throw new UserError(`${dir}: lost the output lock (${lost.message}); another process may be writing here, stopping before the next commit`);
        },
        async release() {
          if (lost) return;
          await rm(`${lockDir}.owner.json`, { force: true });
          await release().catch(() => undefined);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
    }
    const found = await readOwner(lockDir);
    const age = await heartbeatAgeMs(lockDir);
    if (age === undefined) continue; // released between our attempt and the look: try again
    const owner = found?.owner;
    if (found?.current && owner && owner.host === hostname() && !isRunningHere(owner.pid) && !tookOver) {
      // Its owner died on this host (kill -9, the OOM killer): age the heartbeat so the lock counts as stale
      // now rather than staleMs from now. Should two processes race here, the loser's heartbeat notices the
      // takeover and assertHeld() stops it before its next commit.
      options.onTakeover?.(`${dir}: taking over the output lock of pid ${owner.pid}, which is no longer running`);
      tookOver = true;
      await utimes(lockDir, 0, 0).catch(() => undefined);
      continue;
    }
    const who = owner ? `${owner.command} (pid ${owner.pid} on ${owner.host}, since ${owner.started})` : 'another process';
    throw new UserError(
      `${dir} is in use by ${who}, last heartbeat ${Math.round(age / 1000)} s ago; one process writes an output folder at a time ` +
        `(a lock whose owner is gone is taken over ${Math.round(stale / 1000)} s after its last heartbeat)`,
    );
  }
}
