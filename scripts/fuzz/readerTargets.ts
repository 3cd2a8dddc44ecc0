// Fuzz targets for the dataset readers: WARC (.warc, per-record and single-stream .warc.gz), JSONL (.gz)
// and Parquet. Property: valid documents or one UserError; a per-record file read in byte ranges gives
// the same records as read whole; JSONL gives the same documents however it is cut into chunks.
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readWarc } from '../../datasets/warcReader.js';
import { isPerRecordWarcGzip } from '../../datasets/gzipMembers.js';
import { jsonlChunkDocuments, jsonlChunks, readJsonl } from '../../datasets/jsonlReader.js';
import { inputKind } from '../../datasets/inputKind.js';
import { readParquetDocuments } from '../../datasets/parquetReader.js';
import type { Document } from '../../core/document.js';
import type { ReadOptions } from '../../datasets/readOptions.js';
import { jsonlCorpus, parquetCorpus, warcCorpus } from './corpus.js';
import { applyByteOps, byteOp, mutatedFile, mutatedMemberFile } from './mutate.js';
import { drainReader, FuzzViolation, settle } from './outcome.js';
import { asBytes, type FileTarget } from './target.js';

/** Inflated text can exceed the file by the deflate ratio (at most 1032:1), twice for a gzip payload in a gzip member. */
const textBound = (fileBytes: number, gzipped: boolean) => (gzipped ? 1100 * 1100 : 1) * Math.max(fileBytes, 1024);

/** Reads twice (lenient, then strict) and checks both; returns the lenient read and how many warnings it gave. */
async function readBoth(read: (o: ReadOptions) => AsyncIterable<Document>, where: string, bound: number): Promise<{ docs: Document[]; warnings: number; error?: string }> {
  let warnings = 0;
  const lenient = await drainReader(() => read({ onWarning: () => warnings++, onMalformed: () => warnings++ }), where, bound);
  await drainReader(() => read({ strict: true }), `${where} (strict)`, bound);
  return { ...lenient, warnings };
}

const sources = (docs: Document[]) => docs.map((d) => d.source);

function sameList(a: string[], b: string[], what: string): void {
  if (a.length !== b.length || a.some((x, i) => x !== b[i])) throw new FuzzViolation(`${what}: ${JSON.stringify(a).slice(0, 300)} vs ${JSON.stringify(b).slice(0, 300)}`);
}

const warcCheck = (name: string) => async (bytes: Buffer, ctx: { dir: string }) => {
  const path = join(ctx.dir, name);
  writeFileSync(path, bytes);
  const gz = name.endsWith('.gz');
  const whole = await readBoth((o) => readWarc(path, o), path, textBound(bytes.length, gz));
  if (!gz) return;
  const perRecord = await settle(() => isPerRecordWarcGzip(path));
  if (!('value' in perRecord) || !perRecord.value || whole.warnings > 0 || whole.error) return;
  // Exactly once across ranges: three cuts, as curate's read units make them.
  const cuts = [0, Math.floor(bytes.length / 3), Math.floor((2 * bytes.length) / 3), bytes.length];
  const parts: Document[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const r = await drainReader(() => readWarc(path, {}, { start: cuts[i]!, end: cuts[i + 1]! }), `${path} range ${i}`, textBound(bytes.length, true));
    if (r.error) throw new FuzzViolation(`${path}: range ${cuts[i]}-${cuts[i + 1]} fails (${r.error}) though the whole file reads cleanly`);
    parts.push(...r.docs);
  }
  sameList(sources(parts), sources(whole.docs), `${path}: records read in ranges differ from the whole file`);
};

export const warcGzTarget: FileTarget = {
  name: 'warc-gz',
  what: 'per-record WARC.gz written by our record serialiser, mutated by member (drop, duplicate, swap, cut, re-gzipped edited record, foreign and garbage members) and by byte; readWarc lenient/strict, isPerRecordWarcGzip, ranges == whole',
  arbitrary: async () => fc.oneof({ arbitrary: mutatedMemberFile(warcCorpus()), weight: 4 }, mutatedFile(warcCorpus().map((f) => gzipSync(Buffer.concat(f.records))))),
  check: warcCheck('case.warc.gz'),
  bytes: asBytes,
};

export const warcTarget: FileTarget = {
  name: 'warc',
  what: 'uncompressed WARC files mutated by byte (length fields set to odd numbers, truncations, splices); readWarc lenient/strict',
  arbitrary: async () => mutatedFile(warcCorpus().map((f) => Buffer.concat(f.records)), 5),
  check: warcCheck('case.warc'),
  bytes: asBytes,
};

