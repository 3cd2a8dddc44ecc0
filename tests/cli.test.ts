import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { runCli } from './helpers/cli.js';
import { pipelineReferenceMarkdown } from '../pipelines/pipelineReference.js';

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

test('every command answers --help with its usage', async () => {
  for (const c of commands) {
    const r = await runCli([c, '--help']);
    assert.equal(r.code, 0, `${c}: ${r.stderr}`);
    assert.match(r.stdout, /usage: corpusforge /, c);
  }
});

test('docs/pipeline-reference.md matches the schema and step registry (run `npm run docs` after changing them)', () => {
  const committed = readFileSync(new URL('../docs/pipeline-reference.md', import.meta.url), 'utf8');
  assert.equal(committed, pipelineReferenceMarkdown());
});
