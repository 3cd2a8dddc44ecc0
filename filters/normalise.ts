import { z } from 'zod';
import type { Document, Rejected } from '../pipelines/document.js';
import type { StepDefinition, Step } from '../pipelines/step.js';
import { zodOptions } from '../pipelines/options.js';

const Options = z.object({
  /** Unicode normalisation form applied to every document. */
  form: z.enum(['NFC', 'NFKC']).default('NFC'),
  /** Documents shorter than this many characters after cleaning are dropped as `empty`. */
  minChars: z.number().int().min(0).default(1),
});
export type NormaliseOptions = z.output<typeof Options>;

// C0/C1 controls except \t \n; plus zero-width and BOM characters that only hide in text.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B\u200C\u200D\u2060\uFEFF]/g;
const SPACES = /[^\S\n]+/g; // runs of horizontal whitespace (incl. NBSP, ideographic space)
const TRAILING = / +\n/g;
const BLANK_LINES = /\n{3,}/g;

/** Cleans one text: Unicode form, line endings, control characters, whitespace runs. */
export function normaliseText(text: string, form: NormaliseOptions['form'] = 'NFC'): string {
  return text
    .normalize(form)
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .replace(SPACES, ' ')
    .replace(TRAILING, '\n')
    .replace(BLANK_LINES, '\n\n')
    .trim();
}

export function createNormalise(options: NormaliseOptions): Step {
  return {
    name: 'normalise',
    kind: 'filter',
    run(batch: Document[]) {
      const kept: Document[] = [];
      const dropped: Rejected[] = [];
      for (const doc of batch) {
        const text = normaliseText(doc.text, options.form);
        const out = { ...doc, text };
        if (text.length < options.minChars) dropped.push({ doc: out, reason: 'empty' });
        else kept.push(out);
      }
      return { kept, dropped };
    },
  };
}

export const normaliseStep: StepDefinition<NormaliseOptions> = {
  name: 'normalise',
  description: 'Unicode NFC, line endings, control/zero-width characters, whitespace runs; drops empty documents',
  parseOptions: zodOptions('normalise', Options),
  worker: createNormalise,
};
