// Piscina worker: pre-tokenizes a batch of texts and returns its word counts (parallel part of training).
import { countWords } from './wordCounts.js';
import { compilePattern, type PretokenizerPattern } from './pretokenize.js';

export interface CountTask {
  texts: string[];
  pattern: PretokenizerPattern;
  splitLines: boolean;
}

export interface CountResult {
  words: string[];
  counts: Float64Array;
}

let cached: { source: string; regex: RegExp } | undefined;

export default function countBatch(task: CountTask): CountResult {
  if (cached?.source !== task.pattern.js) cached = { source: task.pattern.js, regex: compilePattern(task.pattern) };
  const m = new Map<string, number>();
  for (const t of task.texts) countWords(t, cached.regex, m, task.splitLines);
  const words = [...m.keys()];
  return { words, counts: Float64Array.from(m.values()) };
}
