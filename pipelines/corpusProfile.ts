import type { Document } from '../core/document.js';

/**
 * What the kept corpus looks like, accumulated as documents are committed: language distribution and
 * a document-length histogram (characters, power-of-two buckets). Feeds stats.json and the run report.
 */
export interface CorpusProfile {
  langs: Record<string, number>;
  /** counts[i] = documents with length in [2^i, 2^(i+1)) characters (bucket 0 also holds empty). */
  lengthLog2: number[];
  chars: number;
}

export function emptyProfile(): CorpusProfile {
  return { langs: {}, lengthLog2: [], chars: 0 };
}

export function profileDocs(p: CorpusProfile, docs: Document[]): void {
  for (const d of docs) {
    const lang = d.lang ?? 'unknown';
    p.langs[lang] = (p.langs[lang] ?? 0) + 1;
    const n = d.text.length;
    p.chars += n;
    const b = n <= 1 ? 0 : 31 - Math.clz32(n);
    while (p.lengthLog2.length <= b) p.lengthLog2.push(0);
    p.lengthLog2[b]!++;
  }
}

export function mergeProfiles(all: CorpusProfile[]): CorpusProfile {
  const out = emptyProfile();
  for (const p of all) {
    for (const [k, v] of Object.entries(p.langs)) out.langs[k] = (out.langs[k] ?? 0) + v;
    p.lengthLog2.forEach((c, i) => {
      while (out.lengthLog2.length <= i) out.lengthLog2.push(0);
      out.lengthLog2[i]! += c;
    });
    out.chars += p.chars;
  }
  return out;
}
