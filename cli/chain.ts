import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from './command.js';
import type { PipelineFile } from '../pipelines/pipelineFile.js';
import { UserError } from '../core/errors.js';
import { expandInputs } from '../datasets/inputs.js';
import { writeJsonAtomic } from '../core/atomicFile.js';
import { prepareSteps } from '../pipelines/recipe.js';
import { dedupStepsOf } from '../pipelines/dedupStages/index.js';

/**
 * `corpusforge run`: the stages of a pipeline file (crawl -> curate -> tokenizer -> tokenize -> train ->
 * sample), each in its own folder under OUT. A stage is skipped when its stage.json says it completed
 * with the same options and the same inputs (hashes of both); an unfinished stage with unchanged
 * inputs resumes; a stage whose options or inputs changed is rebuilt, and so is everything after it.
 */

export interface StageRecord {
  stage: string;
  options_hash: string;
  inputs_hash: string;
  complete: boolean;
  finished?: string;
  summary?: string;
}

export interface ChainOptions {
  out: string;
  input?: string[];
  workers?: string;
  quiet?: boolean;
  force?: boolean;
  log: (line: string) => void;
}

export interface ChainResult {
  ran: string[];
  skipped: string[];
  dirs: { crawl?: string; corpus: string; deduped?: string; mix?: string; tokenizer?: string; tokens?: string; model?: string };
}

const hash = (v: unknown) => createHash('sha256').update(typeof v === 'string' ? v : JSON.stringify(v)).digest('hex');
const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Turns a settings object into CLI flags: { maxPages: 5, allowPrivate: true } -> --max-pages 5 --allow-private. */
export function toFlags(settings: Record<string, unknown>, skip: string[] = []): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(settings)) {
    if (v === undefined || skip.includes(k)) continue;
    if (v === true) out.push(`--${kebab(k)}`);
    else if (v === false) continue;
    else out.push(`--${kebab(k)}`, Array.isArray(v) ? v.join(',') : String(v));
  }
  return out;
}

async function readRecord(dir: string): Promise<StageRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'stage.json'), 'utf8')) as StageRecord;
  } catch {
    return undefined;
  }
}

async function fileHash(path: string): Promise<string> {
  return hash(await readFile(path));
}

/** Identity of a folder's finished output, from its manifest (shards' sha256) or listed files. */
async function manifestHash(dir: string): Promise<string> {
  const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { shards?: { sha256: string }[]; files?: { sha256: string }[] };
  return hash((m.shards ?? m.files ?? []).map((s) => s.sha256));
}

async function runCommand(name: string, argv: string[]): Promise<void> {
  const mod = (await import(new URL(`./commands/${name}.ts`, import.meta.url).href)) as { command: Command };
  const code = await mod.command.run(argv);
  if (code !== 0) throw new UserError(`${name} stage failed (exit code ${code})`);
}

