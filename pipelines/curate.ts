import { availableParallelism } from 'node:os';
import { rename, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Document } from '../core/document.js';
import type { StepSpec } from '../core/step.js';
import { UserError } from '../core/errors.js';
import { validateRecipe, buildCoordinatorSteps, lateWorkerSteps } from './recipe.js';
import { runSteps, BIAS_KEY } from './batchProcessor.js';
import { BiasReport, type BiasReportData, type BiasReportOptions } from '../filters/safety/biasReport.js';
import { emptyRunStats, addRunStepStats, type RunStats } from './stats.js';
import { profileDocs } from './corpusProfile.js';
import { appendJournal } from '../core/journal.js';
import { readCurateJournal, type JournalEntry } from './journal.js';
import { buildManifest, inputsHash, sha256Hex, type Manifest } from './manifest.js';
import { OutputLayout } from './outputLayout.js';
import { encodeStateFrames, restoreStateFile } from './stateFile.js';
import { BatchRunner } from './batchRunner.js';
import { readUnits, WARC_RANGE_BYTES, type PlannedUnit, type ReadPosition } from './readUnits.js';
import type { UnitBatch, UnitResult } from './unitTask.js';
import { JSONL_CHUNK_BYTES } from '../datasets/jsonlReader.js';
import { expandInputs, type InputFile } from '../datasets/inputs.js';
import { writeFileAtomic, writeJsonAtomic } from '../core/atomicFile.js';
import { ShardSink } from './shardSink.js';

export interface CurateOptions {
  /** Input paths, folders or globs (sorted; this rank takes files i % worldSize == rank). */
  inputs?: string[];
  /** Or a live document source (e.g. a crawl); not resumable by skipping. */
  source?: AsyncIterable<Document>;
  out: string;
  steps: StepSpec[];
  /** Worker threads; 0 runs the steps in this thread (debugging). Default: number of cores. */
  workers?: number;
  batchSize?: number;
  shardDocs?: number;
  shardBytes?: number;
  keepRejected?: boolean;
  resume?: boolean;
  rank?: number;
  worldSize?: number;
  textField?: string;
  strict?: boolean;
  onWarning?: (message: string) => void;
  onProgress?: (progress: CurateProgress) => void;
  /** Identity-term groups for the bias report (default groups when omitted); false turns it off. */
  bias?: BiasReportOptions | false;
}

export interface CurateProgress {
  docsRead: number;
  bytesRead: number;
  /** Total input bytes of this rank, when known (files, not live sources). */
  totalBytes?: number;
  kept: number;
  dropped: number;
  elapsedMs: number;
}

export interface CurateResult {
  manifest: Manifest;
  stats: RunStats;
  /** Input documents skipped because a previous run had committed them (resume). */
  resumedDocs: number;
  alreadyComplete: boolean;
}

const TOOL = 'corpusforge curate';

function textBytes(docs: Document[]): number {
  let n = 0;
  for (const d of docs) n += Buffer.byteLength(d.text);
  return n;
}

