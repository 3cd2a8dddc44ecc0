import type { Command } from '../command.js';
import { parseCommandArgs, requiredFlag, sharedFlags } from '../args.js';
import { UserError } from '../../core/errors.js';
import { mergeTokenDatasets, MergeTokensError } from '../../tokenizer/mergeTokens.js';

const FLAGS = sharedFlags('input', 'out', 'quiet');

export const command: Command = {
  name: 'merge-tokens',
  summary: 'join the per-rank outputs of tokenize --rank/--world-size (or whole token datasets) into one',
  help: `usage: corpusforge merge-tokens --input DIR... --out DIR

After every rank of 'corpusforge tokenize --rank R --world-size W --out DIR' has finished, writes one
dataset to the output folder: tokens.bin (the ranks' tokens.bin concatenated, rank 0 first), tokens.idx
(Megatron-LM MMIDIDX, rebuilt), tokens-NNNNN.parquet (the ranks' shards in order, renumbered; hard links
where possible) and manifest.json. An input folder holding manifest.json is one dataset; one holding
manifest-rR.json files is a split run, and every rank must be there and finished. Inputs are merged in
the order given. Refuses inputs made with another tokenizer, vocabulary, dtype or EOT id, and files that
no longer match their manifest's sha256. The output folder appears only when complete.

options:
  -i, --input DIR   a token dataset folder (repeatable)
  -o, --out DIR     output folder (must not exist, or be empty)
  -q, --quiet       no summary`,
  async run(argv) {
    const { values } = parseCommandArgs('merge-tokens', argv, FLAGS);
    const inputs = requiredFlag('merge-tokens', 'input', values.input);
    const out = requiredFlag('merge-tokens', 'out', values.out);
    try {
      const m = await mergeTokenDatasets(inputs, out);
      if (!values.quiet) {
        const shards = m.files.filter((f) => f.file.endsWith('.parquet')).length;
        console.log(`merge-tokens: ${m.documents} documents, ${m.total_tokens} tokens (${m.dtype}), ${shards} Parquet shards -> ${out}`);
      }
      return 0;
    } catch (e) {
      if (e instanceof MergeTokensError) throw new UserError(`merge-tokens: ${e.message}`);
      throw e;
    }
  },
};
