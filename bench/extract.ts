/**
 * The `extract` step on Mozilla Readability's 130 test pages (bench/data/extraction/, Apache-2.0):
 *   node --import tsx bench/extract.ts [--quick] [--rounds N] [--worst N] [--hostile-scale X]
 * (1) quality: F1, precision and recall with the scoring of bench/data/extraction/README.md, overall and
 *     per page type (page-types.json, labelled by hand), empty pages, the worst pages;
 * (2) speed: pages/s and MB/s of the step over the same pages (process CPU time, best of N rounds),
 *     beside a bare htmlparser2 text pass (ontext only) timed in the same rounds, so the ratio survives load;
 * (3) hostile pages (issue 19): generated deep nesting, 1M <br>, endless tables, huge attributes:
 *     their outcome and their MB/s as a ratio of the normal pages' MB/s (goal: within 5x).
 */
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Parser } from 'htmlparser2';
import { stepRegistry } from '../filters/registry.js';
import type { Document } from '../core/document.js';
import type { Step } from '../core/step.js';
import { pageF1, readTestPages, scorePage, summarize, type PageScore } from './_extractScore.js';
import { hostilePages } from './_hostilePages.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const argValue = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const ROUNDS = argValue('--rounds', quick ? 2 : 6);
const WORST = argValue('--worst', 15);
const HOSTILE_SCALE = argValue('--hostile-scale', quick ? 0.25 : 1);
const dataDir = fileURLToPath(new URL('./data/extraction/', import.meta.url));
const pages = readTestPages(`${dataDir}readability-test-pages.jsonl.gz`);
const typeOf = new Map<string, string>();
for (const [type, ids] of Object.entries(JSON.parse(readFileSync(`${dataDir}page-types.json`, 'utf8')) as Record<string, unknown>)) {
  if (Array.isArray(ids)) for (const id of ids as string[]) typeOf.set(id, type);
}

