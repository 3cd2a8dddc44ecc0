// The run report's decontamination section: stats.json reports.decontaminate (filters/decontamination) as a
// table per evaluation set and the run's result sentence, which names the n-grams checked even when nothing matched.
import { esc, table } from './htmlParts.js';

interface SetRow {
  items?: number;
  items_indexed?: number;
  items_too_short?: number;
  ngrams?: number;
  items_matched?: number;
  documents_dropped?: number;
  documents_spans_removed?: number;
  matched_items?: string[];
}

export function decontaminationSection(report: unknown): string {
  const r = report as { result?: string; mode?: string; sets?: Record<string, SetRow> } | undefined;
  if (!r?.sets) return '<p class="empty">no decontamination in this run</p>';
  const rows = Object.entries(r.sets).map(([name, s]) => [
    name, s.items ?? 0, s.items_indexed ?? 0, s.items_too_short ?? 0, s.ngrams ?? 0, s.items_matched ?? 0,
    s.documents_dropped ?? 0, s.documents_spans_removed ?? 0, (s.matched_items ?? []).slice(0, 10).join(', '),
  ]);
  return `<p>${esc(r.result ?? '')}</p>` +
    table(['evaluation set', 'items', 'indexed', 'too short', 'n-grams', 'items matched', 'documents dropped', 'documents cut', 'first items matched'], rows) +
    `<p class="note">Mode ${esc(r.mode ?? 'drop')}. Matched documents carry <code>metadata.decontamination</code> (set and item); dropped ones are in the rejected shards with reason <code>decontaminate:&lt;set&gt;</code>.</p>`;
}
