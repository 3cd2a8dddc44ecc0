import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { openTokenData, type TokenDataFormat } from '../datasets/tokenData.js';
import type { TokenBatch } from '../datasets/tokenDataset.js';
import { writeFileAtomic } from '../core/atomicFile.js';
import { UserError } from '../core/errors.js';
import { lockOutput, type OutputLock } from '../core/outputLock.js';
import { useBackend, type BackendName, type Precision } from './backends.js';
import { CHECKPOINT_FILE, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { evaluate } from './evaluate.js';
import { disposeParams, initParams, lossOf, validateConfig, type GptConfig, type GptParams } from './model.js';
import { GradientWorkers } from './gradWorkers.js';
import { adamWStep, clippedScale, DEFAULT_ADAMW, disposeAdamW, initAdamW, learningRate, type AdamWState } from './optimizer.js';
import { DynamicLossScale, type LossScaleState } from './lossScale.js';
import { f16ProductsActive } from './mixedPrecision.js';
import { PendingSteps, type MetricsRecord } from './pendingSteps.js';
import { adamWFused, fusedKernelsActive } from './webgpuKernels.js';
import type { WebgpuAdapterKind } from './webgpuDevice.js';
import { tokenizerVocabSize } from '../tokenizer/tokenizerFile.js';

export interface TrainOptions {
  dataDir: string;
  /** tokens.bin, the Parquet input_ids shards, or auto (tokens.bin when present); the same token stream. */
  dataFormat?: TokenDataFormat;
  outDir: string;
  /** tokenizer.json; its vocabulary must match the data's, and it is copied next to the checkpoint for `sample`. */
  tokenizer?: string;
  /** Switches tfjs to this backend first; leave out to use the active one. */
  backend?: BackendName;
  steps: number;
  batchSize: number;
  gradAccum: number;
  context: number;
  layers: number;
  heads: number;
  dim: number;
  lr: number;
  /** Final learning rate of the cosine schedule (default lr / 10). */
  minLr?: number;
  warmup: number;
  evalEvery: number;
  evalBatches?: number;
  seed: number;
  resume: boolean;
  valFraction?: number;
  weightDecay?: number;
  clipNorm?: number;
  embedding?: GptConfig['embedding'];
  /** Recompute block activations in the backward pass (less memory, one more forward per block). */
  recompute?: boolean;
  /** Curriculum: grow the sequence length from short to `context` over this many steps (0 = off). */
  seqLenWarmup?: number;
  /** Save a checkpoint every N steps (default: at every evaluation and at the end). */
  checkpointEvery?: number;
  rank?: number;
  worldSize?: number;
  /**
   * Threads computing gradients (data parallel inside one process; each extra thread runs its own backend
   * in a worker). Default 1. Results match the single-thread run up to float summation order.
   */
  threads?: number;
  /**
   * XNNPACK threads inside the wasm backend (its threaded build, trainer/wasmThreads.ts); default 1. Products
   * and softmax are split across threads with unchanged per-element arithmetic: losses equal the 1-thread run.
   */
  wasmThreads?: number;
  /** The WebGPU adapter when the backend is webgpu (default hardware; software: Mesa's, for tests). */
  webgpuAdapter?: WebgpuAdapterKind;
  /** f16 needs webgpu with shader-f16 (default f32). */
  precision?: Precision;
  /**
   * Read the loss and gradient norm back every N steps (default 1): between reads the device runs ahead of
   * the host. Records are the same; they reach metrics.jsonl and `onMetrics` at the read, with the
   * tokens/s of the steps since the previous read, and a non-finite loss stops the run at the read.
   */
  readEvery?: number;
  /** Called with every metrics record (the CLI prints them). */
  onMetrics?(m: MetricsRecord): void;
  /** Told when the output lock of a dead owner is taken over. */
  onWarning?(message: string): void;
  /** When aborted, training stops after the current step and saves a checkpoint (Ctrl-C in the CLI). */
  signal?: AbortSignal;
}

export type { MetricsRecord } from './pendingSteps.js';

export interface TrainResult {
  steps: number;
  /** True when stopped early through `signal`. */
  stopped: boolean;
  finalLoss: number;
  finalValLoss?: number;
  resumedFrom?: number;
  metrics: MetricsRecord[];
}

/** Sequence length at `step` under sequence-length warmup: linear growth in multiples of 8, at least 8. */
export function curriculumSeqLen(step: number, context: number, warmupSteps: number): number {
  if (warmupSteps <= 0 || step >= warmupSteps) return context;
  const raw = Math.ceil(((step + 1) / warmupSteps) * context / 8) * 8;
  return Math.min(context, Math.max(Math.min(8, context), raw));
}

function toTensors(b: TokenBatch): [tf.Tensor2D, tf.Tensor2D] {
  return [tf.tensor2d(b.inputs, [b.batchSize, b.seqLen], 'int32'), tf.tensor2d(b.targets, [b.batchSize, b.seqLen], 'int32')];
}

/**
 * Gradient of the mean loss on one micro-batch, with the loss left on the device. With a loss scale S
 * (--precision f16) the gradients are S times the loss's; the loss returned is the loss itself.
 */
function microStep(config: GptConfig, params: GptParams, batch: TokenBatch, lossScale?: tf.Scalar): { loss: tf.Scalar; grads: Map<string, tf.Tensor> } {
  const names = [...params.keys()];
  const [inputs, targets] = toTensors(batch);
  const out = tf.tidy(() => {
    const r = tf.valueAndGrads((...ps: tf.Tensor[]) => {
      const p: GptParams = new Map(names.map((n, i) => [n, ps[i]!]));
      const loss = lossOf(config, p, inputs, targets);
      return lossScale ? (tf.mul(loss, lossScale) as tf.Scalar) : loss;
    })(names.map((n) => params.get(n)!));
    return [lossScale ? tf.div(r.value, lossScale) : r.value, ...r.grads];
  });
  inputs.dispose();
  targets.dispose();
  const [value, ...grads] = out;
  return { loss: value as tf.Scalar, grads: new Map(names.map((n, i) => [n, grads[i]!])) };
}

/** The same with the loss read back (gradient threads combine plain numbers). */
async function microStepRead(config: GptConfig, params: GptParams, batch: TokenBatch): Promise<{ loss: number; grads: Map<string, tf.Tensor> }> {
  const { loss, grads } = microStep(config, params, batch);
  const value = (await loss.data())[0]!;
  loss.dispose();
  return { loss: value, grads };
}

/** Sum of gradient maps, disposing the addends. */
function addInto(acc: Map<string, tf.Tensor> | undefined, grads: Map<string, tf.Tensor>): Map<string, tf.Tensor> {
  if (!acc) return grads;
  for (const [n, g] of grads) {
    const prev = acc.get(n)!;
    acc.set(n, tf.add(prev, g));
    prev.dispose();
    g.dispose();
  }
  return acc;
}

async function keepOnlyMetricsUpTo(file: string, step: number): Promise<MetricsRecord[]> {
  if (!existsSync(file)) return [];
  const kept = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as MetricsRecord)
    .filter((m) => m.step <= step);
  await writeFileAtomic(file, kept.map((m) => JSON.stringify(m) + '\n'));
  return kept;
}

