// `npm run fuzz -- [--seed N] [--minutes M] [--runs N] [--target NAME]... [--skip NAME]...`: the long fuzz
// campaign (issue 19). Each target runs in rounds of N cases (seed, seed+1, ...) in a worker thread with a
// heap limit and a watchdog, so a case that loops forever (even in microtasks, where no timer fires) or
// exhausts memory is reported with its input instead of stalling the campaign. Prints executions per target
// and every distinct finding; reproducers (the inputs, shrunk where fast-check could) go to out/fuzz/.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { TARGETS } from './fuzz/targets.js';
import type { FuzzFinding, FuzzResult } from './fuzz/runTarget.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' }, minutes: { type: 'string', default: '5' }, runs: { type: 'string', default: '200' },
    target: { type: 'string', multiple: true }, skip: { type: 'string', multiple: true }, 'hang-ms': { type: 'string', default: '10000' },
    'heap-mb': { type: 'string', default: '1024' },
  },
});
const seed = Number(values.seed ?? Date.now() % 2 ** 31);
const deadline = Date.now() + Number(values.minutes) * 60_000;
const runs = Number(values.runs);
const hangMs = Number(values['hang-ms']);
const names = new Set(values.target ?? TARGETS.map((t) => t.name));
for (const s of values.skip ?? []) names.delete(s);
const unknown = [...names].filter((n) => !TARGETS.some((t) => t.name === n));
if (unknown.length) throw new Error(`unknown targets ${unknown.join(', ')}; targets: ${TARGETS.map((t) => t.name).join(', ')}`);
const targets = TARGETS.filter((t) => names.has(t.name));
const outDir = new URL('../out/fuzz/', import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });

/** One round of one target in its own worker; a hang or out-of-memory becomes a finding with the last case's input. */
function round(name: string, roundSeed: number): Promise<{ runs: number; finding?: FuzzFinding }> {
  const dir = mkdtempSync(join(tmpdir(), 'cf-fuzz-'));
  return new Promise((resolve) => {
    let cases = 0;
    let last: Uint8Array = new Uint8Array();
    const worker = new Worker(new URL('./fuzz/campaignWorker.mjs', import.meta.url), {
      workerData: { name, seed: roundSeed, numRuns: runs, timeoutMs: hangMs, maxMs: Math.max(1000, deadline - Date.now()), dir },
      resourceLimits: { maxOldGenerationSizeMb: Number(values['heap-mb']) },
      stdout: true,
      stderr: true,
    });
    const finish = (r: { runs: number; finding?: FuzzFinding }) => {
      clearTimeout(watchdog);
      void worker.terminate();
      rmSync(dir, { recursive: true, force: true });
      resolve(r);
    };
    const stuck = (why: string) => finish({ runs: cases, finding: { target: name, message: why, input: Buffer.from(last).toString('base64'), seed: roundSeed, path: `case ${cases - 1}` } });
    // Loading the target (tsx, modules, seed corpus) takes seconds on a loaded machine: only then does the clock run.
    let watchdog = setTimeout(() => stuck('the target did not load in 5 minutes'), 300_000);
    const armed = (why: string) => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => stuck(why), hangMs);
    };
    worker.on('message', (m: { kind: 'ready' } | { kind: 'case'; bytes: Uint8Array } | { kind: 'result'; result: FuzzResult }) => {
      if (m.kind === 'ready') armed(`the first case did not start in ${hangMs} ms`);
      else if (m.kind === 'case') {
        cases++;
        last = m.bytes;
        armed(`case ${cases - 1} did not finish in ${hangMs} ms (a hang: a loop, or a promise that never settles)`);
      } else finish({ runs: m.result.runs, finding: m.result.finding });
    });
    worker.on('error', (e: Error & { code?: string }) => stuck(e.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `out of memory (heap limit ${values['heap-mb']} MB)` : `worker died: ${e.message}`));
  });
}

/** Findings grouped by target and message without paths and numbers (the same bug found again). */
const findings = new Map<string, FuzzFinding & { count: number }>();
const executions = new Map<string, number>(targets.map((t) => [t.name, 0]));
const started = Date.now();
console.log(`fuzz: seed ${seed}, ${values.minutes} min, ${runs} cases per round, targets: ${targets.map((t) => t.name).join(', ')}`);
for (let r = 0; Date.now() < deadline; r++) {
  for (const t of targets) {
    if (Date.now() >= deadline) break;
    const result = await round(t.name, seed + r);
    executions.set(t.name, executions.get(t.name)! + result.runs);
    if (!result.finding) continue;
    const key = `${t.name}: ${result.finding.message.replace(/\/tmp\/\S+/g, 'FILE').replace(/\d+/g, 'N').slice(0, 160)}`;
    const seen = findings.get(key);
    if (seen) seen.count++;
    else {
      findings.set(key, { ...result.finding, count: 1 });
      const file = join(outDir, `${t.name}-${findings.size}.bin`);
      writeFileSync(file, Buffer.from(result.finding.input, 'base64'));
      console.log(`finding ${findings.size} (${t.name}, seed ${result.finding.seed}, ${result.finding.path}): ${result.finding.message.slice(0, 400)}\n  input: ${file}`);
    }
  }
}
const total = [...executions.values()].reduce((a, b) => a + b, 0);
console.log(`\nfuzz: ${total} executions in ${((Date.now() - started) / 60_000).toFixed(1)} min, seed ${seed}`);
for (const [name, n] of executions) console.log(`  ${name.padEnd(16)} ${String(n).padStart(8)} executions`);
console.log(`${findings.size} distinct findings${findings.size ? ':' : ''}`);
for (const [key, f] of findings) console.log(`  ${key} (x${f.count}; input ${f.input.length > 120 ? `${f.input.slice(0, 120)}...` : f.input})`);
process.exitCode = findings.size ? 1 : 0;
