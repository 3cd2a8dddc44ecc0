/**
 * Extraction by eye: for a few input pages, the text the recipe's `extract` step keeps beside the text
 * it removes. The report re-runs the step on a deterministic sample after the run, so the corpus and
 * stats.json stay exactly what the run made, and memory stays bounded: only the first SCAN_PAGES HTML
 * documents of the input are read, only SAMPLES of them kept (lowest SHA-256 of the document id, so the
 * same input gives the same sample in any order of workers), and each text is cut at MAX_CHARS.
 */
import { createHash } from 'node:crypto';
import type { Document } from '../../core/document.js';
import type { Step, StepSpec } from '../../core/step.js';
import { readDocuments } from '../../datasets/readers.js';
import { stepRegistry } from '../../filters/registry.js';

export interface ExtractionSample {
  id: string;
  source: string;
  title?: string;
  /** What the step kept (cut at maxChars), or '' when it dropped the page. */
  kept: string;
  removed: string;
  keptChars: number;
  removedChars: number;
  /** "kept", or the drop reason (e.g. extract:empty, or a step before extract). */
  outcome: string;
}

export interface ExtractionSampleOptions {
  inputs: string[];
  steps: StepSpec[];
  textField?: string;
  samples?: number;
  scanPages?: number;
  maxChars?: number;
}

const SAMPLES = 5;
const SCAN_PAGES = 500;
const MAX_CHARS = 2000;

const cut = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n)}…`);
const rank = (id: string) => createHash('sha256').update(id).digest('hex');

function workerStep(spec: StepSpec, extra: Record<string, unknown> = {}): Step | undefined {
  const { step, ...options } = spec;
  const def = stepRegistry.get(step);
  return def?.worker ? def.worker(def.parseOptions({ ...options, ...extra })) : undefined;
}

/** The sample, or undefined when the recipe has no extract step or the input no HTML page. */
export async function extractionSamples(o: ExtractionSampleOptions): Promise<ExtractionSample[] | undefined> {
  const at = o.steps.findIndex((s) => s.step === 'extract');
  if (at < 0) return undefined;
  const before = o.steps.slice(0, at).flatMap((s) => workerStep(s) ?? []);
  const extract = workerStep(o.steps[at]!)!;
  const removed = workerStep(o.steps[at]!, { output: 'removed' })!;
  const want = o.samples ?? SAMPLES;
  const maxChars = o.maxChars ?? MAX_CHARS;
  // The `want` pages of lowest rank among the first scanPages HTML documents (sorted, bounded).
  let picked: { rank: string; doc: Document }[] = [];
  let seen = 0;
  for await (const doc of readDocuments(o.inputs, { textField: o.textField })) {
    if (doc.metadata.format !== 'html') continue;
    picked.push({ rank: rank(doc.id), doc });
    picked = picked.sort((a, b) => (a.rank < b.rank ? -1 : 1)).slice(0, want);
    if (++seen >= (o.scanPages ?? SCAN_PAGES)) break;
  }
  if (picked.length === 0) return undefined;
  return picked.map(({ doc }) => {
    let current: Document | undefined = doc;
    let outcome = 'kept';
    for (const s of before) {
      const r = s.run([current]);
      current = r.kept[0];
      if (!current) {
        outcome = r.dropped[0]?.reason ?? `${s.name}: dropped`;
        break;
      }
    }
    const main = current ? extract.run([current]) : undefined;
    const rest = current ? removed.run([current]) : undefined;
    if (main?.dropped[0]) outcome = main.dropped[0].reason;
    const keptText = main?.kept[0]?.text ?? '';
    const removedText = rest?.kept[0]?.text ?? '';
    const title = (main?.kept[0] ?? main?.dropped[0]?.doc)?.metadata.title;
    return {
      id: doc.id,
      source: doc.source,
      ...(typeof title === 'string' ? { title } : {}),
      kept: cut(keptText, maxChars),
      removed: cut(removedText, maxChars),
      keptChars: keptText.length,
      removedChars: removedText.length,
      outcome,
    };
  });
}
