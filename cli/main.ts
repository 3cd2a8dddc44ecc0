import { readdirSync, readFileSync } from 'node:fs';
import { isUserError } from '../core/errors.js';
import { startHeapWatchdog } from '../core/heapWatchdog.js';
import type { Command } from './command.js';

const commandsDir = new URL('./commands/', import.meta.url);

/** Command modules are discovered from cli/commands/<name>.ts; each exports `command`. */
function commandNames(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function load(name: string): Promise<Command> {
  const mod = (await import(new URL(`${name}.ts`, commandsDir).href)) as { command: Command };
  return mod.command;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function usage(): Promise<string> {
  const lines = ['usage: corpusforge <command> [options]', '', 'commands:'];
  for (const name of commandNames()) lines.push(`  ${name.padEnd(18)} ${(await load(name)).summary}`);
  lines.push('', "Run 'corpusforge <command> --help' for a command's options.");
  return lines.join('\n');
}

/** Runs the CLI; returns the process exit code. Errors become one `error: ...` line. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      console.log(await usage());
      return name === undefined ? 1 : 0;
    }
    if (name === '--version' || name === '-v') {
      console.log(version());
      return 0;
    }
    if (!commandNames().includes(name)) {
      console.error(`error: unknown command '${name}'; commands: ${commandNames().join(', ')}`);
      return 2;
    }
    const command = await load(name);
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(command.help);
      return 0;
    }
    // Near the heap limit: one error line and exit 2, before V8's fatal error and stack dump.
    const stopWatchdog = startHeapWatchdog({ stage: () => `corpusforge ${name}`, onLimit: (m) => (console.error(`error: ${m}`), process.exit(2)) });
    try {
      return await command.run(rest);
    } finally {
      stopWatchdog();
    }
  } catch (e) {
    if (isUserError(e)) {
      console.error(`error: ${e.message}`);
      return 2;
    }
    const err = e as NodeJS.ErrnoException;
    if (err && (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'ENOSPC' || err.code === 'EISDIR')) {
      console.error(`error: ${err.message}`);
      return 1;
    }
    console.error(`error: internal: ${err?.message ?? String(e)}`);
    if (process.env.CORPUSFORGE_DEBUG) console.error(err?.stack);
    return 1;
  }
}
