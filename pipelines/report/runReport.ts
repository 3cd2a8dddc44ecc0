import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunStats } from '../stats.js';
import type { ExtractionSample } from './extractionSamples.js';

/** A bar chart's data: labels and values in display order. */
export interface Series {
  labels: string[];
  values: number[];
}

/** Everything the run report shows; also written as report.json (`--report-json`) for machines. */
export interface RunReport {
  title: string;
  created: string;
  /** Stage name -> one-line summary (what ran, what was skipped). */
  stages: Record<string, string>;
  funnel: { step: string; in: number; out: number; dropped: Record<string, number>; seconds: number }[];
  input: { docs: number; malformed: number; bytes: number };
  output: { docs: number; shards: number; bytes: number };
  languages: Series;
  docLengthChars: Series;
  duplicateClusters: Record<string, Series>;
  bias?: unknown;
  /** The corpus profile (stats.json reports.profile): docs, bytes, words per language, domain, TLD, source... */
  profile?: unknown;
  /** Decontamination per evaluation set (stats.json reports.decontaminate), when the step ran. */
  decontamination?: unknown;
  /** The mixture's mix.json, when a mix stage ran. */
  mix?: unknown;
  tokens?: { total: number; documents: number; vocabSize: number; perDoc: Series };
  training?: { step: number[]; loss: number[]; valStep: number[]; valLoss: number[]; tokensPerSecond?: number; backend?: string };
  /** A few input pages with the text extraction kept and the text it removed (extractionSamples.ts). */
  extraction?: ExtractionSample[];
}

function log2Labels(counts: number[]): Series {
  const labels = counts.map((_, i) => (i === 0 ? '0-1' : `${2 ** i}-${2 ** (i + 1) - 1}`));
  const first = counts.findIndex((c) => c > 0);
  return first < 0 ? { labels: [], values: [] } : { labels: labels.slice(first), values: counts.slice(first) };
}

/** Histogram of integers into power-of-two buckets. */
export function log2Histogram(values: Iterable<number>): Series {
  const counts: number[] = [];
  for (const v of values) {
    const b = v <= 1 ? 0 : 31 - Math.clz32(v);
    while (counts.length <= b) counts.push(0);
    counts[b]!++;
  }
  return log2Labels(counts);
}

/** The curate part of a report, from a run's stats.json. */
export function curateReport(stats: RunStats, title: string): RunReport {
  const langs = Object.entries(stats.profile?.langs ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const top = langs.slice(0, 25);
  const rest = langs.slice(25).reduce((n, [, c]) => n + c, 0);
  if (rest > 0) top.push([`other (${langs.length - 25})`, rest]);
  const duplicateClusters: Record<string, Series> = {};
  for (const [step, r] of Object.entries(stats.reports ?? {})) {
    const sizes = (r as { cluster_sizes?: Record<string, number> }).cluster_sizes;
    if (sizes) {
      const keys = Object.keys(sizes).sort((a, b) => Number(a) - Number(b));
      duplicateClusters[step] = { labels: keys, values: keys.map((k) => sizes[k]!) };
    }
  }
  return {
    title,
    created: new Date().toISOString(),
    stages: stats.recipe ? { recipe: `${stats.recipe.name}: ${stats.recipe.why}` } : {},
    funnel: Object.entries(stats.steps).map(([step, s]) => ({ step, in: s.in, out: s.out, dropped: s.dropped, seconds: s.ms / 1000 })),
    input: { docs: stats.input.docs, malformed: stats.input.malformed, bytes: stats.input.bytes },
    output: { docs: stats.output.docs, shards: stats.output.shards, bytes: stats.output.bytes },
    languages: { labels: top.map(([l]) => l), values: top.map(([, c]) => c) },
    docLengthChars: log2Labels(stats.profile?.lengthLog2 ?? []),
    duplicateClusters,
    bias: stats.reports?.bias,
    profile: stats.reports?.profile,
    decontamination: stats.reports?.decontaminate,
  };
}

/** Sequence lengths from a Megatron MMIDIDX index (tokens.idx), for the tokens-per-document chart. */
export async function readIdxLengths(path: string): Promise<Int32Array> {
  const buf = await readFile(path);
  if (buf.subarray(0, 9).toString('latin1') !== 'MMIDIDX\0\0') throw new Error(`${path}: not a MMIDIDX index`);
  const count = Number(buf.readBigUInt64LE(18));
  const start = 34;
  return new Int32Array(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + start + 4 * count));
}

/** Training curves from a trainer's metrics.jsonl. */
export async function readTrainingMetrics(path: string): Promise<NonNullable<RunReport['training']>> {
  const t: NonNullable<RunReport['training']> = { step: [], loss: [], valStep: [], valLoss: [] };
  const text = await readFile(path, 'utf8');
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const m = JSON.parse(line) as { step?: number; loss?: number; val_loss?: number; tokens_per_s?: number; backend?: string };
    if (typeof m.step !== 'number') continue;
    if (typeof m.loss === 'number') {
      t.step.push(m.step);
      t.loss.push(m.loss);
    }
    if (typeof m.val_loss === 'number') {
      t.valStep.push(m.step);
      t.valLoss.push(m.val_loss);
    }
    if (typeof m.tokens_per_s === 'number') t.tokensPerSecond = m.tokens_per_s;
    if (typeof m.backend === 'string') t.backend = m.backend;
  }
  return t;
}

export async function readStats(dir: string): Promise<RunStats> {
  return JSON.parse(await readFile(join(dir, 'stats.json'), 'utf8')) as RunStats;
}

/** A whole run's report: the curate funnel plus tokens and training when those stages ran. */
export async function buildRunReport(dirs: { corpus: string; mix?: string; tokens?: string; model?: string }, title: string, stages: Record<string, string> = {}): Promise<RunReport> {
  const report = curateReport(await readStats(dirs.corpus), title);
  report.stages = { ...stages, ...report.stages };
  // The curate stage's own report.json holds the extraction samples (taken after the run, from the inputs).
  const curated = JSON.parse(await readFile(join(dirs.corpus, 'report.json'), 'utf8').catch(() => '{}')) as Partial<RunReport>;
  if (curated.extraction) report.extraction = curated.extraction;
  if (dirs.mix) report.mix = JSON.parse(await readFile(join(dirs.mix, 'mix.json'), 'utf8')) as unknown;
  if (dirs.tokens) {
    const m = JSON.parse(await readFile(join(dirs.tokens, 'manifest.json'), 'utf8')) as { total_tokens: number; documents: number; vocab_size: number };
    const lengths = await readIdxLengths(join(dirs.tokens, 'tokens.idx')).catch(() => new Int32Array());
    report.tokens = { total: m.total_tokens, documents: m.documents, vocabSize: m.vocab_size, perDoc: log2Histogram(lengths) };
    // The profile in tokens of what the model trains on (the mixture, if any) replaces curate's in bytes and words.
    report.profile = (JSON.parse(await readFile(join(dirs.tokens, 'profile.json'), 'utf8').catch(() => 'null')) as unknown) ?? report.profile;
  }
  if (dirs.model) report.training = await readTrainingMetrics(join(dirs.model, 'metrics.jsonl')).catch(() => undefined);
  return report;
}
