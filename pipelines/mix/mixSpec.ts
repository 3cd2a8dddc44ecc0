/**
 * A mixture as the user writes it (`corpusforge mix --spec`, or the `mix` section of a pipeline file):
 *
 *   {"by": "lang", "targets": {"eng": 0.5, "deu": 0.2, "*": 0.3}, "tokens": 2e9, "maxEpochs": 4, "seed": 1}
 *
 * - `by`: the grouping (datasets/documentGroups.ts: lang, domain, tld, source, metadata.FIELD);
 * - exactly one of `targets` (proportions summing to 1), `budgets` (amounts per group in the unit) or
 *   `temperature` (p ∝ n^(1/T) over every group present, as multilingual models sample languages);
 *   `*` in targets / budgets is every group not named, taken together at one rate;
 * - the total: at most one of `tokens`, `bytes`, `words`, `docs` (that key is also the unit); without one,
 *   `unit` (default bytes) and the largest total every group can supply within `maxEpochs`;
 * - `maxEpochs`: how many times a document may appear at most (1 = never repeated);
 * - `seed`: which documents are picked (seed + document id hashed).
 */
import { z } from 'zod';
import { UserError } from '../../core/errors.js';
import { parseGroupBy, type GroupBy } from '../../datasets/documentGroups.js';

export const MIX_UNITS = ['tokens', 'bytes', 'words', 'docs'] as const;
export type MixUnit = (typeof MIX_UNITS)[number];

/** The key of every group the targets do not name. */
export const REST = '*';

const amount = z.number().finite().nonnegative();

/** The spec's JSON shape (also the pipeline file's `mix` section, less the stage-only keys). */
export const MixSpecSchema = z
  .object({
    by: z.string().min(1).describe('grouping: lang, domain, tld, source or metadata.FIELD'),
    targets: z.record(z.string().min(1), amount).optional().describe('proportion per group, summing to 1; "*" is every group not named'),
    budgets: z.record(z.string().min(1), amount).optional().describe('amount per group in the unit; "*" is every group not named, together'),
    temperature: z.number().finite().positive().optional().describe('instead of targets: p ∝ n^(1/T) over every group present (1 = as found; larger flattens)'),
    tokens: z.number().finite().positive().optional().describe('total in tokens (needs a tokenizer)'),
    bytes: z.number().finite().positive().optional().describe('total in UTF-8 bytes of text'),
    words: z.number().finite().positive().optional().describe('total in words'),
    docs: z.number().finite().positive().optional().describe('total in documents'),
    unit: z.enum(MIX_UNITS).optional().describe('what targets, budgets and the total count when no total key is given (default bytes)'),
    maxEpochs: z.number().int().min(1).max(1000).optional().describe('times a document may appear at most (default 1: never repeated)'),
    seed: z.number().int().nonnegative().optional().describe('which documents are picked (default 0)'),
  })
  .strict();

export type MixSpecInput = z.input<typeof MixSpecSchema>;

/** A checked spec with its defaults. */
export interface MixSpec {
  by: GroupBy;
  mode: 'targets' | 'budgets' | 'temperature';
  /** Proportions (targets) or amounts (budgets) per named group; empty for temperature. */
  weights: Record<string, number>;
  temperature?: number;
  unit: MixUnit;
  /** The total asked for, in the unit; undefined = the largest every group can supply. */
  total?: number;
  maxEpochs: number;
  seed: number;
}

function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}; valid keys: ${MixSpecSchema.keyof().options.join(', ')}`;
  return `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`;
}

/** Checks a spec; every problem is one UserError starting with `where`. */
export function parseMixSpec(raw: unknown, where = 'mix'): MixSpec {
  const r = MixSpecSchema.safeParse(raw);
  if (!r.success) throw new UserError(`${where}: ${issueText(r.error.issues[0]!)}`);
  const s = r.data;
  const by = parseGroupBy(s.by, `${where}: by`);
  const modes = (['targets', 'budgets', 'temperature'] as const).filter((m) => s[m] !== undefined);
  if (modes.length !== 1) throw new UserError(`${where}: give exactly one of "targets", "budgets" or "temperature"${modes.length ? ` (got ${modes.join(' and ')})` : ''}`);
  const mode = modes[0]!;
  const totals = MIX_UNITS.filter((u) => s[u] !== undefined);
  if (totals.length > 1) throw new UserError(`${where}: give at most one total (${totals.join(' and ')} given)`);
  const totalUnit = totals[0];
  if (totalUnit && s.unit && s.unit !== totalUnit) throw new UserError(`${where}: "unit" is ${s.unit} but the total is given in ${totalUnit}`);
  if (mode === 'budgets' && totalUnit) throw new UserError(`${where}: "budgets" already say how much of each group; drop "${totalUnit}" (or use "targets" with a total)`);
  const weights = s.targets ?? s.budgets ?? {};
  if (mode !== 'temperature' && Object.keys(weights).length === 0) throw new UserError(`${where}: "${mode}" names no group`);
  if (mode === 'targets') {
    const sum = Object.values(weights).reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 1) > 1e-6) throw new UserError(`${where}: targets must sum to 1 (they sum to ${+sum.toFixed(6)}); use "budgets" for amounts`);
  }
  return {
    by,
    mode,
    weights: { ...weights },
    ...(s.temperature !== undefined ? { temperature: s.temperature } : {}),
    unit: totalUnit ?? s.unit ?? 'bytes',
    ...(totalUnit ? { total: s[totalUnit]! } : {}),
    maxEpochs: s.maxEpochs ?? 1,
    seed: s.seed ?? 0,
  };
}

/** Reads a spec given as inline JSON or as the path of a JSON file (`--spec`). */
export function mixSpecFromText(text: string, where: string): MixSpec {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${where}: not valid JSON (${(e as Error).message})`);
  }
  return parseMixSpec(json, where);
}
