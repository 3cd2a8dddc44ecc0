// The short CI fuzz run: each target with a fixed seed and a few runs, failing with a replayable reproducer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTarget } from '../../scripts/fuzz/runTarget.js';
import type { FuzzTarget } from '../../scripts/fuzz/target.js';
import { tempDir } from './tmp.js';

/** Fixed so CI is deterministic; FUZZ_SEED explores other inputs locally. */
export const CI_SEED = Number(process.env.FUZZ_SEED ?? 20261207);

/** A test that runs `target` for `numRuns` cases; a finding fails it with the input (base64) and the replay path. */
export function fuzzTest<T>(target: FuzzTarget<T>, numRuns: number): void {
  test(`fuzz ${target.name}: ${numRuns} cases, seed ${CI_SEED}`, async () => {
    const dir = await tempDir('cf-fuzz-');
    const result = await runTarget(target, { dir }, { seed: CI_SEED, numRuns, timeoutMs: 20_000 });
    assert.equal(result.finding, undefined, result.finding && `${result.finding.message}\ninput (base64): ${result.finding.input}\nreplay: seed ${result.finding.seed}, path ${result.finding.path}`);
    assert.equal(result.runs, numRuns);
  });
}
