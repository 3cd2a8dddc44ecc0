// Runs one fuzz target with fast-check: fixed seed, a number of runs, a per-case timeout, shrinking on failure.
import fc from 'fast-check';
import type { FuzzContext, FuzzTarget } from './target.js';

export interface FuzzRunOptions {
  seed: number;
  numRuns: number;
  /** A case that has not settled after this long fails as a hang (async code only: a busy loop is caught by the campaign's watchdog). */
  timeoutMs: number;
  /** Stop generating new cases after this long (the long campaign); the runs done so far count. */
  maxMs?: number;
  /** Called before each case with its index (the campaign's watchdog reports the last one started). */
  onCase?: (index: number) => void;
}

export interface FuzzFinding {
  target: string;
  message: string;
  /** The shrunk input, base64. */
  input: string;
  seed: number;
  /** fast-check's path to replay exactly this case: fc.assert(..., { seed, path }). */
  path: string;
}

export interface FuzzResult {
  target: string;
  runs: number;
  ms: number;
  finding?: FuzzFinding;
}

export async function runTarget<T>(target: FuzzTarget<T>, ctx: FuzzContext, o: FuzzRunOptions): Promise<FuzzResult> {
  const arbitrary = await target.arbitrary(ctx);
  let index = 0;
  const started = performance.now();
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (input) => {
      o.onCase?.(index++);
      await target.check(input, ctx);
    }),
    {
      seed: o.seed,
      numRuns: o.numRuns,
      timeout: o.timeoutMs,
      ...(o.maxMs ? { interruptAfterTimeLimit: o.maxMs, markInterruptAsFailure: false } : {}),
    },
  );
  const ms = performance.now() - started;
  if (!details.failed) return { target: target.name, runs: details.numRuns, ms };
  const input = details.counterexample?.[0] as T;
  const err = details.errorInstance as Error | null;
  return {
    target: target.name,
    runs: details.numRuns,
    ms,
    finding: {
      target: target.name,
      message: err?.message?.split('\n')[0] ?? 'property failed',
      input: input === undefined ? '' : target.bytes(input).toString('base64'),
      seed: details.seed,
      path: details.counterexamplePath ?? '',
    },
  };
}
