import { REST, type MixSpec } from './mixSpec.js';

/** What one planning group holds in the input: documents and their size in the mix unit. */
export interface GroupSupply {
  docs: number;
  size: number;
}

/** One group's plan: how much it has, how much is wanted, and the sampling rate that gets it. */
export interface PlannedGroup {
  group: string;
  /** The group's proportion of the total (targets, temperature) or budget share; 0 for groups left out. */
  proportion: number;
  available: number;
  available_docs: number;
  target: number;
  /** Expected copies per document (at most maxEpochs). */
  rate: number;
  /** What the rate is expected to deliver (rate x available). */
  expected: number;
  /** What the group cannot supply within maxEpochs (target - maxEpochs x available), 0 when it can. */
  short: number;
}

export interface MixPlan {
  unit: MixSpec['unit'];
  /** The total the targets apply to: the spec's, or the largest every group can supply. */
  total: number;
  /** True when the total was derived (no total in the spec). */
  derived_total: boolean;
  groups: PlannedGroup[];
}

/**
 * The planning key of a document's group: itself when the plan lists groups one by one (temperature,
 * or named in targets/budgets), else `*` (every group not named, sampled at one rate).
 */
export function planningKey(spec: MixSpec, group: string): string {
  return spec.mode === 'temperature' || (group !== REST && Object.hasOwn(spec.weights, group)) ? group : REST;
}

/** Proportions per planning group (targets as given; temperature p ∝ n^(1/T)); undefined for budgets. */
function proportions(spec: MixSpec, supply: ReadonlyMap<string, GroupSupply>): Map<string, number> | undefined {
  if (spec.mode === 'budgets') return undefined;
  if (spec.mode === 'targets') return new Map([...supply.keys()].map((g) => [g, spec.weights[g] ?? 0]));
  const t = spec.temperature!;
  const w = new Map([...supply].map(([g, s]) => [g, s.size > 0 ? s.size ** (1 / t) : 0]));
  const sum = [...w.values()].reduce((a, b) => a + b, 0);
  return new Map([...w].map(([g, x]) => [g, sum > 0 ? x / sum : 0]));
}

/**
 * Turns a spec and the input's supply per planning group into rates. A group that cannot supply its
 * target within maxEpochs is sampled at maxEpochs and its shortfall reported: the other groups are not
 * topped up to make up for it (their proportions would then be other than asked).
 */
export function planMix(spec: MixSpec, supplyIn: ReadonlyMap<string, GroupSupply>): MixPlan {
  const supply = new Map(supplyIn);
  // Groups the spec names but the input lacks still get a row (available 0, all of it short).
  if (spec.mode !== 'temperature') for (const g of Object.keys(spec.weights)) if (!supply.has(g)) supply.set(g, { docs: 0, size: 0 });
  const E = spec.maxEpochs;
  const p = proportions(spec, supply);
  let total: number;
  let derived = false;
  if (p) {
    if (spec.total !== undefined) total = spec.total;
    else {
      derived = true;
      total = Infinity;
      for (const [g, s] of supply) if (p.get(g)! > 0 && s.size > 0) total = Math.min(total, (E * s.size) / p.get(g)!);
      if (!Number.isFinite(total)) total = 0;
    }
  } else total = [...supply.keys()].reduce((n, g) => n + (spec.weights[g] ?? 0), 0);
  const groups: PlannedGroup[] = [...supply].map(([group, s]) => {
    const proportion = p ? p.get(group)! : total > 0 ? (spec.weights[group] ?? 0) / total : 0;
    const target = p ? proportion * total : spec.weights[group] ?? 0;
    const rate = s.size > 0 ? Math.min(E, target / s.size) : 0;
    return { group, proportion, available: s.size, available_docs: s.docs, target, rate, expected: rate * s.size, short: Math.max(0, target - E * s.size) };
  });
  groups.sort((a, b) => b.target - a.target || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
  return { unit: spec.unit, total, derived_total: derived, groups };
}
