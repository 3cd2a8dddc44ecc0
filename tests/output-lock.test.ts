import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { lockOutput, outputLockPath } from '../core/outputLock.js';
import { isUserError } from '../core/errors.js';
import { tempDir } from './helpers/tmp.js';

const STALE = 5000; // proper-lockfile's minimum: keeps the takeover tests short

test('a second writer on a locked folder gets one clear error naming the owner; after release it may write', async () => {
  const dir = await tempDir();
  const first = await lockOutput(dir, { command: 'corpusforge curate', staleMs: STALE });
  await assert.rejects(lockOutput(dir, { staleMs: STALE }), (e: unknown) => {
    assert.ok(isUserError(e));
    assert.match((e as Error).message, new RegExp(`in use by corpusforge curate \\(pid ${process.pid} on `));
    return true;
  });
  first.assertHeld();
  await first.release();
  const second = await lockOutput(dir, { staleMs: STALE });
  await second.release();
});

test('locks with different names (the ranks of a split run) share a folder', async () => {
  const dir = await tempDir();
  const r0 = await lockOutput(dir, { name: 'r0', staleMs: STALE });
  const r1 = await lockOutput(dir, { name: 'r1', staleMs: STALE });
  await assert.rejects(lockOutput(dir, { name: 'r1', staleMs: STALE }), /in use by/);
  await r0.release();
  await r1.release();
});

test('a lock whose owner was killed with SIGKILL on this host is taken over at once', async () => {
  const dir = await tempDir();
  const module = fileURLToPath(new URL('../core/outputLock.ts', import.meta.url));
  const script = `import { lockOutput } from ${JSON.stringify(module)};
    await lockOutput(${JSON.stringify(dir)}, { staleMs: ${STALE} });
    console.log('locked');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => b.toString().includes('locked') && resolve());
    child.on('exit', (code) => reject(new Error(`child exited ${code} before locking`)));
  });
  await assert.rejects(lockOutput(dir, { staleMs: STALE }), new RegExp(`pid ${child.pid} `));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  const told: string[] = [];
  // A stale time no test waits for: the takeover must come from seeing the owner dead, not from the heartbeat.
  const taken = await lockOutput(dir, { staleMs: 600_000, onTakeover: (m) => told.push(m) });
  assert.equal(told.length, 1);
  assert.match(told[0]!, new RegExp(`pid ${child.pid}, which is no longer running`));
  await taken.release();
});

test('an owner on another host keeps the lock while its heartbeat is fresh and loses it once stale', async () => {
  const dir = await tempDir();
  const lockDir = outputLockPath(dir);
  await mkdir(lockDir);
  await writeFile(`${lockDir}.owner.json`, JSON.stringify({ host: 'node-17.cluster', pid: 4242, command: 'corpusforge curate', started: '2026-12-07T00:00:00Z' }));
  await assert.rejects(lockOutput(dir, { staleMs: STALE }), /pid 4242 on node-17\.cluster/);
  const old = new Date(Date.now() - STALE - 2000);
  await utimes(lockDir, old, old);
  const taken = await lockOutput(dir, { staleMs: STALE });
  await taken.release();
});

test('a holder whose lock was taken from it is told before its next commit', async () => {
  const dir = await tempDir();
  const lock = await lockOutput(dir, { staleMs: STALE });
  await rm(outputLockPath(dir), { recursive: true });
  // The heartbeat runs every staleMs / 2 and notices the lock is gone.
  const deadline = Date.now() + STALE * 2;
  for (;;) {
    try {
      lock.assertHeld();
    } catch (e) {
      assert.ok(isUserError(e));
      assert.match((e as Error).message, /lost the output lock/);
      break;
    }
    assert.ok(Date.now() < deadline, 'the lost lock was never noticed');
    await new Promise((r) => setTimeout(r, 200));
  }
  await lock.release();
});
