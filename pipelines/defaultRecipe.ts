/**
 * The recipe a run takes when no pipeline file names its steps: the web recipe for web pages
 * (WARC, .html, JSONL with an `html` field), the text recipe for text (.txt, Parquet, JSONL text).
 * Mixed inputs take the web recipe: its `extract` step passes text documents through unchanged, so
 * the pages lose their markup and the text documents meet the same quality filters; the other way
 * round, HTML would reach the corpus as markup.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { StepSpec } from '../core/step.js';
import { expandInputs, type InputFormat } from '../datasets/inputs.js';
import { inputKind } from '../datasets/inputKind.js';
import { validateRecipe } from './recipe.js';

export type ShippedRecipeName = 'web' | 'text';

/** Which recipe a run used and why: shown on the console, in stats.json and in the run report. */
export interface RecipeChoice {
  /** `web` / `text` (shipped recipes chosen from the input), or the pipeline file given. */
  name: string;
  /** How it was chosen: `input` (from what the input holds), `config` (--config / a pipeline file). */
  chosen: 'input' | 'config';
  /** One line for people: what in the input decided it. */
  why: string;
}

/** The path of a recipe shipped in pipelines/. */
export function shippedRecipePath(name: ShippedRecipeName): string {
  return fileURLToPath(new URL(`./${name}.json`, import.meta.url));
}

/** The steps of a recipe shipped in pipelines/ (web.json, text.json), checked like any pipeline file. */
export async function shippedRecipe(name: ShippedRecipeName): Promise<StepSpec[]> {
  const path = shippedRecipePath(name);
  const json = JSON.parse(await readFile(path, 'utf8')) as { steps: unknown };
  return validateRecipe(json, path).steps;
}

const FORMAT_NAMES: Record<InputFormat, string> = {
  warc: 'WARC', 'warc.gz': 'WARC', html: 'HTML', text: 'text', parquet: 'Parquet', jsonl: 'JSONL', 'jsonl.gz': 'JSONL',
};

function countFiles(files: { format: InputFormat; kind: string }[]): string {
  const counts = new Map<string, number>();
  for (const f of files) {
    const label = f.format === 'jsonl' || f.format === 'jsonl.gz' ? `JSONL (${f.kind === 'html' ? 'html field' : 'text'})` : FORMAT_NAMES[f.format];
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([label, n]) => `${n} ${label} file${n === 1 ? '' : 's'}`).join(', ');
}

/**
 * Picks the shipped recipe for a run's inputs (all of them, before a rank takes its share, so every
 * rank of a split run picks the same one).
 */
export async function chooseRecipe(inputs: string[], textField?: string): Promise<{ steps: StepSpec[]; choice: RecipeChoice }> {
  const files = await expandInputs(inputs);
  const kinds = await Promise.all(files.map(async (f) => ({ format: f.format, kind: await inputKind(f, textField) })));
  const web = kinds.some((k) => k.kind === 'html');
  const mixed = web && kinds.some((k) => k.kind === 'text');
  const name: ShippedRecipeName = web ? 'web' : 'text';
  const why = `chosen from the input (${countFiles(kinds)})` + (mixed ? '; text inputs go through it too (extract passes them unchanged)' : '');
  return { steps: await shippedRecipe(name), choice: { name, chosen: 'input', why } };
}

/** The choice for steps a pipeline file gave. */
export function configChoice(path: string): RecipeChoice {
  return { name: path, chosen: 'config', why: 'given by the pipeline file' };
}

/** The console line that says which recipe ran. */
export function recipeLine(c: RecipeChoice): string {
  return c.chosen === 'config' ? `recipe: ${c.name} (${c.why})` : `recipe: ${c.name} (pipelines/${c.name}.json), ${c.why}; --config FILE chooses another`;
}
