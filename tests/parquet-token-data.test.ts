// Training data from the Parquet input_ids shards: the same token stream, windows, splits and losses as
// tokens.bin for the same folder, and one clear error for bad shards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import * as pw from 'parquet-wasm/node';
import { ParquetTokenDataset } from '../datasets/parquetTokenDataset.js';
import { openTokenData } from '../datasets/tokenData.js';
import { TokenDataset, type TokenSource } from '../datasets/tokenDataset.js';
import { TokenBinWriter, writeTokenParquet, writeTokensManifest, type TokenFileInfo } from '../datasets/tokenShards.js';
import { UserError } from '../core/errors.js';
import { train, type TrainOptions } from '../trainer/train.js';

const VOCAB = 40;
const EOT = VOCAB - 1;

/**
 * A token folder written by the same writers `corpusforge tokenize` uses: tokens.bin/.idx plus two Parquet
 * shards with small row groups (so windows cross row groups and shards). `empty` puts in empty documents.
 */
async function tokenFolder(dir: string, opts: { docs?: number; empty?: boolean; seed?: number } = {}): Promise<string> {
  mkdirSync(dir, { recursive: true });
  let s = opts.seed ?? 9;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const docs: number[][] = [];
  for (let d = 0; d < (opts.docs ?? 60); d++) {
    const len = opts.empty && d % 7 === 3 ? 0 : 5 + Math.floor(rand() * 40);
    let t = Math.floor(rand() * EOT);
    docs.push(Array.from({ length: len }, () => (t = rand() < 0.9 ? (5 * t + 1) % EOT : Math.floor(rand() * EOT))));
  }
  const bin = new TokenBinWriter(path.join(dir, 'tokens.bin'), path.join(dir, 'tokens.idx'), 'uint16', EOT);
  await bin.open();
  const flat = Int32Array.from(docs.flat());
  const lengths = docs.map((d) => d.length);
  await bin.append(flat, lengths);
  const files: TokenFileInfo[] = [...(await bin.finish())];
  const half = Math.ceil(docs.length / 2);
  for (const [i, [a, b]] of [[0, half], [half, docs.length]].entries()) {
    const off = lengths.slice(0, a).reduce((x, y) => x + y, 0);
    const part = lengths.slice(a, b);
    const ids = part.map((_, k) => `d${a + k}`);
    files.push(await writeTokenParquet(path.join(dir, `tokens-0000${i}.parquet`), ids, flat.subarray(off, off + part.reduce((x, y) => x + y, 0)), part, 7));
  }
  await writeTokensManifest(path.join(dir, 'manifest.json'), {
    version: 1, kind: 'tokens', vocab_size: VOCAB, eot_id: EOT, dtype: 'uint16', total_tokens: bin.totalTokens, documents: docs.length, files, tokenizer_sha256: 'test',
  });
  return dir;
}

/** The folder with tokens.bin/.idx removed (only manifest.json and the Parquet shards). */
function parquetOnly(src: string, dst: string): string {
  mkdirSync(dst, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(src, 'manifest.json'), 'utf8'));
  manifest.files = manifest.files.filter((f: TokenFileInfo) => f.file.endsWith('.parquet'));
  for (const f of manifest.files as TokenFileInfo[]) copyFileSync(path.join(src, f.file), path.join(dst, f.file));
  writeFileSync(path.join(dst, 'manifest.json'), JSON.stringify(manifest));
  return dst;
}

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'cf-trainer-pq-'));

async function sameView(a: TokenSource, b: TokenSource): Promise<void> {
  assert.deepEqual(b.train, a.train);
  assert.deepEqual(b.val, a.val);
  for (const [cursor, seqLen] of [[0, 8], [8, 8], [100, 33], [5, 1]] as const) {
    assert.deepEqual(await b.trainBatch(cursor, 8, seqLen, 7, 0), await a.trainBatch(cursor, 8, seqLen, 7, 0), `windows at cursor ${cursor}`);
  }
  const vals = async (s: TokenSource) => {
    const out = [];
    for await (const batch of s.valBatches(3, 8, 100)) out.push(batch);
    return out;
  };
  assert.deepEqual(await vals(b), await vals(a));
}

