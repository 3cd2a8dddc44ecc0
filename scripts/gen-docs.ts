// `npm run docs`: regenerates the pipeline file reference and JSON Schema from the code.
import { writeFileSync } from 'node:fs';
import { pipelineJsonSchema, pipelineReferenceMarkdown } from '../pipelines/pipelineReference.js';

const docs = new URL('../docs/', import.meta.url);
writeFileSync(new URL('pipeline-reference.md', docs), pipelineReferenceMarkdown());
writeFileSync(new URL('pipeline.schema.json', docs), JSON.stringify(pipelineJsonSchema(), null, 2) + '\n');
console.log('docs: wrote docs/pipeline-reference.md and docs/pipeline.schema.json');
