import type { Command } from '../command.js';
import { intFlag, parseCommandArgs, requiredFlag, sharedFlags, valueFlags } from '../args.js';
import { writeJsonAtomic } from '../../core/atomicFile.js';
import { readDocuments } from '../../datasets/readers.js';
import { CorpusProfileCounter, documentSizes } from '../../filters/profile/corpusProfile.js';
import { formatProfile } from '../../filters/profile/formatProfile.js';
import { tokenCounter } from '../textMeasures.js';

const FLAGS = {
  ...sharedFlags('input', 'out', 'tokenizer', 'quiet'),
  ...valueFlags('metadata', 'top', 'text-field'),
};

export const command: Command = {
  name: 'profile',
  summary: 'count documents, bytes, words and tokens by language, domain, TLD, source and metadata field',
  help: `usage: corpusforge profile --input PATH... [--tokenizer FILE] [options]

Streams the input once and prints, per language, registrable domain, top-level domain, source (input
file, or crawl) and each --metadata field, its documents, UTF-8 bytes, words and, with --tokenizer,
tokens. curate already writes this profile (without tokens) into stats.json; this command profiles any
input, e.g. a corpus once its tokenizer is trained. Tables are bounded: beyond 4 x --top groups per
dimension the smallest are folded into "other" (totals stay exact).

options:
  -i, --input PATH        a curate output folder, or any input curate reads (repeatable)
  -t, --tokenizer FILE    tokenizer.json: count tokens too
      --metadata F1,F2    metadata fields to profile as well
      --top N             groups listed per dimension (default 15; 50 kept in the JSON)
      --text-field NAME   JSONL field / Parquet column holding the text (default text)
  -o, --out FILE          also write the profile as JSON
  -q, --quiet             print only the totals`,
  async run(argv) {
    const { values } = parseCommandArgs('profile', argv, FLAGS);
    const inputs = requiredFlag('profile', 'input', values.input);
    const top = intFlag('top', values.top, 15, 1);
    const count = values.tokenizer ? await tokenCounter(values.tokenizer) : undefined;
    const metadata = values.metadata?.split(',').map((f) => f.trim()).filter(Boolean);
    const counter = new CorpusProfileCounter({ metadata, topK: Math.max(50, top) }, !!count);
    for await (const doc of readDocuments(inputs, { textField: values['text-field'] })) {
      const size = documentSizes(doc.text);
      counter.add(counter.groupsOf(doc), count ? { ...size, tokens: count(doc.text) } : size);
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
