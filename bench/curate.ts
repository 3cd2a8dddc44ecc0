/**
 * Curation throughput: the web recipe over generated HTML pages vs a bare htmlparser2 text pass.
 *
 * Pages are generated at run time from real text (UDHR articles in 16 languages, 60% English)
 * wrapped in realistic boilerplate: inline CSS and JS (real code from node_modules), JSON-LD,
 * header/nav menus, a cookie banner, a sidebar, related-link rows and a footer (~30-45 KB each).
 *   node --import tsx bench/curate.ts [--quick] [--pages N] [--workers 1,2]
 * Reported: (1) the reference, a bare htmlparser2 pass collecting text, one core; (2) each step of
 * the recipe in this thread, with its share of time; (2b) the machine's scaling ceiling for this work:
 * the same steps in 1 and in 2 independent threads; (3) the executor (`curate`, piscina workers)
 * with 1 and 2 workers, reading the same pages from a WARC.gz file (one gzip member per record, as
 * Common Crawl writes them): the workers inflate, parse and decode it themselves. MB/s is HTML bytes
 * per wall-clock second.
 */
import fs from 'node:fs';
import os from 'node:os';
import { createHash } from 'node:crypto';
import { performance as perf } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser } from 'htmlparser2';
import { stepRegistry } from '../filters/registry.js';
import type { StepSpec } from '../core/step.js';
import { pages, writePagesWarc } from './_curatePages.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const argValue = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const PAGES = Number(argValue('--pages') ?? (quick ? 2000 : 50_000));
const WORKERS = args.includes('--steps-only') ? [] : (argValue('--workers') ?? '1,2').split(',').map(Number);

// ---------- recipe ----------
function webRecipe(): StepSpec[] {
  const file = fileURLToPath(new URL('../pipelines/web.json', import.meta.url));
  if (fs.existsSync(file)) return (JSON.parse(fs.readFileSync(file, 'utf8')) as { steps: StepSpec[] }).steps;
  // FineWeb's order and its C4 setting (no terminal-punctuation line filter); dedup/PII when present.
  const steps: StepSpec[] = [
    { step: 'extract' }, { step: 'normalise' }, { step: 'langid' }, { step: 'gopher_repetition' }, { step: 'gopher_quality' },
    { step: 'c4_quality', filterNoTerminalPunct: false }, { step: 'fineweb_quality' }, { step: 'minhash_dedup' }, { step: 'pii' },
  ];
  return steps.filter((s) => stepRegistry.has(s.step));
}

// ---------- (1) reference: bare htmlparser2 text pass ----------
function bareParse(html: string): string {
  let text = '';
  const p = new Parser({ ontext(t) { text += t; } }, { decodeEntities: true });
  p.end(html);
  return text;
}

