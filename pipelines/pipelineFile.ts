import { readFile } from 'node:fs/promises';
import { dirname, resolve, isAbsolute } from 'node:path';
import { z } from 'zod';
import { UserError } from './errors.js';
import { validateRecipe } from './recipe.js';
import type { StepSpec } from './step.js';

/** Curate settings a pipeline file may fix (flags override them). */
const CurateSettings = z
  .object({
    shardDocs: z.number().int().positive().optional(),
    shardBytes: z.number().int().positive().optional(),
    batchSize: z.number().int().positive().optional(),
    keepRejected: z.boolean().optional(),
    textField: z.string().min(1).optional(),
    strict: z.boolean().optional(),
  })
  .strict();

export const PipelineFileSchema = z
  .object({
    $schema: z.string().optional(),
    description: z.string().optional(),
    /** Input paths, folders or globs, relative to the pipeline file. */
    input: z.array(z.string().min(1)).optional(),
    /** Output folder, relative to the pipeline file. */
    out: z.string().min(1).optional(),
    curate: CurateSettings.optional(),
    steps: z.array(z.object({ step: z.string() }).passthrough()).min(1),
  })
  .strict();

export type PipelineFile = Omit<z.output<typeof PipelineFileSchema>, 'steps'> & { steps: StepSpec[]; path: string };

function describe(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    return `${where}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  }
  return `${where}: ${issue.message}`;
}

/** Reads and validates a pipeline file; every error names the file and the path inside it. */
export async function loadPipelineFile(path: string): Promise<PipelineFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UserError(`${path}: cannot read the pipeline file`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  const parsed = PipelineFileSchema.safeParse(json);
  if (!parsed.success) throw new UserError(`${path}: ${describe(parsed.error.issues[0]!)}`);
  const { steps } = validateRecipe({ steps: parsed.data.steps }, path);
  const base = dirname(path);
  const rel = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  return {
    ...parsed.data,
    steps,
    input: parsed.data.input?.map(rel),
    out: parsed.data.out ? rel(parsed.data.out) : undefined,
    path,
  };
}
