/**
 * Which document a worker thread is deciding, and since when, in memory the coordinator can read while
 * the worker is busy (a SharedArrayBuffer): the coordinator's watchdog ends a worker that has spent more
 * than the per-document time budget on one document in one step (pipelines/unitRunner.ts).
 *
 * Documents are named by their ordinal in the read unit (the order the reader yielded them), which is the
 * same on every run of the unit, so a rerun can leave out exactly the document that ran over. Steps call
 * `enter` before deciding a document and `carry` for the copy they keep; outside a worker (no cells) both
 * cost a WeakMap lookup at most.
 *
 * Cell layout (Int32): [SEQ] bumped before and after each write (odd while writing: a seqlock, so the
 * reader never pairs one document with another's start time), [ORDINAL] or -1 between documents,
 * [STEP] index of the step in the worker recipe, [STARTED] ms since `base` when the document entered.
 */
const SEQ = 0;
const ORDINAL = 1;
const STEP = 2;
const STARTED = 3;
const CELLS = 4;

export interface ClockReading {
  ordinal: number;
  step: number;
  /** ms the document has been in its step, by the wall clock both threads share. */
  elapsedMs: number;
}

/** A unit's clock cells, between documents. */
export function clockCells(): SharedArrayBuffer {
  const shared = new SharedArrayBuffer(CELLS * 4);
  new Int32Array(shared)[ORDINAL] = -1;
  return shared;
}

/** Ordinal of each document read in this thread (copies carried from their originals), for as long as it lives. */
const ordinals = new WeakMap<object, number>();
/** The cells of the unit whose batch is being decided (steps run a batch synchronously), else undefined. */
let cells: Int32Array | undefined;
let base = 0;
let step = -1;

/**
 * Runs `decideBatch` (synchronous: units that share a thread interleave only between batches) with the
 * document clock of its unit on; without `shared` the clock is off.
 */
export function withClock<T>(shared: SharedArrayBuffer | undefined, clockBase: number, decideBatch: () => T): T {
  if (!shared) return decideBatch();
  cells = new Int32Array(shared);
  base = clockBase;
  step = -1;
  try {
    return decideBatch();
  } finally {
    write(-1);
    cells = undefined;
  }
}

/** Names a document read from its unit by its ordinal there. */
export function number(doc: object, ordinal: number): void {
  ordinals.set(doc, ordinal);
}

export function ordinalOf(doc: object): number | undefined {
  return ordinals.get(doc);
}

/** The step about to run (its index in the worker recipe). */
export function enterStep(index: number): void {
  step = index;
}

function write(ordinal: number): void {
  const c = cells!;
  Atomics.add(c, SEQ, 1);
  Atomics.store(c, ORDINAL, ordinal);
  Atomics.store(c, STEP, step);
  Atomics.store(c, STARTED, Date.now() - base);
  Atomics.add(c, SEQ, 1);
}

/** A step starts deciding `doc`. */
export function enter(doc: object): void {
  if (cells) write(ordinals.get(doc) ?? -1);
}

/** A step is between documents (batch work that no one document is to blame for). */
export function leave(): void {
  if (cells) write(-1);
}

/** `to`, a copy of `from` that a step returned, stands for the same input document. */
export function carry(from: object, to: object): void {
  if (to !== from) {
    const n = ordinals.get(from);
    if (n !== undefined) ordinals.set(to, n);
  }
}

/** Where a worker stands (coordinator side); undefined while it writes or when it is between documents. */
export function readClock(shared: Int32Array, clockBase: number, now = Date.now()): ClockReading | undefined {
  const seq = Atomics.load(shared, SEQ);
  if (seq % 2 === 1) return undefined;
  const ordinal = Atomics.load(shared, ORDINAL);
  const stepIndex = Atomics.load(shared, STEP);
  const started = Atomics.load(shared, STARTED);
  if (Atomics.load(shared, SEQ) !== seq || ordinal < 0) return undefined;
  return { ordinal, step: stepIndex, elapsedMs: now - clockBase - started };
}
