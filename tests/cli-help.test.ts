import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { runCli } from './helpers/cli.js';
import { main } from '../cli/main.js';

const commands = readdirSync(new URL('../cli/commands/', import.meta.url)).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));

test('--version, --help and an unknown command', async () => {
  const v = await runCli(['--version']);
  assert.equal(v.stdout.trim(), JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
  const h = await runCli(['--help']);
  assert.equal(h.code, 0);
  for (const c of commands) assert.match(h.stdout, new RegExp(`^  ${c} `, 'm'));
  const u = await runCli(['crawll']);
  assert.equal(u.code, 2);
  assert.match(u.stderr, /^error: unknown command 'crawll'; commands: /);
});

test('every command answers --help with its usage', async (t) => {
  // In-process (one process start for all commands): main() returns the exit code, console carries the text.
  const printed: string[] = [];
  t.mock.method(console, 'log', (s: unknown) => printed.push(String(s)));
  for (const c of commands) {
    printed.length = 0;
    assert.equal(await main([c, '--help']), 0, c);
    assert.match(printed.join('\n'), /usage: corpusforge /, c);
  }
});