/** Runs a curate pipeline: read -> worker steps (pool) -> coordinator steps (in order) -> Parquet shards. */
export async function curate(options: CurateOptions): Promise<CurateResult> {
  const rank = options.rank ?? 0;
  const worldSize = options.worldSize ?? 1;
  if (!Number.isInteger(worldSize) || worldSize < 1 || !Number.isInteger(rank) || rank < 0 || rank >= worldSize) {
    throw new UserError(`--rank must be in [0, --world-size); got rank ${rank}, world size ${worldSize}`);
  }
  const { steps } = validateRecipe({ steps: options.steps });
  const shardDocs = options.shardDocs ?? 100_000;
  const shardBytes = options.shardBytes ?? 256 * 2 ** 20;
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 256, shardDocs));
  const keepRejected = options.keepRejected ?? false;
  const workers = options.workers ?? availableParallelism();

  let files: InputFile[] = [];
  if (options.source) {
    if (options.resume) throw new UserError('--resume needs file inputs; a live source resumes on its own');
  } else {
    files = (await expandInputs(options.inputs ?? [])).filter((_, i) => i % worldSize === rank);
  }
  const biasOptions = options.bias === false ? null : (options.bias ?? {});
  // Read units are part of a resume position, so their sizes are part of the options.
  const readUnitBytes = [JSONL_CHUNK_BYTES, WARC_RANGE_BYTES];
  const optionsHash = sha256Hex(JSON.stringify({ steps, shardDocs, shardBytes, batchSize, keepRejected, textField: options.textField ?? 'text', worldSize, bias: biasOptions, readUnitBytes }));
  const inHash = inputsHash(files);
  const layout = new OutputLayout(options.out, rank, worldSize);
  await layout.ensure();

  // Resume: trust only the journal; delete everything it does not list.
  const previous = await readCurateJournal(layout.journal);
  const prevRun = await readFile(layout.runInfo, 'utf8').then((t) => JSON.parse(t) as { options_hash: string; inputs_hash: string; complete?: boolean }, () => undefined);
  if (!options.resume && (previous.length > 0 || prevRun)) {
    throw new UserError(`${options.out} already holds a curate run; pass --resume to continue it or choose another --out`);
  }
  if (options.resume && prevRun && (prevRun.options_hash !== optionsHash || prevRun.inputs_hash !== inHash)) {
    throw new UserError(`${options.out}: the inputs or options differ from the run being resumed; use the same ones or another --out`);
  }
  const committed = new Set<string>();
  for (const e of previous) for (const f of [e.docs?.file, e.rejected?.file, e.state]) if (f) committed.add(f);
  await layout.removeUncommitted(committed);
  await writeFileAtomic(layout.journal, previous.map((e) => JSON.stringify(e) + '\n').join(''));
  const manifestMeta = { tool: TOOL, optionsHash, inputsHash: inHash, rank, worldSize };
  if (prevRun?.complete && previous.length > 0) {
    const manifest = buildManifest(previous, { ...manifestMeta, complete: true });
    return { manifest, stats: previous.at(-1)!.stats, resumedDocs: previous.at(-1)!.cursor, alreadyComplete: true };
  }
  await writeJsonAtomic(layout.runInfo, { options_hash: optionsHash, inputs_hash: inHash, complete: false, steps });

  const coordinator = buildCoordinatorSteps(steps, { stateDir: join(options.out, 'state', `dedup-index${layout.suffix}`) });
  const late = lateWorkerSteps(steps);
  for (const e of previous) if (e.state) await restoreStateFile(join(options.out, e.state), coordinator);
  const last = previous.at(-1);
  const stats: RunStats = last ? structuredClone(last.stats) : emptyRunStats(steps.map((s) => s.step));
  const committedOut = { ...stats.output };
  const entries: JournalEntry[] = [...previous];
  const skip = last?.cursor ?? 0;
  let position: ReadPosition = last?.position ?? { file: 0, unit: 0, docs: 0 };
  const bias = biasOptions ? new BiasReport(biasOptions) : undefined;
  if (bias && last?.stats.reports.bias) bias.restore(last.stats.reports.bias as BiasReportData);
  const hitsOf = (d: Document) => (d.metadata[BIAS_KEY] as number[] | undefined) ?? [];

  const runner = new BatchRunner(workers);
  const t0 = performance.now();
  let handled = skip; // input docs decided (kept or dropped)
  let lastFlushCursor = skip;
  let nextShard = entries.length;
  const sinks = (n: number) => ({ docs: new ShardSink(runner, options.out, layout.docsShard(n), false), rejected: new ShardSink(runner, options.out, layout.rejectedShard(n), true) });
  let pending = sinks(nextShard);
  let pendingBytes = 0;
  let pendingFrames: { step: number; delta: Uint8Array }[] = [];
  let commitChain: Promise<void> = Promise.resolve();
  let writesInFlight = 0;
  const totalBytes = options.source ? undefined : files.reduce((n, f) => n + f.bytes, 0);

  const progress = () =>
    options.onProgress?.({
      docsRead: stats.input.docs,
      bytesRead: stats.input.bytes,
      totalBytes,
      kept: committedOut.docs + pending.docs.rows,
      dropped: stats.input.docs - committedOut.docs - pending.docs.rows,
      elapsedMs: performance.now() - t0,
    });

  const flush = async (): Promise<void> => {
    const shard = nextShard++;
    const sink = pending, frames = pendingFrames;
    const snapshot: RunStats = structuredClone(stats);
    for (let i = 0; i < coordinator.length; i++) {
      const r = coordinator[i]!.report?.();
      if (r) snapshot.reports[coordinator[i]!.name] = r;
    }
    if (bias) snapshot.reports.bias = bias.report();
    const cursor = handled;
    const at = position;
    pending = sinks(nextShard);
    pendingBytes = 0;
    pendingFrames = [];
    lastFlushCursor = cursor;
    const written = Promise.all([sink.docs.finish(), sink.rejected.finish()]);
    written.catch(() => undefined); // surfaced through commitChain
    writesInFlight++;
    commitChain = commitChain.then(async () => {
      const [d, r] = await written;
      for (const [info, s] of [[d, sink.docs], [r, sink.rejected]] as const) if (info) await rename(s.tempPath, join(options.out, info.file));
      let state: string | null = null;
      if (frames.length > 0) {
        state = layout.stateFile(shard);
        await writeFileAtomic(join(options.out, state), encodeStateFrames(frames));
      }
      committedOut.docs += d?.rows ?? 0;
      committedOut.rejected += r?.rows ?? 0;
      committedOut.shards += d ? 1 : 0;
      committedOut.bytes += d?.bytes ?? 0;
      snapshot.output = { ...committedOut };
      const entry: JournalEntry = { shard, docs: d, rejected: r, state, cursor, position: at, stats: snapshot };
      await appendJournal(layout.journal, entry);
      entries.push(entry);
      await writeJsonAtomic(layout.manifest, buildManifest(entries, { ...manifestMeta, complete: false }));
      writesInFlight--;
    });
    // Bound memory: at most two shards being encoded at once.
    if (writesInFlight >= 2) await commitChain;
  };

  const handle = async (batch: UnitBatch, after: ReadPosition) => {
    const { result } = batch;
    for (const w of batch.warnings) options.onWarning?.(w);
    const rejectedLimit = keepRejected ? shardDocs : Infinity;
    const keptBytes = textBytes(result.kept);
    const over =
      pending.docs.rows + result.kept.length > shardDocs ||
      pendingBytes + keptBytes > shardBytes ||
      pending.rejected.rows + result.rejected.length > rejectedLimit ||
      handled - lastFlushCursor >= 4 * shardDocs;
    if ((pending.docs.rows > 0 || pending.rejected.rows > 0 || handled > lastFlushCursor) && over) await flush();
    if (bias) for (const d of result.biasDropped ?? []) bias.observeHits(d.hits, false, d.reason);
    const decided = runSteps(coordinator, result.kept, keepRejected, bias ? (r) => bias.observeHits(hitsOf(r.doc), false, r.reason) : undefined);
    if (bias) for (const d of decided.kept) bias.observeHits(hitsOf(d), true);
    for (let i = 0; i < coordinator.length; i++) {
      const delta = coordinator[i]!.checkpointDelta?.();
      if (delta && delta.length > 0) pendingFrames.push({ step: i, delta });
    }
    stats.input.docs += batch.docs;
    stats.input.bytes += batch.bytes;
    stats.input.malformed += batch.malformed;
    // A dedup step's worker half (signatures) and coordinator half share a name: count its docs
    // once, at the coordinator where it decides, and its time in both places.
    for (const c of coordinator) {
      const w = result.stats[c.name];
      if (w) w.in = w.out = 0;
    }
    // Map/annotate steps after a dedup step ran before it decided: count the documents that survive,
    // as the recipe order reads (their counters still include the duplicates they saw).
    for (const name of late) {
      const w = result.stats[name];
      if (w) w.in = w.out = decided.kept.length;
    }
    addRunStepStats(stats, result.stats);
    addRunStepStats(stats, decided.stats);
    handled += batch.docs;
    position = after;
    profileDocs(stats.profile, decided.kept);
    pendingBytes += decided.kept.length === result.kept.length ? keptBytes : textBytes(decided.kept);
    await pending.docs.add(decided.kept);
    if (keepRejected) {
      const rejected = [...result.rejected, ...decided.rejected];
      await pending.rejected.add(rejected.map((r) => r.doc), rejected.map((r) => r.reason));
    }
    progress();
  };

  // Units submitted ahead of the one being handled: two posted to each worker plus one waiting. A unit
  // is a few MB of input, and results are merged strictly in input order.
  const maxInFlight = Math.max(2, runner.threads * 3);
  // The queue keeps where each unit stands, not its documents or bytes (those went to a worker).
  const queue: { unit: Pick<PlannedUnit, 'file' | 'unit' | 'handled'>; result: Promise<UnitResult> }[] = [];
  // A bad input file (fatal read error, or a malformed record with --strict) stops reading, but what came
  // before it in input order is still handled and committed, so a resumed run starts right there.
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
        await handle(b, i === r.batches.length - 1 ? { file: unit.file, unit: unit.unit + 1, docs: 0 } : { file: unit.file, unit: unit.unit, docs: done });
      }
    }
  };
  try {
    try {
      const units = readUnits({ files, source: options.source, start: position, batchSize, textField: options.textField, strict: options.strict });
      for await (const unit of units) {
        const result = runner.process({
          read: unit.read,
          bytes: unit.bytes,
          batchSize,
          recipe: steps,
          keepRejected,
          bias: biasOptions,
          textField: options.textField,
          strict: options.strict,
        });
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
    if (readError) {
      if (pending.docs.rows > 0 || pending.rejected.rows > 0 || handled > lastFlushCursor) await flush();
      await commitChain;
      throw readError;
    }
    if (pending.docs.rows > 0 || pending.rejected.rows > 0 || handled > lastFlushCursor || entries.length === 0) await flush();
    await commitChain;
  } catch (e) {
    await commitChain.catch(() => undefined);
    await runner.close();
    for (const c of coordinator) c.close?.();
    await layout.removeUncommitted(new Set(entries.flatMap((x) => [x.docs?.file, x.rejected?.file, x.state].filter((f): f is string => !!f))));
    throw e;
  }
  await runner.close();
  for (let i = 0; i < coordinator.length; i++) {
    const r = coordinator[i]!.report?.();
    if (r) stats.reports[coordinator[i]!.name] = r;
    coordinator[i]!.close?.();
  }
  if (bias) stats.reports.bias = bias.report();
  stats.output = { ...committedOut };
  const manifest = buildManifest(entries, { ...manifestMeta, complete: true });
  await writeJsonAtomic(layout.stats, stats);
  await writeJsonAtomic(layout.manifest, manifest);
  await writeJsonAtomic(layout.runInfo, { options_hash: optionsHash, inputs_hash: inHash, complete: true, steps });
  progress();
  return { manifest, stats, resumedDocs: skip, alreadyComplete: false };
}
