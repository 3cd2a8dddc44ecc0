// bench/mix: `corpusforge mix` throughput against the reference of reading and writing the same shards
// without sampling (the same reader, the same shard writer on its own thread, every document once). The
// input is a curate output of real multilingual text: UDHR paragraphs in 40 languages, five paragraphs a
// document, each language repeated a different number of times (unequal groups), so the mixture has to
// down-sample some languages and repeat others. Mixtures whose output is about the input's size:
//   as-found   temperature 1, maxEpochs 1: every group at rate 1 (the sampling machinery, nothing dropped)
//   targets    {"eng": 0.2, "*": 0.8} over lang, total = the input's bytes, maxEpochs 3 (eng down, the rest up)
//   temp-3     temperature 3 over lang, total = the input's bytes, maxEpochs 4
// each from the curate run's stats.json profile (one pass) and with a counting pass (--count: two passes).
// Rounds interleave the runs (the order rotating each round); best of 3 by wall clock and, separately, by
// CPU time of the process (all its threads: the shard encoder's too), which a loaded machine disturbs less.
// Then the corpus profile's cost per document in a curate worker (note: groups, bytes, words; count) against
// the normalise step's on the same documents, CPU time, best of 3.
// Usage: node --import tsx bench/mix.ts [--quick]
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Document } from '../core/document.js';
import { udhrCodes, udhrDeclaration, udhrSections } from '../datasets/udhrSample.js';
import { writeDocumentShard } from '../datasets/parquetShardWriter.js';
import { readDocuments } from '../datasets/readers.js';
import { curate } from '../pipelines/curate.js';
import { lockOutput } from '../core/outputLock.js';
import { mix } from '../pipelines/mix/mixRun.js';
import { MixOutput, prepareMixOutput } from '../pipelines/mix/mixOutput.js';
import { parseMixSpec, type MixSpecInput } from '../pipelines/mix/mixSpec.js';
import { CorpusProfileObserver } from '../filters/profile/corpusProfile.js';
import { normaliseStep } from '../filters/format/normalise.js';

async function corpus(n: number): Promise<Document[]> {
  const docs: Document[] = [];
  const codes = udhrCodes(4).slice(0, 40);
  const perLang: Document[][] = [];
  for (const code of codes) {
    const d = await udhrDeclaration(code);
    const paras = udhrSections(d.html).flatMap((s) => s.paragraphs);
    const group: Document[] = [];
    for (let i = 0; i + 5 <= paras.length; i += 5) group.push({ id: '', text: paras.slice(i, i + 5).join('\n'), lang: d.iso6393 === 'und' ? code : d.iso6393, url: `https://udhr.example.org/${code}/${i}`, source: `udhr/${code}.jsonl:${i}`, metadata: {} });
    perLang.push(group);
  }
  // Language k gets weight 1/(k+1): a long tail, as a crawl finds languages.
  const weights = perLang.map((_, k) => 1 / (k + 1));
  const sum = weights.reduce((a, b) => a + b, 0);
  perLang.forEach((group, k) => {
    const want = Math.max(group.length, Math.round((n * weights[k]!) / sum));
    for (let i = 0; i < want; i++) docs.push({ ...group[i % group.length]!, id: `${codes[k]}-${i}` });
  });
  return docs;
}

/** The reference: every document read and written once through the same reader and shard writer. */
async function copyAll(input: string, out: string): Promise<number> {
  const lock = await lockOutput(out, { command: 'bench' });
  await prepareMixOutput(out);
  const output = new MixOutput({ dir: out, shardDocs: 100_000, shardBytes: 256 * 2 ** 20, thread: true, optionsHash: '', inputsHash: '', lock });
  let n = 0;
  try {
    for await (const doc of readDocuments([input])) {
      await output.add(doc, Buffer.byteLength(doc.text));
      n++;
    }
    await output.finish();
  } finally {
    await output.close();
    await lock.release();
  }
  return n;
}

