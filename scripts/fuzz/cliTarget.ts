// Fuzz target for the CLI's argument vectors, run in-process through cli/main.ts (a child process costs
// seconds on a loaded machine). Property: exit 0, or exit 2 with exactly one `error: ` line on stderr and
// no stack trace. `demo`, `run` and `doctor` start servers, whole chains or GPU probes and are left out
// (their files are fuzzed directly: pipeline-file); every path given is a broken file, so `train`,
// `sample`, `eval` and `crawl` fail early instead of training or fetching.
import fc from 'fast-check';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../cli/main.js';
import { FuzzViolation } from './outcome.js';
import type { FuzzContext, FuzzTarget } from './target.js';

const COMMANDS = ['curate', 'tokenize', 'tokenizer', 'merge-tokens', 'merge-manifests', 'sample', 'eval', 'train', 'crawl'];
const FLAGS = [
  '--input', '-i', '--out', '-o', '--config', '--workers', '-w', '--resume', '--keep-rejected', '--text-field', '--strict', '--shard-docs',
  '--shard-bytes', '--batch-size', '--rank', '--world-size', '--quiet', '--tokenizer', '-t', '--eot', '--vocab-size', '--min-frequency',
  '--pretokenizer', '--special-tokens', '--max-words', '--checkpoint', '-c', '--data', '-d', '--steps', '--context', '--layers', '--dim',
  '--lr', '--backend', '--preset', '--precision', '--prompt', '--tokens', '--temperature', '--top-k', '--seed', '--seeds', '--max-pages',
  '--scope', '--delay-ms', '--timeout-ms', '--user-agent', '--data-format', '--val-fraction', '--report-json', '--json', '--bogus', '-z',
];
const NUMBERS = ['0', '1', '-1', '2', '1.5', '1e999', 'NaN', '', '99999999999999999999', '0x10', ' 3'];
const WORDS = ['--', '-', '=', 'x', 'gpt2', 'cl100k', 'all', 'host', 'wasm', 'tiny', 'f16', '<|endoftext|>', '\u0000', 'ü'];

/** Broken inputs of every kind the commands take, written once per context. */
function brokenFiles(dir: string): string[] {
  const files: [string, string | Buffer][] = [
    ['bad.jsonl', 'not json\n{"text": 5}\n'],
    ['bad.jsonl.gz', 'not gzip'],
    ['bad.parquet', Buffer.from('PAR1 broken PAR1')],
    ['tok.json', '{"model":{"type":"BPE"}}'],
    ['pipe.json', '{"steps":[{"step":"nope"}]}'],
    ['seeds.txt', 'not a url\nftp://x\n'],
    ['bad.warc', 'WARC/1.1\r\nContent-Length: 3\r\n\r\nabc\r\n\r\n'],
  ];
  for (const [name, body] of files) writeFileSync(join(dir, name), body);
  mkdirSync(join(dir, 'empty'), { recursive: true });
  return [...files.map(([n]) => join(dir, n)), join(dir, 'empty'), join(dir, 'missing.jsonl'), join(dir, 'nope/*.jsonl')];
}

type Token = { kind: 'flag'; i: number } | { kind: 'number'; i: number } | { kind: 'word'; i: number } | { kind: 'path'; i: number } | { kind: 'out' };

const token: fc.Arbitrary<Token> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('flag' as const), i: fc.nat() }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('number' as const), i: fc.nat() }), weight: 2 },
  fc.record({ kind: fc.constant('word' as const), i: fc.nat() }),
  { arbitrary: fc.record({ kind: fc.constant('path' as const), i: fc.nat() }), weight: 2 },
  fc.record({ kind: fc.constant('out' as const) }),
);

export interface CliCase {
  command: number;
  tokens: Token[];
}

/** The argv a case stands for, with paths inside the context's folder. */
export function cliArgv(c: CliCase, ctx: FuzzContext): string[] {
  const paths = brokenFiles(ctx.dir);
  const pick = <T>(list: readonly T[], i: number) => list[i % list.length]!;
  return [
    pick(COMMANDS, c.command),
    ...c.tokens.map((t) => {
      switch (t.kind) {
        case 'flag':
          return pick(FLAGS, t.i);
        case 'number':
          return pick(NUMBERS, t.i);
        case 'word':
          return pick(WORDS, t.i);
        case 'path':
          return pick(paths, t.i);
        case 'out':
          return join(ctx.dir, 'out');
      }
    }),
  ];
}

/** Runs main() with console and process output captured; restores them whatever happens. */
export async function runMainCaptured(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const saved = { log: console.log, error: console.error, warn: console.warn, out: process.stdout.write, err: process.stderr.write };
  const text = (args: unknown[]) => args.map(String).join(' ') + '\n';
  console.log = (...a: unknown[]) => void (stdout += text(a));
  console.error = console.warn = (...a: unknown[]) => void (stderr += text(a));
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    Object.assign(console, { log: saved.log, error: saved.error, warn: saved.warn });
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
  }
}

export const cliTarget: FuzzTarget<CliCase> = {
  name: 'cli',
  what: 'argument vectors for curate, tokenize, tokenizer, merge-*, sample, eval, train and crawl: known and unknown flags, odd numbers and words, broken files of every kind, missing paths; exit 0, or exit 2 with one error line and no stack trace',
  arbitrary: async () => fc.record({ command: fc.nat(), tokens: fc.array(token, { maxLength: 8 }) }),
  check: async (c, ctx) => {
    rmSync(join(ctx.dir, 'out'), { recursive: true, force: true });
    const argv = cliArgv(c, ctx);
    const { code, stderr } = await runMainCaptured(argv);
    if (code === 0) return;
    const lines = stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('warning') && !/^\S+: (recipe|reading|wrote)/.test(l));
    const errors = lines.filter((l) => l.startsWith('error: '));
    const what = `corpusforge ${argv.map((a) => JSON.stringify(a)).join(' ')} -> exit ${code}, stderr ${JSON.stringify(stderr.slice(-400))}`;
    if (code !== 2) throw new FuzzViolation(`exit code ${code} (want 0 or 2): ${what}`);
    if (errors.length !== 1) throw new FuzzViolation(`${errors.length} error lines: ${what}`);
    if (/^\s+at /m.test(stderr) || errors[0]!.startsWith('error: internal')) throw new FuzzViolation(`an internal error or stack trace: ${what}`);
  },
  bytes: (c) => Buffer.from(JSON.stringify(c)),
};