const mb = (bytes: number) => bytes / 1e6;
const rows: string[][] = [];
const recipe = webRecipe();
console.log(`curate bench: ${PAGES} generated pages, recipe: ${recipe.map((s) => s.step).join(' > ')}`);
console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}; shared machine, expect noise`);

// (1) and (2) run interleaved, chunk by chunk over the same pages, so both see the same machine load
// (this machine is shared; load varies by the minute).
const workerSteps = recipe.flatMap(({ step, ...o }) => {
  const def = stepRegistry.get(step)!;
  return def.worker ? [def.worker(def.parseOptions(o))] : [];
});
const stepMs = new Map<string, number>(workerSteps.map((s) => [s.name, 0]));
// Digest of what the worker steps decided (kept ids, texts, languages, scores; drop reasons): a
// speed change must leave it unchanged.
const digest = createHash('sha256');
// Cross-page boilerplate (web.json's boilerplate_lines, with the recipe's options): its coordinator half
// timed on the in-thread output, in input order, apart from the worker-step total.
const boilerDef = stepRegistry.get('boilerplate_lines');
const { step: _boilerStep, ...boilerOptions } = recipe.find((s) => s.step === 'boilerplate_lines') ?? { step: 'boilerplate_lines' };
const boiler = boilerDef?.coordinator?.(boilerDef.parseOptions(boilerOptions));
const boilerStats = { ms: 0, in: 0, kept: 0, counters: {} as Record<string, number> };
let genMs = 0;
let parseMs = 0;
let totalBytes = 0;
let kept = 0;
const CHUNK = 512;
for (let first = 0; first < PAGES; first += CHUNK) {
  const g0 = performance.now();
  const chunk = [...pages(Math.min(CHUNK, PAGES - first), first)];
  genMs += performance.now() - g0;
  const p0 = performance.now();
  for (const d of chunk) bareParse(d.text);
  parseMs += performance.now() - p0;
  for (const d of chunk) totalBytes += Buffer.byteLength(d.text);
  for (let b = 0; b < chunk.length; b += 256) {
    let docs = chunk.slice(b, b + 256);
    for (const s of workerSteps) {
      const t = performance.now();
      const out = s.run(docs);
      stepMs.set(s.name, stepMs.get(s.name)! + performance.now() - t);
      for (const r of out.dropped) digest.update(`${r.doc.id}\t${r.reason}\n`);
      docs = out.kept;
    }
    kept += docs.length;
    for (const d of docs) digest.update(`${d.id}\t${d.lang}\t${d.langScore}\t${d.text}\n`);
    if (boiler) {
      const t = performance.now();
      const out = boiler.decide(docs);
      boilerStats.ms += performance.now() - t;
      boilerStats.in += docs.length;
      boilerStats.kept += out.kept.length;
      for (const [k, v] of Object.entries(out.counters ?? {})) boilerStats.counters[k] = (boilerStats.counters[k] ?? 0) + v;
    }
  }
}
const refMBs = mb(totalBytes) / (parseMs / 1000);
console.log(`input: ${mb(totalBytes).toFixed(0)} MB HTML (${(totalBytes / PAGES / 1024).toFixed(1)} KB/page); page generation ${((genMs / PAGES) * 1000).toFixed(0)} us/page (not timed)`);
rows.push(['bare htmlparser2 text pass (reference)', '1', (PAGES / (parseMs / 1000)).toFixed(0), refMBs.toFixed(1), '1.00x', '1.00x', '']);
const stepTotal = [...stepMs.values()].reduce((a, b) => a + b, 0);
const inprocMBs = mb(totalBytes) / (stepTotal / 1000);
console.log(`worker-step output digest: ${digest.digest('hex').slice(0, 16)} (kept docs, texts, languages, drop reasons)`);
rows.push(['worker steps in this thread (no pool, no I/O)', '1', (PAGES / (stepTotal / 1000)).toFixed(0), inprocMBs.toFixed(1), `${(inprocMBs / refMBs).toFixed(2)}x`, `${(inprocMBs / refMBs).toFixed(2)}x`, `kept ${kept} (before dedup)`]);
if (boiler && boilerStats.in > 0) {
  const c = boilerStats.counters;
  console.log(
    `boilerplate_lines (coordinator half) on the ${boilerStats.in} kept docs: ${((boilerStats.ms / boilerStats.in) * 1000).toFixed(0)} us/doc, ` +
      `${c['boilerplate_lines.units_removed'] ?? 0} lines removed from ${c['boilerplate_lines.docs_changed'] ?? 0} docs ` +
      `(${(((c['boilerplate_lines.chars_removed'] ?? 0) / 1e6)).toFixed(1)} M chars), ${boilerStats.in - boilerStats.kept} docs left too short`,
  );
}

// ---------- (3) the executor ----------
let curateFn: ((o: { inputs: string[]; out: string; steps: StepSpec[]; workers: number }) => Promise<{ stats: { steps: Record<string, { ms: number; in: number; out: number }>; output: { docs: number } } }>) | undefined;
try {
  curateFn = (await import('../pipelines/index.js')).curate as typeof curateFn;
} catch {
  console.log('executor (pipelines/index.ts curate) not available: executor rows skipped');
}
// ---------- scaling ceiling: the same step work in 1 and in 2 independent threads ----------
// No executor, no transfers: each thread runs the worker steps over its own pages. How much faster two
// threads get through twice the work is what this machine allows the executor at best (shared caches,
// memory bandwidth, and on a VM possibly sibling hyperthreads).
let ceiling: number | undefined;
if (WORKERS.includes(2)) {
  const { taskPool } = await import('../core/taskPool.js');
  const n = Math.min(PAGES, 3000);
  const once = async (threads: number) => {
    const pool = taskPool(new URL('./_curateStepsTask.ts', import.meta.url), { threads });
    await Promise.all(Array.from({ length: threads }, (_, i) => pool.run({ from: i * 200, n: 200 }))); // warm-up
    const t = performance.now();
    const ms = (await Promise.all(Array.from({ length: threads }, (_, i) => pool.run({ from: i * n, n })))) as number[];
    const wall = performance.now() - t;
    await pool.destroy();
    return { rate: (threads * n) / wall, ms };
  };
  const one = await once(1);
  const two = await once(2);
  ceiling = two.rate / one.rate;
  console.log(
    `scaling ceiling (${n} pages per thread, steps only, independent threads): 2 threads ${ceiling.toFixed(2)}x the pages/s of 1 ` +
      `(step time per thread ${(one.ms[0]! / 1000).toFixed(2)} s alone, ${two.ms.map((m) => (m / 1000).toFixed(2)).join(' / ')} s side by side)`,
  );
}

const shares: Array<[string, Map<string, number>]> = [['in-thread', stepMs]];
const executorMBs = new Map<number, number>();
const warcDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-bench-curate-warc-'));
const warcFile = path.join(warcDir, 'pages.warc.gz');
if (curateFn && WORKERS.length > 0) {
  const w0 = performance.now();
  const warcBytes = writePagesWarc(warcFile, PAGES);
  console.log(`executor input: ${warcFile}, ${mb(warcBytes).toFixed(0)} MB WARC.gz (${((performance.now() - w0) / 1000).toFixed(1)} s to write, not timed)`);
}
if (curateFn) {
  for (const workers of WORKERS) {
    // Re-time the reference just before each executor run (on up to 5,000 of the same pages), so the
    // ratio compares runs made under the same machine load.
    const sample = Math.min(PAGES, 5000);
    let sampleBytes = 0;
    let sampleMs = 0;
    for (const d of pages(sample)) {
      const t = performance.now();
      bareParse(d.text);
      sampleMs += performance.now() - t;
      sampleBytes += Buffer.byteLength(d.text);
    }
    const nearRef = mb(sampleBytes) / (sampleMs / 1000);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-bench-curate-'));
    const cpu0 = process.cpuUsage();
    const elu0 = perf.eventLoopUtilization();
    const t0 = performance.now();
    const result = await curateFn({ inputs: [warcFile], out: path.join(out, 'run'), steps: recipe, workers });
    const secs = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const mainBusy = perf.eventLoopUtilization(elu0).utilization;
    fs.rmSync(out, { recursive: true, force: true });
    const MBs = mb(totalBytes) / secs;
    // Step time inside the workers vs wall time: how busy the workers were (the rest is waiting on
    // the main thread, startup, or CPU taken by other threads and processes).
    const workerStepMs = Object.entries(result.stats.steps).reduce((n, [name, v]) => n + (stepMs.has(name) ? v.ms : 0), 0);
    console.log(
      `curate ${workers}w: ${secs.toFixed(1)} s, worker step time ${(workerStepMs / 1000).toFixed(1)} s (${((workerStepMs / (secs * 1000 * workers)) * 100).toFixed(0)}% of ${workers} worker(s) x wall; ` +
        `in-thread steps took ${(stepTotal / 1000).toFixed(1)} s); process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (all threads), main thread busy ${(mainBusy * 100).toFixed(0)}% = ${(mainBusy * secs).toFixed(1)} s`,
    );
    executorMBs.set(workers, MBs);
    rows.push([`curate, web recipe (WARC.gz in, Parquet out)`, String(workers), (PAGES / secs).toFixed(0), MBs.toFixed(1), `${(MBs / nearRef).toFixed(2)}x`, `${(MBs / workers / nearRef).toFixed(2)}x`, `kept ${result.stats.output.docs}; reference re-timed: ${nearRef.toFixed(1)} MB/s (per core vs the interleaved one: ${(MBs / workers / refMBs).toFixed(2)}x)`]);
    shares.push([`curate ${workers}w`, new Map(Object.entries(result.stats.steps).map(([k, v]) => [k, v.ms]))]);
  }
}

fs.rmSync(warcDir, { recursive: true, force: true });
if (executorMBs.has(1) && executorMBs.has(2)) {
  const scaling = executorMBs.get(2)! / executorMBs.get(1)!;
  console.log(`executor 1 -> 2 workers: ${scaling.toFixed(2)}x` + (ceiling ? ` (machine ceiling above: ${ceiling.toFixed(2)}x, so ${((scaling / ceiling) * 100).toFixed(0)}% of it)` : ''));
}
console.log('\nrun                                              workers   docs/s    MB/s   vs reference  per core  note');
for (const r of rows) console.log(`${r[0]!.padEnd(48)} ${r[1]!.padStart(7)} ${r[2]!.padStart(8)} ${r[3]!.padStart(7)} ${r[4]!.padStart(13)} ${r[5]!.padStart(9)}  ${r[6]}`);
console.log('\nper-step share of step time');
const names = [...new Set(shares.flatMap(([, m]) => [...m.keys()]))];
console.log('step'.padEnd(20) + shares.map(([n]) => n.padStart(12)).join('') + '  in-thread us/page');
for (const n of names) {
  console.log(n.padEnd(20) + shares.map(([, m]) => {
    const total = [...m.values()].reduce((a, b) => a + b, 0);
    const v = m.get(n);
    return (v === undefined ? '-' : `${((v / total) * 100).toFixed(1)}%`).padStart(12);
  }).join('') + (stepMs.has(n) ? ((stepMs.get(n)! / PAGES) * 1000).toFixed(0).padStart(19) : ''));
}
