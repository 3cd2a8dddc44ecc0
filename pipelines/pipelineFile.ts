import { readFile } from 'node:fs/promises';
import { dirname, resolve, isAbsolute } from 'node:path';
import { z } from 'zod';
import { UserError } from '../core/errors.js';
import { resolveStepPaths, validateRecipe } from './recipe.js';
import { observerFileKeys } from '../filters/registry.js';
import type { StepSpec } from '../core/step.js';
import { MixSpecSchema, parseMixSpec } from './mix/mixSpec.js';

const pos = () => z.number().int().positive();
/** Most settings are optional counts, described for the pipeline file reference. */
const optionalPositive = (meaning: string) => pos().optional().describe(meaning);
const optionalNonNegative = (meaning: string) => z.number().int().nonnegative().optional().describe(meaning);

/** Curate settings a pipeline file may fix (flags override them). */
const CurateSettings = z
  .object({
    shardDocs: optionalPositive('max documents per shard (default 100000)'),
    shardBytes: optionalPositive('max text bytes per shard (default 256 MiB)'),
    batchSize: optionalPositive('documents per worker task (default 256)'),
    keepRejected: z.boolean().optional().describe('also write rejected-NNNNN.parquet with each dropped document and its reason'),
    textField: z.string().min(1).optional().describe('JSONL field / Parquet column holding the text (default text)'),
    strict: z.boolean().optional().describe('malformed input records are fatal instead of counted and skipped'),
    timeBudgetMs: optionalNonNegative('one document may hold a worker this long in one step; past it the worker is ended and the document dropped as <step>:time_budget (default 10000; 0: no budget)'),
    maxDocumentBytes: optionalPositive('larger documents are dropped as they are read, counted in stats.json input.dropped.too_large (default 10 MiB)'),
  })
  .strict();

/** Crawl stage: where pages come from when there are no input files. Keys mirror `crawl` flags. */
const CrawlSettings = z
  .object({
    seeds: z.string().min(1).optional().describe('seed file (one URL per line), relative to the pipeline file'),
    urls: z.array(z.string().min(1)).min(1).optional().describe('seed URLs given inline'),
    maxPages: optionalPositive('stop after this many page fetches'),
    maxDepth: optionalNonNegative('links followed from the seeds at most this deep (default 20)'),
    scope: z.enum(['host', 'domain', 'any']).optional().describe("follow links within the seeds' hosts, registrable domains, or anywhere (default host)"),
    concurrency: optionalPositive('requests in flight overall (default 32)'),
    perHostConcurrency: optionalPositive('requests in flight per host (default 2)'),
    delayMs: optionalNonNegative('time between requests to one host; a larger robots.txt Crawl-delay wins (default 1000)'),
    timeoutMs: optionalPositive('connect, header and idle-body timeout (default 30000)'),
    maxBytes: optionalPositive('body cap after decompression (default 10 MB)'),
    retries: optionalPositive('tries per URL on 5xx, 429, timeouts and resets (default 3)'),
    userAgent: z.string().min(1).optional().describe('User-Agent header; robots.txt groups match its first word'),
    allowPrivate: z.boolean().optional().describe('allow loopback/private addresses (intranet or test crawls)'),
  })
  .strict()
  .refine((c) => (c.seeds === undefined) !== (c.urls === undefined), { message: 'give exactly one of "seeds" or "urls"' });

/** Mix stage: the curated corpus sampled to target proportions (pipelines/mix/mixSpec.ts), read by the tokenizer stages. */
const MixSettings = MixSpecSchema.extend({
  tokenizer: z.string().min(1).optional().describe('an existing tokenizer.json counting tokens, relative to the pipeline file (a mixture in tokens needs one: the run trains its own after the mix)'),
}).strict();

/** Dedup stage: global dedup of the curated corpus as file stages (`corpusforge dedup --all`). Keys mirror its flags. */
const DedupSettings = z
  .object({
    steps: z.array(z.object({ step: z.string() }).passthrough()).min(1).optional().describe('exact_dedup / url_dedup / minhash_dedup steps with their options, in deciding order (default: url, exact, MinHash as in pipelines/web.json)'),
    partitions: optionalPositive('key partitions (default: the corpus\'s rank count)'),
    memoryMb: optionalPositive('MiB of keys a partition sorts in memory before spilling sorted runs (default 256)'),
    keepRejected: z.boolean().optional().describe('also write rejected-NNNNN.parquet with each removed document, its reason and duplicate_of'),
  })
  .strict();

/** Tokenizer training stage. Keys mirror `tokenizer train` flags. */
const TokenizerSettings = z
  .object({
    vocabSize: z.number().int().min(257).describe('vocabulary size including the 256 byte tokens and special tokens'),
    minFrequency: optionalPositive('pairs seen fewer times are not merged'),
    specialTokens: z.array(z.string().min(1)).optional().describe('added special tokens, e.g. <|endoftext|>'),
    pretokenizer: z.enum(['gpt2', 'gpt4', 'o200k']).optional().describe('split regex: GPT-2, GPT-4 (cl100k) or o200k'),
  })
  .strict();

