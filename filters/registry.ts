import type { StepDefinition } from '../pipelines/step.js';
import { UserError } from '../pipelines/errors.js';
import { normaliseStep } from './normalise.js';
import { extractStep } from './extract.js';
import { langidStep } from './langid.js';
import { gopherQualityStep } from './gopherQuality.js';
import { gopherRepetitionStep } from './gopherRepetition.js';
import { c4QualityStep } from './c4Quality.js';
import { finewebQualityStep } from './finewebQuality.js';
import { exactDedupStep } from './exactDedup.js';
import { minhashDedupStep } from './minhashDedup.js';
import { urlDedupStep } from './urlDedup.js';
import { toxicityStep } from './toxicity.js';
import { urlBlocklistStep } from './urlBlocklist.js';
import { piiStep } from './pii.js';
import { boilerplateLinesStep } from './boilerplateLines.js';

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
];

export const stepRegistry: ReadonlyMap<string, StepDefinition<any>> = new Map(definitions.map((d) => [d.name, d]));

export function getStepDefinition(name: string): StepDefinition<any> {
  const def = stepRegistry.get(name);
  if (!def) throw new UserError(`unknown step '${name}'; valid steps: ${[...stepRegistry.keys()].join(', ')}`);
  return def;
}
