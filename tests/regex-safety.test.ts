// Every regular expression in the project's source is checked for catastrophic (super-linear) backtracking with
// recheck (docs/security.md says why recheck, with the measurements in bench/redos-checkers.ts).
//
// The regexes are found with the TypeScript compiler API: regex literals, and `new RegExp(...)` / `RegExp(...)` calls
// whose pattern can be read statically (string literals, templates and `+` over consts of the same file,
// `.source`/`.flags` of a regex, arrays joined, string methods on constants). Calls whose pattern cannot be read are
// listed (test diagnostics); those whose values a module exports are checked through DYNAMIC_SOURCES below.
//
// A finding names file:line, the pattern, the complexity and recheck's attack string (the attack is
// `prefix + pump * k + suffix`: the matching time grows exponentially or polynomially in k).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { check, type Diagnostics } from 'recheck';
import { findRegexSites, type RegexSite } from './helpers/regexSites.js';
import { DEFAULT_BOILERPLATE_PATTERN } from '../filters/extract/extractHtml.js';
import { PRETOKENIZERS } from '../tokenizer/pretokenize.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The project's source: these folders and the root index.ts (never node_modules, tests or bench). */
const SOURCE_DIRS = ['core', 'datasets', 'filters', 'pipelines', 'crawler', 'tokenizer', 'trainer', 'cli'];
const SOURCE_FILES = ['index.ts'];
const SOURCE_EXT = /\.(?:[cm]?ts|[cm]?js)$/;

/**
 * recheck's time limit for one regex. The slowest of today's take 1.5-3 s each with the native binary on an idle
 * 2-core machine; a regex that times out is tried once more, alone, with RETRY_TIMEOUT_MS before it is a failure.
 * One at a time: on 2 shared cores, two at once made the whole run slower.
 */
const CHECK_TIMEOUT_MS = 10_000;
const RETRY_TIMEOUT_MS = 30_000;
const CONCURRENCY = 1;
/** Each vulnerable finding is timed in V8 on its attack string (a child process, killed after this long). */
const MEASURE_LIMIT_MS = 3_000;
const MEASURE_MAX_FINDINGS = 10;

/**
 * Regexes recheck flags that were proven safe by measurement. An entry needs, in a comment beside it, why and the
 * timing that shows it (attack string at 2-3 sizes, growth linear). Keep it empty if at all possible.
 */
const ALLOWLIST: readonly { file: string; pattern: string; flags: string }[] = [
  // Flagged only by recheck's fuzzer (its verdict varies with machine load); V8 runs its own attack in linear
  // time: ".0@A" x k + "\0" took 0.3 ms at 13.7k chars, 0.2 ms at 27k, 0.5 ms at 55k (CI log, 2026-12-07).
  {
    file: 'filters/safety/pii.ts',
    pattern: String.raw`(?<![\w.%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,63})@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])`,
    flags: 'g',
  },
  // Fuzzer only, as above: "0" x 13k chunks took 0.3 ms at 24.7k chars and 49k, 1.3 ms at 197k.
  { file: 'filters/safety/pii.ts', pattern: String.raw`(?<![\d.,-])(?:\d{4}([ -]?)\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -]?)\d{6}\2\d{4,5})(?![\d.,]?\d)`, flags: 'g' },
  // tiktoken's cl100k split regex, fuzzer only: " \t" x k took 0.5 ms at 9.7k chars, 0.2 ms at 38.7k, 0.4 ms at 77k.
  { file: 'tokenizer/pretokenize.ts', pattern: PRETOKENIZERS.cl100k.js, flags: 'gu' },
  // tiktoken's o200k split regex (cl100k's shape with case classes), fuzzer only, flagged once under load 15-20:
  // V8 ran recheck's attack in 0.1-0.4 ms from 9.7k to 77k chars (linear; measured 2026-12-07 by this test's
  // timing pass). The encoder itself splits with a scanner (tokenizer/wordScanner.ts), not this regex.
  { file: 'tokenizer/pretokenize.ts', pattern: PRETOKENIZERS.o200k.js, flags: 'gu' },
];

/**
 * `RegExp` calls whose pattern is not a constant of their file but whose values are known: each is checked here.
 * An entry that no longer matches a call is reported (so that the table cannot silently go stale).
 */
const DYNAMIC_SOURCES: readonly { file: string; exprs: string[]; values: () => { pattern: string; flags: string; what: string }[] }[] = [
  {
    file: 'tokenizer/pretokenize.ts',
    exprs: ["new RegExp(p.js, 'gu')"],
    values: () => Object.values(PRETOKENIZERS).map((p) => ({ pattern: p.js, flags: 'gu', what: `PRETOKENIZERS.${p.name}.js` })),
  },
  {
    file: 'filters/extract/extract.ts',
    exprs: ["new RegExp(options.boilerplatePattern, 'i')", "new RegExp(o.boilerplatePattern, 'i')"],
    values: () => [{ pattern: DEFAULT_BOILERPLATE_PATTERN, flags: 'i', what: 'DEFAULT_BOILERPLATE_PATTERN (the default of boilerplatePattern)' }],
  },
];

