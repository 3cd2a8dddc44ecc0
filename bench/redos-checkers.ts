// `npm run bench -- redos-checkers [-- --quick]`: picks the ReDoS checker for tests/regex-safety.test.ts by measurement.
//
// A corpus of known-vulnerable regexes (textbook cases and regexes from real CVEs and outages) and of known-safe but
// tricky ones (big Unicode property classes, lookarounds, back-references, the GPT-2/cl100k/o200k pre-tokenizers) is
// given to every candidate checker, each in its own process. For each checker: true positives, false positives, false
// negatives, unsupported syntax / gave up, and ms per regex. The labels are not taken on trust: every regex is timed
// in V8 on attack strings at growing sizes, in a child process with a timeout: its own hand-built attack (and probes
// for the safe ones) and every attack string a checker produced. A "vulnerable" label needs a measured super-linear
// blow-up; a "safe" label needs every attack tried to stay linear.
//
// Candidates not installed in the project are loaded from REDOS_BENCH_MODULES (a node_modules folder), e.g.
//   npm install --prefix /tmp/redos recheck@4.5.0 redos-detector@6.1.4 safe-regex2@5.1.2 scslre@0.3.0
//   REDOS_BENCH_MODULES=/tmp/redos/node_modules npm run bench -- redos-checkers
// A candidate that cannot be loaded is reported as such and skipped.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { a1, CORPUS, type Attack, type Entry } from './_redosCorpus.js';

// ---------------------------------------------------------------------------------------------------------------
// Checkers. Each runs in its own process (`--child NAME`) and prints one JSON line per corpus entry.

type Verdict = 'vulnerable' | 'safe' | 'unsupported' | 'gave-up';
interface Result {
  id: string;
  verdict: Verdict;
  ms: number;
  detail: string;
  attack?: Attack;
}

function loadModule(name: string): unknown {
  const dirs = [process.env.REDOS_BENCH_MODULES, join(fileURLToPath(new URL('..', import.meta.url)), 'node_modules')];
  for (const d of dirs) {
    if (!d || !existsSync(join(d, name))) continue;
    return createRequire(join(d, '_.js'))(name);
  }
  throw new Error(`${name} is not installed (set REDOS_BENCH_MODULES to a node_modules folder that has it)`);
}

const CHECK_TIMEOUT_MS = 10_000;

type CheckFn = (e: Entry) => Promise<Omit<Result, 'id' | 'ms'>>;
const CHECKERS: Record<string, { describe: string; env?: Record<string, string>; make: () => CheckFn; available?: () => boolean }> = {
  'recheck/native': {
    describe: 'recheck 4.5.0, native binary (recheck-linux-x64, an optionalDependency)',
    env: { RECHECK_BACKEND: 'native' },
    make: () => recheckFn(),
  },
  'recheck/worker': {
    describe: 'recheck 4.5.0, pure-JS (Scala.js) build in a worker thread: the fallback where no binary fits',
    env: { RECHECK_BACKEND: 'worker' },
    make: () => recheckFn(),
  },
  'recheck/java': {
    describe: 'recheck 4.5.0, JAR (needs a JVM; for reference only)',
    env: { RECHECK_BACKEND: 'java' },
    make: () => recheckFn(),
    available: () => spawnSync('java', ['-version']).status === 0,
  },
  'redos-detector': {
    describe: 'redos-detector 6.1.4 (static: counts ambiguous paths, no attack string)',
    make: () => {
      // Minimal local types: only the chosen checker is a dependency of the project.
      const rd = loadModule('redos-detector') as {
        isSafePattern(p: string, o: Record<string, unknown>): { safe: boolean; error: string | null; score: { infinite: boolean; value?: number } };
      };
      return async (e) => {
        const r = rd.isSafePattern(e.source, {
          unicode: e.flags.includes('u'),
          caseInsensitive: e.flags.includes('i'),
          multiLine: e.flags.includes('m'),
          dotAll: e.flags.includes('s'),
          timeout: CHECK_TIMEOUT_MS,
        });
        if (r.safe) return { verdict: 'safe', detail: `score ${r.score.infinite ? 'inf' : r.score.value}` };
        if (r.error === 'hitMaxScore') return { verdict: 'vulnerable', detail: `score ${r.score.infinite ? 'infinite' : r.score.value}` };
        return { verdict: 'gave-up', detail: String(r.error) };
      };
    },
  },
  'safe-regex2': {
    describe: 'safe-regex2 5.1.2 (star height > 1 or > 25 repetitions)',
    make: () => {
      const safeRegex = loadModule('safe-regex2') as (re: string | RegExp) => boolean;
      return async (e) => ({ verdict: safeRegex(new RegExp(e.source, e.flags)) ? 'safe' : 'vulnerable', detail: '' });
    },
  },
  scslre: {
    describe: 'scslre 0.3.0 (static analysis behind eslint-plugin-regexp, gives the character to repeat)',
    make: () => {
      const { analyse } = loadModule('scslre') as {
        analyse(l: { source: string; flags: string }): { reports: { type: string; exponential: boolean; character: { pick: string } }[] };
      };
      return async (e) => {
        const r = analyse({ source: e.source, flags: e.flags });
        if (!r.reports.length) return { verdict: 'safe', detail: '' };
        const rep = r.reports[0]!;
        return {
          verdict: 'vulnerable',
          detail: `${r.reports.map((x) => `${x.type}${x.exponential ? '(exp)' : ''}`).join(',')} repeat ${JSON.stringify(rep.character.pick)}`,
          attack: a1('', rep.character.pick, ''),
        };
      };
    },
  },
};

