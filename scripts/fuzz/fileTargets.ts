// Fuzz targets for the other files a user hands over: tokenizer.json, pipeline files, curate output
// folders (manifest.json), per-record gzip members, and HTML pages through extract and charset detection.
import fc from 'fast-check';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTokenizerFile } from '../../tokenizer/tokenizerFile.js';
import { loadPipelineFile } from '../../pipelines/pipelineFile.js';
import { expandInputs } from '../../datasets/inputs.js';
import { findMemberStart, inflateMembers, isPerRecordWarcGzip } from '../../datasets/gzipMembers.js';
import { detectCharset, decodeWith } from '../../datasets/charset.js';
import { extractMainText, extractStep } from '../../filters/extract/extract.js';
import { FAST_TOKENIZER_ACTIVE, FastTokenizer } from '../../filters/extract/htmlTokenizer.js';
import { Tokenizer } from 'htmlparser2';
import { parserEvents } from './tokenizerEvents.js';
import { pipelineCorpus, SAMPLE_HTML, tokenizerCorpus, warcCorpus } from './corpus.js';
import { mutatedJsonText } from './jsonMutate.js';
import { mutatedFile, mutatedMemberFile } from './mutate.js';
import { htmlPage } from './htmlGen.js';
import { FuzzViolation, settle } from './outcome.js';
import { asBytes, type FileTarget, type FuzzTarget } from './target.js';

/** A file a loader reads whole (JSON edits of `bases`): loaded, or one clean error; `then` checks what loaded. */
function jsonFileTarget<T>(name: string, what: string, bases: unknown[], file: string, load: (path: string) => Promise<T>, accepted: string[], then?: (value: T) => void): FileTarget {
  return {
    name,
    what,
    arbitrary: async () => mutatedJsonText(bases),
    check: async (bytes, ctx) => {
      const path = join(ctx.dir, file);
      writeFileSync(path, bytes);
      const loaded = await settle(() => load(path), accepted);
      if ('value' in loaded) then?.(loaded.value);
    },
    bytes: asBytes,
  };
}

export const tokenizerJsonTarget = jsonFileTarget(
  'tokenizer-json',
  'tokenizer.json of small trained tokenizers with JSON edits (values replaced, removed, retyped) and byte edits; loadTokenizerFile, then encode/decode a text with what loaded',
  tokenizerCorpus(),
  'tokenizer.json',
  loadTokenizerFile,
  ['TokenizerJsonError'],
  ({ tokenizer }) => {
    const ids = tokenizer.encode('The river runs north. 日本語 <|endoftext|> 12345 \u{1F600}', { allowedSpecial: 'all' });
    if (!ids.every((id) => Number.isInteger(id) && id >= 0)) throw new FuzzViolation(`encode gave ids ${JSON.stringify(ids.slice(0, 20))}`);
    tokenizer.decode(ids);
  },
);

export const pipelineFileTarget = jsonFileTarget(
  'pipeline-file',
  'pipeline files (the shipped recipes and one with every stage) with JSON and byte edits; loadPipelineFile gives a pipeline or one UserError',
  pipelineCorpus(),
  'pipeline.json',
  loadPipelineFile,
  [],
);

const MANIFEST = { kind: 'docs', complete: true, shards: [{ file: 'a.jsonl', rows: 1 }, { file: 'b.jsonl', rows: 1 }] };

export const curateFolderTarget: FileTarget = {
  name: 'curate-folder',
  what: "a curate output folder (manifest.json edited by JSON and byte edits) given as --input; expandInputs gives files or one UserError",
  arbitrary: async () => mutatedJsonText([MANIFEST]),
  check: async (bytes, ctx) => {
    const dir = join(ctx.dir, 'curated');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.jsonl'), '{"text":"a"}\n');
    writeFileSync(join(dir, 'b.jsonl'), '{"text":"b"}\n');
    writeFileSync(join(dir, 'manifest.json'), bytes);
    await settle(() => expandInputs([dir]));
  },
  bytes: asBytes,
};

export const gzipMembersTarget: FileTarget = {
  name: 'gzip-members',
  what: 'per-record gzip files mutated by member and byte; isPerRecordWarcGzip, findMemberStart and inflateMembers never throw, yield only members that inflate and pass their CRC, at increasing offsets',
  arbitrary: async () => mutatedMemberFile(warcCorpus()),
  check: async (bytes, ctx) => {
    const path = join(ctx.dir, 'members.gz');
    writeFileSync(path, bytes);
    await isPerRecordWarcGzip(path);
    const fh = await open(path, 'r');
    try {
      const start = await findMemberStart(fh, 0, 'WARC/');
      if (start === null) return;
      let last = -1;
      let inflated = 0;
      for await (const member of inflateMembers(fh, start, (m) => {
        if (m.file <= last || m.inflated !== inflated) throw new FuzzViolation(`member offsets out of order: ${JSON.stringify(m)} after ${last}, ${inflated}`);
        last = m.file;
      }, { maxMemberBytes: 1 << 20, prefix: 'WARC/', onSkip: () => {} })) {
        inflated += member.length;
      }
    } finally {
      await fh.close();
    }
  },
  bytes: asBytes,
};

const extractOptions = extractStep.parseOptions({});

export const extractTarget: FuzzTarget<string> = {
  name: 'extract',
  what: 'generated HTML (deep nesting, misnested and raw-text tags, entities, comments) and mutated pages; extractMainText returns text and never throws; the fast tokenizer emits the stock one\'s events',
  arbitrary: async () => fc.oneof(htmlPage, mutatedFile([Buffer.from(SAMPLE_HTML)], 6).map((b) => b.toString('utf8'))),
  check: async (html) => {
    const out = extractMainText(html, extractOptions);
    if (typeof out.text !== 'string') throw new FuzzViolation('extract gave no text string');
    if (FAST_TOKENIZER_ACTIVE && JSON.stringify(parserEvents(html, FastTokenizer)) !== JSON.stringify(parserEvents(html, Tokenizer))) {
      throw new FuzzViolation('the fast tokenizer emitted other events than the stock one');
    }
  },
  bytes: (html) => Buffer.from(html),
};

export const charsetTarget: FuzzTarget<{ body: Buffer; contentType: string }> = {
  name: 'charset',
  what: 'page bytes (BOMs, <meta charset> and http-equiv in odd forms, invalid UTF-8) with random Content-Type values; detectCharset names an encoding decodeWith can use, never throws',
  arbitrary: async () =>
    fc.record({
      body: fc.oneof(
        mutatedFile([Buffer.from(SAMPLE_HTML), Buffer.from('\ufeff<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">'), Buffer.from([0xff, 0xfe, 0x3c, 0x00])], 5),
        fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
      ),
      contentType: fc.oneof(fc.constantFrom('', 'text/html', 'text/html; charset=utf-8', 'text/html; charset="x-user-defined"', 'text/html;charset=', 'text/html; charset=replacement', 'text/plain; charset=utf-16'), fc.string({ maxLength: 30 })),
    }),
  check: async ({ body, contentType }) => {
    const c = detectCharset(body, contentType);
    const text = decodeWith(body, c.encoding);
    if (typeof text !== 'string') throw new FuzzViolation(`decodeWith(${c.encoding}) gave no string`);
  },
  bytes: ({ body }) => body,
};
