/**
 * Scores extracted text against expected text as bench/data/extraction/README.md describes (the
 * metric of the public article-extraction benchmarks): tokens are runs of letters, digits and
 * underscore; a text is the multiset of its 4-token shingles (1-3 tokens: one shingle); per page tp/fp/fn are the shared
 * shingles (min of counts), those only in the output and those only in the expected text;
 * precision and recall are averaged over pages, F1 comes from the two averages.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface TestPage {
  id: string;
  lang: string | null;
  title: string | null;
  html: string;
  expected_text: string;
}

export interface PageScore {
  tp: number;
  fp: number;
  fn: number;
  /** NaN where undefined (no shingle in the output, or none expected). */
  precision: number;
  recall: number;
}

export interface Summary {
  pages: number;
  precision: number;
  recall: number;
  f1: number;
}

const TOKEN = /[\p{L}\p{N}_]+/gu;
const SHINGLE = 4;

export function readTestPages(file: string): TestPage[] {
  return gunzipSync(readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as TestPage);
}

function shingles(text: string): Map<string, number> {
  const tokens = text.match(TOKEN) ?? [];
  const out = new Map<string, number>();
  // A text of 1-3 tokens is one shingle of all of them (so a short expected text can be missed).
  if (tokens.length > 0 && tokens.length < SHINGLE) out.set(tokens.join(' '), 1);
  for (let i = 0; i + SHINGLE <= tokens.length; i++) {
    const key = tokens.slice(i, i + SHINGLE).join(' ');
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

export function scorePage(output: string, expected: string): PageScore {
  const got = shingles(output);
  const want = shingles(expected);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [k, n] of got) {
    const m = want.get(k) ?? 0;
    tp += Math.min(n, m);
    fp += Math.max(0, n - m);
  }
  for (const [k, m] of want) fn += Math.max(0, m - (got.get(k) ?? 0));
  // A page with nothing wrong scores 1 on both, even when neither text has a shingle.
  if (fp === 0 && fn === 0) return { tp, fp, fn, precision: 1, recall: 1 };
  return { tp, fp, fn, precision: tp + fp > 0 ? tp / (tp + fp) : NaN, recall: tp + fn > 0 ? tp / (tp + fn) : NaN };
}

/** Page-averaged precision and recall (each over the pages where it is defined) and their F1. */
export function summarize(scores: readonly PageScore[]): Summary {
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const precision = mean(scores.map((s) => s.precision).filter((x) => !Number.isNaN(x)));
  const recall = mean(scores.map((s) => s.recall).filter((x) => !Number.isNaN(x)));
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { pages: scores.length, precision, recall, f1 };
}

/** A page's own F1, for ranking the worst pages (0 where either side is undefined). */
export function pageF1(s: PageScore): number {
  const p = Number.isNaN(s.precision) ? 0 : s.precision;
  const r = Number.isNaN(s.recall) ? 0 : s.recall;
  return p + r > 0 ? (2 * p * r) / (p + r) : 0;
}
