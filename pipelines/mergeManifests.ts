import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import { manifestTotals, readManifest, type Manifest } from './manifest.js';
import { mergeRunStats, type RunStats } from './stats.js';
import { writeJsonAtomic } from '../core/atomicFile.js';
import { observerRegistry } from '../filters/registry.js';

/**
 * Joins the per-rank manifests (`manifest-rR.json`) and stats of a run split with --rank/--world-size
 * into one manifest.json and stats.json. Refuses unless every rank finished with the same options.
 */
export async function mergeManifests(dir: string): Promise<Manifest> {
  const names = (await readdir(dir).catch(() => {
    throw new UserError(`${dir}: no such directory`);
  })).filter((n) => /^manifest-r\d+\.json$/.test(n));
  if (names.length === 0) throw new UserError(`${dir}: no per-rank manifests (manifest-rN.json) to merge`);
  const manifests = await Promise.all(names.map((n) => readManifest(join(dir, n))));
  manifests.sort((a, b) => a.rank - b.rank);
  const world = manifests[0]!.world_size;
  const ranks = new Set(manifests.map((m) => m.rank));
  const missing = [...Array(world).keys()].filter((r) => !ranks.has(r));
  if (missing.length) throw new UserError(`${dir}: ranks ${missing.join(', ')} of ${world} have no manifest yet`);
  for (const m of manifests) {
    if (m.world_size !== world || m.options_hash !== manifests[0]!.options_hash) {
      throw new UserError(`${dir}: manifest of rank ${m.rank} comes from a run with other options`);
    }
    if (!m.complete) throw new UserError(`${dir}: rank ${m.rank} has not finished (resume it with --resume)`);
  }
  const shards = manifests.flatMap((m) => m.shards);
  const rejected = manifests.flatMap((m) => m.rejected);
  const merged: Manifest = {
    ...manifests[0]!,
    created: new Date().toISOString(),
    rank: 0,
    world_size: world,
    inputs_hash: manifests.map((m) => m.inputs_hash).join(','),
    shards,
    rejected,
    totals: manifestTotals(shards, rejected),
  };
  const stats: RunStats[] = [];
  for (const m of manifests) {
    const path = join(dir, `stats-r${m.rank}.json`);
    stats.push(JSON.parse(await readFile(path, 'utf8')) as RunStats);
  }
  const mergedStats = mergeRunStats(stats);
  // Observers' reports (bias, corpus profile) merge by their own rule: counts add, rates are recomputed.
  for (const def of observerRegistry) {
    const reports = stats.map((s) => s.reports?.[def.name]).filter((r) => r !== undefined);
    if (def.merge && reports.length === stats.length) mergedStats.reports[def.name] = def.merge(reports);
  }
  await writeJsonAtomic(join(dir, 'stats.json'), mergedStats);
  await writeJsonAtomic(join(dir, 'manifest.json'), merged);
  return merged;
}
