import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../core/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with errors turned into one-line UserErrors naming the command. */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
  } catch (e) {
    throw new UserError(`${command}: ${(e as Error).message.split('\n')[0]} (see 'corpusforge ${command} --help')`);
  }
}

/** Flags several commands take, spelled and abbreviated the same in every command. */
const SHARED_FLAGS = {
  input: { type: 'string', multiple: true, short: 'i' },
  out: { type: 'string', short: 'o' },
  tokenizer: { type: 'string', short: 't' },
  checkpoint: { type: 'string', short: 'c' },
  data: { type: 'string', short: 'd' },
  backend: { type: 'string', short: 'b' },
  workers: { type: 'string', short: 'w' },
  quiet: { type: 'boolean', short: 'q' },
} as const satisfies Options;

/** The shared flags `names` (SHARED_FLAGS), for a command's flag table. */
export function sharedFlags<K extends keyof typeof SHARED_FLAGS>(...names: K[]): Pick<typeof SHARED_FLAGS, K> {
  return Object.fromEntries(names.map((n) => [n, SHARED_FLAGS[n]])) as Pick<typeof SHARED_FLAGS, K>;
}

/** Flags without a short form that take a value (`--name VALUE`). */
export function valueFlags<N extends string>(...names: N[]): Record<N, { type: 'string' }> {
  return Object.fromEntries(names.map((n) => [n, { type: 'string' }])) as Record<N, { type: 'string' }>;
}

/** On/off flags without a short form (`--name`). */
export function switchFlags<N extends string>(...names: N[]): Record<N, { type: 'boolean' }> {
  return Object.fromEntries(names.map((n) => [n, { type: 'boolean' }])) as Record<N, { type: 'boolean' }>;
}

/** The value of a flag the command cannot run without: `<command>: --<name> is required` when absent or empty. */
export function requiredFlag<T extends string | string[]>(command: string, name: string, value: T | undefined): T {
  if (value === undefined || value.length === 0) throw new UserError(`${command}: --${name} is required`);
  return value;
}

/** Parses a non-negative integer flag value; names the flag in the error. */
export function intFlag(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UserError(`--${name} must be an integer >= ${min}, got '${value}'`);
  return n;
}

/** Parses a finite number flag value. */
export function numberFlag(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UserError(`--${name} must be a number, got '${value}'`);
  return n;
}
