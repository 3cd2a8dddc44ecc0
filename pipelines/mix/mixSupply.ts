import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Document } from '../../core/document.js';
import { UserError } from '../../core/errors.js';
import { groupOf } from '../../datasets/documentGroups.js';
import { readFile as readInputFile } from '../../datasets/readers.js';
import type { InputFile } from '../../datasets/inputs.js';
import { planningKey, type GroupSupply } from './mixPlan.js';
import type { MixSpec } from './mixSpec.js';

/** Groups counted one by one at most (temperature sampling lists every group). */
export const MAX_MIX_GROUPS = 100_000;

/** A document's size in the mix unit. */
export type Measure = (doc: Document) => number;

/** Adds one document to the supply of its planning group. */
export function addSupply(supply: Map<string, GroupSupply>, key: string, size: number): void {
  let s = supply.get(key);
  if (!s) {
    if (supply.size >= MAX_MIX_GROUPS) throw new UserError(`mix: more than ${MAX_MIX_GROUPS} groups to sample one by one; group by something coarser, or name the groups in "targets" with "*" for the rest`);
    supply.set(key, (s = { docs: 0, size: 0 }));
  }
  s.docs++;
  s.size += size;
}

/** Pass 1: the supply per planning group, read from the input. */
export async function countSupply(spec: MixSpec, files: InputFile[], measure: Measure, textField?: string): Promise<Map<string, GroupSupply>> {
  const supply = new Map<string, GroupSupply>();
  for (const f of files) for await (const doc of readInputFile(f, { textField })) addSupply(supply, planningKey(spec, groupOf(doc, spec.by)), measure(doc));
  return supply;
}

interface ProfileTable {
  groups: Record<string, { docs: number; bytes: number; words: number; tokens?: number }>;
  total: { docs: number };
  exact: boolean;
}

/**
 * The supply from the corpus profile a finished curate run left in its stats.json, when it answers the
 * question exactly: the input is that one folder, the profile covers every document its manifest lists,
 * the table of the grouping was never folded, and it counts the unit. Saves pass 1 (a whole read).
 */
export async function supplyFromProfile(spec: MixSpec, inputs: string[]): Promise<Map<string, GroupSupply> | undefined> {
  if (inputs.length !== 1 || spec.unit === 'tokens') return undefined;
  const dir = inputs[0]!;
  const json = async (name: string) => JSON.parse(await readFile(join(dir, name), 'utf8')) as unknown;
  let manifest: { kind?: string; complete?: boolean; world_size?: number; totals?: { rows?: number } };
  let stats: { output?: { docs?: number }; reports?: { profile?: { dimensions?: Record<string, ProfileTable> } } };
  try {
    manifest = (await json('manifest.json')) as typeof manifest;
    stats = (await json('stats.json')) as typeof stats;
  } catch {
    return undefined;
  }
  const rows = manifest.totals?.rows;
  const table = stats.reports?.profile?.dimensions?.[spec.by];
  if (manifest.kind !== 'docs' || manifest.complete !== true || (manifest.world_size ?? 1) !== 1 || !table?.exact) return undefined;
  if (rows === undefined || stats.output?.docs !== rows || table.total?.docs !== rows) return undefined;
  const supply = new Map<string, GroupSupply>();
  for (const [g, t] of Object.entries(table.groups)) {
    const key = planningKey(spec, g);
    const s = supply.get(key) ?? { docs: 0, size: 0 };
    s.docs += t.docs;
    s.size += spec.unit === 'docs' ? t.docs : t[spec.unit];
    supply.set(key, s);
  }
  return supply;
}