for (const empty of [false, true]) {
  test(`Parquet shards give tokens.bin's stream, split, rank slices and windows (${empty ? 'with' : 'no'} empty documents)`, async () => {
    const dir = tmp();
    try {
      const data = await tokenFolder(path.join(dir, 'data'), { empty });
      const bin = TokenDataset.open(data, { valFraction: 0.15 });
      const pq = await ParquetTokenDataset.open(data, { valFraction: 0.15 });
      const total = bin.manifest.total_tokens;
      assert.deepEqual(await pq.read(0, total), bin.read(0, total), 'the whole stream, EOT after every document');
      await assert.rejects(pq.read(0, total + 1), RangeError);
      await sameView(bin, pq);
      // A small set fits the row-group cache: each of its 10 row groups is decoded once, however windows fall.
      assert.equal(pq.decodedGroups, 10);
      bin.close();
      pq.close();
      for (let rank = 0; rank < 3; rank++) {
        const a = TokenDataset.open(data, { valFraction: 0.15, rank, worldSize: 3 });
        const b = await ParquetTokenDataset.open(data, { valFraction: 0.15, rank, worldSize: 3 });
        assert.deepEqual(b.train, a.train, `rank ${rank} slice`);
        assert.deepEqual(await b.trainBatch(3, 4, 16, 1, rank), a.trainBatch(3, 4, 16, 1, rank));
        a.close();
        b.close();
      }
      // Without empty documents the footers' value counts are exact: opening decodes no row group at all.
      const probe = await ParquetTokenDataset.open(data, { valFraction: 0 });
      assert.equal(probe.indexFromFooters, !empty);
      assert.equal(probe.decodedGroups, 0);
      probe.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('training on the Parquet form equals training on tokens.bin (losses, grad norms, val loss); auto picks Parquet without tokens.bin', async () => {
  const dir = tmp();
  try {
    const data = await tokenFolder(path.join(dir, 'data'), { docs: 80, empty: true });
    const only = parquetOnly(data, path.join(dir, 'pq'));
    const opts = (out: string, extra: Partial<TrainOptions>): TrainOptions => ({
      dataDir: data, outDir: path.join(dir, out), backend: 'wasm', steps: 4, batchSize: 4, gradAccum: 2, context: 16, layers: 1, heads: 2,
      dim: 16, lr: 1e-2, warmup: 1, evalEvery: 2, evalBatches: 2, seed: 3, resume: false, valFraction: 0.1, ...extra,
    });
    const a = await train(opts('bin', { dataFormat: 'bin' }));
    const b = await train(opts('parquet', { dataFormat: 'parquet' }));
    const c = await train(opts('auto', { dataDir: only }));
    const curve = (r: typeof a) => r.metrics.map(({ loss, grad_norm, val_loss }) => ({ loss, grad_norm, val_loss }));
    assert.ok(Number.isFinite(a.finalValLoss));
    assert.deepEqual(curve(b), curve(a));
    assert.deepEqual(curve(c), curve(a));
    const auto = await openTokenData(only);
    assert.equal(auto.format, 'parquet');
    auto.close();
    const withBin = await openTokenData(data);
    assert.equal(withBin.format, 'bin');
    withBin.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Replaces shard 0 with a table of the given columns (written as Parquet by parquet-wasm). */
function writeShard(file: string, columns: Record<string, arrow.Vector>): void {
  const table = new arrow.Table(columns);
  writeFileSync(file, pw.writeParquet(pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'))));
}

test('bad Parquet token data gives one clear UserError', async () => {
  const dir = tmp();
  const rejects = (p: Promise<unknown>, re: RegExp) => assert.rejects(p, (e: unknown) => e instanceof UserError && re.test(e.message));
  try {
    const data = await tokenFolder(path.join(dir, 'data'));
    const shard0 = path.join(data, 'tokens-00000.parquet');
    // No shards: the manifest lists none (e.g. a folder written by an older tokenize), and tokens.bin is gone.
    const none = parquetOnly(data, path.join(dir, 'none'));
    const m = JSON.parse(readFileSync(path.join(none, 'manifest.json'), 'utf8'));
    writeFileSync(path.join(none, 'manifest.json'), JSON.stringify({ ...m, files: [] }));
    await rejects(openTokenData(none), /lists no tokens-NNNNN\.parquet shards/);
    // A listed shard that is missing.
    rmSync(path.join(none, 'tokens-00001.parquet'));
    writeFileSync(path.join(none, 'manifest.json'), JSON.stringify(m));
    await rejects(openTokenData(none), /missing shard\(s\).*tokens-00001\.parquet/);
    // Wrong column type: input_ids as strings.
    const bad = parquetOnly(data, path.join(dir, 'bad'));
    const bad0 = path.join(bad, 'tokens-00000.parquet');
    writeShard(bad0, { id: arrow.vectorFromArray(['a'], new arrow.Utf8()), input_ids: arrow.vectorFromArray(['1 2 3'], new arrow.Utf8()) });
    await rejects(openTokenData(bad, { format: 'parquet' }), /column 'input_ids' is Utf8, expected a list of integer token ids/);
    writeShard(bad0, { id: arrow.vectorFromArray(['a'], new arrow.Utf8()), tokens: arrow.vectorFromArray([1]) });
    await rejects(openTokenData(bad), /no 'input_ids' column \(columns: id, tokens\)/);
    // Not Parquet at all.
    writeFileSync(bad0, 'not parquet');
    await rejects(openTokenData(bad), /not a readable Parquet file/);
    // Shards that disagree with the manifest, and ids outside the vocabulary.
    copyFileSync(shard0, bad0);
    const mb = JSON.parse(readFileSync(path.join(bad, 'manifest.json'), 'utf8'));
    writeFileSync(path.join(bad, 'manifest.json'), JSON.stringify({ ...mb, total_tokens: mb.total_tokens + 5 }));
    await rejects(openTokenData(bad), /hold \d+ tokens .*manifest\.json says/);
    writeFileSync(path.join(bad, 'manifest.json'), JSON.stringify({ ...mb, vocab_size: 10 }));
    const small = await openTokenData(bad, { valFraction: 0 });
    await rejects(Promise.resolve(small.trainBatch(0, 4, 8, 1)), /tokens-0000\d\.parquet row group \d+, row \d+: token id \d+ is outside the vocabulary \(size 10\)/);
    small.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
