import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../core/atomicFile.js';
import { UserError } from '../core/errors.js';
import { parameterShapes, validateConfig, type GptConfig, type GptParams } from './model.js';
import type { LossScaleState } from './lossScale.js';
import type { AdamWState } from './optimizer.js';

export const CHECKPOINT_FILE = 'checkpoint.json';

/** What a run needs to continue exactly where it stopped. Tensors live in `weights` (float32, little-endian). */
export interface CheckpointMeta {
  version: 1;
  step: number;
  config: GptConfig;
  /** Training options of the run (echoed for `sample`/`eval` and for resume checks). */
  options: Record<string, number | string | boolean>;
  /** Seed of the window sampler; with `dataCursor` this is the whole RNG state of the run. */
  seed: number;
  /** Index of the next training window to draw. */
  dataCursor: number;
  optimizerStep: number;
  /** The dynamic loss scale of an f16 run (trainer/lossScale.ts). */
  lossScale?: LossScaleState;
  /** Weights file, relative to the checkpoint directory. */
  weights: string;
  /** Tensors in file order: parameters, then Adam m, then Adam v. */
  tensors: Array<{ name: string; shape: number[] }>;
  tokenizer?: string;
}

async function tensorBytes(tensors: tf.Tensor[]): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const t of tensors) {
    const v = (await t.data()) as Float32Array;
    out.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
  return out;
}

/**
 * Saves weights, optimizer moments and run state. The weights go to a new file named by step; then
 * checkpoint.json is replaced atomically and only then are older weight files removed, so a crash at any
 * point leaves a complete, loadable checkpoint.
 */
export async function saveCheckpoint(dir: string, meta: Omit<CheckpointMeta, 'version' | 'weights' | 'tensors'>, params: GptParams, adam: AdamWState): Promise<void> {
  const names = [...params.keys()];
  const tensors = [...names.map((n) => params.get(n)!), ...names.map((n) => adam.m.get(n)!), ...names.map((n) => adam.v.get(n)!)];
  const weights = `weights-${String(meta.step).padStart(8, '0')}.bin`;
  await writeFileAtomic(path.join(dir, weights), await tensorBytes(tensors));
  const full: CheckpointMeta = {
    version: 1,
    ...meta,
    weights,
    tensors: [...names.map((n) => ({ name: n, shape: params.get(n)!.shape })), ...names.map((n) => ({ name: `adam.m/${n}`, shape: params.get(n)!.shape })), ...names.map((n) => ({ name: `adam.v/${n}`, shape: params.get(n)!.shape }))],
  };
  await writeFileAtomic(path.join(dir, CHECKPOINT_FILE), JSON.stringify(full, null, 2) + '\n');
  for (const f of readdirSync(dir)) {
    if (/^weights-\d+\.bin$/.test(f) && f !== weights) rmSync(path.join(dir, f), { force: true });
  }
}

export function readCheckpointMeta(dir: string): CheckpointMeta {
  const file = path.join(dir, CHECKPOINT_FILE);
  if (!existsSync(file)) throw new UserError(`${dir} holds no checkpoint (${CHECKPOINT_FILE} is missing)`);
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(readFileSync(file, 'utf8')) as CheckpointMeta;
  } catch (e) {
    throw new UserError(`${file}: invalid JSON (${(e as Error).message})`);
  }
  if (meta.version !== 1 || !meta.config || !Array.isArray(meta.tensors)) throw new UserError(`${file}: not a corpusforge checkpoint (version 1)`);
  validateConfig(meta.config);
  return meta;
}

export interface LoadedCheckpoint {
  meta: CheckpointMeta;
  params: GptParams;
  adam: AdamWState;
}

/** Loads a checkpoint; with `withOptimizer: false` the Adam moments are skipped (sampling, evaluation). */
export function loadCheckpoint(dir: string, withOptimizer = true): LoadedCheckpoint {
  const meta = readCheckpointMeta(dir);
  const expected = parameterShapes(meta.config);
  const file = path.join(dir, meta.weights);
  if (!existsSync(file)) throw new UserError(`${dir}: weights file ${meta.weights} named by ${CHECKPOINT_FILE} is missing`);
  const fd = openSync(file, 'r');
  const params: GptParams = new Map();
  const m = new Map<string, tf.Tensor>();
  const v = new Map<string, tf.Tensor>();
  try {
    let offset = 0;
    const count = withOptimizer ? meta.tensors.length : expected.length;
    for (let i = 0; i < count; i++) {
      const { name, shape } = meta.tensors[i]!;
      const base = i % expected.length;
      const [wantName, wantShape] = expected[base]!;
      if ((i < expected.length && name !== wantName) || shape.join('x') !== wantShape.join('x')) {
        throw new UserError(`${dir}: tensor ${i} is ${name} ${shape.join('x')}, the model needs ${wantName} ${wantShape.join('x')}`);
      }
      const n = shape.reduce((a, b) => a * b, 1);
      const buf = Buffer.alloc(n * 4);
      if (readSync(fd, buf, 0, n * 4, offset) !== n * 4) throw new UserError(`${file}: truncated at tensor ${name}`);
      offset += n * 4;
      const t = tf.tensor(new Float32Array(buf.buffer, buf.byteOffset, n), shape, 'float32');
      const target = i < expected.length ? params : i < 2 * expected.length ? m : v;
      target.set(wantName, t);
    }
  } finally {
    closeSync(fd);
  }
  return { meta, params, adam: { step: meta.optimizerStep, m, v } };
}
