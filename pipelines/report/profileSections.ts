import { barChart, esc, fmt, table } from './htmlParts.js';

// The corpus profile (stats.json reports.profile, filters/profile/corpusProfile.ts) and the mixture
// (mix.json, pipelines/mix/mixReport.ts) as report sections. Read as plain JSON: the executor does not
// import the observer's module.

interface Totals { docs: number; bytes: number; words: number; tokens?: number }
interface ProfileTable { groups: Record<string, Totals>; other: Totals; total: Totals; exact: boolean; max_folded_docs: number }
interface Profile { units: string[]; dimensions: Record<string, ProfileTable> }

const TOP = 15;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function dimensionTable(name: string, t: ProfileTable, units: (keyof Totals)[]): string {
  const share: keyof Totals = units.includes('tokens') ? 'tokens' : 'bytes';
  const groups = Object.entries(t.groups).sort((a, b) => b[1].docs - a[1].docs || b[1].bytes - a[1].bytes || (a[0] < b[0] ? -1 : 1));
  const row = (g: string, v: Totals) => [g, ...units.map((u) => v[u] ?? 0), t.total[share] ? pct((v[share] ?? 0) / t.total[share]!) : '-'];
  const rest: Totals = { ...t.other };
  for (const [, v] of groups.slice(TOP)) for (const u of units) rest[u] = (rest[u] ?? 0) + (v[u] ?? 0);
  const rows = groups.slice(0, TOP).map(([g, v]) => row(g, v));
  if (rest.docs > 0) rows.push(row(`other (${groups.length - Math.min(TOP, groups.length)} more${t.exact ? '' : ' + folded'})`, rest));
  const note = t.exact ? '' : `<p class="note">Bounded table: listed counts are lower bounds (the largest group folded into other had ${fmt(t.max_folded_docs)} documents); totals are exact.</p>`;
  return `<h3>by ${esc(name)}</h3>${table([name, ...units, `share of ${share}`], rows)}${note}`;
}

/** Tables per dimension and a chart of the size unit by language. */
export function profileSection(profile: unknown): string {
  const p = profile as Profile | undefined;
  if (!p?.dimensions || Object.keys(p.dimensions).length === 0) return '<p class="empty">no corpus profile in this run</p>';
  const units = p.units as (keyof Totals)[];
  const share: keyof Totals = units.includes('tokens') ? 'tokens' : 'bytes';
  const lang = p.dimensions.lang;
  const chart = lang
    ? (() => {
        const top = Object.entries(lang.groups).sort((a, b) => (b[1][share] ?? 0) - (a[1][share] ?? 0)).slice(0, 25);
        return `<p>${esc(share)} by language (top ${top.length}):</p>${barChart('profile-lang-chart', { labels: top.map(([g]) => g), values: top.map(([, v]) => v[share] ?? 0) }, { color: '#6a4c93' })}`;
      })()
    : '';
  return chart + Object.entries(p.dimensions).map(([d, t]) => dimensionTable(d, t, units)).join('');
}

interface MixGroup { group: string; available: number; target: number; achieved: number; achieved_share: number; proportion: number; rate: number; status: string; short: number }
interface Mix { unit: string; total: number; spec: { by: string; maxEpochs: number; seed: number; weights: Record<string, number> }; groups: MixGroup[]; short: unknown[]; output: { docs: number; unique_docs: number } }

/** Target vs achieved per group, and a chart of achieved shares. */
export function mixSection(mix: unknown): string {
  const m = mix as Mix | undefined;
  if (!m?.groups) return '<p class="empty">no mixture in this run</p>';
  const label = (g: string) => (g !== '*' ? g : Object.hasOwn(m.spec.weights ?? {}, '*') ? '* (the rest)' : '* (not named: left out)');
  const shown = m.groups.slice(0, 40);
  const rows = shown.map((g) => [label(g.group), g.available, Math.round(g.target), g.achieved, pct(g.proportion), pct(g.achieved_share), g.rate.toFixed(3), g.status === 'short' ? `short by ${fmt(Math.round(g.short))}` : g.status]);
  const head = `<p>By ${esc(m.spec.by)} in ${esc(m.unit)}: total ${fmt(Math.round(m.total))}, maxEpochs ${m.spec.maxEpochs}, seed ${m.spec.seed}; ${fmt(m.output.docs)} documents written (${fmt(m.output.unique_docs)} distinct). ${m.short.length ? `<b>${m.short.length} group(s) could not supply their target</b> (not made up from other groups).` : 'Every group supplied its target.'}</p>`;
  const more = m.groups.length > shown.length ? `<p class="note">${m.groups.length - shown.length} more groups in mix.json.</p>` : '';
  return head + barChart('mix-chart', { labels: shown.map((g) => label(g.group)), values: shown.map((g) => g.achieved) }, { color: '#2a9d8f' }) +
    table(['group', `available (${m.unit})`, 'target', 'achieved', 'target share', 'achieved share', 'rate', 'status'], rows) + more;
}
