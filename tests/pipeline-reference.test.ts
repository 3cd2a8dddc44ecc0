import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pipelineReferenceMarkdown } from '../pipelines/pipelineReference.js';

test('docs/pipeline-reference.md matches the schema and step registry (run `npm run docs` after changing them)', () => {
  const committed = readFileSync(new URL('../docs/pipeline-reference.md', import.meta.url), 'utf8');
  assert.equal(committed, pipelineReferenceMarkdown());
});
