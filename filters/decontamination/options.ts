/** The `decontaminate` step's options, as a pipeline file gives them. */
import { z } from 'zod';
import { UserError } from '../../core/errors.js';

const EvalSet = z
  .object({
    /** Name in reports, drop reasons and metadata (default: the first path's file name). */
    name: z.string().min(1).regex(/^[^:\s]+$/, 'a set name has no spaces or colons').optional(),
    /** Files, folders or globs: JSONL / JSONL.gz (one item per record), Parquet (one per row), .txt (one per non-empty line). */
    paths: z.array(z.string().min(1)).min(1),
    /** JSONL fields / Parquet columns whose values, joined by a newline, are an item's text (arrays are joined too). */
    fields: z.array(z.string().min(1)).min(1).default(['text']),
    /** Field / column holding an item's id (default: file name and line, or row). */
    idField: z.string().min(1).optional(),
  })
  .strict();

export const DecontaminateOptionsSchema = z.object({
  /** The evaluation sets. */
  sets: z.array(EvalSet).min(1),
  /** Words per n-gram, after MinHash's text simplification (13: GPT-3, the Llama papers). */
  ngram: z.number().int().min(1).max(64).default(13),
  /**
   * An item shorter than `ngram` words but at least this long is matched as a whole (one n-gram of its own
   * length); a shorter one is not indexed and is reported as too short. 8 is GPT-3's floor for short items.
   */
  minWords: z.number().int().min(1).max(64).default(8),
  /** `drop` a document sharing an n-gram with an item, or `remove-span` the overlapping text and keep the rest. */
  mode: z.enum(['drop', 'remove-span']).default('drop'),
});

export type EvalSetOptions = z.output<typeof EvalSet> & { name: string };
export interface DecontaminateOptions {
  sets: EvalSetOptions[];
  ngram: number;
  minWords: number;
  mode: 'drop' | 'remove-span';
}

/** Fills set names and checks what the schema cannot: distinct names, minWords within ngram. */
export function refineOptions(o: z.output<typeof DecontaminateOptionsSchema>): DecontaminateOptions {
  const sets = o.sets.map((s, i) => ({ ...s, name: s.name ?? defaultName(s.paths[0]!, i) }));
  const names = sets.map((s) => s.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new UserError(`step 'decontaminate': two evaluation sets are named '${dup}'; give each a distinct "name"`);
  if (o.minWords > o.ngram) throw new UserError(`step 'decontaminate': option 'minWords' (${o.minWords}) is larger than 'ngram' (${o.ngram})`);
  return { ...o, sets };
}

/** `mmlu` for `evals/mmlu.test.jsonl.gz`: the file name up to its first dot; `set2` for a glob like `evals/*.txt`. */
function defaultName(path: string, i: number): string {
  const base = (path.split(/[\\/]/).filter(Boolean).pop() ?? path).split('.')[0]!;
  return /^[\w-]+$/.test(base) ? base : `set${i + 1}`;
}
