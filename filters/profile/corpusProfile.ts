/**
 * The corpus profile: what the kept corpus holds by language, registrable domain, top-level domain, source
 * (input file, or `crawl`) and any metadata field the user names, in documents, UTF-8 bytes, words
 * (whitespace-separated, unspaced scripts segmented: filters/text/spacedWords.ts) and, where a tokenizer
 * is at hand (`corpusforge profile --tokenizer`), tokens.
 *
 * A run observer (core/step.ts): a worker notes each document's groups and sizes, the coordinator adds the
 * kept ones in input order. Memory is bounded per dimension (groupTable.ts), whatever the corpus size.
 */
import { z } from 'zod';
import type { Document } from '../../core/document.js';
import type { Observer, ObserverDefinition } from '../../core/step.js';
import { groupsOf, parseGroupBy, type GroupBy } from '../../datasets/documentGroups.js';
import { countSpacedWords } from '../text/spacedWords.js';
import { GroupTable, type DocSizes, type GroupTableData, type GroupTotals } from './groupTable.js';

export interface CorpusProfileOptions {
  /** Metadata fields to profile besides the built-in dimensions (`topic` -> `metadata.topic`). */
  metadata?: string[];
  /** Groups listed per dimension in reports (default 50); a table holds 4x as many before folding. */
  topK?: number;
}

export interface CorpusProfileData {
  /** The units counted: docs, bytes, words, and tokens when a tokenizer counted them. */
  units: string[];
  top_k: number;
  total: GroupTotals;
  /** Per dimension (`lang`, `domain`, `tld`, `source`, `metadata.FIELD`), its bounded table. */
  dimensions: Record<string, GroupTableData>;
}

/** A note: the document's group per dimension, its bytes and words. */
export interface ProfileNote {
  groups: string[];
  bytes: number;
  words: number;
}

export const PROFILE_DIMENSIONS: readonly GroupBy[] = ['lang', 'domain', 'tld', 'source'];

/** A document's sizes: UTF-8 bytes and words. */
export function documentSizes(text: string): DocSizes {
  return { bytes: Buffer.byteLength(text), words: countSpacedWords(text) };
}

/** The counts behind a profile; the observer and `corpusforge profile` (which adds tokens) both fill one. */
export class CorpusProfileCounter {
  readonly dims: GroupBy[];
  readonly topK: number;
  private readonly tables: GroupTable[];

  constructor(options: CorpusProfileOptions = {}, private readonly withTokens = false) {
    this.dims = [...PROFILE_DIMENSIONS, ...(options.metadata ?? []).map((f) => parseGroupBy(`metadata.${f}`, 'profile.metadata'))];
    this.topK = options.topK ?? 50;
    this.tables = this.dims.map(() => new GroupTable(Math.max(2, 4 * this.topK), withTokens));
  }

  /** A document's groups, in `dims` order. */
  groupsOf(doc: Document): string[] {
    return groupsOf(doc, this.dims);
  }

  add(groups: readonly string[], size: DocSizes): void {
    this.tables.forEach((t, i) => t.add(groups[i]!, size));
  }

  report(): CorpusProfileData {
    const dimensions: Record<string, GroupTableData> = {};
    this.dims.forEach((d, i) => (dimensions[d] = this.tables[i]!.report()));
    const total = dimensions[this.dims[0]!]!.total;
    return { units: ['docs', 'bytes', 'words', ...(this.withTokens ? ['tokens'] : [])], top_k: this.topK, total, dimensions };
  }

  restore(data: CorpusProfileData): void {
    this.dims.forEach((d, i) => {
      const t = data.dimensions[d];
      if (t) this.tables[i]!.restore(t);
    });
  }

  /** Adds another count's report (another rank's, with the same options). */
  absorb(data: CorpusProfileData): void {
    this.dims.forEach((d, i) => {
      const t = data.dimensions[d];
      if (t) this.tables[i]!.absorb(t);
    });
  }
}

/** The profiles of a split run's ranks as one (every rank ran with the same options). */
export function mergeProfileReports(reports: CorpusProfileData[]): CorpusProfileData {
  const first = reports[0]!;
  const metadata = Object.keys(first.dimensions).filter((d) => d.startsWith('metadata.')).map((d) => d.slice('metadata.'.length));
  const counter = new CorpusProfileCounter({ metadata, topK: first.top_k }, first.units.includes('tokens'));
  for (const r of reports) counter.absorb(r);
  return counter.report();
}

/** The profile as a run observer: counts the documents the run keeps. */
export class CorpusProfileObserver implements Observer<ProfileNote, CorpusProfileData> {
  private readonly counter: CorpusProfileCounter;

  constructor(options: CorpusProfileOptions = {}) {
    this.counter = new CorpusProfileCounter(options);
  }

  note(doc: Document): ProfileNote {
    return { groups: this.counter.groupsOf(doc), ...documentSizes(doc.text) };
  }

  count(note: ProfileNote, kept: boolean): void {
    if (kept) this.counter.add(note.groups, note);
  }

  report(): CorpusProfileData {
    return this.counter.report();
  }

  restore(data: CorpusProfileData): void {
    this.counter.restore(data);
  }
}

/** On in every run unless a run's `profile` is false. */
export const corpusProfileObserver = {
  name: 'profile',
  description:
    'corpus profile of the kept documents (docs, bytes, words by language, registrable domain, top-level domain, source): false turns it off; {"metadata": [FIELD...]} adds metadata fields, {"topK": N} groups listed per dimension (default 50)',
  fileOptions: z.object({ metadata: z.array(z.string().min(1)).optional(), topK: z.number().int().positive().max(10_000).optional() }).strict(),
  create: (options: CorpusProfileOptions) => new CorpusProfileObserver(options),
  merge: mergeProfileReports,
} as const satisfies ObserverDefinition<CorpusProfileOptions, ProfileNote, CorpusProfileData>;
