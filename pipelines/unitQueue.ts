import { UserError } from '../core/errors.js';
import type { PlannedUnit, ReadPosition } from './readUnits.js';
import type { UnitRunner } from './unitRunner.js';
import type { UnitBatch, UnitResult, UnitTask } from './unitTask.js';

/**
 * Submits read units to the runner ahead of the one being merged, and hands their batches to `onBatch`
 * strictly in input order, each with the read position after it. A bad input file (fatal read error, or
 * a malformed record with --strict) stops reading, but what came before it in input order is still
 * handed over: the error is returned, for the run to commit that much and then report it.
 */
export async function runUnitsInOrder(
  units: AsyncIterable<PlannedUnit>,
  runner: UnitRunner,
  taskOf: (unit: PlannedUnit) => UnitTask,
  onBatch: (batch: UnitBatch, after: ReadPosition) => Promise<void>,
): Promise<UserError | undefined> {
  // Units submitted ahead of the one being handled: two posted to each worker plus one waiting. A unit
  // is a few MB of input, and results are merged strictly in input order.
  const maxInFlight = Math.max(2, runner.threads * 3);
  // The queue keeps where each unit stands, not its documents or bytes (those went to a worker).
  const queue: { unit: Pick<PlannedUnit, 'file' | 'unit' | 'handled'>; result: Promise<UnitResult> }[] = [];
  let readError: UserError | undefined;
  const drain = async (keep: number) => {
    while (queue.length > keep) {
      const { unit, result } = queue.shift()!;
      const r = await result;
      if (r.error !== undefined) {
        readError = new UserError(r.error); // earlier in input order than a reading error met after it
        queue.length = 0; // units after the bad one are not handled
        break;
      }
      let done = unit.handled;
      for (let i = 0; i < r.batches.length; i++) {
        const b = r.batches[i]!;
        done += b.docs;
        // After a unit's last batch the run stands at the start of the next one.
        await onBatch(b, i === r.batches.length - 1 ? { file: unit.file, unit: unit.unit + 1, docs: 0 } : { file: unit.file, unit: unit.unit, docs: done });
      }
    }
  };
  try {
    for await (const unit of units) {
      const result = runner.run(taskOf(unit));
      result.catch(() => undefined); // awaited in order below
      queue.push({ unit: { file: unit.file, unit: unit.unit, handled: unit.handled }, result });
      await drain(maxInFlight - 1);
      if (readError) break;
    }
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    readError = e;
  }
  await drain(0);
  return readError;
}
