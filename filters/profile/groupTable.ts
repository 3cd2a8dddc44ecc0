/**
 * Counts per group (documents, bytes, words, tokens) in bounded memory. Languages are a few hundred, but
 * registrable domains, sources and metadata values are unbounded, so a table holds at most `capacity`
 * groups: when a new group would exceed it, the table keeps the half with the most documents and folds
 * the rest into `other` (a batch-pruned heavy-hitters summary, in the family of lossy counting and
 * Misra-Gries; docs/decisions.md). Totals stay exact (listed groups + other = total); a listed group's
 * counts are exact while `exact` is true, and lower bounds once something was folded (a group folded away
 * starts again from zero when it comes back). Counting is in input order on the coordinator, so a table is
 * the same whatever the worker count.
 */

/** What one group (or the whole corpus) holds. `tokens` only when a tokenizer counted them. */
export interface GroupTotals {
  docs: number;
  bytes: number;
  words: number;
  tokens?: number;
}

/** One dimension's table as stats.json shows it. */
export interface GroupTableData {
  /** Listed groups, most documents first (at most `capacity`). */
  groups: Record<string, GroupTotals>;
  /** Everything folded away to keep the table bounded. */
  other: GroupTotals;
  total: GroupTotals;
  /** True while nothing was folded: then every count is exact. */
  exact: boolean;
  /** The most documents one group had when it was folded into `other` (0 when exact). */
  max_folded_docs: number;
}

/** The sizes of one document. */
export interface DocSizes {
  bytes: number;
  words: number;
  tokens?: number;
}

const DOCS = 0, BYTES = 1, WORDS = 2, TOKENS = 3;

function emptyCounts(): Float64Array {
  return new Float64Array(4);
}

function totalsOf(c: Float64Array, withTokens: boolean): GroupTotals {
  const t: GroupTotals = { docs: c[DOCS]!, bytes: c[BYTES]!, words: c[WORDS]! };
  if (withTokens) t.tokens = c[TOKENS]!;
  return t;
}

function countsOf(t: GroupTotals): Float64Array {
  return Float64Array.of(t.docs, t.bytes, t.words, t.tokens ?? 0);
}

function addInto(into: Float64Array, from: Float64Array): void {
  for (let i = 0; i < 4; i++) into[i]! += from[i]!;
}

export class GroupTable {
  private readonly groups = new Map<string, Float64Array>();
  private other = emptyCounts();
  private total = emptyCounts();
  private folded = 0;
  private maxFolded = 0;

  constructor(
    /** Groups held at most; a fold keeps half of them. */
    readonly capacity: number,
    private readonly withTokens: boolean,
  ) {
    if (capacity < 2) throw new Error('GroupTable: capacity must be >= 2');
  }

  add(group: string, size: DocSizes): void {
    let c = this.groups.get(group);
    if (!c) {
      if (this.groups.size >= this.capacity) this.fold();
      c = emptyCounts();
      this.groups.set(group, c);
    }
    c[DOCS]!++;
    c[BYTES]! += size.bytes;
    c[WORDS]! += size.words;
    c[TOKENS]! += size.tokens ?? 0;
    this.total[DOCS]!++;
    this.total[BYTES]! += size.bytes;
    this.total[WORDS]! += size.words;
    this.total[TOKENS]! += size.tokens ?? 0;
  }

  /** Groups in report order: most documents, then most bytes, then by name (a total order: deterministic). */
  private ordered(): [string, Float64Array][] {
    return [...this.groups].sort((a, b) => b[1][DOCS]! - a[1][DOCS]! || b[1][BYTES]! - a[1][BYTES]! || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  private fold(): void {
    const keep = Math.floor(this.capacity / 2);
    for (const [g, c] of this.ordered().slice(keep)) {
      addInto(this.other, c);
      this.maxFolded = Math.max(this.maxFolded, c[DOCS]!);
      this.folded++;
      this.groups.delete(g);
    }
  }

  get distinctHeld(): number {
    return this.groups.size;
  }

  report(): GroupTableData {
    const groups: Record<string, GroupTotals> = {};
    for (const [g, c] of this.ordered()) groups[g] = totalsOf(c, this.withTokens);
    return {
      groups,
      other: totalsOf(this.other, this.withTokens),
      total: totalsOf(this.total, this.withTokens),
      exact: this.folded === 0,
      max_folded_docs: this.maxFolded,
    };
  }

  /**
   * Adds another table's report (another rank's): listed groups add up, its folded remainder joins `other`.
   * A group folded in one report but listed in another is then a lower bound, so the result is not exact.
   */
  absorb(data: GroupTableData): void {
    for (const [g, t] of Object.entries(data.groups)) {
      let c = this.groups.get(g);
      if (!c) {
        if (this.groups.size >= this.capacity) this.fold();
        c = emptyCounts();
        this.groups.set(g, c);
      }
      addInto(c, countsOf(t));
    }
    addInto(this.other, countsOf(data.other));
    addInto(this.total, countsOf(data.total));
    if (!data.exact) this.folded++;
    this.maxFolded = Math.max(this.maxFolded, data.max_folded_docs);
  }

  /** Continues from a report() of the same table (a resumed run). */
  restore(data: GroupTableData): void {
    this.groups.clear();
    for (const [g, t] of Object.entries(data.groups)) this.groups.set(g, countsOf(t));
    this.other = countsOf(data.other);
    this.total = countsOf(data.total);
    this.folded = data.exact ? 0 : 1;
    this.maxFolded = data.max_folded_docs;
  }
}