const def = stepRegistry.get('extract')!;
const step: Step = def.worker!(def.parseOptions({}));
const asDoc = (id: string, html: string): Document => ({ id, text: html, source: `bench:${id}`, metadata: { format: 'html' } });
const pct = (x: number) => x.toFixed(3);
const mb = (bytes: number) => bytes / 1e6;
const htmlBytes = (html: string) => Buffer.byteLength(html, 'utf8');
/** CPU milliseconds of this process (GC threads included): steadier than wall time on a shared machine. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

console.log(`extract bench: ${pages.length} Readability test pages, ${(mb(pages.reduce((n, p) => n + htmlBytes(p.html), 0))).toFixed(1)} MB of HTML`);
console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}, Node ${process.version}, load ${os.loadavg()[0]!.toFixed(1)}; shared machine, compare ratios within one run`);

// ---------- (1) quality ----------
interface Row { id: string; type: string; score: PageScore; empty: boolean; reason?: string }
const rows: Row[] = pages.map((p) => {
  const out = step.run([asDoc(p.id, p.html)]);
  const text = out.kept[0]?.text ?? '';
  const row: Row = { id: p.id, type: typeOf.get(p.id) ?? 'unlabelled', score: scorePage(text, p.expected_text), empty: text.trim() === '' };
  if (out.dropped[0]) row.reason = out.dropped[0].reason;
  return row;
});
const line = (label: string, rs: Row[]) => {
  const s = summarize(rs.map((r) => r.score));
  return `${label.padEnd(12)} ${String(rs.length).padStart(5)}  F1 ${pct(s.f1)}  precision ${pct(s.precision)}  recall ${pct(s.recall)}  empty ${rs.filter((r) => r.empty).length}`;
};
console.log('\n(1) quality (4-token shingles, page-averaged precision and recall)');
console.log(line('all', rows));
for (const type of [...new Set(rows.map((r) => r.type))].sort()) console.log(line(type, rows.filter((r) => r.type === type)));
const empty = rows.filter((r) => r.empty);
console.log(`empty (${empty.length}): ${empty.map((r) => `${r.id}${r.reason ? ` [${r.reason}]` : ''}`).join(', ') || 'none'}`);
console.log(`worst ${WORST} pages by their own F1:`);
for (const r of [...rows].sort((a, b) => pageF1(a.score) - pageF1(b.score)).slice(0, WORST)) {
  const { precision: p, recall: rc } = r.score;
  console.log(`  ${pct(pageF1(r.score))}  P ${Number.isNaN(p) ? '  -  ' : pct(p)}  R ${Number.isNaN(rc) ? '  -  ' : pct(rc)}  ${r.type.padEnd(9)} ${r.id}`);
}

// ---------- (2) speed, interleaved with the reference ----------
function bareParse(html: string): number {
  let n = 0;
  const p = new Parser({ ontext(t) { n += t.length; } }, { decodeEntities: true });
  p.end(html);
  return n;
}
const docs = pages.map((p) => asDoc(p.id, p.html));
const totalBytes = pages.reduce((n, p) => n + htmlBytes(p.html), 0);
let bestStep = Infinity;
let bestBare = Infinity;
let sink = 0;
for (let r = 0; r < ROUNDS; r++) {
  let t = cpuMs();
  for (const d of docs) sink += step.run([d]).kept.length;
  bestStep = Math.min(bestStep, cpuMs() - t);
  t = cpuMs();
  for (const p of pages) sink += bareParse(p.html);
  bestBare = Math.min(bestBare, cpuMs() - t);
}
const stepMBps = mb(totalBytes) / (bestStep / 1000);
console.log(`\n(2) speed (CPU time), best of ${ROUNDS} rounds over the ${pages.length} pages`);
console.log(`extract step   ${(pages.length / (bestStep / 1000)).toFixed(1).padStart(7)} pages/s  ${stepMBps.toFixed(1).padStart(6)} MB/s  ${(bestStep / pages.length).toFixed(2)} ms/page`);
console.log(`bare htmlparser2 ${(pages.length / (bestBare / 1000)).toFixed(1).padStart(5)} pages/s  ${(mb(totalBytes) / (bestBare / 1000)).toFixed(1).padStart(6)} MB/s  (extract takes ${(bestStep / bestBare).toFixed(2)}x the bare pass)`);

// ---------- (3) hostile pages ----------
// Each at a quarter and at the full size: linear time shows as the same MB/s at both.
const runOnce = (name: string, html: string) => {
  let best = Infinity;
  let out = step.run([asDoc(name, html)]);
  for (let r = 0; r < 2; r++) {
    const t = cpuMs();
    out = step.run([asDoc(name, html)]);
    best = Math.min(best, cpuMs() - t);
  }
  best = Math.max(best, 0.01);
  return { MBps: mb(htmlBytes(html)) / (best / 1000), ms: best, out };
};
console.log(`\n(3) hostile pages: outcome and MB/s at 1/4 and full size, slowdown vs the ${stepMBps.toFixed(1)} MB/s of the normal pages (goal: within 5x)`);
const small = hostilePages(HOSTILE_SCALE / 4);
for (const [i, h] of hostilePages(HOSTILE_SCALE).entries()) {
  const quarter = runOnce(h.name, small[i]!.html);
  const full = runOnce(h.name, h.html);
  const out = full.out;
  const outcome = out.dropped[0] ? `dropped ${out.dropped[0].reason}` : `kept ${out.kept[0]!.text.length} chars`;
  const limits = Object.entries(out.counters ?? {}).filter(([k, v]) => v > 0 && !k.startsWith('extract.blocks')).map(([k, v]) => `${k}=${v}`);
  console.log(
    `  ${h.name.padEnd(32)} ${mb(htmlBytes(h.html)).toFixed(2).padStart(5)} MB ${full.ms.toFixed(0).padStart(6)} ms  ${quarter.MBps.toFixed(1).padStart(6)} / ${full.MBps.toFixed(1).padStart(6)} MB/s  slowdown ${(stepMBps / full.MBps).toFixed(2).padStart(5)}x  ${outcome}${limits.length ? ` (${limits.join(', ')})` : ''}`,
  );
}
if (sink < 0) console.log(sink);
