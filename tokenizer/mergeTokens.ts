/**
 * `corpusforge merge-tokens`: joins token datasets (the per-rank outputs of `tokenize --rank/--world-size`,
 * or whole runs) into one: tokens.bin concatenated (streamed, every input checked against its manifest's
 * sha256), tokens.idx rebuilt from the inputs' sequence lengths, Parquet shards linked (or copied) under new
 * numbers, manifest.json with the totals. The result is built in a staging folder beside the output and
 * renamed into place, so the output folder either does not exist or is complete.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, open, readFile, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { syncDir } from '../core/atomicFile.js';
import { writeHashedFile } from '../datasets/hashedFile.js';
import {
  bytesPerToken,
  encodeMegatronIndex,
  readMegatronIndex,
  readTokensManifest,
  writeTokensManifest,
  type TokenFileInfo,
  type TokensManifest,
} from '../datasets/tokenShards.js';

export class MergeTokensError extends Error {
  override readonly name = 'MergeTokensError';
}

/** One finished dataset to merge: a manifest and the files it lists. */
interface Part {
  /** `dir/manifest-rR.json`, for messages. */
  label: string;
  dir: string;
  manifest: TokensManifest;
  bin: TokenFileInfo;
  idx: TokenFileInfo;
  shards: TokenFileInfo[];
}

const RANK_MANIFEST = /^manifest-r(\d+)\.json$/;
const RANK_JOURNAL = /^tokens-r(\d+)\.journal\.jsonl$/;

/** The datasets in one input folder, in merge order: manifest.json, or manifest-r0.json, -r1, ... */
async function partsOf(dir: string): Promise<Part[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (e) {
    throw new MergeTokensError(`${dir}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (e as Error).message}`);
  }
  const ranks = entries.flatMap((f) => RANK_MANIFEST.exec(f)?.[1] ?? []).map(Number).sort((a, b) => a - b);
  const single = entries.includes('manifest.json');
  if (single && ranks.length) throw new MergeTokensError(`${dir} holds both manifest.json and per-rank manifests; give the runs separately`);
  const names = single ? ['manifest.json'] : ranks.map((r) => `manifest-r${r}.json`);
  if (names.length === 0) {
    const unfinished = entries.some((f) => f === 'tokens.journal.jsonl' || RANK_JOURNAL.test(f));
    throw new MergeTokensError(`${dir} holds no ${unfinished ? 'finished ' : ''}token manifest${unfinished ? ' (tokenize is still running or was interrupted: finish it with --resume)' : ''}`);
  }
  const parts: Part[] = [];
  for (const name of names) {
    const label = join(dir, name);
    let manifest: TokensManifest;
    try {
      manifest = await readTokensManifest(label);
    } catch (e) {
      throw new MergeTokensError(`${label}: ${(e as Error).message}`);
    }
    const bin = manifest.files.filter((f) => f.file.endsWith('.bin'));
    const idx = manifest.files.filter((f) => f.file.endsWith('.idx'));
    if (bin.length !== 1 || idx.length !== 1) throw new MergeTokensError(`${label} does not list one .bin and one .idx file`);
    parts.push({ label, dir, manifest, bin: bin[0]!, idx: idx[0]!, shards: manifest.files.filter((f) => f.file.endsWith('.parquet')) });
  }
  if (!single) {
    // Every rank of the split run must be here and finished, else the merge would silently miss documents.
    const world = parts[0]!.manifest.world_size ?? ranks.at(-1)! + 1;
    for (let r = 0; r < world; r++) {
      if (ranks.includes(r)) continue;
      const running = entries.includes(`tokens-r${r}.journal.jsonl`);
      throw new MergeTokensError(`${dir}: rank ${r} of ${world} is ${running ? 'unfinished (no manifest yet)' : 'missing (no manifest-r' + r + '.json)'}`);
    }
    const other = parts.find((p) => p.manifest.world_size !== undefined && p.manifest.world_size !== world);
    if (other || ranks.length !== world) throw new MergeTokensError(`${dir}: the rank manifests disagree on the world size`);
  }
  return parts;
}

/** Refuses datasets that were not made with the same tokenizer and token layout. */
function checkCompatible(parts: Part[]): void {
  const first = parts[0]!;
  for (const p of parts.slice(1)) {
    for (const key of ['vocab_size', 'dtype', 'eot_id', 'tokenizer_sha256'] as const) {
      if (p.manifest[key] !== first.manifest[key]) {
        throw new MergeTokensError(
          `${p.label}: ${key} ${p.manifest[key]} differs from ${first.label}'s ${first.manifest[key]}; token files of different tokenizers or settings cannot be merged`,
        );
      }
    }
  }
}

