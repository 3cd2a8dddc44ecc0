import type { MixPlan, PlannedGroup } from './mixPlan.js';
import { REST, type MixSpec } from './mixSpec.js';

/** What one planning group got. */
export interface MixGroupResult extends PlannedGroup {
  /** Output size of the group (copies included), in the unit. */
  achieved: number;
  /** Output rows of the group (copies included). */
  achieved_docs: number;
  /** Input documents taken at least once. */
  unique_docs: number;
  /** The group's share of the output (achieved / output size). */
  achieved_share: number;
  /** (achieved - target) / target; null when the target is 0. */
  error: number | null;
  /** ok: the target was reachable; short: not within maxEpochs (see short); excluded: not asked for (target 0). */
  status: 'ok' | 'short' | 'excluded';
}

/** mix.json: the mixture asked for, what the input held, and what the output holds, per group. */
export interface MixReport {
  spec: MixSpec;
  unit: MixSpec['unit'];
  total: number;
  derived_total: boolean;
  /** Where the supply per group came from: the input's corpus profile (stats.json) or a counting pass. */
  supply_from: 'profile' | 'counting pass';
  groups: MixGroupResult[];
  input: { docs: number; size: number };
  output: { docs: number; size: number; unique_docs: number; shards: number; bytes: number };
  /** Groups that could not supply their target within maxEpochs: reported, never topped up from others. */
  short: { group: string; target: number; available: number; max_supply: number; short: number }[];
}

/** What pass 2 counted per planning group. */
export interface Achieved {
  size: number;
  docs: number;
  unique: number;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

export function buildMixReport(
  spec: MixSpec,
  plan: MixPlan,
  achieved: ReadonlyMap<string, Achieved>,
  supplyFrom: MixReport['supply_from'],
  output: { shards: number; bytes: number },
): MixReport {
  const outSize = [...achieved.values()].reduce((n, a) => n + a.size, 0);
  const groups: MixGroupResult[] = plan.groups.map((g) => {
    const a = achieved.get(g.group) ?? { size: 0, docs: 0, unique: 0 };
    const status = g.target === 0 ? 'excluded' : g.short > 0 ? 'short' : 'ok';
    return {
      ...g,
      proportion: round(g.proportion),
      rate: round(g.rate),
      achieved: a.size,
      achieved_docs: a.docs,
      unique_docs: a.unique,
      achieved_share: outSize ? round(a.size / outSize) : 0,
      error: g.target > 0 ? round((a.size - g.target) / g.target) : null,
      status,
    };
  });
  return {
    spec,
    unit: plan.unit,
    total: plan.total,
    derived_total: plan.derived_total,
    supply_from: supplyFrom,
    groups,
    input: { docs: plan.groups.reduce((n, g) => n + g.available_docs, 0), size: plan.groups.reduce((n, g) => n + g.available, 0) },
    output: { docs: groups.reduce((n, g) => n + g.achieved_docs, 0), size: outSize, unique_docs: groups.reduce((n, g) => n + g.unique_docs, 0), ...output },
    short: groups
      .filter((g) => g.status === 'short')
      .map((g) => ({ group: g.group, target: g.target, available: g.available, max_supply: g.available * spec.maxEpochs, short: g.short })),
  };
}

/** A group's name as reports show it: `*` is the groups the targets do not name. */
export function groupLabel(spec: MixSpec, group: string): string {
  if (group !== REST) return group;
  return Object.hasOwn(spec.weights, REST) ? '* (the rest)' : '* (not named: left out)';
}

const num = (x: number) => (Number.isInteger(x) ? x.toLocaleString('en-US') : x.toLocaleString('en-US', { maximumFractionDigits: 1 }));
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The report as the CLI prints it: one line per group (at most `limit`), then what was short. */
export function formatMixReport(r: MixReport, limit = 40): string[] {
  const lines = [
    `mix by ${r.spec.by} in ${r.unit}: total ${num(Math.round(r.total))}${r.derived_total ? ' (the most every group can supply within maxEpochs)' : ''}, maxEpochs ${r.spec.maxEpochs}, seed ${r.spec.seed}; supply from ${r.supply_from}`,
    `  ${'group'.padEnd(28)} ${'available'.padStart(14)} ${'target'.padStart(14)} ${'achieved'.padStart(14)} ${'share'.padStart(7)} ${'rate'.padStart(7)}  status`,
  ];
  for (const g of r.groups.slice(0, limit)) {
    lines.push(`  ${groupLabel(r.spec, g.group).padEnd(28)} ${num(g.available).padStart(14)} ${num(Math.round(g.target)).padStart(14)} ${num(g.achieved).padStart(14)} ${pct(g.achieved_share).padStart(7)} ${g.rate.toFixed(3).padStart(7)}  ${g.status}`);
  }
  if (r.groups.length > limit) lines.push(`  ... ${r.groups.length - limit} more groups in mix.json`);
  lines.push(`  output: ${num(r.output.docs)} docs (${num(r.output.unique_docs)} distinct), ${num(r.output.size)} ${r.unit} in ${r.output.shards} shards`);
  for (const s of r.short) {
    lines.push(`  short: ${groupLabel(r.spec, s.group)} wanted ${num(Math.round(s.target))} ${r.unit} but has ${num(s.available)} (x${r.spec.maxEpochs} epochs = ${num(s.max_supply)}): ${num(Math.round(s.short))} short`);
  }
  return lines;
}