// ---------------------------------------------------------------------------------------------------------------
// Finding the regexes

function listSourceFiles(): string[] {
  const out: string[] = SOURCE_FILES.map((f) => join(ROOT, f));
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === 'node_modules') continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && SOURCE_EXT.test(e.name) && !/\.d\.[cm]?ts$/.test(e.name)) out.push(p);
    }
  };
  for (const d of SOURCE_DIRS) walk(join(ROOT, d));
  return out.sort();
}

// ---------------------------------------------------------------------------------------------------------------
// Checking them

export interface Finding {
  where: string;
  pattern: string;
  flags: string;
  problem: string;
  attack?: string;
  /** Matching time in V8 on the attack string at growing sizes. */
  measured?: string;
}

/** An attack string, shortened for the message: `prefix + pump * k + suffix`, and recheck's concrete string. */
function describeAttack(d: Diagnostics & { status: 'vulnerable' }): string {
  const parts = d.attack.pumps.map((p) => `${JSON.stringify(p.prefix)} + ${JSON.stringify(p.pump)} * k`);
  const short = (s: string): string => (s.length > 200 ? `${s.slice(0, 200)}... (${s.length} chars)` : s);
  return `${parts.join(' + ')} + ${JSON.stringify(d.attack.suffix)} (recheck's: ${short(JSON.stringify(d.attack.string))})`;
}

/** Runs recheck over the patterns (each distinct pattern once) and returns one finding per site that is not safe. */
export async function checkPatterns(
  items: readonly { where: string; pattern: string; flags: string }[],
  allow: readonly { file: string; pattern: string; flags: string }[] = [],
  { measure = true }: { measure?: boolean } = {},
): Promise<Finding[]> {
  const distinct = new Map<string, { pattern: string; flags: string }>();
  for (const it of items) distinct.set(JSON.stringify([it.pattern, it.flags]), it);
  const verdicts = new Map<string, Diagnostics>();
  const queue = [...distinct.entries()];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [key, { pattern, flags }] = next;
      verdicts.set(key, await check(pattern, flags, { timeout: CHECK_TIMEOUT_MS }));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  for (const [key, d] of verdicts) {
    if (d.status === 'unknown' && d.error.kind === 'timeout') verdicts.set(key, await check(d.source, d.flags, { timeout: RETRY_TIMEOUT_MS }));
  }
  const findings: Finding[] = [];
  for (const it of items) {
    const d = verdicts.get(JSON.stringify([it.pattern, it.flags]))!;
    if (d.status === 'safe') continue;
    if (allow.some((a) => it.where.startsWith(`${a.file}:`) && a.pattern === it.pattern && a.flags === it.flags)) continue;
    const base = { where: it.where, pattern: it.pattern, flags: it.flags };
    if (d.status === 'vulnerable') {
      const c = d.complexity;
      const problem = c.type === 'exponential' ? 'exponential backtracking' : `polynomial backtracking, degree ${c.degree} (${c.summary})`;
      const measured = measure && findings.filter((f) => f.measured).length < MEASURE_MAX_FINDINGS ? measureAttack(d) : undefined;
      findings.push({ ...base, problem, attack: describeAttack(d), ...(measured ? { measured } : {}) });
    } else {
      const e = d.error;
      findings.push({ ...base, problem: `recheck could not check it: ${e.kind}${'message' in e ? ` (${e.message})` : ''}` });
    }
  }
  return findings;
}

// The child times `exec` from index 0 (a search tries every start) at k = base/8, base/4, base/2, base pumps (base is
// the size of recheck's attack string), up to the first run over 250 ms, printing each time as it finishes: the
// parent keeps what came before a kill.
const MEASURE_SCRIPT = `
const { pattern, flags, pumps, suffix, sizes } = JSON.parse(process.env.REGEX_SAFETY_ATTACK);
const re = new RegExp(pattern, flags.replace('g', ''));
for (const k of sizes) {
  const s = pumps.map((p) => p.prefix + p.pump.repeat(k)).join('') + suffix;
  require('node:fs').writeSync(1, 'start ' + s.length + '\\n');
  const t0 = performance.now();
  re.exec(s);
  const ms = performance.now() - t0;
  require('node:fs').writeSync(1, 'done ' + s.length + ' ' + ms.toFixed(1) + '\\n');
  if (ms > 250) break;
}
`;

function measureAttack(d: Diagnostics & { status: 'vulnerable' }): string {
  const base = Math.max(4, d.attack.base);
  const sizes = [Math.ceil(base / 8), Math.ceil(base / 4), Math.ceil(base / 2), base];
  const attack = { pattern: d.source, flags: d.flags, pumps: d.attack.pumps, suffix: d.attack.suffix, sizes };
  const r = spawnSync(process.execPath, ['-e', MEASURE_SCRIPT], {
    env: { ...process.env, REGEX_SAFETY_ATTACK: JSON.stringify(attack) },
    timeout: MEASURE_LIMIT_MS,
    encoding: 'utf8',
  });
  const out: string[] = [];
  let running = '';
  for (const line of (r.stdout ?? '').split('\n')) {
    const [what, len, ms] = line.split(' ');
    if (what === 'start') running = len!;
    if (what === 'done') {
      out.push(`${len} chars ${ms} ms`);
      running = '';
    }
  }
  if (running) out.push(`${running} chars > ${MEASURE_LIMIT_MS / 1000} s (killed)`);
  return out.join(', ');
}

