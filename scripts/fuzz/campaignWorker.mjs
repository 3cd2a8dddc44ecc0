// Worker thread of the fuzz campaign: runs one target for one seed and reports each case before running it,
// so the main thread can name the input of a case that hangs or exhausts memory (it terminates this thread).
import { register } from 'tsx/esm/api';
import { parentPort, workerData } from 'node:worker_threads';

register();
const { targetNamed } = await import(new URL('./targets.ts', import.meta.url).href);
const { runTarget } = await import(new URL('./runTarget.ts', import.meta.url).href);

const { name, seed, numRuns, timeoutMs, maxMs, dir } = workerData;
const target = targetNamed(name);
const arbitrary = await target.arbitrary({ dir });
parentPort.postMessage({ kind: 'ready' });
// The bytes of each case, in the order runTarget draws them: replayed by seed, sent before the case runs.
const wrapped = { ...target, arbitrary: async () => arbitrary, check: async (input, ctx) => {
  parentPort.postMessage({ kind: 'case', bytes: target.bytes(input) });
  await target.check(input, ctx);
} };
const result = await runTarget(wrapped, { dir }, { seed, numRuns, timeoutMs, maxMs });
parentPort.postMessage({ kind: 'result', result });
