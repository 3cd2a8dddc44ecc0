// A real redis-server for the shared-crawl tests: started in a temp folder on a Unix socket (no TCP port),
// nothing saved, stopped after the test. Absent redis-server the tests skip with the reason, unless
// CORPUSFORGE_REQUIRE_REDIS=1 (set by .ci/run once it installed Debian's redis-server) makes that a failure.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

export interface RedisServer {
  /** unix:/PATH, as `crawl --redis` takes it. */
  url: string;
  socket: string;
  /** Sends one command (inline protocol) and returns the raw reply. */
  command(line: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts redis-server, or skips the test (with the reason) where it is not installed. */
export async function startRedis(t: TestContext): Promise<RedisServer | null> {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    const why = `redis-server is not installed (${probe.error?.message ?? probe.stderr.trim()}); apt-get install redis-server`;
    if (process.env.CORPUSFORGE_REQUIRE_REDIS === '1') assert.fail(`${why} (CORPUSFORGE_REQUIRE_REDIS=1)`);
    t.skip(why);
    return null;
  }
  const dir = await mkdtemp(join(tmpdir(), 'cf-redis-'));
  const socket = join(dir, 'redis.sock');
  const child: ChildProcess = spawn('redis-server', ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const command = (line: string): Promise<string> => new Promise((resolve, reject) => {
    const s = connect(socket);
    let out = '';
    s.on('error', reject);
    s.on('data', (b) => {
      out += b.toString();
      if (out.endsWith('\r\n')) {
        s.end();
        resolve(out);
      }
    });
    s.write(line + '\r\n');
  });
  for (let i = 0; ; i++) {
    try {
      if ((await command('PING')).startsWith('+PONG')) break;
    } catch {
      if (i > 200 || child.exitCode !== null) throw new Error(`redis-server did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  return {
    url: `unix:${socket}`, socket, command,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
