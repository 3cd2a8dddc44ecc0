import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from './helpers/tmp.js';
import { jsonlChunks, jsonlChunkDocuments, readJsonl } from '../datasets/jsonlReader.js';
import { collect } from './helpers/collect.js';

test('JSONL chunks end on line ends and keep line numbers for ids, sources and warnings', async () => {
  const dir = await tempDir();
  const file = join(dir, 'c.jsonl');
  const lines: string[] = [];
  for (let i = 1; i <= 400; i++) {
    if (i % 50 === 0) lines.push(''); // blank line: numbered, skipped
    else if (i % 97 === 0) lines.push('{"text": broken');
    else lines.push(JSON.stringify({ text: `line ${i} ` + 'x'.repeat(i % 40) }) + (i % 3 === 0 ? '\r' : ''));
  }
  await writeFile(file, lines.join('\n')); // no newline at the end
  const chunks = await collect(jsonlChunks(file, false, { chunkBytes: 512 }));
  assert.ok(chunks.length > 10, `many chunks (${chunks.length})`);
  for (const c of chunks.slice(0, -1)) assert.equal(c.data.at(-1), 10, 'a chunk ends with a newline');
  assert.equal(chunks.reduce((n, c) => n + c.fileBytes, 0), (await readFile(file)).length, 'every file byte is accounted once');
  const warnings: string[] = [];
  const docs = chunks.flatMap((c) => [...jsonlChunkDocuments(file, c, { onWarning: (m) => warnings.push(m) })]);
  const expected = lines.flatMap((l, i) => (l === '' || l.startsWith('{"text": b') ? [] : [{ id: `c.jsonl:${i + 1}`, text: JSON.parse(l).text as string }]));
  assert.deepEqual(docs.map((d) => ({ id: d.id, text: d.text })), expected);
  assert.deepEqual(warnings, [97, 194, 291, 388].map((n) => `${file}:${n}: not valid JSON; skipped`));
  // The streaming reader is the same framing and parsing, gzipped or not.
  const gz = join(dir, 'c.jsonl.gz');
  await writeFile(gz, gzipSync(await readFile(file)));
  assert.deepEqual((await collect(readJsonl(gz, true))).map((d) => d.text), expected.map((d) => d.text));
});