/** CPU microseconds per document: the profile observer's note + count, and the normalise step (the reference). */
function profileCost(docs: Document[]): void {
  const cpu = (f: () => void) => {
    let best = Infinity;
    for (let r = 0; r < 3; r++) {
      const c0 = process.cpuUsage();
      f();
      const c = process.cpuUsage(c0);
      best = Math.min(best, c.user + c.system);
    }
    return best / docs.length;
  };
  const normalise = normaliseStep.worker!(normaliseStep.parseOptions({}));
  const norm = cpu(() => {
    for (let i = 0; i < docs.length; i += 256) normalise.run(docs.slice(i, i + 256));
  });
  const prof = cpu(() => {
    const o = new CorpusProfileObserver();
    for (const d of docs) o.count(o.note(d), true);
  });
  const mb = docs.reduce((n, d) => n + Buffer.byteLength(d.text), 0) / 2 ** 20;
  console.log(`\nprofile observer on ${docs.length} documents (${mb.toFixed(1)} MB): ${prof.toFixed(1)} us/doc (${(mb / ((prof * docs.length) / 1e6)).toFixed(0)} MB/s); normalise ${norm.toFixed(1)} us/doc; ratio ${(prof / norm).toFixed(2)}x`);
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const n = quick ? 20_000 : 100_000;
  const dir = await mkdtemp(join(tmpdir(), 'cf-bench-mix-'));
  try {
    const docs = await corpus(n);
    const raw = join(dir, 'raw.parquet');
    await writeDocumentShard(raw, docs);
    const input = join(dir, 'corpus');
    const c = await curate({ inputs: [raw], out: input, steps: [{ step: 'normalise' }], workers: 1, bias: false });
    const bytes = docs.reduce((sum, d) => sum + Buffer.byteLength(d.text), 0);
    const langs = new Set(docs.map((d) => d.lang)).size;
    console.log(`mix: ${c.stats.output.docs} docs, ${(bytes / 2 ** 20).toFixed(1)} MB of text (${(c.stats.output.bytes / 2 ** 20).toFixed(1)} MB of zstd Parquet) in ${c.stats.output.shards} shards, ${langs} languages; ${cpus().length} cores, ${cpus()[0]?.model}, node ${process.version}`);
    const specs: [string, MixSpecInput][] = [
      ['as-found', { by: 'lang', temperature: 1, maxEpochs: 1 }],
      ['targets', { by: 'lang', targets: { eng: 0.2, '*': 0.8 }, bytes, maxEpochs: 3 }],
      ['temp-3', { by: 'lang', temperature: 3, bytes, maxEpochs: 4 }],
    ];
    const runs: [string, () => Promise<number>][] = [['reference (read + write, no sampling)', () => copyAll(input, join(dir, 'ref'))]];
    for (const [name, s] of specs) {
      for (const useProfile of [true, false]) {
        runs.push([`${name} ${useProfile ? '(profile, 1 pass)' : '(counting pass, 2 passes)'}`, async () => (await mix({ inputs: [input], out: join(dir, 'mix'), spec: parseMixSpec(s), useProfile, workers: 1 })).report.output.docs]);
      }
    }
    const best = new Map<string, { ms: number; cpuMs: number; written: number }>();
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < runs.length; k++) {
        const [name, run] = runs[(k + round) % runs.length]!;
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        const written = await run();
        const c1 = process.cpuUsage(c0);
        const ms = performance.now() - t0;
        const cpuMs = (c1.user + c1.system) / 1000;
        const b = best.get(name);
        best.set(name, { ms: Math.min(ms, b?.ms ?? Infinity), cpuMs: Math.min(cpuMs, b?.cpuMs ?? Infinity), written });
      }
    }
    const ref = best.get(runs[0]![0])!;
    const read = c.stats.output.docs;
    console.log(`| run | input docs/s (wall) | docs written | vs reference, wall | vs reference, CPU time |\n|---|---:|---:|---:|---:|`);
    for (const [name] of runs) {
      const b = best.get(name)!;
      console.log(`| ${name} | ${Math.round(read / (b.ms / 1000)).toLocaleString('en-US')} | ${b.written.toLocaleString('en-US')} | ${(ref.ms / b.ms).toFixed(2)}x | ${(ref.cpuMs / b.cpuMs).toFixed(2)}x |`);
    }
    profileCost(docs.slice(0, quick ? 20_000 : 50_000));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
