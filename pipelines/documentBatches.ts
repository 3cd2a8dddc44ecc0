import type { Document } from './document.js';
import type { InputFile } from '../datasets/inputs.js';
import { readFile } from '../datasets/readers.js';

/** A run of consecutive input documents, with the malformed records and bytes met while reading them. */
export interface InputBatch {
  docs: Document[];
  malformed: number;
  bytes: number;
}

export interface BatchSourceOptions {
  files: InputFile[];
  source?: AsyncIterable<Document>;
  /** Documents to pass over first (already committed by the run being resumed). */
  skip: number;
  batchSize: number;
  textField?: string;
  strict?: boolean;
  onWarning?: (message: string) => void;
}

/**
 * Cuts the input stream into batches in input order. While skipping, warnings and malformed counts
 * are suppressed: the resumed run's stats already hold them.
 */
export async function* documentBatches(o: BatchSourceOptions): AsyncGenerator<InputBatch> {
  let seen = 0;
  let batch: InputBatch = { docs: [], malformed: 0, bytes: 0 };
  const skipping = () => seen < o.skip;
  const readOpts = {
    textField: o.textField,
    strict: o.strict,
    onWarning: (m: string) => {
      if (!skipping()) o.onWarning?.(m);
    },
    onMalformed: () => {
      if (!skipping()) batch.malformed++;
    },
    onBytes: (n: number) => {
      if (!skipping()) batch.bytes += n;
    },
  };
  async function* all(): AsyncGenerator<Document> {
    if (o.source) yield* o.source;
    for (const f of o.files) yield* readFile(f, readOpts);
  }
  for await (const doc of all()) {
    if (skipping()) {
      seen++;
      continue;
    }
    seen++;
    batch.docs.push(doc);
    if (batch.docs.length >= o.batchSize) {
      yield batch;
      batch = { docs: [], malformed: 0, bytes: 0 };
    }
  }
  if (batch.docs.length > 0 || batch.malformed > 0) yield batch;
}