/** Tokenize stage. Keys mirror `tokenize` flags. */
const TokenizeSettings = z
  .object({
    shardDocs: optionalPositive('max documents per tokens-NNNNN.parquet shard'),
    eot: z.string().min(1).optional().describe('special token appended after every document (default <|endoftext|>)'),
  })
  .strict();

/** Model training stage. Keys mirror `train` flags. */
const TrainSettings = z
  .object({
    backend: z.enum(['wasm', 'cpu', 'tensorflow', 'tensorflow-gpu', 'webgpu']).optional().describe('TensorFlow.js backend (default wasm)'),
    steps: pos().describe('optimizer steps'),
    batchSize: optionalPositive('sequences per micro-batch'),
    gradAccum: optionalPositive('micro-batches per optimizer step'),
    context: optionalPositive('sequence length'),
    layers: optionalPositive('transformer blocks'),
    heads: optionalPositive('attention heads'),
    dim: optionalPositive('model width'),
    lr: z.number().positive().optional().describe('peak learning rate (warmup + cosine)'),
    warmup: optionalNonNegative('warmup steps'),
    evalEvery: optionalPositive('validation loss every N steps'),
    seed: optionalNonNegative('seed for weights and data order'),
    seqLenWarmup: optionalNonNegative('curriculum: grow the sequence length to context over N steps'),
    valFraction: z.number().min(0).lt(1).optional().describe('share of tokens held out for validation (default 0.05)'),
  })
  .strict();

/** Sample stage: text generated from the trained model at the end of the run. */
const SampleSettings = z
  .object({
    prompt: z.string().describe('text to continue'),
    tokens: optionalPositive('tokens to generate'),
    temperature: z.number().nonnegative().optional().describe('sampling temperature (0 = greedy)'),
    topK: optionalPositive('sample among the k most likely tokens'),
  })
  .strict();

export const PipelineFileSchema = z
  .object({
    $schema: z.string().optional(),
    description: z.string().optional().describe('free text'),
    input: z.array(z.string().min(1)).optional().describe('input files, folders or globs, relative to the pipeline file (or crawl)'),
    out: z.string().min(1).optional().describe('output folder, relative to the pipeline file'),
    crawl: CrawlSettings.optional().describe('crawl stage: pages from seed URLs into WARC files (instead of input)'),
    curate: CurateSettings.optional().describe('curate stage settings'),
    steps: z
      .array(z.object({ step: z.string() }).passthrough())
      .min(1)
      .optional()
      .describe('curation steps, in order: {"step": NAME, ...options}; without it the recipe is chosen from the input: pipelines/web.json for web pages (a crawl, WARC, .html, JSONL with an "html" field; also when mixed with text), pipelines/text.json for text'),
    ...observerFileKeys,
    dedup: DedupSettings.optional().describe('dedup stage: the curated corpus deduplicated across all of it by file stages (signatures, buckets, clusters, filter), as a cluster runs them (docs/distributed.md); put no dedup steps in "steps" then'),
    mix: MixSettings.optional().describe('mix stage: the curated corpus sampled to target proportions per language, domain, source or metadata field; the tokenizer stages then read the mixture'),
    tokenizer: TokenizerSettings.optional().describe('tokenizer stage: byte-level BPE trained on the curated corpus'),
    tokenize: TokenizeSettings.optional().describe('tokenize stage: token shards, tokens.bin + tokens.idx'),
    train: TrainSettings.optional().describe('train stage: a GPT trained on the token shards'),
    sample: SampleSettings.optional().describe('sample stage: text generated from the trained model'),
  })
  .strict()
  .refine((p) => !(p.crawl && p.input), { message: 'give either "crawl" or "input", not both' })
  .refine((p) => !p.tokenize || p.tokenizer, { message: '"tokenize" needs a "tokenizer" section' })
  .refine((p) => !p.train || p.tokenizer, { message: '"train" needs a "tokenizer" section' })
  .refine((p) => !p.sample || p.train, { message: '"sample" needs a "train" section' });

export type PipelineFile = Omit<z.output<typeof PipelineFileSchema>, 'steps'> & { steps?: StepSpec[]; path: string };

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
  const base = dirname(path);
  const rel = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const steps = parsed.data.steps && validateRecipe({ steps: resolveStepPaths(parsed.data.steps, rel) }, path).steps;
  const mix = parsed.data.mix && { ...parsed.data.mix, ...(parsed.data.mix.tokenizer ? { tokenizer: rel(parsed.data.mix.tokenizer) } : {}) };
  if (mix) {
    const { tokenizer, ...spec } = mix;
    if (parseMixSpec(spec, `${path}: mix`).unit === 'tokens' && !tokenizer) throw new UserError(`${path}: mix: a mixture in tokens needs "tokenizer" (a tokenizer.json; the run's own is trained after the mix), or give "bytes", "words" or "docs"`);
  }
  return {
    ...parsed.data,
    steps,
    mix,
    input: parsed.data.input?.map(rel),
    out: parsed.data.out ? rel(parsed.data.out) : undefined,
    path,
  };
}
