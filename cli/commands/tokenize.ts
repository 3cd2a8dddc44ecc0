import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Command } from '../command.js';
import { intFlag, parseCommandArgs, requiredFlag, sharedFlags, switchFlags, valueFlags } from '../args.js';
import { UserError } from '../../core/errors.js';
import { tokenFileNames, tokenizeInputs, TokenizeError } from '../../tokenizer/tokenizeCorpus.js';
import { TokenizerJsonError } from '../../tokenizer/hfJson.js';

const FLAGS = {
  ...sharedFlags('input', 'tokenizer', 'out', 'workers', 'quiet'),
  ...valueFlags('eot', 'shard-docs', 'text-field', 'rank', 'world-size'),
  ...switchFlags('resume'),
};

export const command: Command = {
  name: 'tokenize',
  summary: 'turn documents into token shards (tokens.bin/.idx for nanoGPT/Megatron, Parquet input_ids)',
  help: `usage: corpusforge tokenize --input PATH... --tokenizer tokenizer.json --out DIR [options]

Encodes every document (curated Parquet shards, JSONL, text; in input order) and writes to DIR:
  tokens.bin            flat little-endian uint16 ids (uint32 if the vocabulary exceeds 65536), each
                        document followed by the end-of-text id (nanoGPT's train.bin layout)
  tokens.idx            Megatron-LM MMIDIDX index over tokens.bin (one sequence per document, EOT included)
  tokens-NNNNN.parquet  id string, input_ids list<int32> (the document's tokens, without EOT)
  manifest.json         vocab_size, eot_id, dtype, total_tokens, documents, files (bytes, sha256), tokenizer_sha256

options:
  -i, --input PATH      input file, folder or glob (repeatable)
  -t, --tokenizer FILE  tokenizer.json (from 'corpusforge tokenizer train' or any byte-level BPE one)
  -o, --out DIR         output folder (new or empty, unless --resume)
      --resume          continue an interrupted run in DIR from its last finished shard (same inputs
                        and tokenizer required); a finished DIR is left as it is
  -w, --workers N       threads that parse, encode and write the Parquet shards (default: cores on 3 or
                        more cores, else 0 = all in the main thread; the output is the same either way)
      --eot TOKEN       special token appended after each document (default <|endoftext|>)
      --shard-docs N    documents per Parquet shard (default 100000)
      --text-field NAME JSONL field / Parquet column holding the text (default text)
      --rank R          this process's rank in a split run (default 0): takes input files i % W == R
      --world-size W    processes splitting the inputs (default 1); files then carry -rR
                        (tokens-rR.bin, tokens-rR.idx, tokens-rR-NNNNN.parquet, manifest-rR.json);
                        'corpusforge merge-tokens -i DIR -o OUT' joins the ranks into one dataset
  -q, --quiet           no summary`,
  async run(argv) {
    const { values } = parseCommandArgs('tokenize', argv, FLAGS);
    const inputs = requiredFlag('tokenize', 'input', values.input);
    const tokenizerPath = requiredFlag('tokenize', 'tokenizer', values.tokenizer);
    const out = requiredFlag('tokenize', 'out', values.out);
    const readOpts: { textField?: string } = {};
    if (values['text-field']) readOpts.textField = values['text-field'];
    const worldSize = intFlag('world-size', values['world-size'], 1, 1);
    const rank = intFlag('rank', values.rank, 0, 0);
    const started = performance.now();
    const manifestPath = join(out, tokenFileNames(rank, worldSize).manifest);
    const finishedBefore = values.resume === true && existsSync(manifestPath);
    try {
      const m = await tokenizeInputs(inputs, readOpts, {
        rank,
        worldSize,
        resume: values.resume === true,
        tokenizerPath,
        outDir: out,
        // Inline beat 1 and 2 workers on 2 cores (worker start-up, per-thread caches): docs/decisions.md.
        workers: intFlag('workers', values.workers, availableParallelism() > 2 ? availableParallelism() : 0, 0),
        eotToken: values.eot ?? '<|endoftext|>',
        shardDocs: intFlag('shard-docs', values['shard-docs'], 100_000, 1),
        onWarning: (m) => console.error(`warning: ${m}`),
      });
      if (finishedBefore && !values.quiet) {
        console.log(`tokenize: ${manifestPath} is already complete (${m.documents} documents, ${m.total_tokens} tokens); nothing to do`);
      } else if (!values.quiet) {
        const s = (performance.now() - started) / 1000;
        console.log(
          `tokenized ${m.documents} documents into ${m.total_tokens} tokens (${m.dtype}, vocab ${m.vocab_size}, eot ${m.eot_id}) ` +
            `in ${s.toFixed(1)} s -> ${out}`,
        );
      }
      return 0;
    } catch (e) {
      if (e instanceof TokenizeError || e instanceof TokenizerJsonError) throw new UserError(e.message);
      throw e;
    }
  },
};