/** JSONL made of generated records: any JSON value per line, text/html/id/url/metadata of any type. */
const generatedJsonl: fc.Arbitrary<Buffer> = fc
  .array(
    fc.oneof(
      fc.record({ id: fc.oneof(fc.string(), fc.integer(), fc.jsonValue()), text: fc.oneof(fc.string({ unit: 'binary' }), fc.jsonValue()), url: fc.jsonValue(), metadata: fc.jsonValue() }, { requiredKeys: [] }),
      fc.record({ html: fc.string(), id: fc.string() }, { requiredKeys: ['html'] }),
      fc.jsonValue(),
    ),
    { maxLength: 8 },
  )
  .chain((recs) => fc.constantFrom('\n', '\r\n').map((eol) => Buffer.from(recs.map((r) => JSON.stringify(r)).join(eol))));

const jsonlInput: fc.Arbitrary<Buffer> = fc.oneof(mutatedFile(jsonlCorpus(), 5), generatedJsonl);

const jsonlCheck = (name: string, gz: boolean) => async (bytes: Buffer, ctx: { dir: string }) => {
  const path = join(ctx.dir, name);
  writeFileSync(path, bytes);
  const whole = await readBoth((o) => readJsonl(path, gz, o), path, textBound(bytes.length, gz));
  const kind = await settle(() => inputKind({ path, format: gz ? 'jsonl.gz' : 'jsonl', bytes: bytes.length }));
  if ('error' in kind) throw new FuzzViolation(`${path}: inputKind failed: ${kind.error}`);
  // Metamorphic: the documents do not depend on where the coordinator cuts the file into chunks.
  const cut = await drainReader(async function* () {
    for await (const c of jsonlChunks(path, gz, { chunkBytes: 7 })) yield* jsonlChunkDocuments(path, c);
  }, `${path} (7-byte chunks)`, textBound(bytes.length, gz));
  if (Boolean(cut.error) !== Boolean(whole.error)) throw new FuzzViolation(`${path}: fails with small chunks (${cut.error}) but not whole (${whole.error}) or back`);
  if (whole.error) return;
  const all = whole.docs.map((d) => JSON.stringify(d));
  sameList(cut.docs.map((d) => JSON.stringify(d)), all, `${path}: documents depend on the chunk size`);
  // With a line limit, over-long lines drop out and nothing else changes: a subsequence of the documents.
  const limited = await drainReader(async function* () {
    for await (const c of jsonlChunks(path, gz, { chunkBytes: 5, maxLineBytes: 40 })) yield* jsonlChunkDocuments(path, c);
  }, `${path} (40-byte line limit)`, textBound(bytes.length, gz));
  let k = 0;
  for (const d of limited.docs.map((x) => JSON.stringify(x))) {
    while (k < all.length && all[k] !== d) k++;
    if (k++ >= all.length) throw new FuzzViolation(`${path}: with a 40-byte line limit a document appears that the full read lacks: ${d.slice(0, 200)}`);
  }
};

export const jsonlTarget: FileTarget = {
  name: 'jsonl',
  what: 'JSONL: generated records of any JSON type and mutated sample files; readJsonl lenient/strict, inputKind, 7-byte chunks == default chunks, a 40-byte line limit only drops documents',
  arbitrary: async () => jsonlInput,
  check: jsonlCheck('case.jsonl', false),
  bytes: asBytes,
};

export const jsonlGzTarget: FileTarget = {
  name: 'jsonl-gz',
  what: 'JSONL.gz: the JSONL inputs gzipped (one member or split into several), then byte-mutated (CRC, length, truncation); the same checks',
  arbitrary: async () =>
    fc
      .record({ text: jsonlInput, split: fc.nat({ max: 3 }), bytes: fc.array(byteOp, { maxLength: 3 }) })
      .map(({ text, split, bytes }) => {
        const step = split === 0 ? text.length + 1 : Math.max(1, Math.ceil(text.length / (split + 1)));
        const members: Buffer[] = [];
        for (let i = 0; i < Math.max(1, text.length); i += step) members.push(gzipSync(text.subarray(i, i + step)));
        return applyByteOps(Buffer.concat(members), bytes, []);
      }),
  check: jsonlCheck('case.jsonl.gz', true),
  bytes: asBytes,
};

let goodParquet: string | undefined;

export const parquetTarget: FileTarget = {
  name: 'parquet',
  what: 'Parquet shards written by our shard writer (zstd, snappy, none; 1-4 row groups), byte-mutated; readParquetDocuments lenient/strict; a good file still reads after each case (no poisoned wasm instance)',
  arbitrary: async (ctx) => {
    const corpus = await parquetCorpus(ctx.dir);
    goodParquet = join(ctx.dir, 'seed-0.parquet');
    return mutatedFile(corpus, 3);
  },
  check: async (bytes, ctx) => {
    const path = join(ctx.dir, 'case.parquet');
    writeFileSync(path, bytes);
    await readBoth((o) => readParquetDocuments(path, o), path, textBound(bytes.length, true));
    if (goodParquet) {
      const after = await drainReader(() => readParquetDocuments(goodParquet!), `${goodParquet} after a mutated file`, 1 << 20);
      if (after.error || after.docs.length === 0) throw new FuzzViolation(`a valid Parquet file no longer reads after this input: ${after.error ?? 'no documents'}`);
    }
  },
  bytes: asBytes,
};
