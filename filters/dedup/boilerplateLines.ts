/**
 * Cross-page boilerplate removal (CCNet's paragraph dedup, made streaming and careful with content):
 * a line found on at least `minSeen` other pages of the same host is removed (navigation, footers,
 * cookie banners, newsletter boxes, lists of other posts), except what repeats because it is the page's
 * own text quoted elsewhere:
 * - its title, which other pages list (a line in the part of `metadata.title` that other pages' titles
 *   do not share, as they all share the site name);
 * - what other pages show right under that title: listing pages quote a post's first paragraph as its
 *   excerpt, and the post keeps it.
 * A line of separated segments ("You are here: Home > News > <title>", "« <older> | <newer> »") whose
 * segments are all found on other pages, or are the page's title, is a template line and goes too.
 * The per-page classifier in `extract` cannot see any of this: on one page chrome looks like short content.
 *
 * "Other pages" are the pages before it and the rest of its batch, so the first pages of a host lose
 * their chrome too when later pages of the host arrive in the same batch. Runs on the coordinator, in
 * input order and batch by batch, so the result does not depend on the worker count; resumes exactly:
 * each page's keys (its host's page key, then its distinct units) are the checkpoint delta, replayed in
 * order. Memory is bounded by `maxLines` distinct keys for the whole run, whatever the number of hosts
 * or pages (~20 bytes each, SeenLineTable); when it fills, one-off lines go first, so what a host
 * repeats survives another host's flood of unique lines.
 */
import { z } from 'zod';
import type { Document } from '../../core/document.js';
import type { StepDefinition, CoordinatorStep } from '../../core/step.js';
import { zodOptions } from '../../core/options.js';
import { addCount, filterStep } from '../filterStep.js';
import { SeenLineTable } from './seenLineTable.js';
import { idOf, KEY, keyOfHashes, readPageUnits, type PageUnits } from './pageUnits.js';

export { SeenLineTable } from './seenLineTable.js';

const Options = z.object({
  /** `host`: lines repeat within one site (URL host, with its port); `global`: across the whole run. */
  scope: z.enum(['host', 'global']).default('host'),
  /** `line`: every line is a unit; `paragraph`: blocks separated by blank lines. */
  unit: z.enum(['line', 'paragraph']).default('line'),
  /** A unit is repeated when at least this many other pages of its host contain it (CCNet: 1). */
  minSeen: z.number().int().min(1).max(SeenLineTable.MAX_COUNT).default(1),
  /** `chrome`: repeated units go except the page's title and what other pages quote under it (see above); `all`: every repeated unit (CCNet). */
  remove: z.enum(['chrome', 'all']).default('chrome'),
  /** Units narrower than this (columns, trimmed: a CJK character counts two) are neither counted nor removed. */
  minChars: z.number().int().min(1).default(20),
  /** After removing units, a document with fewer characters left in units of minChars columns or more is dropped (`too_little_text`). */
  minRemainingChars: z.number().int().min(0).default(200),
  /** Distinct keys remembered (units, plus one per host); memory is ~20 bytes per key (see SeenLineTable). */
  maxLines: z.number().int().min(1024).max(1 << 28).default(1 << 20),
});
export type BoilerplateLinesOptions = z.output<typeof Options>;

export { normaliseUnit } from './pageUnits.js';

