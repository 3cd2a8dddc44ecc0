import type { Command } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { mergeManifests } from '../../pipelines/mergeManifests.js';
import { UserError } from '../../core/errors.js';
import { curateReport, readStats } from '../../pipelines/report/runReport.js';
import { writeRunReport } from '../../pipelines/report/writeReport.js';

export const command: Command = {
  name: 'merge-manifests',
  summary: 'join the per-rank manifests of a run split with --rank/--world-size',
  help: `usage: corpusforge merge-manifests DIR

After every rank of 'corpusforge curate --rank R --world-size W --out DIR' has finished, writes
DIR/manifest.json, DIR/stats.json and DIR/report.html covering all ranks. Refuses while a rank is missing or unfinished.`,
  async run(argv) {
    const { positionals } = parseCommandArgs('merge-manifests', argv, {}, true);
    if (positionals.length !== 1) throw new UserError('merge-manifests: expected one DIR');
    const dir = positionals[0]!;
    const m = await mergeManifests(dir);
    await writeRunReport(dir, curateReport(await readStats(dir), `corpusforge curate (${m.world_size} ranks): ${dir}`));
    console.log(`merge-manifests: ${m.world_size} ranks, ${m.totals.shards} shards, ${m.totals.rows} docs -> ${positionals[0]}/manifest.json`);
    return 0;
  },
};
