/**
 * Worker task for bench/curate.ts's scaling ceiling: the web recipe's worker steps over generated pages
 * [from, from + n), in this thread, with nothing shared with other threads. Returns the step time in ms.
 */
import fs from 'node:fs';
import { buildWorkerSteps } from '../pipelines/recipe.js';
import type { StepSpec } from '../core/step.js';
import { pages } from './_curatePages.js';

const recipe = (JSON.parse(fs.readFileSync(new URL('../pipelines/web.json', import.meta.url), 'utf8')) as { steps: StepSpec[] }).steps;
const steps = buildWorkerSteps(recipe);

export default function run({ from, n }: { from: number; n: number }): number {
  const all = [...pages(n, from)];
  const t = performance.now();
  for (let b = 0; b < all.length; b += 256) {
    let docs = all.slice(b, b + 256);
    for (const s of steps) docs = s.run(docs).kept;
  }
  return performance.now() - t;
}
