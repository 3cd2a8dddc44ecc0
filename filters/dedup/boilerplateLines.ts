/**
 * Cross-page boilerplate removal (CCNet's paragraph dedup, made streaming): a line that earlier
 * documents of the same host already contained `minSeen` times is removed ("Share this article",
 * a footer address, "By Staff Writer · 3 min read"). The per-page classifier in `extract` cannot
 * see these: on one page they look like short content next to good blocks.
 *
 * Runs on the coordinator, in input order, so the result does not depend on the worker count, and
 * resumes exactly: every line occurrence is one 64-bit key in the checkpoint delta, replayed in
 * order. Memory is bounded by `maxLines` distinct lines in a typed open-addressing table (9 bytes
 * per slot, half full at most); see SeenLineTable for what happens when it fills.
 */
import { z } from 'zod';
import type { Document } from '../../core/document.js';
import type { StepDefinition, CoordinatorStep } from '../../core/step.js';
import { zodOptions } from '../../core/options.js';
import { addCount, filterStep } from '../filterStep.js';
import { hashString64 } from './hash.js';

const Options = z.object({
  /** `host`: lines repeat within one site (URL host); `global`: across the whole run. */
  scope: z.enum(['host', 'global']).default('host'),
  /** `line`: every line is a unit; `paragraph`: blocks separated by blank lines. */
  unit: z.enum(['line', 'paragraph']).default('line'),
  /** A unit is removed once this many earlier documents (of its host) contained it. */
  minSeen: z.number().int().min(1).max(255).default(1),
  /** Units shorter than this (characters, trimmed) are neither counted nor removed. */
  minChars: z.number().int().min(1).default(20),
  /** After removing units, a document with fewer characters left is dropped (`too_little_text`). */
  minRemainingChars: z.number().int().min(0).default(200),
  /** Distinct units remembered; memory is ~18 bytes per unit (see SeenLineTable). */
  maxLines: z.number().int().min(1024).max(1 << 28).default(1 << 20),
});
export type BoilerplateLinesOptions = z.output<typeof Options>;

/**
 * 64-bit keys with saturating 8-bit counts in an open-addressing table (linear probing).
 * When `maxEntries` distinct keys are held, entries seen only once are dropped (one-off lines are
 * most lines, boilerplate is what repeats); if that frees less than a quarter, everything is
 * dropped. Both happen at points fixed by the sequence of keys, so replaying the same keys
 * (resume) rebuilds the same table.
 */
export class SeenLineTable {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private count: Uint8Array;
  private size = 0;
  private readonly mask: number;
  evictions = 0;

  constructor(readonly maxEntries: number) {
    let cap = 1024;
    while (cap < maxEntries * 2) cap *= 2;
    this.mask = cap - 1;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.count = new Uint8Array(cap); // 0 = empty slot
  }