export async function runChain(p: PipelineFile, o: ChainOptions): Promise<ChainResult> {
  const result: ChainResult = { ran: [], skipped: [], dirs: { corpus: join(o.out, 'corpus') } };
  await mkdir(o.out, { recursive: true });
  const quiet = o.quiet ? ['--quiet'] : [];
  const workers = o.workers !== undefined ? ['--workers', o.workers] : [];

  /** Runs one stage unless it is up to date; `resumable` stages continue an unfinished run. */
  const stage = async (name: string, dir: string, options: unknown, inputs: string, resumable: boolean, work: (resume: boolean) => Promise<string>) => {
    const rec: StageRecord = { stage: name, options_hash: hash(options ?? null), inputs_hash: inputs, complete: false };
    const old = await readRecord(dir);
    const same = old && old.options_hash === rec.options_hash && old.inputs_hash === rec.inputs_hash;
    if (same && old.complete && !o.force) {
      o.log(`${name}: up to date, skipped (${old.summary ?? 'complete'})`);
      result.skipped.push(name);
      return;
    }
    const resume = !!same && resumable && !o.force;
    if (!resume && existsSync(dir)) {
      if (old && !same) o.log(`${name}: ${old.options_hash !== rec.options_hash ? 'options' : 'inputs'} changed, rebuilding`);
      await rm(dir, { recursive: true, force: true });
    }
    await mkdir(dir, { recursive: true });
    await writeJsonAtomic(join(dir, 'stage.json'), rec);
    o.log(`${name}: ${resume ? 'resuming' : 'running'}`);
    const summary = await work(resume);
    await writeJsonAtomic(join(dir, 'stage.json'), { ...rec, complete: true, finished: new Date().toISOString(), summary });
    result.ran.push(name);
  };

  // 1. crawl (or the given input files)
  let corpusInputs: string[];
  let corpusInputsHash: string;
  if (p.crawl) {
    const dir = (result.dirs.crawl = join(o.out, 'crawl'));
    const { seeds, urls, ...rest } = p.crawl;
    const seedList = urls ? urls.join('\n') + '\n' : await readFile(seeds!, 'utf8').catch(() => {
      throw new UserError(`${p.path}: crawl.seeds: cannot read ${seeds}`);
    });
    await stage('crawl', dir, p.crawl, hash(seedList), true, async (resume) => {
      const seedFile = join(o.out, 'seeds.txt');
      await writeFile(seedFile, seedList);
      await runCommand('crawl', ['--seeds', seedFile, '--out', dir, ...toFlags(rest), ...(resume ? ['--resume'] : [])]);
      const warcs = (await expandInputs([dir + '/*.warc.gz'])).length;
      return `${warcs} WARC files`;
    });
    corpusInputs = [join(dir, '*.warc.gz')];
    corpusInputsHash = hash((await expandInputs(corpusInputs)).map((f) => [f.path, f.bytes]));
  } else {
    corpusInputs = o.input?.length ? o.input : p.input ?? [];
    if (!corpusInputs.length) throw new UserError(`${p.path}: give "input" or "crawl" in the file, or --input`);
    corpusInputsHash = hash((await expandInputs(corpusInputs)).map((f) => [f.path, f.bytes]));
  }

  // Files a step reads (decontaminate's evaluation sets) are curate inputs too: a changed one rebuilds the stage.
  const prepared = p.steps ? await prepareSteps(p.steps) : {};
  if (Object.keys(prepared).length) corpusInputsHash = hash([corpusInputsHash, prepared]);

  // 2. curate
  const corpus = result.dirs.corpus;
  await stage('curate', corpus, { steps: p.steps, curate: p.curate, bias: p.bias, profile: p.profile }, corpusInputsHash, true, async (resume) => {
    const c = p.curate ?? {};
    const flags = ['--out', corpus, ...corpusInputs.flatMap((i) => ['--input', i]), ...toFlags(c), ...workers, ...quiet, ...(resume ? ['--resume'] : [])];
    const configPath = join(o.out, 'pipeline.resolved.json');
    await writeJsonAtomic(configPath, { steps: p.steps, ...(p.bias !== undefined ? { bias: p.bias } : {}), ...(p.profile !== undefined ? { profile: p.profile } : {}) });
    await runCommand('curate', [...flags, '--config', configPath]);
    const m = JSON.parse(await readFile(join(corpus, 'manifest.json'), 'utf8')) as { totals: { rows: number; shards: number } };
    return `${m.totals.rows} docs in ${m.totals.shards} shards`;
  });
  // 2a. dedup: the corpus deduplicated by the file stages a cluster runs (docs/distributed.md), here one after another
  let curated = corpus;
  if (p.dedup) {
    const dedupDir = (curated = result.dirs.deduped = join(o.out, 'deduped'));
    const { steps, ...rest } = p.dedup;
    const others = (steps ?? []).filter((s) => !dedupStepsOf([s]).length);
    if (others.length) throw new UserError(`${p.path}: dedup.steps: '${others[0]!.step}' is not a deduplication step (exact_dedup, url_dedup, minhash_dedup)`);
    await stage('dedup', dedupDir, p.dedup, await manifestHash(corpus), true, async () => {
      const configPath = join(o.out, 'dedup.resolved.json');
      if (steps) await writeJsonAtomic(configPath, { steps });
      await runCommand('dedup', ['--input', corpus, '--out', dedupDir, '--all', ...(steps ? ['--config', configPath] : []), ...toFlags(rest), ...quiet]);
      const m = JSON.parse(await readFile(join(dedupDir, 'manifest.json'), 'utf8')) as { totals: { rows: number; shards: number } };
      return `${m.totals.rows} docs in ${m.totals.shards} shards`;
    });
  }
  // 2b. mix: the curated corpus sampled to the target proportions; what the tokenizer and tokenize read then
  let trainingCorpus = curated;
  if (p.mix) {
    const mixDir = (trainingCorpus = result.dirs.mix = join(o.out, 'mix'));
    const { tokenizer: mixTokenizer, ...spec } = p.mix;
    await stage('mix', mixDir, p.mix, hash([await manifestHash(curated), mixTokenizer ? await fileHash(mixTokenizer) : null]), false, async () => {
      await runCommand('mix', ['--input', curated, '--out', mixDir, '--spec', JSON.stringify(spec), ...(mixTokenizer ? ['--tokenizer', mixTokenizer] : []), ...workers, ...quiet]);
      const r = JSON.parse(await readFile(join(mixDir, 'mix.json'), 'utf8')) as { output: { docs: number }; short: unknown[] };
      return `${r.output.docs} docs${r.short.length ? `, ${r.short.length} group(s) short of target` : ''}`;
    });
  }
  if (!p.tokenizer) return result;

  // 3. tokenizer
  const tokDir = (result.dirs.tokenizer = join(o.out, 'tokenizer'));
  const tokenizerJson = join(tokDir, 'tokenizer.json');
  const corpusHash = await manifestHash(trainingCorpus);
  await stage('tokenizer', tokDir, p.tokenizer, corpusHash, false, async () => {
    await runCommand('tokenizer', ['train', '--input', trainingCorpus, '--out', tokenizerJson, ...toFlags(p.tokenizer!), ...workers, ...quiet]);
    return `vocabulary ${p.tokenizer!.vocabSize}`;
  });

  // 4. tokenize
  const tokensDir = (result.dirs.tokens = join(o.out, 'tokens'));
  await stage('tokenize', tokensDir, p.tokenize ?? {}, hash([corpusHash, await fileHash(tokenizerJson)]), true, async (resume) => {
    await runCommand('tokenize', ['--input', trainingCorpus, '--tokenizer', tokenizerJson, '--out', tokensDir, ...toFlags(p.tokenize ?? {}), ...workers, ...quiet, ...(resume ? ['--resume'] : [])]);
    // The profile in tokens of what the model trains on, from tokens.idx (nothing encoded again), for the report.
    if (p.profile !== false) {
      const metadata = p.profile?.metadata?.length ? ['--metadata', p.profile.metadata.join(',')] : [];
      await runCommand('profile', ['--input', trainingCorpus, '--tokens', tokensDir, '--out', join(tokensDir, 'profile.json'), ...metadata, '--quiet']);
    }
    const m = JSON.parse(await readFile(join(tokensDir, 'manifest.json'), 'utf8')) as { total_tokens: number; documents: number };
    return `${m.total_tokens} tokens in ${m.documents} documents`;
  });
  if (!p.train) return result;

  // 5. train
  const modelDir = (result.dirs.model = join(o.out, 'model'));
  await stage('train', modelDir, p.train, await manifestHash(tokensDir), true, async (resume) => {
    await runCommand('train', ['--data', tokensDir, '--tokenizer', tokenizerJson, '--out', modelDir, ...toFlags(p.train!), ...quiet, ...(resume ? ['--resume'] : [])]);
    return `${p.train!.steps} steps`;
  });

  // 6. sample (cheap; shown every run)
  if (p.sample) {
    const s = p.sample;
    await runCommand('sample', ['--checkpoint', modelDir, '--prompt', s.prompt, ...toFlags(s, ['prompt']), ...(p.train.backend ? ['--backend', p.train.backend] : [])]);
  }
  return result;
}
