// One task of bench/dedup-stages.ts in its own process, so that its peak RSS is its own: a dedup stage task
// or a curate run, given as JSON in argv[2]; prints {"ms": wall time, "rssMb": peak RSS} as its last line.
import { curate, type CurateOptions } from '../pipelines/curate.js';
import { runDedupStage, type DedupStageOptions } from '../pipelines/dedupStages/index.js';

const task = JSON.parse(process.argv[2]!) as { curate?: CurateOptions; dedup?: DedupStageOptions };
const t0 = performance.now();
if (task.curate) await curate(task.curate);
if (task.dedup) await runDedupStage(task.dedup);
console.log(JSON.stringify({ ms: performance.now() - t0, rssMb: process.resourceUsage().maxRSS / 1024 }));
