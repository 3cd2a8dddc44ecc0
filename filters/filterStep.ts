/**
 * The kept/dropped loop of a per-document step, written once. A step is its rule (the verdict on
 * one document) and its options; this module owns the loop over the batch, the kept and dropped
 * lists, the drop reasons `<step>:<rule>` and the per-batch counters.
 */
import type { z } from 'zod';
import type { Document, Rejected } from '../core/document.js';
import type { Step, StepDefinition } from '../core/step.js';
import { zodOptions } from '../core/options.js';
import * as clock from '../core/documentClock.js';

/**
 * What a rule says about one document:
 * - a Document: keep it (`doc` itself, or a changed copy);
 * - a string: drop `doc` for this rule (the `<rule>` of the reason `<step>:<rule>`);
 * - `{ doc, reason }` with the rule as reason: drop this changed copy. The object must be a fresh
 *   one of the rule's own: its reason is completed to `<step>:<rule>` in place (no second object).
 */
export type Verdict = Document | string | Rejected;

/** The verdict on one document; `counters` are this batch's (see addCount). */
export type Decide = (doc: Document, counters: Record<string, number>) => Verdict;

export interface FilterRule {
  /** Default 'filter'. */
  readonly kind?: Step['kind'];
  /**
   * Counters (full names, `<step>.<counter>`) that every batch reports, in this order, from 0.
   * A rule may count others too; they appear in the order first counted.
   */
  readonly counters?: readonly string[];
  /** Leave counters that stayed 0 out of the batch's output (default: `counters` show even at 0). */
  readonly omitZeroCounters?: boolean;
  readonly decide: Decide;
}

/** Adds n to a counter of the batch, creating it at its first count. */
export function addCount(counters: Record<string, number>, counter: string, n = 1): void {
  counters[counter] = (counters[counter] ?? 0) + n;
}

function withoutZeros(counters: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k in counters) if (counters[k] !== 0) out[k] = counters[k]!;
  return out;
}

/**
 * A worker step (or the per-document half of a coordinator step) that applies a rule to each
 * document; a bare Decide is a filter without declared counters.
 */
export function filterStep(name: string, ruleOrDecide: FilterRule | Decide): Step {
  const rule: FilterRule = typeof ruleOrDecide === 'function' ? { decide: ruleOrDecide } : ruleOrDecide;
  const decide = rule.decide;
  // One string per rule, built once: a drop costs a lookup, not a concatenation.
  const reasons = new Map<string, string>();
  const reasonOf = (ruleName: string): string => {
    let reason = reasons.get(ruleName);
    if (reason === undefined) reasons.set(ruleName, (reason = `${name}:${ruleName}`));
    return reason;
  };
  const always = rule.counters ?? [];
  return {
    name,
    kind: rule.kind ?? 'filter',
    run(batch: Document[]) {
      const kept: Document[] = [];
      const dropped: Rejected[] = [];
      const counters: Record<string, number> = {};
      for (const c of always) counters[c] = 0;
      // The document clock tells a watchdog which document a worker is on (the per-document time budget).
      for (const doc of batch) {
        clock.enter(doc);
        const verdict = decide(doc, counters);
        if (typeof verdict === 'string') dropped.push({ doc, reason: reasonOf(verdict) });
        else if ('reason' in verdict) {
          verdict.reason = reasonOf(verdict.reason);
          dropped.push(verdict);
        } else {
          clock.carry(doc, verdict);
          kept.push(verdict);
        }
      }
      clock.leave();
      return { kept, dropped, counters: rule.omitZeroCounters ? withoutZeros(counters) : counters };
    },
  };
}

/** A step's options as a zod object schema (see zodOptions). */
export type OptionsSchema = z.ZodObject<z.ZodRawShape>;

export interface FilterDefinition<S extends OptionsSchema, O> {
  readonly name: string;
  readonly description: string;
  /** The options a pipeline file may give (unknown keys are rejected). */
  readonly options: S;
  /** Checks and derived values beyond the schema (throws UserError); default: the parsed options. */
  readonly refine?: (parsed: z.output<S>) => O;
  /** The rule for one run, built once per worker from the parsed options. */
  readonly rule: (options: O) => FilterRule | Decide;
  /** Makes the file paths among the raw options absolute (a pipeline file's paths are relative to the file). */
  readonly resolvePaths?: StepDefinition<O>['resolvePaths'];
}

/** The StepDefinition of a per-document step: its options and its rule. */
export function defineFilterStep<S extends OptionsSchema, O = z.output<S>>(def: FilterDefinition<S, O>): StepDefinition<O> {
  const parse = zodOptions(def.name, def.options);
  const refine = def.refine ?? ((parsed: z.output<S>) => parsed as O);
  return {
    name: def.name,
    description: def.description,
    parseOptions: (raw) => refine(parse(raw)),
    worker: (options) => filterStep(def.name, def.rule(options)),
    ...(def.resolvePaths && { resolvePaths: def.resolvePaths }),
  };
}
