import { getStepDefinition, stepRegistry } from '../filters/registry.js';
import { UserError } from '../core/errors.js';
import type { CoordinatorContext, CoordinatorStep, Step, StepSpec } from '../core/step.js';

/** A declarative pipeline: the steps to run, in order, with their options. */
export interface Recipe {
  steps: StepSpec[];
}

/** Checks every step name and option now, so a typo fails before any work is done. */
export function validateRecipe(recipe: unknown, where = 'pipeline'): Recipe {
  if (!recipe || typeof recipe !== 'object' || !Array.isArray((recipe as Recipe).steps)) {
    throw new UserError(`${where}: expected an object with a "steps" array`);
  }
  const steps = (recipe as Recipe).steps;
  steps.forEach((spec, i) => {
    if (!spec || typeof spec !== 'object' || typeof spec.step !== 'string') {
      throw new UserError(`${where}: steps[${i}]: expected an object with a "step" name`);
    }
    try {
      const { step, ...options } = spec;
      getStepDefinition(step).parseOptions(options);
    } catch (e) {
      throw new UserError(`${where}: steps[${i}]: ${(e as Error).message}`);
    }
  });
  const names = steps.map((s) => s.step);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new UserError(`${where}: step '${dup}' appears twice`);
  // Global decisions (dedup, decontamination) run after every per-document step, so a filter placed after
  // one would change what it sees: refuse rather than silently reorder.
  const firstGlobal = steps.findIndex((s) => getStepDefinition(s.step).coordinator);
  if (firstGlobal >= 0) {
    for (const spec of steps.slice(firstGlobal + 1)) {
      const def = getStepDefinition(spec.step);
      if (def.coordinator || !def.worker) continue;
      const { step, ...options } = spec;
      if (def.worker(def.parseOptions(options)).kind === 'filter') {
        throw new UserError(`${where}: filter step '${step}' must come before the global step '${steps[firstGlobal]!.step}' (global steps such as dedup decide after all per-document steps)`);
      }
    }
  }
  return { steps };
}

/** Worker steps placed after the first global step: they run before dedup decides, see docs it drops. */
export function lateWorkerSteps(steps: StepSpec[]): string[] {
  const firstGlobal = steps.findIndex((s) => getStepDefinition(s.step).coordinator);
  if (firstGlobal < 0) return [];
  return steps.slice(firstGlobal + 1).filter((s) => !getStepDefinition(s.step).coordinator).map((s) => s.step);
}

function build<T>(specs: StepSpec[], pick: 'worker' | 'coordinator', context?: CoordinatorContext): T[] {
  const out: T[] = [];
  for (const { step, ...options } of specs) {
    const def = getStepDefinition(step);
    const make = def[pick] as ((o: unknown, c?: CoordinatorContext) => T) | undefined;
    if (make) out.push(make(def.parseOptions(options), context));
  }
  return out;
}

/** The worker halves, in recipe order. */
export const buildWorkerSteps = (specs: StepSpec[]): Step[] => build<Step>(specs, 'worker');
/** The coordinator halves (global decisions), in recipe order. */
export const buildCoordinatorSteps = (specs: StepSpec[], context?: CoordinatorContext): CoordinatorStep[] => build<CoordinatorStep>(specs, 'coordinator', context);

/**
 * Runs the prepare hook of every step that has one (recipe order): what they read is then ready for the
 * run's halves. Returns their content hashes by step name (empty when no step prepares anything).
 */
export async function prepareSteps(specs: StepSpec[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const { step, ...options } of specs) {
    const def = getStepDefinition(step);
    if (def.prepare) out[step] = await def.prepare(def.parseOptions(options));
  }
  return out;
}

/** Steps as a pipeline file gives them, with the file paths their options name resolved (steps without any unchanged). */
export function resolveStepPaths(specs: StepSpec[], resolve: (path: string) => string): StepSpec[] {
  return specs.map((spec) => {
    const def = stepRegistry.get(spec.step);
    if (!def?.resolvePaths) return spec;
    const { step, ...options } = spec;
    return { step, ...def.resolvePaths(options, resolve) };
  });
}
