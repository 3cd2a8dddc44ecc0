import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from '../command.js';
import { intFlag, numberFlag, parseCommandArgs, requiredFlag, sharedFlags, valueFlags } from '../args.js';
import { UserError } from '../../core/errors.js';
import { loadTokenizerFile } from '../../tokenizer/tokenizerFile.js';
import { loadCheckpoint } from '../../trainer/checkpoint.js';
import { backendHelp, chooseBackend, MODEL_BACKEND_FLAGS, startBackend } from '../backendChoice.js';
import { disposeParams } from '../../trainer/model.js';
import { generate } from '../../trainer/sample.js';

const FLAGS = {
  ...sharedFlags('checkpoint', 'tokenizer', 'backend'),
  ...MODEL_BACKEND_FLAGS,
  prompt: { type: 'string', short: 'p' },
  tokens: { type: 'string', short: 'n' },
  ...valueFlags('temperature', 'top-k', 'seed'),
} as const;

export const command: Command = {
  name: 'sample',
  summary: 'generate text from a `corpusforge train` checkpoint',
  help: `usage: corpusforge sample --checkpoint DIR --prompt TEXT [options]

Continues TEXT with the model in DIR (a 'corpusforge train --out' folder), using the tokenizer.json saved
there, and prints the prompt followed by the generated text. Stops early at the end-of-text token.

options:
  -c, --checkpoint DIR  checkpoint folder
  -p, --prompt TEXT     text to continue
  -n, --tokens N        tokens to generate (default 100)
      --temperature X   softmax temperature (default 0.8; 0 = always the most likely token)
      --top-k N         sample among the k most likely tokens (default 40; 0 = all)
      --seed N          sampling seed (default 1; same seed, same text)
  -t, --tokenizer FILE  tokenizer.json (default: DIR/tokenizer.json)
${backendHelp(24)}`,
  async run(argv) {
    const { values: v } = parseCommandArgs('sample', argv, FLAGS);
    const checkpoint = requiredFlag('sample', 'checkpoint', v.checkpoint);
    if (v.prompt === undefined) throw new UserError('sample: --prompt is required');
    const tokPath = v.tokenizer ?? path.join(checkpoint, 'tokenizer.json');
    if (!existsSync(tokPath)) throw new UserError(`sample: no tokenizer at ${tokPath}; pass --tokenizer`);
    let tokenizer;
    try {
      tokenizer = (await loadTokenizerFile(tokPath)).tokenizer;
    } catch (e) {
      throw new UserError((e as Error).message);
    }
    const temperature = numberFlag('temperature', v.temperature, 0.8);
    if (temperature < 0) throw new UserError('--temperature must be >= 0');
    await startBackend(chooseBackend(v));
    const { meta, params } = loadCheckpoint(checkpoint, false);
    if (tokenizer.vocabSize !== meta.config.vocabSize) {
      disposeParams(params);
      throw new UserError(`vocabulary mismatch: ${tokPath} has ${tokenizer.vocabSize} tokens, the model ${meta.config.vocabSize}`);
    }
    try {
      // The data's end-of-text id (recorded at training time), else the tokenizer's <|endoftext|>.
      const eot = typeof meta.options['eotId'] === 'number' ? meta.options['eotId'] : tokenizer.specialTokens.get('<|endoftext|>');
      const ids = await generate(meta.config, params, tokenizer.encode(v.prompt), {
        tokens: intFlag('tokens', v.tokens, 100, 1),
        temperature,
        topK: intFlag('top-k', v['top-k'], 40, 0),
        seed: intFlag('seed', v.seed, 1, 0),
        stopId: eot,
      });
      const text = tokenizer.decode(eot !== undefined && ids[ids.length - 1] === eot ? ids.slice(0, -1) : ids);
      console.log(v.prompt + text);
      return 0;
    } finally {
      disposeParams(params);
    }
  },
};