/** Streams `src` into the open output (when given), hashing it; fails when it does not match its manifest entry. */
/** The bytes of `src`, checked at the end against the size and sha256 its manifest lists. */
async function* checkedChunks(src: string, want: TokenFileInfo): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(src)) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  } catch (e) {
    throw new MergeTokensError(`${src}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing (listed in its manifest)' : (e as Error).message}`);
  }
  if (bytes !== want.bytes || hash.digest('hex') !== want.sha256) {
    throw new MergeTokensError(`${src} does not match the size/sha256 in its manifest (changed or damaged)`);
  }
}

async function fsyncFile(path: string): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Merges the token datasets in `inputs` (folders, in order) into `outDir`, which must not hold files yet. */
export async function mergeTokenDatasets(inputs: readonly string[], outDir: string): Promise<TokensManifest> {
  if (inputs.length === 0) throw new MergeTokensError('no input folders');
  const parts: Part[] = [];
  for (const dir of inputs) parts.push(...(await partsOf(dir)));
  checkCompatible(parts);
  const { vocab_size, dtype, eot_id, tokenizer_sha256 } = parts[0]!.manifest;
  const existing = await readdir(outDir).catch(() => undefined);
  if (existing && existing.length) throw new MergeTokensError(`${outDir} is not empty; merge into a new folder`);

  const staging = join(dirname(outDir), `.${basename(outDir)}.merging`);
  await rm(staging, { recursive: true, force: true }); // a crashed earlier merge into the same folder
  await mkdir(staging, { recursive: true });
  try {
    const documents = parts.reduce((n, p) => n + p.manifest.documents, 0);
    const lengths = new Int32Array(documents);
    let doc = 0;
    // tokens.bin: every part's tokens.bin in order, each checked against its manifest while it streams.
    async function* binChunks(): AsyncGenerator<Buffer> {
      for (const p of parts) {
        const idxPath = join(p.dir, p.idx.file);
        let idxBytes: Buffer;
        try {
          idxBytes = await readFile(idxPath);
        } catch {
          throw new MergeTokensError(`${idxPath}: missing (listed in ${p.label})`);
        }
        if (idxBytes.length !== p.idx.bytes || createHash('sha256').update(idxBytes).digest('hex') !== p.idx.sha256) {
          throw new MergeTokensError(`${idxPath} does not match the size/sha256 in its manifest (changed or damaged)`);
        }
        const idx = readMegatronIndex(idxBytes, idxPath);
        const tokens = idx.lengths.reduce((n, l) => n + l, 0);
        if (idx.dtype !== dtype || idx.lengths.length !== p.manifest.documents || tokens * bytesPerToken(dtype) !== p.bin.bytes) {
          throw new MergeTokensError(`${idxPath} does not agree with ${p.label} (dtype, documents or tokens)`);
        }
        lengths.set(idx.lengths, doc);
        doc += idx.lengths.length;
        yield* checkedChunks(join(p.dir, p.bin.file), p.bin);
      }
    }
    const bin = await writeHashedFile(join(staging, 'tokens.bin'), binChunks());
    const idx = await writeHashedFile(join(staging, 'tokens.idx'), [encodeMegatronIndex(lengths, dtype)]);

    // Parquet shards keep their bytes, so a hard link suffices (copy across filesystems); inputs are checked first.
    const shards: TokenFileInfo[] = [];
    for (const p of parts) {
      for (const s of p.shards) {
        const src = join(p.dir, s.file);
        for await (const _ of checkedChunks(src, s)); // checked before it is linked
        const name = `tokens-${String(shards.length).padStart(5, '0')}.parquet`;
        const dst = join(staging, name);
        try {
          await link(src, dst);
        } catch {
          await copyFile(src, dst);
          await fsyncFile(dst);
        }
        shards.push({ ...s, file: name });
      }
    }

    const manifest: TokensManifest = {
      version: 1,
      kind: 'tokens',
      vocab_size,
      eot_id,
      dtype,
      total_tokens: bin.bytes / bytesPerToken(dtype),
      documents,
      files: [
        ...shards,
        { file: 'tokens.bin', ...bin },
        { file: 'tokens.idx', ...idx },
      ],
      tokenizer_sha256,
    };
    await writeTokensManifest(join(staging, 'manifest.json'), manifest);
    await syncDir(staging);
    if (existing) await rmdir(outDir); // empty, checked above
    await rename(staging, outDir);
    await syncDir(dirname(outDir));
    return manifest;
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw e;
  }
}
