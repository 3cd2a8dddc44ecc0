/**
 * Real documentation through the web recipe (issue 14): how many clean documentation pages
 * (bench/data/docs-pages: the Python docs, the Debian Handbook and Debian Reference, 12 languages)
 * pipelines/web.json keeps, and which rule drops the others.
 *
 * Two views, both with the quality rules' definitions `paper` (the default) and `datatrove`:
 * - the recipe: every per-document step in order; a dropped page counts under its first failing rule;
 * - each step alone, on the text extract + normalise + langid give: how many pages it would drop.
 * Steps from the first one decided on the coordinator on (dedup, boilerplate lines) are not run: they
 * judge a page against the others, not on its own.
 *
 * A control set of real code as pages (.js/.css/.json files of node_modules, 2-30 KB) checks that
 * the rules still drop code, with and without C4's curly-bracket rule (a page with "{" goes), which
 * is the one that drops documentation with code samples.
 *
 * Also the speed of the three steps with a `definitions` option under each definition, on the same
 * prepared texts, interleaved rounds in one process (a ratio; the machine may be loaded).
 *
 * Usage: node --import tsx bench/docs-pages.ts [--quick] [--list]
 *   --quick: every third page; --list: every dropped page with its reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWorkerSteps } from '../pipelines/recipe.js';
import { getStepDefinition } from '../filters/registry.js';
import type { Step, StepSpec } from '../core/step.js';
import type { Document } from '../core/document.js';
import { expandLanguageCode } from '../filters/text/langCodes.js';
import { isWantedLanguage } from '../filters/langid/closeLanguages.js';

const quick = process.argv.includes('--quick');
const list = process.argv.includes('--list');
const DATA = fileURLToPath(new URL('data/docs-pages/', import.meta.url));
// The steps with a `definitions` option (c4_quality counts whitespace words in both).
const QUALITY = new Set(['gopher_repetition', 'gopher_quality', 'fineweb_quality']);
const PREPARE = new Set(['extract', 'normalise', 'langid']);

interface Page {
  file: string;
  collection: string;
  /** The manual's language, ISO 639-1 (from the folder name; the Python docs are English). */
  lang: string;
  html: string;
}

function pages(): Page[] {
  const out: Page[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.html')) {
        const rel = path.relative(DATA, p);
        const [collection, sub] = rel.split(path.sep);
        const lang = collection === 'python' ? 'en' : sub!.slice(0, 2).toLowerCase(); // de-DE, zh-cn -> de, zh
        out.push({ file: rel, collection: collection!, lang, html: fs.readFileSync(p, 'utf8') });
      }
    }
  };
  walk(DATA);
  return quick ? out.filter((_, i) => i % 3 === 0) : out;
}

const recipe = (JSON.parse(fs.readFileSync(new URL('../pipelines/web.json', import.meta.url), 'utf8')) as { steps: StepSpec[] }).steps;
/** The recipe's per-document judging steps (up to the first step decided on the coordinator), with the given definitions. */
function judgingSpecs(definitions: 'paper' | 'datatrove'): StepSpec[] {
  const end = recipe.findIndex((s) => getStepDefinition(s.step).coordinator !== undefined);
  return recipe.slice(0, end < 0 ? recipe.length : end).map((s) => (QUALITY.has(s.step) ? { ...s, definitions } : s));
}

/** The first drop reason of `steps` on one document, or undefined when it is kept; `out` gets the last kept version. */
function firstDrop(steps: readonly Step[], doc: Document, out?: { doc: Document }): string | undefined {
  let batch = [doc];
  for (const s of steps) {
    const r = s.run(batch);
    if (r.dropped.length) return r.dropped[0]!.reason;
    batch = r.kept;
    if (out) out.doc = batch[0]!;
  }
  return undefined;
}

const all = pages();
const docs: Document[] = all.map((p) => ({ id: p.file, text: p.html, source: p.file, metadata: { format: 'html' } }));
const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)}%`;

const runs = (['paper', 'datatrove'] as const).map((definitions) => {
  const specs = judgingSpecs(definitions);
  const steps = buildWorkerSteps(specs);
  const t0 = performance.now();
  const reasons = docs.map((d) => firstDrop(steps, d));
  const ms = performance.now() - t0;
  // Each step alone on the prepared text.
  const prepare = steps.filter((s) => PREPARE.has(s.name));
  const alone = new Map<string, number>();
  /** Pages that only this rule would drop: what turning it off would keep. */
  const only = new Map<string, number>();
  const langs = new Map<string, string>();
  docs.forEach((d, i) => {
    const held = { doc: d };
    if (firstDrop(prepare, d, held) !== undefined && held.doc === d) return; // extract dropped it: nothing to judge
    langs.set(all[i]!.file, held.doc.lang ?? '');
    const failing: string[] = [];
    for (const s of steps) {
      if (PREPARE.has(s.name)) continue;
      const r = s.run([held.doc]);
      if (r.dropped.length) failing.push(r.dropped[0]!.reason);
    }
    for (const f of failing) count(alone, f);
    if (failing.length === 1) count(only, failing[0]!);
  });
  return { definitions, reasons, alone, only, langs, ms };
});

console.log(`docs-pages: ${all.length} pages (${new Set(all.map((p) => p.collection)).size} manuals, ${new Set(all.map((p) => p.lang)).size} languages)${quick ? ' --quick' : ''}`);
for (const r of runs) {
  const kept = r.reasons.filter((x) => x === undefined).length;
  console.log(`\nweb recipe, definitions ${r.definitions}: kept ${kept}/${all.length} (${pct(kept, all.length)}) in ${r.ms.toFixed(0)} ms`);
  const byCollection = new Map<string, [number, number]>();
  all.forEach((p, i) => {
    const c = byCollection.get(p.collection) ?? [0, 0];
    c[1]++;
    if (r.reasons[i] === undefined) c[0]++;
    byCollection.set(p.collection, c);
  });
  for (const [c, [k, n]] of byCollection) console.log(`  ${c}: kept ${k}/${n} (${pct(k, n)})`);
  const byLang = new Map<string, [number, number]>();
  all.forEach((p, i) => {
    const c = byLang.get(p.lang) ?? [0, 0];
    c[1]++;
    if (r.reasons[i] === undefined) c[0]++;
    byLang.set(p.lang, c);
  });
  console.log(`  per language: ${[...byLang].map(([l, [k, n]]) => `${l} ${k}/${n}`).join(', ')}`);
}

// Per rule: the recipe's first failing rule, and each step alone, under both definitions.
const rules = new Set<string>();
const first = runs.map((r) => {
  const m = new Map<string, number>();
  for (const x of r.reasons) if (x !== undefined) count(m, x);
  for (const k of m.keys()) rules.add(k);
  for (const k of r.alone.keys()) rules.add(k);
  return m;
});
console.log('\nPages dropped per rule: first failing rule in the recipe / the step alone / only this step fails.');
console.log('| rule | paper: recipe | alone | only | datatrove: recipe | alone | only |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const rule of [...rules].sort()) {
  const cells = runs.flatMap((r, i) => [first[i]!.get(rule) ?? 0, r.alone.get(rule) ?? 0, r.only.get(rule) ?? 0]);
  console.log(`| \`${rule}\` | ${cells.join(' | ')} |`);
}

