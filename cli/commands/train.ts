import { availableParallelism } from 'node:os';
import type { Command } from '../command.js';
import { intFlag, numberFlag, parseCommandArgs, requiredFlag, sharedFlags, switchFlags, valueFlags } from '../args.js';
import { UserError } from '../../core/errors.js';
import { parsePrecision, probeAllBackends } from '../../trainer/backends.js';
import { modelPreset, MODEL_PRESETS } from '../../trainer/presets.js';
import { train, type TrainOptions } from '../../trainer/train.js';
import { backendHelp, chooseBackend, MODEL_BACKEND_FLAGS, startBackend } from '../backendChoice.js';
import { parseTokenDataFormat } from '../../datasets/tokenData.js';

const FLAGS = {
  ...sharedFlags('data', 'tokenizer', 'out', 'backend', 'quiet'),
  ...valueFlags('data-format', 'steps', 'batch-size', 'grad-accum', 'context', 'layers', 'heads', 'dim', 'lr', 'min-lr', 'warmup'),
  ...valueFlags('weight-decay', 'clip', 'eval-every', 'eval-batches', 'val-fraction', 'checkpoint-every', 'seq-len-warmup'),
  ...valueFlags('embedding', 'seed', 'rank', 'world-size', 'threads', 'wasm-threads', 'preset', 'precision', 'read-every'),
  ...MODEL_BACKEND_FLAGS,
  ...switchFlags('resume', 'recompute'),
};

