// The run report is one self-contained HTML file: inline CSS and SVG, no scripts, no network. Parts shared by its sections.
import type { Series } from './runReport.js';

export const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
export const fmt = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(3));

/** Horizontal bar chart; each bar has a <title> tooltip. */
export function barChart(id: string, series: Series, opts: { color?: string } = {}): string {
  if (series.values.length === 0) return `<p class="empty" id="${esc(id)}">no data</p>`;
  const row = 18, labelW = 170, barW = 420, h = series.values.length * row + 4;
  const max = Math.max(...series.values, 1);
  const bars = series.values.map((v, i) => {
    const w = Math.max(1, (v / max) * barW);
    const y = i * row + 2;
    return `<g><title>${esc(series.labels[i])}: ${fmt(v)}</title><text x="${labelW - 6}" y="${y + 12}" text-anchor="end">${esc(series.labels[i])}</text>` +
      `<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${row - 4}" fill="${opts.color ?? '#3b6ea5'}"/>` +
      `<text x="${labelW + w + 4}" y="${y + 12}">${fmt(v)}</text></g>`;
  });
  return `<svg id="${esc(id)}" class="chart" role="img" width="${labelW + barW + 90}" height="${h}" viewBox="0 0 ${labelW + barW + 90} ${h}">${bars.join('')}</svg>`;
}

/** A table; numbers formatted, everything escaped. */
export function table(head: string[], rows: (string | number)[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(typeof c === 'number' ? fmt(c) : c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