function recheckFn(): CheckFn {
  const recheck = loadModule('recheck') as typeof import('recheck');
  return async (e) => {
    const d = await recheck.check(e.source, e.flags, { timeout: CHECK_TIMEOUT_MS });
    if (d.status === 'safe') return { verdict: 'safe', detail: `${d.checker} ${d.complexity.type}` };
    if (d.status === 'vulnerable') {
      const c = d.complexity;
      return {
        verdict: 'vulnerable',
        detail: `${d.checker} ${c.type === 'polynomial' ? `degree ${c.degree}` : 'exponential'}`,
        attack: { pumps: d.attack.pumps.map((p) => ({ prefix: p.prefix, pump: p.pump })), suffix: d.attack.suffix },
      };
    }
    const err = d.error;
    const msg = 'message' in err ? `${err.kind}: ${err.message}` : err.kind;
    return { verdict: err.kind === 'timeout' || err.kind === 'cancel' ? 'gave-up' : 'unsupported', detail: msg };
  };
}

async function child(name: string): Promise<void> {
  const c = CHECKERS[name]!;
  let fn: CheckFn;
  try {
    fn = c.make();
  } catch (err) {
    console.log(JSON.stringify({ error: String((err as Error).message) }));
    return;
  }
  for (const e of CORPUS) {
    const t0 = performance.now();
    let r: Omit<Result, 'id' | 'ms'>;
    try {
      r = await fn(e);
    } catch (err) {
      r = { verdict: 'unsupported', detail: `threw: ${String((err as Error).message).slice(0, 120)}` };
    }
    console.log(JSON.stringify({ id: e.id, ms: performance.now() - t0, ...r }));
  }
  process.exit(0); // recheck keeps its agent process / worker referenced
}

// ---------------------------------------------------------------------------------------------------------------
// Timing an attack in V8: sizes grow by 1.3x from one pump until one run takes 250 ms, the string passes 2 MB, or
// the child is killed at the time limit. Each run is a fresh `exec` from index 0 (the search tries every start).

interface Timing {
  points: { len: number; ms: number }[];
  /** Killed at the limit while running this length. */
  killedAt?: number;
}

const TIMING_SCRIPT = `
const { source, flags, attack } = JSON.parse(process.env.REDOS_ATTACK);
const re = new RegExp(source, flags.replace('g', ''));
const build = (k) => attack.pumps.map((p) => p.prefix + p.pump.repeat(k)).join('') + attack.suffix;
const fs = require('node:fs');
for (let k = 1; ; k = Math.ceil(k * 1.3)) {
  const s = build(k);
  fs.writeSync(1, 'start ' + s.length + '\\n');
  const t0 = performance.now();
  re.exec(s);
  const ms = performance.now() - t0;
  fs.writeSync(1, 'done ' + s.length + ' ' + ms + '\\n');
  if (ms > 250 || s.length > 2e6) break;
}
`;