const paper = runs[0]!;
const misread = [...paper.langs].filter(([file, lang]) => !isWantedLanguage(lang, new Set(expandLanguageCode(all.find((p) => p.file === file)!.lang) ?? [])));
console.log(`\nlangid on the prepared text: ${misread.length} pages not in their manual's language${misread.length ? `: ${misread.map(([f, l]) => `${f} -> ${l}`).join(', ')}` : ''}`);
if (list) {
  console.log('\ndropped pages (paper definitions):');
  all.forEach((p, i) => paper.reasons[i] !== undefined && console.log(`  ${p.file}: ${paper.reasons[i]}`));
}

// Speed of the steps with `definitions`, paper against datatrove, on the prepared texts.
const prepared: Document[] = [];
{
  const prepare = buildWorkerSteps(judgingSpecs('paper').filter((x) => PREPARE.has(x.step)));
  for (const d of docs) {
    const held = { doc: d };
    if (firstDrop(prepare, d, held) === undefined) prepared.push(held.doc);
  }
}
const timed = (['paper', 'datatrove'] as const).map((definitions) => ({
  definitions,
  steps: buildWorkerSteps(judgingSpecs(definitions).filter((x) => QUALITY.has(x.step))),
  ms: 0,
}));
const rounds = quick ? 3 : 10;
for (let r = 0; r < rounds + 1; r++) {
  for (const t of timed) {
    // Fresh copies: the word analyses are cached per text, and a real run sees each text once.
    const batch = prepared.map((d) => ({ ...d, text: `${d.text}\n${r}` }));
    const t0 = performance.now();
    for (const s of t.steps) s.run(batch);
    if (r > 0) t.ms += performance.now() - t0; // round 0 warms up
  }
}
const chars = prepared.reduce((a, d) => a + d.text.length, 0);
for (const t of timed) console.log(`gopher_repetition + gopher_quality + fineweb_quality, definitions ${t.definitions}: ${((chars * rounds) / 1e6 / (t.ms / 1000)).toFixed(2)} MB/s of text (${prepared.length} pages, ${rounds} rounds)`);
console.log(`paper / datatrove time: ${(timed[0]!.ms / timed[1]!.ms).toFixed(2)}x`);

// C4's curly-bracket rule: what documentation and real code pages the recipe keeps without it.
function keptWith(specs: StepSpec[], pagesToJudge: readonly Document[]): number {
  const steps = buildWorkerSteps(specs);
  return pagesToJudge.filter((d) => firstDrop(steps, d) === undefined).length;
}
const noCurly = (specs: StepSpec[]) => specs.map((x) => (x.step === 'c4_quality' ? { ...x, filterCurlyBracket: false } : x));
const codeFiles: string[] = [];
const walkCode = (dir: string, depth: number) => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && depth < 4) walkCode(p, depth + 1);
    else if (e.isFile() && /\.(js|css|json)$/.test(e.name) && !e.name.endsWith('.min.js')) {
      const size = fs.statSync(p).size;
      if (size > 2000 && size < 30000) codeFiles.push(p);
    }
  }
};
walkCode(fileURLToPath(new URL('../node_modules/', import.meta.url)), 0);
const step = Math.ceil(codeFiles.length / (quick ? 100 : 300));
const code: Document[] = codeFiles.filter((_, i) => i % step === 0).map((f) => ({ id: f, text: fs.readFileSync(f, 'utf8'), source: f, metadata: {} }));
// Code files are text already: the recipe without extract.
const textSpecs = judgingSpecs('paper').filter((x) => x.step !== 'extract');
const docsNoCurly = keptWith(noCurly(judgingSpecs('paper')), docs);
console.log(`\nwithout C4's curly-bracket rule: documentation kept ${docsNoCurly}/${docs.length} (${pct(docsNoCurly, docs.length)}); real code pages kept ${keptWith(textSpecs, code)}/${code.length} with the rule, ${keptWith(noCurly(textSpecs), code)}/${code.length} without`);
