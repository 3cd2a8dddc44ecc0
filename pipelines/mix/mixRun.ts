/**
 * `corpusforge mix`: a mixture of a corpus by group, streamed. Pass 1 counts what each group holds (or
 * takes it from the corpus profile of the curate run that wrote the input); the plan turns targets into
 * a sampling rate per group; pass 2 reads the input once more and writes each document floor(rate) or
 * floor(rate)+1 times (mixSampler.ts), in input order, copies side by side, each copy's
 * `metadata.mix_repeat` (0-based) and `metadata.mix_copies` saying which copy it is. Memory: one row group
 * being read, two being encoded, and a counter per group.
 */
import { join, resolve } from 'node:path';
import type { Document } from '../../core/document.js';
import { UserError } from '../../core/errors.js';
import { writeJsonAtomic } from '../../core/atomicFile.js';
import { lockOutput } from '../../core/outputLock.js';
import { expandInputs } from '../../datasets/inputs.js';
import { groupOf } from '../../datasets/documentGroups.js';
import { readFile as readInputFile } from '../../datasets/readers.js';
import { inputsHash, sha256Hex, type Manifest } from '../manifest.js';
import { planMix, planningKey } from './mixPlan.js';
import { copiesOf } from './mixSampler.js';
import { countSupply, supplyFromProfile, type Measure } from './mixSupply.js';
import { buildMixReport, type Achieved, type MixReport } from './mixReport.js';
import { MixOutput, prepareMixOutput } from './mixOutput.js';
import type { MixSpec, MixUnit } from './mixSpec.js';

export interface MixOptions {
  inputs: string[];
  out: string;
  spec: MixSpec;
  /** Text -> words / tokens: given by the caller (word splitting and tokenizers live in other folders). */
  measures?: Partial<Record<Extract<MixUnit, 'words' | 'tokens'>, (text: string) => number>>;
  /** 0: shards encoded on this thread; more: on a thread of their own. The output bytes are the same. */
  workers?: number;
  shardDocs?: number;
  shardBytes?: number;
  textField?: string;
  /** Take the supply per group from the input's stats.json profile when it is exact (default true). */
  useProfile?: boolean;
  onProgress?: (p: { pass: 1 | 2; docsRead: number; docsWritten: number }) => void;
}

export interface MixResult {
  manifest: Manifest;
  report: MixReport;
}

function measureOf(unit: MixUnit, measures: MixOptions['measures']): Measure {
  if (unit === 'docs') return () => 1;
  if (unit === 'bytes') return (d) => Buffer.byteLength(d.text);
  const m = measures?.[unit];
  if (!m) throw new UserError(unit === 'tokens' ? 'mix: a mixture in tokens needs a tokenizer (--tokenizer FILE); without one, give "bytes", "words" or "docs"' : `mix: no ${unit} counter given`);
  return (d) => m(d.text);
}

/** A copy of a document for the output, its copy number in metadata. */
function copyOf(doc: Document, repeat: number, copies: number): Document {
  return { ...doc, metadata: { ...doc.metadata, mix_repeat: repeat, mix_copies: copies } };
}

export async function mix(o: MixOptions): Promise<MixResult> {
  const { spec } = o;
  const files = await expandInputs(o.inputs);
  const out = resolve(o.out);
  if (files.some((f) => resolve(f.path).startsWith(out + '/')) || o.inputs.some((i) => resolve(i) === out)) throw new UserError(`mix: the output folder ${o.out} is (or holds) the input; give mix an output folder of its own`);
  const measure = measureOf(spec.unit, o.measures);
  const lock = await lockOutput(o.out, { command: 'corpusforge mix' });
  try {
    await prepareMixOutput(o.out);
    const fromProfile = o.useProfile === false ? undefined : await supplyFromProfile(spec, o.inputs);
    const supply = fromProfile ?? (await countSupply(spec, files, measure, o.textField));
    const plan = planMix(spec, supply);
    const rates = new Map(plan.groups.map((g) => [g.group, g.rate]));
    const output = new MixOutput({
      dir: o.out,
      shardDocs: o.shardDocs ?? 100_000,
      shardBytes: o.shardBytes ?? 256 * 2 ** 20,
      thread: (o.workers ?? 1) > 0,
      optionsHash: sha256Hex(JSON.stringify({ spec, shardDocs: o.shardDocs, shardBytes: o.shardBytes, textField: o.textField ?? 'text' })),
      inputsHash: inputsHash(files),
      lock,
    });
    const achieved = new Map<string, Achieved>();
    let read = 0, written = 0;
    try {
      for (const f of files) {
        for await (const doc of readInputFile(f, { textField: o.textField })) {
          read++;
          const key = planningKey(spec, groupOf(doc, spec.by));
          const copies = copiesOf(spec.seed, doc.id, rates.get(key) ?? 0);
          if (copies === 0) continue;
          const bytes = Buffer.byteLength(doc.text);
          const size = spec.unit === 'bytes' ? bytes : measure(doc);
          const a = achieved.get(key) ?? { size: 0, docs: 0, unique: 0 };
          a.size += size * copies;
          a.docs += copies;
          a.unique++;
          achieved.set(key, a);
          for (let k = 0; k < copies; k++) await output.add(copyOf(doc, k, copies), bytes);
          written += copies;
          if ((read & 4095) === 0) o.onProgress?.({ pass: 2, docsRead: read, docsWritten: written });
        }
      }
      const manifest = await output.finish();
      const report = buildMixReport(spec, plan, achieved, fromProfile ? 'profile' : 'counting pass', { shards: manifest.totals.shards, bytes: manifest.totals.bytes });
      await writeJsonAtomic(join(o.out, 'mix.json'), report);
      o.onProgress?.({ pass: 2, docsRead: read, docsWritten: written });
      return { manifest, report };
    } catch (e) {
      await output.abort();
      throw e;
    } finally {
      await output.close();
    }
  } finally {
    await lock.release();
  }
}
