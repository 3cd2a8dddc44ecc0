// The streaming token dataset over a `corpusforge tokenize` folder: windows, splits, sharding, bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TokenDataset } from '../datasets/tokenDataset.js';
import { UserError } from '../core/errors.js';
import { withTokenDir } from './helpers/tokenDir.js';
import { curriculumSeqLen } from '../trainer/train.js';

const CORPUS = { vocabSize: 50, documents: 20, docLength: 30, seed: 3 };

function allTokens(data: string): number[] {
  const buf = readFileSync(path.join(data, 'tokens.bin'));
  return Array.from(new Uint16Array(buf.buffer, buf.byteOffset, buf.byteLength / 2));
}

test('training windows are deterministic from (seed, cursor), targets are inputs shifted by one', async () => {
  await withTokenDir(CORPUS, (f) => {
    const ds = TokenDataset.open(f.data, { valFraction: 0.1 });
    const flat = allTokens(f.data);
    const a = ds.trainBatch(0, 4, 8, 42);
    const b = ds.trainBatch(0, 4, 8, 42);
    assert.deepEqual(a.inputs, b.inputs);
    assert.notDeepEqual(ds.trainBatch(4, 4, 8, 42).inputs, a.inputs, 'the next cursor gives other windows');
    assert.notDeepEqual(ds.trainBatch(0, 4, 8, 43).inputs, a.inputs, 'another seed gives other windows');
    // Cursor c of a batch of 4 equals batch [c..c+3] drawn one at a time: the cursor is the whole sampler state.
    for (let r = 0; r < 4; r++) assert.deepEqual(ds.trainBatch(r, 1, 8, 42).inputs, a.inputs.subarray(r * 8, r * 8 + 8));
    for (let r = 0; r < 4; r++) {
      const inp = Array.from(a.inputs.subarray(r * 8, r * 8 + 8));
      const tgt = Array.from(a.targets.subarray(r * 8, r * 8 + 8));
      assert.deepEqual(inp.slice(1), tgt.slice(0, 7));
      // The window is a real slice of tokens.bin that ends inside the training split.
      const joined = flat.join(',');
      assert.ok(joined.includes([...inp, tgt[7]].join(',')));
    }
    ds.close();
  });
});

test('validation split starts at a document boundary and never overlaps training windows', async () => {
  await withTokenDir(CORPUS, (f) => {
    const ds = TokenDataset.open(f.data, { valFraction: 0.2 });
    const flat = allTokens(f.data);
    assert.equal(flat[ds.val.start - 1], f.eotId, 'the token before the validation split is end-of-text');
    assert.equal(ds.train.end, ds.val.start);
    assert.equal(ds.val.end, f.totalTokens);
    const vb = [...ds.valBatches(2, 8, 100)];
    assert.ok(vb.length > 0);
    assert.deepEqual(Array.from(vb[0]!.inputs.subarray(0, 8)), flat.slice(ds.val.start, ds.val.start + 8));
    assert.deepEqual([...ds.valBatches(2, 8, 100)].map((b) => Array.from(b.inputs)), vb.map((b) => Array.from(b.inputs)), 'the same windows every time');
    for (let c = 0; c < 50; c += 5) {
      const b = ds.trainBatch(c, 5, 8, 1);
      const joined = flat.slice(0, ds.train.end).join(',');
      for (let r = 0; r < 5; r++) assert.ok(joined.includes([...b.inputs.subarray(r * 8, r * 8 + 8), b.targets[r * 8 + 7]].join(',')));
    }
    ds.close();
  });
});

test('rank/world sharding gives disjoint training slices covering the split', async () => {
  await withTokenDir(CORPUS, (f) => {
    const ranks = [0, 1, 2].map((rank) => TokenDataset.open(f.data, { valFraction: 0.1, rank, worldSize: 3 }));
    assert.equal(ranks[0]!.train.start, 0);
    assert.equal(ranks[0]!.train.end, ranks[1]!.train.start);
    assert.equal(ranks[1]!.train.end, ranks[2]!.train.start);
    assert.equal(ranks[2]!.train.end, ranks[0]!.val.start);
    ranks.forEach((d) => d.close());
    assert.throws(() => TokenDataset.open(f.data, { rank: 3, worldSize: 3 }), UserError);
  });
});

test('curriculum grows the window from 8 tokens to the context in multiples of 8', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 9, 50].map((s) => curriculumSeqLen(s, 64, 8)), [8, 16, 24, 32, 40, 64, 64]);
  assert.equal(curriculumSeqLen(0, 64, 0), 64);
  assert.equal(curriculumSeqLen(0, 4, 10), 4);
});

test('bad token folders give one clear UserError', async () => {
  await withTokenDir(CORPUS, (f) => {
    const expectUserError = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof UserError && re.test(e.message));
    expectUserError(() => TokenDataset.open(path.join(f.dir, 'nope')), /does not exist/);
    const ds = TokenDataset.open(f.data);
    expectUserError(() => ds.trainBatch(0, 1, f.totalTokens, 1), /context \d+ needs at least \d+ tokens in the training split/);
    ds.close();
    const manifest = JSON.parse(readFileSync(path.join(f.data, 'manifest.json'), 'utf8'));
    manifest.files.push({ file: 'tokens-00000.parquet', bytes: 10, sha256: 'x' });
    writeFileSync(path.join(f.data, 'manifest.json'), JSON.stringify(manifest));
    expectUserError(() => TokenDataset.open(f.data), /missing shard\(s\).*tokens-00000\.parquet/);
    manifest.files.pop();
    writeFileSync(path.join(f.data, 'manifest.json'), JSON.stringify(manifest));
    truncateSync(path.join(f.data, 'tokens.bin'), 100);
    expectUserError(() => TokenDataset.open(f.data), /truncated/);
    rmSync(path.join(f.data, 'manifest.json'));
    expectUserError(() => TokenDataset.open(f.data), /manifest\.json is missing/);
  });
});

test('token ids outside the vocabulary are reported with their position', async () => {
  await withTokenDir(CORPUS, (f) => {
    const manifest = JSON.parse(readFileSync(path.join(f.data, 'manifest.json'), 'utf8'));
    manifest.vocab_size = 10; // the data holds ids up to 49
    writeFileSync(path.join(f.data, 'manifest.json'), JSON.stringify(manifest));
    assert.throws(() => TokenDataset.open(f.data).trainBatch(0, 2, 8, 1), (e: unknown) => e instanceof UserError && /outside the vocabulary \(size 10\)/.test(e.message));
  });
});

test('uint32 token files (vocabulary above 65536) are read as uint32', async () => {
  await withTokenDir({ ...CORPUS, vocabSize: 70_000, documents: 6, docLength: 20 }, (f) => {
    const ds = TokenDataset.open(f.data, { valFraction: 0.2 });
    assert.equal(ds.manifest.dtype, 'uint32');
    const buf = readFileSync(path.join(f.data, 'tokens.bin'));
    const flat = Array.from(new Uint32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4));
    assert.ok(flat.some((t) => t >= 65536), 'fixture holds ids above 65535');
    assert.deepEqual(Array.from(ds.read(5, 10)), flat.slice(5, 15));
    assert.equal(flat[ds.val.start - 1], f.eotId);
    ds.close();
  });
});