const timingCache = new Map<string, Timing>();
function timeAttack(source: string, flags: string, attack: Attack, limitMs: number): Timing {
  const key = JSON.stringify([source, flags, attack]);
  const hit = timingCache.get(key);
  if (hit) return hit;
  const r = spawnSync(process.execPath, ['-e', TIMING_SCRIPT], {
    env: { ...process.env, REDOS_ATTACK: key.length < 100_000 ? JSON.stringify({ source, flags, attack }) : '' },
    timeout: limitMs,
    encoding: 'utf8',
  });
  const t: Timing = { points: [] };
  let started = 0;
  for (const line of r.stdout.split('\n')) {
    const [what, len, ms] = line.split(' ');
    if (what === 'start') started = Number(len);
    if (what === 'done') {
      t.points.push({ len: Number(len), ms: Number(ms) });
      started = 0;
    }
  }
  if (started) t.killedAt = started;
  timingCache.set(key, t);
  return t;
}

/** Super-linear if a run took >= 100 ms on <= 1 M characters, or the child was killed while running one. */
function superLinear(t: Timing, limitMs: number): { yes: boolean; text: string } {
  const pts = t.points;
  const last = pts.slice(-3);
  const fmt = (p: { len: number; ms: number }) => `${p.len} ch: ${p.ms < 10 ? p.ms.toFixed(2) : p.ms.toFixed(0)} ms`;
  let text = last.map(fmt).join(', ');
  if (t.killedAt) text += `, ${t.killedAt} ch: > ${(limitMs / 1000).toFixed(0)} s (killed)`;
  const slow = pts.some((p) => p.ms >= 100 && p.len <= 1e6) || (t.killedAt !== undefined && t.killedAt <= 1e6);
  if (pts.length >= 2 && !t.killedAt) {
    const [p, q] = pts.slice(-2) as [{ len: number; ms: number }, { len: number; ms: number }];
    if (p.ms > 1) text += ` (growth exponent ${(Math.log(q.ms / p.ms) / Math.log(q.len / p.len)).toFixed(1)})`;
  }
  return { yes: slow, text };
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const limitMs = quick ? 3000 : 6000;
  const self = fileURLToPath(import.meta.url);
  const results = new Map<string, Map<string, Result>>();
  const describe: string[] = [];
  for (const [name, c] of Object.entries(CHECKERS)) {
    if (c.available && !c.available()) {
      describe.push(`- ${name}: skipped (not available on this machine)`);
      continue;
    }
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', name], {
      env: { ...process.env, ...c.env },
      encoding: 'utf8',
      timeout: 10 * 60_000,
    });
    const wall = performance.now() - t0;
    const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Result & { error?: string });
    if (lines[0]?.error || r.status !== 0) {
      describe.push(`- ${name}: could not run: ${lines[0]?.error ?? r.stderr.slice(-300)}`);
      continue;
    }
    results.set(name, new Map(lines.map((l) => [l.id, l])));
    describe.push(`- ${name}: ${c.describe}; process wall ${(wall / 1000).toFixed(1)} s`);
  }

  // Ground truth by measurement.
  console.log(`load average at the end of the checker runs: ${loadavg().map((x) => x.toFixed(1)).join(' ')} (${cpus().length} cores)`);
  console.log(`corpus: ${CORPUS.filter((e) => e.label === 'vulnerable').length} vulnerable, ${CORPUS.filter((e) => e.label === 'safe').length} safe; node ${process.version}`);
  console.log('\n## Labels checked by timing in V8 (own attacks/probes, then every attack a checker produced)\n');
  const confirmed = new Map<string, boolean>();
  for (const e of CORPUS) {
    const own = e.attacks.map((a) => ({ a, s: superLinear(timeAttack(e.source, e.flags, a, limitMs), limitMs) }));
    const fromCheckers: { who: string; a: Attack; s: { yes: boolean; text: string } }[] = [];
    for (const [name, m] of results) {
      const r = m.get(e.id);
      if (r?.verdict === 'vulnerable' && r.attack) {
        fromCheckers.push({ who: name, a: r.attack, s: superLinear(timeAttack(e.source, e.flags, r.attack, limitMs), limitMs) });
      }
    }
    const anySlow = [...own, ...fromCheckers].some((x) => x.s.yes);
    const ok = e.label === 'vulnerable' ? own.some((x) => x.s.yes) || fromCheckers.some((x) => x.s.yes) : !anySlow;
    confirmed.set(e.id, ok);
    console.log(`${e.id} [${e.label}${ok ? '' : ' -- LABEL CONTRADICTED BY TIMING'}] /${e.source.length > 90 ? `${e.source.slice(0, 90)}...` : e.source}/${e.flags}  (${e.note})`);
    for (const x of own) console.log(`    own ${showAttack(x.a)}: ${x.s.text}${x.s.yes ? '  SUPER-LINEAR' : ''}`);
    for (const x of fromCheckers) console.log(`    ${x.who} ${showAttack(x.a)}: ${x.s.text}${x.s.yes ? '  SUPER-LINEAR' : '  linear'}`);
  }

  console.log('\n## Per checker\n');
  for (const d of describe) console.log(d);
  console.log(
    '\n| checker | TP | FN | FP | TN | unsupported | gave up | attacks that reproduce | ms/regex median | mean | max |\n|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const [name, m] of results) {
    let tp = 0, fn = 0, fp = 0, tn = 0, unsup = 0, gave = 0, atk = 0, atkOk = 0;
    const ms: number[] = [];
    const misses: string[] = [];
    for (const e of CORPUS) {
      const r = m.get(e.id)!;
      ms.push(r.ms);
      if (r.verdict === 'unsupported') { unsup++; misses.push(`${e.id} unsupported (${r.detail})`); continue; }
      if (r.verdict === 'gave-up') { gave++; misses.push(`${e.id} gave up (${r.detail})`); continue; }
      const v = r.verdict === 'vulnerable';
      if (e.label === 'vulnerable') (v ? tp++ : (fn++, misses.push(`${e.id} FN`)));
      else (v ? (fp++, misses.push(`${e.id} FP (${r.detail})`)) : tn++);
      if (v && r.attack) {
        atk++;
        if (superLinear(timeAttack(e.source, e.flags, r.attack, limitMs), limitMs).yes) atkOk++;
      }
    }
    const sorted = [...ms].sort((x, y) => x - y);
    const med = sorted[Math.floor(sorted.length / 2)]!;
    const mean = ms.reduce((x, y) => x + y, 0) / ms.length;
    console.log(`| ${name} | ${tp} | ${fn} | ${fp} | ${tn} | ${unsup} | ${gave} | ${atk ? `${atkOk}/${atk}` : 'none given'} | ${med.toFixed(1)} | ${mean.toFixed(1)} | ${Math.max(...ms).toFixed(0)} |`);
    if (misses.length) console.log(`    ${name}: ${misses.join('; ')}`);
  }
  console.log('\nper-regex verdicts (V = vulnerable, . = safe, U = unsupported, G = gave up):');
  console.log(`${'id'.padEnd(5)} ${[...results.keys()].map((n) => n.padEnd(15)).join(' ')}`);
  for (const e of CORPUS) {
    const row = [...results.values()].map((m) => {
      const r = m.get(e.id)!;
      const c = { vulnerable: 'V', safe: '.', unsupported: 'U', 'gave-up': 'G' }[r.verdict];
      return `${c} ${r.ms.toFixed(0)}ms`.padEnd(15);
    });
    console.log(`${e.id.padEnd(5)} ${row.join(' ')} ${e.label}${confirmed.get(e.id) ? '' : ' (label contradicted)'}`);
  }
}

function showAttack(a: Attack): string {
  const s = a.pumps.map((p) => `${JSON.stringify(p.prefix)}+${JSON.stringify(p.pump)}*k`).join('+') + `+${JSON.stringify(a.suffix)}`;
  return s.length > 100 ? `${s.slice(0, 100)}...` : s;
}

const ci = process.argv.indexOf('--child');
if (ci >= 0) await child(process.argv[ci + 1]!);
else await main();
