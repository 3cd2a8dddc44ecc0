import { z } from 'zod';
import type { ObserverDefinition, StepDefinition, StepSpec } from '../core/step.js';
import { UserError } from '../core/errors.js';
import { normaliseStep } from './format/normalise.js';
import { extractStep } from './extract/extract.js';
import { langidStep } from './langid/langid.js';
import { gopherQualityStep } from './quality/gopherQuality.js';
import { gopherRepetitionStep } from './quality/gopherRepetition.js';
import { c4QualityStep } from './quality/c4Quality.js';
import { finewebQualityStep } from './quality/finewebQuality.js';
import { exactDedupStep } from './dedup/exactDedup.js';
import { minhashDedupStep } from './dedup/minhashDedup.js';
import { urlDedupStep } from './dedup/urlDedup.js';
import { toxicityStep } from './safety/toxicity.js';
import { urlBlocklistStep } from './safety/urlBlocklist.js';
import { piiStep } from './safety/pii.js';
import { boilerplateLinesStep } from './dedup/boilerplateLines.js';
import { biasReportObserver } from './safety/biasReport.js';
import { decontaminateStep } from './decontamination/decontaminate.js';
import { keepFirstKeysOf, type KeepFirstKeys } from './dedup/keepFirst/keepFirstStep.js';
import { corpusProfileObserver } from './profile/corpusProfile.js';

/** Every step a pipeline file may name. Add one line per step module. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const definitions: StepDefinition<any>[] = [
  extractStep,
  normaliseStep,
  langidStep,
  gopherRepetitionStep,
  gopherQualityStep,
  c4QualityStep,
  finewebQualityStep,
  exactDedupStep,
  minhashDedupStep,
  urlDedupStep,
  toxicityStep,
  urlBlocklistStep,
  piiStep,
  boilerplateLinesStep,
  decontaminateStep,
];

export const stepRegistry: ReadonlyMap<string, StepDefinition<any>> = new Map(definitions.map((d) => [d.name, d]));

export function getStepDefinition(name: string): StepDefinition<any> {
  const def = stepRegistry.get(name);
  if (!def) throw new UserError(`unknown step '${name}'; valid steps: ${[...stepRegistry.keys()].join(', ')}`);
  return def;
}

/** Every run observer (core/step.ts), on in every run unless its options are false. One line per observer. */
const observerDefinitions = [biasReportObserver, corpusProfileObserver] as const;

type RegisteredObserver = (typeof observerDefinitions)[number];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const observerRegistry: readonly ObserverDefinition<any>[] = observerDefinitions;

/** Each observer's options as curate takes them, under its name: false turns it off, omitted means `{}`. */
export type ObserverOptions = { [D in RegisteredObserver as D['name']]?: Parameters<D['create']>[0] | false };

/** The pipeline file keys of the observers, under their names. */
export const observerFileKeys = Object.fromEntries(
  observerDefinitions.map((d) => [d.name, z.union([z.literal(false), d.fileOptions]).optional().describe(d.description)]),
) as { [D in RegisteredObserver as D['name']]: z.ZodOptional<z.ZodUnion<[z.ZodLiteral<false>, D['fileOptions']]>> };

export type { KeepFirstKeys } from './dedup/keepFirst/keepFirstStep.js';

/** A keep-first dedup step's keys (exact, URL, MinHash) for the staged dedup; undefined for any other step. */
export function dedupKeysOf(spec: StepSpec): KeepFirstKeys | undefined {
  const { step, ...options } = spec;
  const def = getStepDefinition(step);
  return keepFirstKeysOf(def, def.parseOptions(options));
}
