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

const int = () => z.number().int().nonnegative();
const pos = () => z.number().int().positive();

/** Crawl stage: where pages come from when there are no input files. Keys mirror `crawl` flags. */
const CrawlSettings = z
  .object({
    seeds: z.string().min(1).optional().describe('seed file (one URL per line), relative to the pipeline file'),
    urls: z.array(z.string().min(1)).min(1).optional().describe('seed URLs given inline'),
    maxPages: pos().optional(),
    maxDepth: int().optional(),
    scope: z.enum(['host', 'domain', 'any']).optional(),
    concurrency: pos().optional(),
    perHostConcurrency: pos().optional(),
    delayMs: int().optional(),
    timeoutMs: pos().optional(),
    maxBytes: pos().optional(),
    retries: pos().optional(),
    userAgent: z.string().min(1).optional(),
    allowPrivate: z.boolean().optional(),
  })
  .strict()
  .refine((c) => (c.seeds === undefined) !== (c.urls === undefined), { message: 'give exactly one of "seeds" or "urls"' });

/** Tokenizer training stage. Keys mirror `tokenizer train` flags. */
const TokenizerSettings = z
  .object({
    vocabSize: z.number().int().min(257),
    minFrequency: pos().optional(),
    specialTokens: z.array(z.string().min(1)).optional(),
    pretokenizer: z.enum(['gpt2', 'gpt4']).optional(),
  })
  .strict();

/** Tokenize stage. Keys mirror `tokenize` flags. */
const TokenizeSettings = z.object({ shardDocs: pos().optional(), eot: z.string().min(1).optional() }).strict();

/** Model training stage. Keys mirror `train` flags. */
const TrainSettings = z
  .object({
    backend: z.enum(['wasm', 'cpu', 'tensorflow', 'tensorflow-gpu', 'webgpu']).optional(),
    steps: pos(),
    batchSize: pos().optional(),
    gradAccum: pos().optional(),
    context: pos().optional(),
    layers: pos().optional(),
    heads: pos().optional(),
    dim: pos().optional(),
    lr: z.number().positive().optional(),
    warmup: int().optional(),
    evalEvery: pos().optional(),
    seed: int().optional(),
    seqLenWarmup: int().optional(),
    valFraction: z.number().min(0).lt(1).optional(),
  })
  .strict();

/** Sample stage: text generated from the trained model at the end of the run. */
const SampleSettings = z
  .object({ prompt: z.string(), tokens: pos().optional(), temperature: z.number().nonnegative().optional(), topK: pos().optional() })
  .strict();

export const PipelineFileSchema = z
  .object({
    $schema: z.string().optional(),
    description: z.string().optional(),
    /** Input paths, folders or globs, relative to the pipeline file. */
    input: z.array(z.string().min(1)).optional(),
    /** Output folder, relative to the pipeline file. */
    out: z.string().min(1).optional(),
    crawl: CrawlSettings.optional(),
    curate: CurateSettings.optional(),
    steps: z.array(z.object({ step: z.string() }).passthrough()).min(1),
    tokenizer: TokenizerSettings.optional(),
    tokenize: TokenizeSettings.optional(),
    train: TrainSettings.optional(),
    sample: SampleSettings.optional(),
  })
  .strict()
  .refine((p) => !(p.crawl && p.input), { message: 'give either "crawl" or "input", not both' })
  .refine((p) => !p.tokenize || p.tokenizer, { message: '"tokenize" needs a "tokenizer" section' })
  .refine((p) => !p.train || p.tokenizer, { message: '"train" needs a "tokenizer" section' })
  .refine((p) => !p.sample || p.train, { message: '"sample" needs a "train" section' });

export type PipelineFile = Omit<z.output<typeof PipelineFileSchema>, 'steps'> & { steps: StepSpec[]; path: string };

/** The object schema at a path of the pipeline file (to list the valid keys), if any. */
function objectAt(path: PropertyKey[]): z.ZodObject | undefined {
  let schema: z.ZodType = PipelineFileSchema;
  for (const key of [...path, null]) {
    while (schema instanceof z.ZodPipe || schema instanceof z.ZodOptional) schema = schema instanceof z.ZodPipe ? (schema.in as z.ZodType) : (schema.unwrap() as z.ZodType);
    if (key === null) break;
    if (!(schema instanceof z.ZodObject)) return undefined;
    schema = (schema.shape as Record<string, z.ZodType>)[String(key)]!;
    if (!schema) return undefined;
  }
  return schema instanceof z.ZodObject ? schema : undefined;
}

function describe(issue: z.core.$ZodIssue): string {
  const where = issue.path.length ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') : '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const valid = objectAt(issue.path)?.keyof().options.filter((k) => k !== '$schema');
    return `${where}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}${valid ? `; valid keys: ${valid.join(', ')}` : ''}`;
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
