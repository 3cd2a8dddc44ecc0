import type { Command } from '../command.js';
import { intFlag, numberFlag, parseCommandArgs, requiredFlag, sharedFlags, switchFlags, valueFlags } from '../args.js';
import { UserError } from '../../core/errors.js';
import { openTokenData, parseTokenDataFormat } from '../../datasets/tokenData.js';
import { loadCheckpoint } from '../../trainer/checkpoint.js';
import { backendHelp, chooseBackend, MODEL_BACKEND_FLAGS, startBackend } from '../backendChoice.js';
import { evaluate } from '../../trainer/evaluate.js';
import { disposeParams } from '../../trainer/model.js';

const FLAGS = {
  ...sharedFlags('checkpoint', 'data', 'backend'),
  ...MODEL_BACKEND_FLAGS,
  ...valueFlags('data-format', 'val-fraction', 'batch-size', 'batches'),
  ...switchFlags('json'),
};

export const command: Command = {
  name: 'eval',
  summary: 'loss and perplexity of a checkpoint on held-out tokens',
  help: `usage: corpusforge eval --checkpoint DIR --data DIR [options]

Computes the mean next-token loss and perplexity of the model in --checkpoint on the held-out split of
--data (the tail of the token stream from a document boundary, as 'train' holds it out), over consecutive
context-length windows.

options:
  -c, --checkpoint DIR   checkpoint folder from 'corpusforge train'
  -d, --data DIR         token folder from 'corpusforge tokenize'; its vocabulary must match the model's
      --data-format F    auto (default: tokens.bin when present, else the tokens-NNNNN.parquet shards),
                         bin or parquet; both hold the same token stream
      --val-fraction X   held-out tail (default 0.05; 1 > X > 0); use the training run's value to match it
      --batch-size N     windows per batch (default 16)
      --batches N        batches to evaluate (default: all held-out windows)
${backendHelp(25)}
      --json             print {"loss","perplexity","tokens"} as JSON`,
  async run(argv) {
    const { values: v } = parseCommandArgs('eval', argv, FLAGS);
    const checkpoint = requiredFlag('eval', 'checkpoint', v.checkpoint);
    const data = requiredFlag('eval', 'data', v.data);
    const valFraction = numberFlag('val-fraction', v['val-fraction'], 0.05);
    if (!(valFraction > 0 && valFraction < 1)) throw new UserError(`--val-fraction must be in (0, 1), got ${valFraction}`);
    const ds = await openTokenData(data, { valFraction, format: parseTokenDataFormat(v['data-format'] ?? 'auto') });
    try {
      await startBackend(chooseBackend(v));
      const { meta, params } = loadCheckpoint(checkpoint, false);
      try {
        if (meta.config.vocabSize !== ds.manifest.vocab_size) {
          throw new UserError(`vocabulary mismatch: the model has ${meta.config.vocabSize} tokens, ${data} was tokenized with ${ds.manifest.vocab_size}`);
        }
        const r = await evaluate(meta.config, params, ds, intFlag('batch-size', v['batch-size'], 16, 1), meta.config.context, intFlag('batches', v.batches, Number.MAX_SAFE_INTEGER, 1));
        if (v.json) console.log(JSON.stringify(r));
        else console.log(`loss ${r.loss.toFixed(4)}  perplexity ${r.perplexity.toFixed(2)}  (${r.tokens} held-out tokens, step ${meta.step})`);
        return 0;
      } finally {
        disposeParams(params);
      }
    } finally {
      ds.close();
    }
  },
};
