import type { CorpusProfileData } from './corpusProfile.js';
import type { GroupTotals } from './groupTable.js';

const num = (x: number) => x.toLocaleString('en-US');

/** A profile as text tables: per dimension its `top` largest groups, the rest as other, and the share of the size unit. */
export function formatProfile(p: CorpusProfileData, top = 15): string[] {
  const units = p.units as (keyof GroupTotals)[];
  const share = units.includes('tokens') ? 'tokens' : 'bytes';
  const cell = (t: GroupTotals, u: keyof GroupTotals) => num(t[u] ?? 0).padStart(14);
  const lines = [`corpus profile: ${units.map((u) => `${num(p.total[u] ?? 0)} ${u}`).join(', ')}`];
  for (const [dim, table] of Object.entries(p.dimensions)) {
    const groups = Object.entries(table.groups).sort((a, b) => b[1].docs - a[1].docs || b[1].bytes - a[1].bytes || (a[0] < b[0] ? -1 : 1));
    const shown = groups.slice(0, top);
    const rest: GroupTotals = { ...table.other };
    for (const [, t] of groups.slice(top)) for (const u of units) rest[u] = (rest[u] ?? 0) + (t[u] ?? 0);
    lines.push('', `by ${dim}${table.exact ? '' : ` (bounded table: listed counts are lower bounds; the largest group folded into other had ${num(table.max_folded_docs)} docs)`}:`);
    lines.push(`  ${'group'.padEnd(32)}${units.map((u) => u.padStart(14)).join('')}  ${`% ${share}`.padStart(8)}`);
    const row = (name: string, t: GroupTotals) => {
      const pct = table.total[share] ? ((100 * (t[share] ?? 0)) / table.total[share]!).toFixed(1) : '0.0';
      lines.push(`  ${name.slice(0, 32).padEnd(32)}${units.map((u) => cell(t, u)).join('')}  ${`${pct}%`.padStart(8)}`);
    };
    for (const [g, t] of shown) row(g, t);
    if (rest.docs > 0) row(`other (${groups.length - shown.length} listed${table.exact ? '' : ' + folded'})`, rest);
  }
  return lines;
}
