/**
 * The decontamination report (stats.json `reports.decontaminate`): per evaluation set, its items and
 * n-grams, the items matched and the documents dropped or cut; for the run, the documents and n-grams
 * checked. It always carries a `result` sentence, so a run that matched nothing says so with the
 * numbers that make that believable (n-grams checked against how many indexed).
 */
import type { EvalIndex } from './evalIndex.js';
import type { MatchRecord } from './matchDocument.js';
import type { DecontaminateOptions } from './options.js';

/** Matched item ids listed per set in the report (the count is always exact). */
const LISTED_ITEMS = 50;

export interface DecontaminationSetReport {
  files: number;
  items: number;
  items_indexed: number;
  items_too_short: number;
  ngrams: number;
  items_matched: number;
  documents_dropped: number;
  documents_spans_removed: number;
  /** The first matched item ids, sorted (at most 50). */
  matched_items: string[];
}

export interface DecontaminationReport {
  ngram: number;
  min_words: number;
  mode: DecontaminateOptions['mode'];
  documents_checked: number;
  ngrams_checked: number;
  /** Distinct n-grams in the index, and its memory. */
  index_ngrams: number;
  index_bytes: number;
  sets: Record<string, DecontaminationSetReport>;
  result: string;
}

interface SetCounts {
  matched: Set<string>;
  dropped: number;
  spans: number;
}

interface Delta {
  docs: number;
  ngrams: number;
  sets: { dropped: number; spans: number; items: string[] }[];
}

/** Counts of a run, resumable: checkpointDelta/restoreDelta carry what changed since the last checkpoint. */
export class DecontaminationCounts {
  private docs = 0;
  private ngrams = 0;
  private readonly sets: SetCounts[];
  private pending: Delta;

  constructor(
    private readonly index: EvalIndex,
    private readonly options: DecontaminateOptions,
  ) {
    this.sets = options.sets.map(() => ({ matched: new Set<string>(), dropped: 0, spans: 0 }));
    this.pending = this.emptyDelta();
  }

  private emptyDelta(): Delta {
    return { docs: 0, ngrams: 0, sets: this.sets.map(() => ({ dropped: 0, spans: 0, items: [] })) };
  }

  private apply(d: Delta): void {
    this.docs += d.docs;
    this.ngrams += d.ngrams;
    d.sets.forEach((s, i) => {
      const into = this.sets[i]!;
      into.dropped += s.dropped;
      into.spans += s.spans;
      for (const id of s.items) into.matched.add(id);
    });
  }

  /** One document decided: its n-grams checked and, when it matched, its record. */
  count(checked: number, record?: MatchRecord): void {
    const d: Delta = { docs: 1, ngrams: checked, sets: this.sets.map(() => ({ dropped: 0, spans: 0, items: [] })) };
    if (record) {
      const names = this.options.sets.map((s) => s.name);
      const touched = new Set<number>();
      for (const m of record.matches) {
        const s = names.indexOf(m.set);
        touched.add(s);
        if (!this.sets[s]!.matched.has(m.item)) d.sets[s]!.items.push(m.item);
      }
      for (const s of touched) d.sets[s]![record.action === 'drop' ? 'dropped' : 'spans']++;
    }
    this.apply(d);
    const p = this.pending;
    p.docs += d.docs;
    p.ngrams += d.ngrams;
    d.sets.forEach((s, i) => {
      p.sets[i]!.dropped += s.dropped;
      p.sets[i]!.spans += s.spans;
      p.sets[i]!.items.push(...s.items);
    });
  }

  checkpointDelta(): Uint8Array {
    const p = this.pending;
    if (p.docs === 0) return new Uint8Array(0);
    this.pending = this.emptyDelta();
    return new TextEncoder().encode(JSON.stringify(p));
  }

  restoreDelta(delta: Uint8Array): void {
    this.apply(JSON.parse(new TextDecoder().decode(delta)) as Delta);
  }

  report(): DecontaminationReport {
    const { index, options } = this;
    const sets: Record<string, DecontaminationSetReport> = {};
    index.parts.sets.forEach((s, i) => {
      const c = this.sets[i]!;
      sets[s.name] = {
        files: s.files,
        items: s.items,
        items_indexed: s.indexed,
        items_too_short: s.tooShort,
        ngrams: s.ngrams,
        items_matched: c.matched.size,
        documents_dropped: c.dropped,
        documents_spans_removed: c.spans,
        matched_items: [...c.matched].sort().slice(0, LISTED_ITEMS),
      };
    });
    const r: DecontaminationReport = {
      ngram: options.ngram,
      min_words: options.minWords,
      mode: options.mode,
      documents_checked: this.docs,
      ngrams_checked: this.ngrams,
      index_ngrams: index.table.count + index.shortTable.count,
      index_bytes: index.bytes,
      sets,
      result: '',
    };
    r.result = resultSentence(r);
    return r;
  }
}

/** What the run found, in one sentence: the CLI prints it, the run report shows it. */
export function resultSentence(r: Omit<DecontaminationReport, 'result'>): string {
  const checked = `${r.ngrams_checked.toLocaleString('en-US')} document n-grams (${r.ngram} words; ${r.documents_checked.toLocaleString('en-US')} documents) checked against ${r.index_ngrams.toLocaleString('en-US')} evaluation n-grams`;
  const hit = Object.entries(r.sets).filter(([, s]) => s.items_matched > 0);
  if (hit.length === 0) return `no match: no document shares an n-gram with any evaluation item; ${checked}`;
  const parts = hit.map(([name, s]) => {
    const docs = [s.documents_dropped ? `${s.documents_dropped} documents dropped` : '', s.documents_spans_removed ? `${s.documents_spans_removed} documents cut` : ''].filter(Boolean).join(', ');
    return `${name}: ${s.items_matched} of ${s.items} items matched, ${docs}`;
  });
  return `${parts.join('; ')}; ${checked}`;
}