export const command: Command = {
  name: 'train',
  summary: 'train a small GPT (TensorFlow.js) on token shards from `corpusforge tokenize`',
  help: `usage: corpusforge train --data DIR --tokenizer tokenizer.json --out DIR [options]

Trains a GPT-2-shaped decoder (token + position embeddings, pre-LayerNorm blocks with causal multi-head
attention and a GELU MLP, tied output embedding) with AdamW, warmup + cosine schedule and gradient clipping
on random windows of DIR's token stream (tokens.bin, or the tokens-NNNNN.parquet shards). Writes to --out: checkpoint.json + weights-*.bin (atomic; weights,
AdamW state, step, sampler seed and data cursor), tokenizer.json and metrics.jsonl (step, loss, val_loss,
lr, tokens_per_s, grad_norm, seq_len; with --precision f16 also loss_scale, and skipped on a step whose scaled
gradients overflowed). Ctrl-C stops after the current step and saves a checkpoint.

options:
  -d, --data DIR            token folder from 'corpusforge tokenize' (manifest.json + tokens.bin or Parquet shards)
      --data-format F       auto (default: tokens.bin when present, else the tokens-NNNNN.parquet shards),
                            bin or parquet; both hold the same token stream, so runs match window for window
  -t, --tokenizer FILE      tokenizer.json used for the data (vocabulary sizes must match)
  -o, --out DIR             checkpoint folder
${backendHelp(28)}
      --precision P         f32 (default) or f16: matrix products in half precision with float32 weights
                            and dynamic loss scaling; needs webgpu on an adapter with shader-f16
      --read-every N        read the loss back every N steps (default 1; 10 on webgpu, where a read waits
                            for the GPU queue to drain); records and checkpoints are the same
      --steps N             optimizer steps (default 1000)
      --batch-size N        windows per micro-batch (default 16)
      --grad-accum N        micro-batches per step (default 1): gradients are summed over them, so a step
                            sees batch-size x grad-accum windows with one micro-batch of activations in memory
      --preset NAME         model shape: ${Object.entries(MODEL_PRESETS).map(([k, p]) => `${k} (${p.layers} layers, dim ${p.dim}, ${p.heads} heads, context ${p.context})`).join(',\n                            ')}; default tiny; the four flags below override it
      --context N           tokens per window (default 128)
      --layers N            transformer blocks (default 2)
      --heads N             attention heads (default 2)
      --dim N               model width (default 128)
      --recompute           keep only each block's input for the backward pass and recompute the rest
                            (activation memory ~1 block instead of all; one more forward per block)
      --lr X                peak learning rate (default 1e-3)
      --min-lr X            final learning rate of the cosine schedule (default lr/10)
      --warmup N            linear warmup steps (default 100, at most steps/10 when steps is small)
      --weight-decay X      AdamW decoupled weight decay on matrices (default 0.1)
      --clip X              clip the global gradient norm (default 1.0; 0 = off)
      --eval-every N        validation loss every N steps (default 100; 0 = never)
      --eval-batches N      validation batches per evaluation (default 4)
      --val-fraction X      tail of the token stream held out for validation (default 0.05)
      --checkpoint-every N  also checkpoint every N steps (default: at evaluations and the end)
      --seq-len-warmup N    curriculum: grow the window from 8 tokens to --context over N steps
      --embedding KIND      gather (default) or onehot token embedding
      --seed N              initialisation and window-sampling seed (default 1)
      --threads N           threads computing gradients, each with its own backend (data parallel; default:
                            cores, at most 4, for wasm/cpu; 1 for GPU backends)
      --wasm-threads N      XNNPACK threads inside the wasm backend (its threaded build; default 1); matrix
                            products and softmax run on N threads, results equal the 1-thread run
      --rank R --world-size W   data-parallel slice of the training split (default 0 of 1)
      --resume              continue the checkpoint in --out (same model flags)
  -q, --quiet               print only the summary`,
  async run(argv) {
    const { values: v } = parseCommandArgs('train', argv, FLAGS);
    const dataDir = requiredFlag('train', 'data', v.data);
    const outDir = requiredFlag('train', 'out', v.out);
    const chosen = chooseBackend(v);
    const backend = chosen.name;
    const precision = parsePrecision(v.precision ?? 'f32');
    const preset = modelPreset(v.preset ?? 'tiny');
    const steps = intFlag('steps', v.steps, 1000, 1);
    const embedding = v.embedding ?? 'gather';
    if (embedding !== 'gather' && embedding !== 'onehot') throw new UserError(`--embedding must be gather or onehot, got '${embedding}'`);
    const threads = intFlag('threads', v.threads, backend === 'wasm' || backend === 'cpu' ? Math.min(4, availableParallelism()) : 1, 1);
    const wasmThreads = intFlag('wasm-threads', v['wasm-threads'], 1, 1);
    if (wasmThreads > 1 && backend !== 'wasm') throw new UserError(`--wasm-threads applies to the wasm backend only (backend: ${backend})`);
    const controller = new AbortController();
    // Every flag is checked before any backend loads, so a typo fails fast with one line.
    const options: TrainOptions = {
      dataDir,
      dataFormat: parseTokenDataFormat(v['data-format'] ?? 'auto'),
      outDir,
      tokenizer: v.tokenizer,
      steps,
      batchSize: intFlag('batch-size', v['batch-size'], 16, 1),
      gradAccum: intFlag('grad-accum', v['grad-accum'], 1, 1),
      context: intFlag('context', v.context, preset.context, 1),
      layers: intFlag('layers', v.layers, preset.layers, 1),
      heads: intFlag('heads', v.heads, preset.heads, 1),
      dim: intFlag('dim', v.dim, preset.dim, 1),
      recompute: v.recompute === true,
      readEvery: intFlag('read-every', v['read-every'], backend === 'webgpu' ? 10 : 1, 1),
      precision,
      webgpuAdapter: chosen.webgpuAdapter,
      lr: numberFlag('lr', v.lr, 1e-3),
      minLr: v['min-lr'] === undefined ? undefined : numberFlag('min-lr', v['min-lr'], 0),
      warmup: intFlag('warmup', v.warmup, Math.min(100, Math.floor(steps / 10)), 0),
      weightDecay: numberFlag('weight-decay', v['weight-decay'], 0.1),
      clipNorm: numberFlag('clip', v.clip, 1.0),
      evalEvery: intFlag('eval-every', v['eval-every'], 100, 0),
      evalBatches: intFlag('eval-batches', v['eval-batches'], 4, 1),
      valFraction: numberFlag('val-fraction', v['val-fraction'], 0.05),
      checkpointEvery: intFlag('checkpoint-every', v['checkpoint-every'], 0, 0),
      seqLenWarmup: intFlag('seq-len-warmup', v['seq-len-warmup'], 0, 0),
      embedding,
      seed: intFlag('seed', v.seed, 1, 0),
      rank: intFlag('rank', v.rank, 0, 0),
      worldSize: intFlag('world-size', v['world-size'], 1, 1),
      threads,
      wasmThreads,
      resume: v.resume === true,
      signal: controller.signal,
      onWarning: (m) => console.error(`warning: ${m}`),
      onMetrics: (m) => {
        if (v.quiet) return;
        const val = m.val_loss === undefined ? '' : ` val_loss ${m.val_loss.toFixed(4)}`;
        const scale = m.loss_scale === undefined ? '' : ` loss_scale ${m.loss_scale}${m.skipped ? ' (overflow: step skipped)' : ''}`;
        console.log(`step ${m.step} loss ${m.loss.toFixed(4)}${val} lr ${m.lr.toExponential(2)} tok/s ${m.tokens_per_s} grad_norm ${m.grad_norm.toFixed(3)}${scale}`);
      },
    };
    if (!v.quiet) {
      const statuses = await probeAllBackends(chosen.webgpuAdapter);
      for (const s of statuses) if (!s.ok) console.error(`note: backend ${s.name} cannot run here: ${s.detail}`);
    }
    const active = await startBackend(chosen, { wasmThreads, precision });
    const onSigint = () => {
      if (controller.signal.aborted) process.exit(130);
      console.error('stopping after this step (Ctrl-C again to quit without saving)');
      controller.abort();
    };
    process.on('SIGINT', onSigint);
    if (!v.quiet) {
      if (v.backend === undefined || v.backend === 'auto') console.log(`backend auto -> ${backend} (${chosen.why.replace(/^auto: /, '')})`);
      console.log(`backend ${active.name}: ${active.detail}; precision: ${precision}; gradient threads: ${threads}`);
    }
    try {
      const r = await train(options);
      const from = r.resumedFrom !== undefined ? ` (resumed from step ${r.resumedFrom})` : '';
      const val = r.finalValLoss === undefined ? '' : `, val loss ${r.finalValLoss.toFixed(4)}`;
      console.log(`${r.stopped ? 'stopped' : 'trained'} to step ${r.steps}${from}: loss ${r.finalLoss.toFixed(4)}${val}; checkpoint in ${outDir}`);
      return 0;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
