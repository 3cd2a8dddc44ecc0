// Option validation checks shared by the step tests.
import assert from 'node:assert/strict';
import { isUserError } from '../../core/errors.js';

/** Asserts that the step refuses each raw options object with a user error (not a crash). */
export function assertOptionsRejected(step: { parseOptions(raw: Record<string, unknown>): unknown }, ...bad: Record<string, unknown>[]): void {
  for (const raw of bad) assert.throws(() => step.parseOptions(raw), isUserError, JSON.stringify(raw));
}