export function createBoilerplateLines(o: BoilerplateLinesOptions): CoordinatorStep {
  const table = new SeenLineTable(o.maxLines);
  const joiner = o.unit === 'line' ? '\n' : '\n\n';
  const reading = { scope: o.scope, unit: o.unit, minColumns: o.minChars };
  let delta: number[] = [];
  const key = new Uint32Array(2);
  /** The batch being decided: its pages, and how many of them hold each key. */
  let prepared = new Map<Document, PageUnits>();
  let inBatch = new SeenLineTable(1024);

  /** Pages other than this one that hold its key number `at`: earlier batches plus the rest of this batch. */
  const others = (page: PageUnits, at: number) => {
    const hi = page.keys[at]!;
    const lo = page.keys[at + 1]!;
    return Math.min(table.get(hi, lo) + inBatch.get(hi, lo) - 1, SeenLineTable.MAX_COUNT);
  };

  /** Pages other than this one where the unit with text hash `second` follows the one with `first`. */
  const pairSeen = (page: PageUnits, first: { hi: number; lo: number }, second: { hi: number; lo: number }): number => {
    keyOfHashes(KEY.pair, [...page.host, first.hi, first.lo, second.hi, second.lo], key);
    const own = page.pairs.has(idOf(key[0]!, key[1]!)) ? 1 : 0;
    return table.get(key[0]!, key[1]!) + inBatch.get(key[0]!, key[1]!) - own;
  };

  /** Whether each unit goes: found on other pages (or a template line of such segments), and not the page's own text. */
  const removable = (page: PageUnits): boolean[] => {
    const seen = (at: number) => others(page, at) >= o.minSeen;
    // The page's own title: the parts of its <title> that other pages' titles do not share (the site name does).
    const titles = page.titleParts.filter((part) => !seen(part.at));
    const isOwnTitle = (text: string) => titles.some((part) => part.text.includes(text));
    const unitHash = (u: number) => ({ hi: page.textHash[2 * u]!, lo: page.textHash[2 * u + 1]! });
    for (const [u, text] of page.texts.entries()) {
      // The title line as written, when it is not one of the parts word for word.
      if (page.keyOf[u]! >= 0 && isOwnTitle(text) && !titles.some((t) => t.text === text)) titles.push({ text, ...unitHash(u), at: page.keyOf[u]! });
    }
    return page.texts.map((text, u) => {
      const at = page.keyOf[u]!;
      if (at < 0) return false;
      // A line of separated segments, each found on other pages or the page's own title, is a template
      // line ("You are here: Home > News > <title>", "« <older post>") wherever it stands: prose is not built that way.
      const segs = page.segments.get(u);
      const template = segs !== undefined && segs.some(([, k]) => seen(k)) && segs.every(([part, k]) => seen(k) || isOwnTitle(part));
      if (!template && !seen(at)) return false;
      if (o.remove === 'all') return true;
      // The page's title, and what other pages show under it (its first paragraph as an excerpt), are its own.
      const hash = unitHash(u);
      return !isOwnTitle(text) && !titles.some((title) => pairSeen(page, title, hash) >= o.minSeen);
    });
  };

  const removeSeenUnits = filterStep('boilerplate_lines', {
    counters: ['boilerplate_lines.units_removed', 'boilerplate_lines.chars_removed', 'boilerplate_lines.docs_changed'],
    decide(doc, counters) {
      const page = prepared.get(doc)!;
      const remove = removable(page);
      const keep: string[] = [];
      let removed = 0;
      let charsRemoved = 0;
      let substance = 0;
      page.units.forEach((unit, u) => {
        if (remove[u]) {
          removed++;
          charsRemoved += unit.length;
        } else {
          keep.push(unit);
          if (page.keyOf[u]! >= 0) substance += unit.length;
        }
      });
      if (removed === 0) return doc;
      addCount(counters, 'boilerplate_lines.units_removed', removed);
      addCount(counters, 'boilerplate_lines.chars_removed', charsRemoved);
      addCount(counters, 'boilerplate_lines.docs_changed');
      const text = keep.join(joiner).replace(/\n{3,}/g, '\n\n').trim();
      const out: Document = { ...doc, text };
      // "Read more" ten times is not text: only units wide enough to count make a page worth keeping.
      return substance < o.minRemainingChars ? { doc: out, reason: 'too_little_text' } : out;
    },
  });

  return {
    name: 'boilerplate_lines',
    decide(batch) {
      prepared = new Map(batch.map((doc) => [doc, readPageUnits(doc, reading)]));
      let keys = 0;
      for (const page of prepared.values()) keys += page.keys.length / 2;
      inBatch = new SeenLineTable(Math.max(1024, keys));
      for (const page of prepared.values()) for (let i = 0; i < page.keys.length; i += 2) inBatch.add(page.keys[i]!, page.keys[i + 1]!);
      const out = removeSeenUnits.run(batch);
      // Only after the whole batch is decided do its pages join the counts, in input order.
      for (const doc of batch) {
        const { keys } = prepared.get(doc)!;
        for (let i = 0; i < keys.length; i += 2) table.add(keys[i]!, keys[i + 1]!);
        for (const k of keys) delta.push(k);
      }
      prepared = new Map();
      return out;
    },
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
        table_bytes: table.capacity * SeenLineTable.SLOT_BYTES,
        evictions: table.evictions,
      };
    },
  };
}

export const boilerplateLinesStep: StepDefinition<BoilerplateLinesOptions> = {
  name: 'boilerplate_lines',
  description:
    'Cross-page boilerplate (CCNet-style line dedup): removes lines found on at least minSeen other pages of the same host (earlier pages and the rest of the batch), and breadcrumb-like lines made of such segments, but keeps the page title and the excerpt other pages quote under it; bounded memory; drops pages left with too little text',
  parseOptions: zodOptions('boilerplate_lines', Options),
  coordinator: createBoilerplateLines,
};
