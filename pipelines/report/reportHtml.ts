import type { RunReport, Series } from './runReport.js';
import { barChart, esc, fmt, table } from './htmlParts.js';
import { mixSection, profileSection } from './profileSections.js';
import { decontaminationSection } from './decontaminationSection.js';

export { barChart } from './htmlParts.js';

// The run report is one self-contained HTML file: inline CSS and SVG, no scripts, no network.

/** Line chart of one or more curves sharing axes. */
export function lineChart(id: string, curves: { name: string; x: number[]; y: number[]; color: string }[]): string {
  const pts = curves.flatMap((c) => c.x.map((x, i) => [x, c.y[i]!] as const));
  if (pts.length === 0) return `<p class="empty" id="${esc(id)}">no data</p>`;
  const W = 640, H = 260, L = 50, B = 30, T = 10, R = 110;
  const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + 1), y0 = Math.min(...ys), y1 = Math.max(...ys, y0 + 1e-9);
  const sx = (x: number) => L + ((x - x0) / (x1 - x0)) * (W - L - R);
  const sy = (y: number) => T + (1 - (y - y0) / (y1 - y0)) * (H - T - B);
  const lines = curves.map((c, k) => {
    const d = c.x.map((x, i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)},${sy(c.y[i]!).toFixed(1)}`).join('');
    const dots = c.x.length === 1 ? `<circle cx="${sx(c.x[0]!)}" cy="${sy(c.y[0]!)}" r="3" fill="${c.color}"/>` : '';
    return `<path d="${d}" fill="none" stroke="${c.color}" stroke-width="2"><title>${esc(c.name)}</title></path>${dots}` +
      `<text x="${W - R + 8}" y="${T + 14 + 16 * k}" fill="${c.color}">${esc(c.name)}</text>`;
  });
  const axes = `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#888"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#888"/>` +
    `<text x="${L}" y="${H - 8}">${fmt(x0)}</text><text x="${W - R}" y="${H - 8}" text-anchor="end">${fmt(x1)} steps</text>` +
    `<text x="${L - 4}" y="${T + 10}" text-anchor="end">${y1.toFixed(2)}</text><text x="${L - 4}" y="${H - B}" text-anchor="end">${y0.toFixed(2)}</text>`;
  return `<svg id="${esc(id)}" class="chart" role="img" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${axes}${lines.join('')}</svg>`;
}

interface BiasGroup {
  kept_rate?: number;
  dropped_rate?: number;
  ratio?: number | null;
  kept_docs?: number;
  dropped_docs?: number;
  by_reason?: Record<string, { ratio: number | null; docs: number }>;
  by_step?: Record<string, { drop_rate: number; ratio: number | null }>;
}
interface BiasData { kept?: number; dropped?: number; groups?: Record<string, BiasGroup>; dropped_by_reason?: Record<string, number>; dropped_by_step?: Record<string, number> }

/** Per step: the share of each group's documents the step dropped, and that over the step's rate on the corpus. */
function biasByStep(data: BiasData): string {
  const total = (data.kept ?? 0) + (data.dropped ?? 0);
  const steps = Object.entries(data.dropped_by_step ?? {}).filter(([, n]) => n > 0).map(([st]) => st);
  if (steps.length === 0 || total === 0) return '';
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const rows = [
    ['(corpus)', fmt(total), ...steps.map((st) => pct(data.dropped_by_step![st]! / total))],
    ...Object.entries(data.groups ?? {}).map(([g, v]) => [
      g, fmt((v.kept_docs ?? 0) + (v.dropped_docs ?? 0)),
      ...steps.map((st) => {
        const b = v.by_step?.[st];
        return b ? `${pct(b.drop_rate)} (${b.ratio == null ? '-' : b.ratio.toFixed(2)})` : '-';
      }),
    ]),
  ];
  return '<h3>Drop rate per step</h3>' + table(['identity-term group', 'documents', ...steps], rows) +
    '<p class="note">The share of a group\'s documents each step dropped; in brackets, that rate over the step\'s rate on all documents (well above 1: the step removes text mentioning this group more than other text).</p>';
}

function biasSection(bias: unknown): string {
  const data = bias as BiasData | undefined;
  const groups = data?.groups;
  if (!groups || Object.keys(groups).length === 0) return '<p class="empty">no bias report in this run</p>';
  // The reasons that dropped the most documents, each with its own ratio column.
  const reasons = Object.entries(data?.dropped_by_reason ?? {}).sort((a, b) => b[1] - a[1]).slice(0, 6).map(([r]) => r);
  const ratio = (x: number | null | undefined) => (x == null ? '-' : x.toFixed(2));
  const rows = Object.entries(groups).map(([g, v]) => [
    g, (v.kept_rate ?? 0).toFixed(4), (v.dropped_rate ?? 0).toFixed(4), ratio(v.ratio),
    ...reasons.map((r) => ratio(v.by_reason?.[r]?.ratio)),
  ]);
  return table(['identity-term group', 'rate among kept', 'rate among dropped', 'dropped / kept', ...reasons.map((r) => `ratio: ${r}`)], rows) +
    '<p class="note">Share of documents mentioning each group. A ratio well above 1 means the filters (or one filter, per column) remove text mentioning this group more than the text they keep.</p>' +
    biasByStep(data!);
}

function extractionSection(samples: RunReport['extraction']): string {
  if (!samples || samples.length === 0) return '<p class="empty">no HTML extraction in this run</p>';
  const rows = samples.map((x) => {
    const head = `<p><b>${esc(x.title ?? x.id)}</b> <span class="note">${esc(x.source)}: ${esc(x.outcome)}; kept ${fmt(x.keptChars)} characters, removed ${fmt(x.removedChars)}</span></p>`;
    return `${head}<div class="pair"><pre class="kept">${esc(x.kept) || '<i>(nothing)</i>'}</pre><pre class="removed">${esc(x.removed) || '<i>(nothing)</i>'}</pre></div>`;
  });
  return '<p class="note">For a few input pages (the lowest hash of the page id among the first HTML pages read), the recipe\'s <code>extract</code> step was run again after the run: left what it kept, right what it removed (each cut at 2,000 characters). The corpus and stats.json are not affected.</p>' + rows.join('');
}

export function renderReportHtml(r: RunReport): string {
  const funnel: Series = { labels: ['input', ...r.funnel.map((f) => f.step)], values: [r.input.docs, ...r.funnel.map((f) => f.out)] };
  const drops = r.funnel.flatMap((f) => Object.entries(f.dropped).map(([reason, n]) => [f.step, reason, n] as (string | number)[]));
  const dup = Object.entries(r.duplicateClusters)
    .map(([step, s]) => `<h3>${esc(step)}</h3>${barChart(`dup-${step}`, { labels: s.labels.map((l) => `size ${l}`), values: s.values }, { color: '#a55b3b' })}`)
    .join('');
  const t = r.training;
  const training = t
    ? lineChart('loss-chart', [
        { name: 'train loss', x: t.step, y: t.loss, color: '#3b6ea5' },
        { name: 'validation loss', x: t.valStep, y: t.valLoss, color: '#c0392b' },
      ]) + `<p>${t.backend ? `backend ${esc(t.backend)}; ` : ''}${t.tokensPerSecond ? `${fmt(Math.round(t.tokensPerSecond))} tokens/s` : ''}</p>`
    : '<p class="empty">no training in this run</p>';
  const tokens = r.tokens
    ? `<p>${fmt(r.tokens.total)} tokens in ${fmt(r.tokens.documents)} documents, vocabulary ${fmt(r.tokens.vocabSize)}.</p>${barChart('tokens-chart', r.tokens.perDoc, { color: '#5b8a3b' })}`
    : '<p class="empty">no tokenization in this run</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em auto;max-width:960px;color:#222}
h1{font-size:1.5em}h2{margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}
svg text{font-size:11px;fill:#333}.empty,.note{color:#777}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:8px}.pair pre{white-space:pre-wrap;font:12px/1.4 system-ui,sans-serif;margin:0;padding:6px;max-height:24em;overflow:auto;border:1px solid #ddd}.pair .removed{color:#888;background:#f6f6f6}
</style></head><body>
<h1>${esc(r.title)}</h1>
<p>Generated ${esc(r.created)} by corpusforge. Input ${fmt(r.input.docs)} documents (${fmt(r.input.malformed)} malformed records skipped); kept ${fmt(r.output.docs)} in ${fmt(r.output.shards)} shards.</p>
${Object.keys(r.stages).length ? table(['stage', 'result'], Object.entries(r.stages)) : ''}
<h2>Document funnel</h2>${barChart('funnel-chart', funnel)}
${drops.length ? table(['step', 'drop reason', 'documents'], drops) : '<p class="empty">nothing dropped</p>'}
${table(['step', 'in', 'out', 'seconds'], r.funnel.map((f) => [f.step, f.in, f.out, f.seconds.toFixed(2)]))}
<h2>Languages of kept documents</h2>${barChart('lang-chart', r.languages)}
<h2>Document length (characters)</h2>${barChart('length-chart', r.docLengthChars)}
<h2>Corpus profile</h2>${profileSection(r.profile)}
<h2>Mixture</h2>${mixSection(r.mix)}
<h2>Extraction: kept and removed</h2>${extractionSection(r.extraction)}
<h2>Decontamination</h2>${decontaminationSection(r.decontamination)}
<h2>Duplicate clusters</h2>${dup || '<p class="empty">no deduplication in this run</p>'}
<h2>Bias report</h2>${biasSection(r.bias)}
<h2>Tokens per document</h2>${tokens}
<h2>Training</h2>${training}
</body></html>
`;
}
