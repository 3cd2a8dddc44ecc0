import { z } from 'zod';
import { UserError } from './errors.js';

/**
 * Builds a StepDefinition.parseOptions from a zod object schema: unknown keys are rejected
 * (a misspelt option must not be silently ignored) and errors name the step and the option.
 */
export function zodOptions<S extends z.ZodObject<z.ZodRawShape>>(step: string, schema: S) {
  const strict = schema.strict();
  return (raw: Record<string, unknown>): z.output<S> => {
    const r = strict.safeParse(raw);
    if (r.success) return r.data as z.output<S>;
    const issue = r.error.issues[0]!;
    const where = issue.path.length ? `option '${issue.path.join('.')}'` : 'options';
    throw new UserError(`step '${step}': ${where}: ${issue.message}`);
  };
}