function formatFindings(findings: readonly Finding[]): string {
  return findings
    .map(
      (f) =>
        `${f.where}: /${f.pattern}/${f.flags}\n    ${f.problem}` +
        (f.attack ? `\n    attack: ${f.attack}` : '') +
        (f.measured ? `\n    measured in V8: ${f.measured}` : ''),
    )
    .join('\n');
}

// ---------------------------------------------------------------------------------------------------------------

test('every regular expression in the source is free of catastrophic backtracking', { timeout: 120_000 }, async (t) => {
  const files = new Map(listSourceFiles().map((f) => [f, readFileSync(f, 'utf8')]));
  const sites = findRegexSites(files);
  const checked = sites.filter((s) => s.kind !== 'dynamic');
  const dynamic = sites.filter((s) => s.kind === 'dynamic');
  assert.ok(checked.length > 50, `only ${checked.length} regexes found in ${files.size} files: is the TypeScript API parsing?`);

  const items = checked.map((s) => ({ where: `${s.file}:${s.line}`, pattern: s.pattern!, flags: s.flags! }));
  const stale: string[] = [];
  for (const d of DYNAMIC_SOURCES) {
    for (const e of d.exprs) if (!dynamic.some((s) => s.file === d.file && s.expr === e)) stale.push(`${d.file}: ${e}`);
    const at = dynamic.filter((s) => s.file === d.file && d.exprs.includes(s.expr!));
    for (const s of at) for (const v of d.values()) items.push({ where: `${s.file}:${s.line} (${v.what})`, pattern: v.pattern, flags: v.flags });
  }
  const known = (s: RegexSite): boolean => DYNAMIC_SOURCES.some((d) => d.file === s.file && d.exprs.includes(s.expr!));
  t.diagnostic(`${checked.length} regexes read from ${files.size} files; ${items.length - checked.length} more from DYNAMIC_SOURCES`);
  for (const s of dynamic.filter((x) => !known(x))) t.diagnostic(`not checked (pattern not a constant): ${s.file}:${s.line} ${s.expr}`);

  const t0 = performance.now();
  const findings = await checkPatterns(items, ALLOWLIST);
  t.diagnostic(`recheck: ${((performance.now() - t0) / 1000).toFixed(1)} s for ${new Set(items.map((i) => `${i.flags}/${i.pattern}`)).size} distinct regexes`);
  assert.deepEqual(stale, [], `DYNAMIC_SOURCES entries that match no RegExp call any more:\n${stale.join('\n')}`);
  assert.equal(findings.length, 0, `${findings.length} regular expression(s) can backtrack catastrophically:\n${formatFindings(findings)}\n`);
});

test('the check finds vulnerable regexes, in literals and in RegExp calls built from consts (self-test)', { timeout: 60_000 }, async () => {
  const path = join(ROOT, 'filters', '__regex_safety_fixture__.ts');
  const text = [
    "const WORD = '\\\\w+';",
    'export const bad = /^(a+)+$/;',
    'export const ok = /^[a-z]+$/i;',
    "export const built = new RegExp(`^(${WORD}\\\\s?)*$`, 'u');",
    "export const plain = RegExp('(\\\\d+)*x');",
    'export function f(s: string) { return new RegExp(s); }',
  ].join('\n');
  const sites = findRegexSites(new Map([[path, text]]));
  assert.deepEqual(
    sites.map((s) => [s.line, s.kind, s.pattern, s.flags]),
    [
      [2, 'literal', '^(a+)+$', ''],
      [3, 'literal', '^[a-z]+$', 'i'],
      [4, 'RegExp', '^(\\w+\\s?)*$', 'u'],
      [5, 'RegExp', '(\\d+)*x', ''],
      [6, 'dynamic', undefined, undefined],
    ],
  );
  const items = sites.filter((s) => s.kind !== 'dynamic').map((s) => ({ where: `${s.file}:${s.line}`, pattern: s.pattern!, flags: s.flags! }));
  const findings = await checkPatterns(items, [], { measure: false });
  assert.deepEqual(
    findings.map((f) => f.where),
    ['filters/__regex_safety_fixture__.ts:2', 'filters/__regex_safety_fixture__.ts:4', 'filters/__regex_safety_fixture__.ts:5'],
  );
  for (const f of findings) {
    assert.match(f.problem, /exponential/);
    assert.ok(f.attack && f.attack.includes('* k'), `no attack string in ${JSON.stringify(f)}`);
  }
  // The allowlist takes a flagged regex out, and only that one.
  const allowed = await checkPatterns([{ where: 'x.ts:1', pattern: '^(a+)+$', flags: '' }], [{ file: 'x.ts', pattern: '^(a+)+$', flags: '' }], {
    measure: false,
  });
  assert.deepEqual(allowed, []);
});
