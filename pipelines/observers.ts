import type { Document, Rejected } from '../core/document.js';
import type { Observer } from '../core/step.js';
import { observerRegistry, type ObserverOptions } from '../filters/registry.js';

/**
 * Each registered observer's resolved options, by name, in registry order: null when the run turns it off.
 * Part of the options hash (a resumed run must count the same way) and of every unit task.
 */
export type ObserverSettings = Record<string, Record<string, unknown> | null>;

/** A run's observer settings from its curate options: on unless false, omitted options are `{}`. */
export function observerSettings(options: ObserverOptions): ObserverSettings {
  const given = options as Record<string, Record<string, unknown> | false | undefined>;
  return Object.fromEntries(
    observerRegistry.map((d) => {
      const o = given[d.name];
      return [d.name, o === false ? null : (o ?? {})];
    }),
  );
}

/** A document the worker steps dropped, with the notes the run's observers took of it. */
export interface NotedDrop {
  reason: string;
  notes: unknown[];
}

/** Metadata key carrying a kept document's notes from the worker to the coordinator (never written out). */
const NOTES_KEY = '_notes';

/**
 * The observers a run enables, driven together: workers note documents, the coordinator counts the notes
 * in input order. Worker and coordinator build it from the same settings, so notes line up by position.
 */
export class RunObservers {
  private readonly observers: { name: string; observer: Observer }[] = [];

  constructor(settings: ObserverSettings) {
    for (const d of observerRegistry) {
      const options = settings[d.name];
      if (options) this.observers.push({ name: d.name, observer: d.create(options) });
    }
  }

  get size(): number {
    return this.observers.length;
  }

  /** Worker side: every observer's note of a document. */
  notes(doc: Document): unknown[] {
    return this.observers.map((o) => o.observer.note(doc));
  }

  /** Worker side: a kept document carries its notes to the coordinator. */
  attachNotes(docs: Document[]): void {
    for (const d of docs) d.metadata[NOTES_KEY] = this.notes(d);
  }

  /** Coordinator side: documents the worker steps dropped, from their notes. */
  countDrops(drops: readonly NotedDrop[]): void {
    for (const d of drops) this.count(d.notes, false, d.reason);
  }

  /** Coordinator side: a document dropped here (by a coordinator step), from the notes it carries. */
  countDrop(r: Rejected): void {
    this.count(notesOf(r.doc), false, r.reason);
  }

  /** Coordinator side: documents the run keeps, from the notes they carry. */
  countKept(docs: readonly Document[]): void {
    for (const d of docs) this.count(notesOf(d), true);
  }

  private count(notes: readonly unknown[], kept: boolean, reason?: string): void {
    this.observers.forEach((o, i) => o.observer.count(notes[i], kept, reason));
  }

  /** Continues from the reports of the run being resumed (stats.json `reports`). */
  restore(reports: Record<string, unknown>): void {
    for (const { name, observer } of this.observers) if (reports[name]) observer.restore(reports[name]);
  }

  /** Writes each observer's report under its name. */
  reportInto(reports: Record<string, unknown>): void {
    for (const { name, observer } of this.observers) reports[name] = observer.report();
  }
}

function notesOf(doc: Document): readonly unknown[] {
  return (doc.metadata[NOTES_KEY] as unknown[] | undefined) ?? [];
}