/** Trains (or resumes training) a GPT on a token directory; writes checkpoint + metrics.jsonl into outDir. */
export async function train(opts: TrainOptions): Promise<TrainResult> {
  if (opts.backend) await useBackend(opts.backend, { wasmThreads: opts.wasmThreads, webgpuAdapter: opts.webgpuAdapter, precision: opts.precision });
  const ds = await openTokenData(opts.dataDir, { valFraction: opts.valFraction ?? 0.05, rank: opts.rank, worldSize: opts.worldSize, format: opts.dataFormat });
  let params: GptParams | undefined;
  let adam: AdamWState | undefined;
  let workers: GradientWorkers | undefined;
  let pending: PendingSteps | undefined;
  let lock: OutputLock | undefined;
  let lossScale: DynamicLossScale | undefined;
  let resumedScale: LossScaleState | undefined;
  try {
    const vocabSize = ds.manifest.vocab_size;
    if (opts.tokenizer) {
      const tokVocab = tokenizerVocabSize(opts.tokenizer);
      if (tokVocab !== vocabSize) {
        throw new UserError(`vocabulary mismatch: ${opts.tokenizer} has ${tokVocab} tokens but ${opts.dataDir} was tokenized with ${vocabSize}`);
      }
    }
    const config: GptConfig = { vocabSize, context: opts.context, layers: opts.layers, heads: opts.heads, dim: opts.dim, embedding: opts.embedding ?? 'gather', ...(opts.recompute ? { recompute: true } : {}) };
    validateConfig(config);
    const readEvery = opts.readEvery ?? 1;
    for (const [k, v] of Object.entries({ steps: opts.steps, 'batch-size': opts.batchSize, 'grad-accum': opts.gradAccum, 'read-every': readEvery })) {
      if (!Number.isInteger(v) || v < 1) throw new UserError(`--${k} must be a positive integer, got ${v}`);
    }
    ds.requireWindow(ds.train, opts.context, 'training');
    const evalBatches = opts.evalBatches ?? 4;
    const canEval = opts.evalEvery > 0 && ds.val.end - ds.val.start >= opts.context + 1;
    if (opts.evalEvery > 0 && !canEval) ds.requireWindow(ds.val, opts.context, 'validation');

    mkdirSync(opts.outDir, { recursive: true });
    // One trainer per output folder: a second one (a scheduler's retry, a second --resume) would interleave
    // checkpoints and metrics. Ranks of a data-parallel run share nothing in the folder but their own lock.
    lock = await lockOutput(opts.outDir, {
      name: (opts.worldSize ?? 1) > 1 ? `train-r${opts.rank ?? 0}` : 'train',
      command: 'corpusforge train',
      onTakeover: opts.onWarning,
    });
    const metricsFile = path.join(opts.outDir, 'metrics.jsonl');
    const hasCheckpoint = existsSync(path.join(opts.outDir, CHECKPOINT_FILE));
    if (hasCheckpoint && !opts.resume) throw new UserError(`${opts.outDir} already holds a checkpoint: pass --resume to continue it or choose another --out`);
    const options = {
      steps: opts.steps, batchSize: opts.batchSize, gradAccum: opts.gradAccum, lr: opts.lr, warmup: opts.warmup,
      seqLenWarmup: opts.seqLenWarmup ?? 0, valFraction: opts.valFraction ?? 0.05, data: path.resolve(opts.dataDir),
      eotId: ds.manifest.eot_id,
    };
    let step = 0;
    let cursor = 0;
    let resumedFrom: number | undefined;
    let metrics: MetricsRecord[] = [];
    if (hasCheckpoint) {
      const ck = loadCheckpoint(opts.outDir);
      // The embedding form and recomputation are how the products are computed, not the model: compare the shape only.
      const shape = ({ embedding: _e, recompute: _r, ...rest }: GptConfig) => JSON.stringify(rest);
      const same = shape(ck.meta.config) === shape(config);
      if (!same) {
        disposeParams(ck.params);
        disposeAdamW(ck.adam);
        throw new UserError(`--resume: the checkpoint in ${opts.outDir} is a ${JSON.stringify(ck.meta.config)} model; the flags ask for ${JSON.stringify(config)}`);
      }
      params = ck.params;
      adam = ck.adam;
      step = ck.meta.step;
      cursor = ck.meta.dataCursor;
      resumedScale = ck.meta.lossScale;
      resumedFrom = step;
      metrics = await keepOnlyMetricsUpTo(metricsFile, step);
    } else {
      params = initParams(config, opts.seed);
      adam = initAdamW(params);
      await writeFileAtomic(metricsFile, '');
      if (opts.tokenizer) await writeFileAtomic(path.join(opts.outDir, 'tokenizer.json'), readFileSync(opts.tokenizer));
    }
    const threads = Math.min(opts.threads ?? 1, opts.batchSize);
    if (!Number.isInteger(threads) || threads < 1) throw new UserError(`--threads must be a positive integer, got ${opts.threads}`);
    // Gradient threads run backends of their own, without the f16 products or the loss scale.
    if (threads > 1 && opts.precision === 'f16') throw new UserError('--precision f16 runs on one gradient thread (the webgpu device); drop --threads');
    if (threads > 1) workers = await GradientWorkers.start(threads - 1, opts.backend ?? (tf.getBackend() as BackendName), config);
    const adamCfg = { ...DEFAULT_ADAMW, lr: opts.lr, weightDecay: opts.weightDecay ?? DEFAULT_ADAMW.weightDecay, clipNorm: opts.clipNorm ?? DEFAULT_ADAMW.clipNorm };
    const minLr = opts.minLr ?? opts.lr / 10;
    const save = async () => {
      lock!.assertHeld(); // a lost lock: another trainer may own the folder now, so never overwrite its checkpoint
      return saveCheckpoint(opts.outDir, {
        step, config, options, seed: opts.seed, dataCursor: cursor, optimizerStep: adam!.step, lossScale: await lossScale?.read(),
        tokenizer: opts.tokenizer || existsSync(path.join(opts.outDir, 'tokenizer.json')) ? 'tokenizer.json' : undefined,
      }, params!, adam!);
    };
    // f16 products (useBackend switched them on): gradients scaled so that small ones survive f16.
    if (f16ProductsActive()) lossScale = new DynamicLossScale(resumedScale);
    pending = new PendingSteps(metricsFile, metrics, opts.onMetrics);
    let lastVal: number | undefined;
    while (step < opts.steps) {
      const seqLen = curriculumSeqLen(step, opts.context, opts.seqLenWarmup ?? 0);
      let acc: Map<string, tf.Tensor> | undefined;
      const losses: tf.Scalar[] = [];
      for (let a = 0; a < opts.gradAccum; a++) {
        const batch = await ds.trainBatch(cursor, opts.batchSize, seqLen, opts.seed, opts.rank ?? 0);
        cursor += opts.batchSize;
        const p = params;
        if (workers) {
          const r = await workers.compute(p, batch, (share) => microStepRead(config, p, share));
          losses.push(tf.scalar(r.loss));
          acc = addInto(acc, r.grads);
        } else {
          const r = microStep(config, p, batch, lossScale?.scale);
          losses.push(r.loss);
          acc = addInto(acc, r.grads);
        }
      }
      const loss = tf.tidy(() => tf.div(tf.addN(losses), opts.gradAccum) as tf.Scalar);
      tf.dispose(losses);
      const { norm, scale, finite } = clippedScale(acc!, opts.gradAccum, adamCfg.clipNorm, lossScale?.scale);
      const lr = learningRate(step, opts.lr, opts.warmup, opts.steps, minLr);
      adamWStep(params, acc!, adam, adamCfg, lr, scale, fusedKernelsActive() ? adamWFused : undefined);
      const usedScale = lossScale?.scale.clone();
      if (finite) lossScale!.update(finite);
      tf.dispose([...acc!.values(), scale, ...(finite ? [finite] : [])]);
      step++;
      pending.add({ step, loss, norm, lr, seqLen, tokens: opts.batchSize * opts.gradAccum * seqLen, lossScale: usedScale });
      const evalNow = canEval && (step % opts.evalEvery === 0 || step === opts.steps);
      const checkpointNow = evalNow || step === opts.steps || (opts.checkpointEvery !== undefined && opts.checkpointEvery > 0 && step % opts.checkpointEvery === 0);
      if (evalNow || checkpointNow || opts.signal?.aborted || pending.size >= readEvery) {
        const p = params;
        await pending.flush(evalNow ? async () => (lastVal = (await evaluate(config, p, ds, opts.batchSize, opts.context, evalBatches)).loss) : undefined);
      }
      // After the flush: its records may have asked to stop (the callback sees every step).
      const stopping = opts.signal?.aborted === true;
      if (stopping || checkpointNow) {
        await save();
        pending.restartClock();
      }
      if (stopping) break;
    }
    const lastLoss = metrics.at(-1)?.loss ?? NaN;
    return { steps: step, stopped: step < opts.steps, finalLoss: lastLoss, finalValLoss: lastVal, resumedFrom, metrics };
  } finally {
    pending?.dispose();
    lossScale?.dispose();
    await workers?.close();
    ds.close();
    if (params) disposeParams(params);
    if (adam) disposeAdamW(adam);
    await lock?.release();
  }
}
