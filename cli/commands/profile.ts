import { join } from 'node:path';
import type { Command } from '../command.js';
import { intFlag, parseCommandArgs, requiredFlag, sharedFlags, valueFlags } from '../args.js';
import { writeJsonAtomic } from '../../core/atomicFile.js';
import { readDocuments } from '../../datasets/readers.js';
import { CorpusProfileCounter, documentSizes } from '../../filters/profile/corpusProfile.js';
import { formatProfile } from '../../filters/profile/formatProfile.js';
import { tokenCounter } from '../textMeasures.js';
import { UserError } from '../../core/errors.js';
import { TokenIndexLengths } from '../../datasets/tokenIndexLengths.js';
import { readTokensManifest } from '../../datasets/tokenShards.js';

const FLAGS = {
  ...sharedFlags('input', 'out', 'tokenizer', 'quiet'),
  ...valueFlags('tokens', 'metadata', 'top', 'text-field'),
};

export const command: Command = {
  name: 'profile',
  summary: 'count documents, bytes, words and tokens by language, domain, TLD, source and metadata field',
  help: `usage: corpusforge profile --input PATH... [--tokenizer FILE | --tokens DIR] [options]

Streams the input once and prints, per language, registrable domain, top-level domain, source (input
file, or crawl) and each --metadata field, its documents, UTF-8 bytes, words and, with --tokenizer,
tokens. curate already writes this profile (without tokens) into stats.json; this command profiles any
input, e.g. a corpus once its tokenizer is trained. Tables are bounded: beyond 4 x --top groups per
dimension the smallest are folded into "other" (totals stay exact).

options:
  -i, --input PATH        a curate output folder, or any input curate reads (repeatable)
  -t, --tokenizer FILE    tokenizer.json: count tokens too (encodes every document)
      --tokens DIR        the output of 'corpusforge tokenize' over this same input: tokens per
                          document from its tokens.idx, nothing encoded again
      --metadata F1,F2    metadata fields to profile as well
      --top N             groups listed per dimension (default 15; 50 kept in the JSON)
      --text-field NAME   JSONL field / Parquet column holding the text (default text)
  -o, --out FILE          also write the profile as JSON
  -q, --quiet             print only the totals`,
  async run(argv) {
    const { values } = parseCommandArgs('profile', argv, FLAGS);
    const inputs = requiredFlag('profile', 'input', values.input);
    const top = intFlag('top', values.top, 15, 1);
    if (values.tokenizer && values.tokens) throw new UserError('profile: give --tokenizer or --tokens, not both');
    const count = values.tokenizer ? await tokenCounter(values.tokenizer) : undefined;
    const lengths = values.tokens ? await tokenLengths(values.tokens) : undefined;
    const metadata = values.metadata?.split(',').map((f) => f.trim()).filter(Boolean);
    const counter = new CorpusProfileCounter({ metadata, topK: Math.max(50, top) }, !!(count || lengths));
    try {
      for await (const doc of readDocuments(inputs, { textField: values['text-field'] })) {
        const size = documentSizes(doc.text);
        // tokens.idx lengths include the end-of-text token tokenize appends to every document.
        const tokens = count ? count(doc.text) : lengths ? (await lengths.nextLength()) - 1 : undefined;
        counter.add(counter.groupsOf(doc), tokens === undefined ? size : { ...size, tokens });
      }
      if (lengths && lengths.read !== lengths.count) throw new UserError(`profile: ${values.tokens} holds ${lengths.count} documents but the input ${lengths.read}; give the corpus it was tokenized from`);
    } finally {
      await lengths?.close();
    }
    const profile = counter.report();
    const lines = formatProfile(profile, top);
    for (const line of values.quiet ? lines.slice(0, 1) : lines) console.log(line);
    if (values.out) {
      await writeJsonAtomic(values.out, profile);
      console.log(`profile: ${values.out}`);
    }
    return 0;
  },
};

/** The per-document lengths of a tokenize output (one tokens.idx: a split run's ranks are merged first). */
async function tokenLengths(dir: string): Promise<TokenIndexLengths> {
  const m = await readTokensManifest(join(dir, 'manifest.json')).catch((e: Error) => {
    throw new UserError(`profile: --tokens ${dir}: ${e.message.split('\n')[0]}`);
  });
  const idx = m.files.find((f) => f.file.endsWith('.idx'));
  if (!idx || m.world_size !== undefined && m.world_size > 1) throw new UserError(`profile: --tokens ${dir}: no single tokens.idx (merge a split run with merge-tokens first)`);
  return TokenIndexLengths.open(join(dir, idx.file));
}
