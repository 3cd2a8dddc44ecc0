#!/usr/bin/env node
// Entry for `npx corpusforge`: loads the TypeScript sources through tsx (no build step to forget).
import { register } from 'tsx/esm/api';

// `corpusforge ... | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