  get entries(): number {
    return this.size;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  private find(hi: number, lo: number): number {
    let s = (hi ^ Math.imul(lo, 0x9e3779b1)) & this.mask;
    while (this.count[s] !== 0 && (this.hi[s] !== hi || this.lo[s] !== lo)) s = (s + 1) & this.mask;
    return s;
  }

  /** How many times the key was added (0-255). */
  get(hi: number, lo: number): number {
    return this.count[this.find(hi, lo)]!;
  }

  add(hi: number, lo: number): void {
    const s = this.find(hi, lo);
    const c = this.count[s]!;
    if (c !== 0) {
      if (c < 255) this.count[s] = c + 1;
      return;
    }
    if (this.size >= this.maxEntries) {
      this.evict();
      return this.add(hi, lo);
    }
    this.hi[s] = hi;
    this.lo[s] = lo;
    this.count[s] = 1;
    this.size++;
  }

  private evict(): void {
    this.evictions++;
    const { hi, lo, count } = this;
    this.hi = new Uint32Array(hi.length);
    this.lo = new Uint32Array(lo.length);
    this.count = new Uint8Array(count.length);
    this.size = 0;
    let repeated = 0;
    for (let s = 0; s < count.length; s++) if (count[s]! > 1) repeated++;
    if (repeated > (this.maxEntries * 3) / 4) return;
    for (let s = 0; s < count.length; s++) {
      if (count[s]! <= 1) continue;
      const t = this.find(hi[s]!, lo[s]!);
      this.hi[t] = hi[s]!;
      this.lo[t] = lo[s]!;
      this.count[t] = count[s]!;
      this.size++;
    }
  }
}

const DIGIT = /\p{Nd}/gu;
const SPACES = /\s+/g;

/** CCNet's line normalisation: case and digits do not matter ("© 2023" and "© 2024" are one line). */
export function normaliseUnit(unit: string): string {
  return unit.toLowerCase().replace(DIGIT, '0').replace(SPACES, ' ').trim();
}

function hostOf(url: string | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

export function createBoilerplateLines(o: BoilerplateLinesOptions): CoordinatorStep {
  const table = new SeenLineTable(o.maxLines);
  const separator = o.unit === 'line' ? '\n' : /\n[^\S\n]*\n\s*/;
  const joiner = o.unit === 'line' ? '\n' : '\n\n';
  let delta: number[] = [];
  const key = new Uint32Array(2);

  const removeSeenUnits = filterStep('boilerplate_lines', {
    counters: ['boilerplate_lines.units_removed', 'boilerplate_lines.chars_removed', 'boilerplate_lines.docs_changed'],
    decide(doc, counters) {
      const host = o.scope === 'host' ? hostOf(doc.url) : '';
      const units = doc.text.split(separator);
      const keep: string[] = [];
      const seenHere = new Set<string>();
      const added: number[] = [];
      let removed = 0;
      let charsRemoved = 0;
      for (const unit of units) {
        const trimmed = unit.trim();
        if (trimmed.length < o.minChars) {
          keep.push(unit);
          continue;
        }
        hashString64(`${host}\u0000${normaliseUnit(trimmed)}`, key);
        const hi = key[0]!;
        const lo = key[1]!;
        if (table.get(hi, lo) >= o.minSeen) {
          removed++;
          charsRemoved += unit.length;
        } else keep.push(unit);
        // Counted once per document: "seen on N earlier pages", not N times on one page.
        const id = `${hi}:${lo}`;
        if (!seenHere.has(id)) {
          seenHere.add(id);
          added.push(hi, lo);
        }
      }
      // Only after deciding: a document's own lines never count against it.
      for (let i = 0; i < added.length; i += 2) table.add(added[i]!, added[i + 1]!);
      for (const k of added) delta.push(k);
      if (removed === 0) return doc;
      addCount(counters, 'boilerplate_lines.units_removed', removed);
      addCount(counters, 'boilerplate_lines.chars_removed', charsRemoved);
      addCount(counters, 'boilerplate_lines.docs_changed');
      const text = keep.join(joiner).replace(/\n{3,}/g, '\n\n').trim();
      const out: Document = { ...doc, text };
      return text.length < o.minRemainingChars ? { doc: out, reason: 'too_little_text' } : out;
    },
  });

  return {
    name: 'boilerplate_lines',
    decide: (batch) => removeSeenUnits.run(batch),
    checkpointDelta(): Uint8Array {
      const out = new Uint8Array(Uint32Array.from(delta).buffer);
      delta = [];
      return out;
    },
    restoreDelta(bytes: Uint8Array): void {
      const words = new Uint32Array(bytes.slice().buffer);
      for (let i = 0; i + 1 < words.length; i += 2) table.add(words[i]!, words[i + 1]!);
    },
    report(): Record<string, unknown> {
      return {
        distinct_units: table.entries,
        max_units: o.maxLines,
        table_bytes: table.capacity * 9,
        evictions: table.evictions,
      };
    },
  };
}

export const boilerplateLinesStep: StepDefinition<BoilerplateLinesOptions> = {
  name: 'boilerplate_lines',
  description:
    'Cross-page boilerplate (CCNet-style line dedup): removes lines already seen on minSeen earlier pages of the same host (or the whole run), bounded memory; drops pages left with too little text',
  parseOptions: zodOptions('boilerplate_lines', Options),
  coordinator: createBoilerplateLines,
};
