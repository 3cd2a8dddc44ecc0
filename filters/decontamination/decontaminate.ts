/**
 * `decontaminate`: documents sharing a word n-gram (13 by default, as GPT-3 and the Llama papers) with
 * an item of the run's evaluation sets are dropped, or have the overlapping text removed.
 *
 * - prepare (coordinator, once per run): reads the sets and builds the index of n-gram hashes, shared
 *   with the worker threads (indexCache.ts);
 * - worker half: looks up each document's n-grams, records matches under `metadata.decontamination`
 *   (set and item id) and, in `remove-span` mode, cuts the overlapping text;
 * - coordinator half: drops matched documents (reason `decontaminate:<set>`, the first set matched) and
 *   counts everything in input order for the report (decontaminationReport.ts). A document the worker
 *   half did not see is checked there, so the coordinator alone is still correct.
 */
import type { Document } from '../../core/document.js';
import type { CoordinatorStep, StepDefinition } from '../../core/step.js';
import { zodOptions } from '../../core/options.js';
import { addCount, filterStep } from '../filterStep.js';
import { prepareEvalIndex, preparedEvalIndex } from './indexCache.js';
import { CHECKED_KEY, DocumentMatcher, type MatchRecord } from './matchDocument.js';
import { DecontaminateOptionsSchema, refineOptions, type DecontaminateOptions } from './options.js';
import { DecontaminationCounts } from './decontaminationReport.js';

const NAME = 'decontaminate';
const parse = zodOptions(NAME, DecontaminateOptionsSchema);

/** What the worker half found, carried to the coordinator under CHECKED_KEY (never written out). */
interface Checked {
  checked: number;
  record?: MatchRecord;
}

function withoutChecked(doc: Document): Document {
  const { [CHECKED_KEY]: _, ...metadata } = doc.metadata;
  return { ...doc, metadata };
}

/** The worker half: matches and span cuts, recorded in metadata; never drops. */
function workerHalf(options: DecontaminateOptions) {
  let matcher: DocumentMatcher | undefined; // the index is fetched at the first batch, not when validating a recipe
  return filterStep(NAME, {
    kind: options.mode === 'drop' ? 'annotate' : 'map',
    counters: [`${NAME}.ngrams_checked`, `${NAME}.documents_matched`],
    decide(doc, counters) {
      matcher ??= new DocumentMatcher(preparedEvalIndex(options), options);
      const r = matcher.check(doc);
      addCount(counters, `${NAME}.ngrams_checked`, r.checked);
      if (r.record) addCount(counters, `${NAME}.documents_matched`);
      const out = r.doc === doc ? { ...doc, metadata: { ...doc.metadata } } : r.doc;
      out.metadata[CHECKED_KEY] = { checked: r.checked, record: r.record } satisfies Checked;
      return out;
    },
  });
}

/** The coordinator half: the drop decisions, in input order, and the report's counts. */
function coordinatorHalf(options: DecontaminateOptions): CoordinatorStep {
  const index = preparedEvalIndex(options);
  const counts = new DecontaminationCounts(index, options);
  let matcher: DocumentMatcher | undefined;
  const step = filterStep(NAME, {
    omitZeroCounters: true,
    decide(doc) {
      let r = doc.metadata[CHECKED_KEY] as Checked | undefined;
      if (r) doc = withoutChecked(doc);
      else ({ doc, ...r } = (matcher ??= new DocumentMatcher(index, options)).check(doc));
      const { checked, record } = r!;
      counts.count(checked, record);
      if (record?.action === 'drop') return { doc, reason: record.matches[0]!.set };
      return doc;
    },
  });
  return {
    name: NAME,
    decide: (batch) => step.run(batch),
    checkpointDelta: () => counts.checkpointDelta(),
    restoreDelta: (delta) => counts.restoreDelta(delta),
    report: () => ({ ...counts.report() }),
  };
}

export const decontaminateStep: StepDefinition<DecontaminateOptions> = {
  name: NAME,
  description: [
    'Drops documents sharing a word n-gram with an item of an evaluation set, or removes the overlapping text; reports matches per set (stats.json `reports.decontaminate`, the run report, one line from the CLI, also when nothing matched). Options:',
    '',
    '| option | default | meaning |',
    '|---|---|---|',
    '| `sets` | required | evaluation sets: `[{"name": "mmlu", "paths": ["evals/mmlu.jsonl.gz"], "fields": ["question", "choices"], "idField": "id"}]`. `paths`: files, folders or globs (relative to the pipeline file): JSONL / JSONL.gz (an item per record), Parquet (per row), .txt (per non-empty line). `fields` (default `["text"]`): joined by newlines (lists too); a field missing from a file\'s first item is an error. `idField`: else file:line / file#row. `name`: default the first file\'s name up to its first dot |',
    '| `ngram` | `13` | words per n-gram, after MinHash\'s simplification (case, accents, punctuation, numbers, whitespace) |',
    '| `minWords` | `8` | items of `minWords`..`ngram - 1` words are matched whole; shorter ones are not indexed (reported as too short) |',
    '| `mode` | `"drop"` | `drop`: reason `decontaminate:<set>`; `remove-span`: the matched words (with their punctuation) are cut, the rest kept |',
    '',
    'Matched documents carry `metadata.decontamination` (`matches`: set and item of each, `action`, `removed_chars`). The index (12.25-12.5 bytes per distinct n-gram) is built once per run before the workers start and shared with them.',
  ].join('\n'),
  parseOptions: (raw) => refineOptions(parse(raw)),
  // Evaluation set paths in a pipeline file are relative to the file, like its inputs.
  resolvePaths: (raw, resolve) => ({
    ...raw,
    ...(Array.isArray(raw.sets) && {
      sets: raw.sets.map((set: unknown) => {
        const paths = (set as { paths?: unknown } | null)?.paths;
        return Array.isArray(paths) ? { ...(set as object), paths: paths.map((p) => (typeof p === 'string' ? resolve(p) : p)) } : set;
      }),
    }),
  }),
  prepare: async (options) => (await prepareEvalIndex(options)).parts.contentHash,
  worker: workerHalf,
  coordinator: coordinatorHalf,
};
