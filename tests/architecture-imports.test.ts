// The import rule of docs/architecture.md, checked on every source file: core/ at the bottom, the executor
// (pipelines/) knowing the step registry but no step, nothing importing bench/ or tests/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { importSpecifiers } from './helpers/moduleImports.js';
import { formatImportRules, importViolations, readSourceTree } from './helpers/importRules.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

test('the import scanner reads static, re-export, side-effect, dynamic and worker-URL imports, not comments or strings', () => {
  const source = [
    "import { a, type B } from './a.js';",
    'import type {',
    '  C,',
    "} from '../core/c.js';",
    "import d, * as e from 'node:fs';",
    "export { f as default } from './f.js';",
    "export * from './g.js';",
    "import './side-effect.js';",
    "const h = await import('../h.ts');",
    "await import('@tensorflow/tfjs-backend-webgpu' as string);",
    "const pool = taskPool(new URL('./worker.ts', import.meta.url));",
    "const data = new URL('./tables.bin', import.meta.url); // data, not code",
    "const name = 'x'; const lazy = await import(`./commands/${name}.ts`); // built at run time",
    "// import { no } from './commented.js';",
    "/* export * from './block-commented.js'; */",
    "const fixture = \"import { no } from './in-a-string.js'\";",
    "const re = /import '.\\/in-a-regex.js'/; const half = 1 / 2; const path = import.meta.url;",
    "export const i = Array.from('abc');",
  ].join('\n');
  assert.deepEqual(importSpecifiers(source), ['./a.js', '../core/c.js', 'node:fs', './f.js', './g.js', './side-effect.js', '../h.ts', '@tensorflow/tfjs-backend-webgpu', './worker.ts']);
});

test('the checker reports each arrow the table does not allow, on an in-memory tree', () => {
  const tree = new Map([
    ['core/ok.ts', "import { readFile } from 'node:fs/promises';"],
    ['core/up.ts', "import type { Step } from '../pipelines/step.js';"],
    ['datasets/reader.ts', "import { x } from '../core/document.js';\nconst w = new URL('../crawler/worker.ts', import.meta.url);"],
    ['filters/quality/c4.ts', "import { y } from '../../datasets/reader.js';\nimport '../../crawler/links.js';"],
    ['trainer/train.ts', "import { t } from '../tokenizer/tokenizer.js';"],
    ['pipelines/curate.ts', "import { getStep } from '../filters/registry.js';\nexport { BiasReport } from '../filters/safety/biasReport.js';"],
    ['cli/main.ts', "import { curate } from '../pipelines/curate.js';\nawait import('../bench/run.ts');"],
    ['bench/tokenizer.ts', "import { corpus } from '../tests/helpers/udhrText.js';"],
    ['tests/a.test.ts', "import { curate } from '../pipelines/curate.js';\nimport { h } from './helpers/h.js';"],
    ['docs/tool.ts', "import { x } from '../core/x.js';"],
    ['scripts/gen.ts', "import { y } from '../../vendor/y.js';"],
  ]);
  const arrows = importViolations(tree).map((v) => `${v.from} -> ${v.to}`);
  assert.deepEqual(arrows, [
    'core/up.ts -> pipelines/step.js',
    'datasets/reader.ts -> crawler/worker.ts',
    'filters/quality/c4.ts -> crawler/links.js',
    'pipelines/curate.ts -> filters/safety/biasReport.js',
    'cli/main.ts -> bench/run.ts',
    'bench/tokenizer.ts -> tests/helpers/udhrText.js',
    'docs/tool.ts -> core/x.js',
    'scripts/gen.ts -> ../../vendor/y.js',
  ]);
  const why = importViolations(tree).find((v) => v.from === 'pipelines/curate.ts')!.why;
  assert.equal(why, 'pipelines may import only core, datasets, filters/registry.ts');
});

test('every source file imports only what the architecture allows', () => {
  const files = readSourceTree(ROOT);
  assert.ok(files.has('core/document.ts') && files.has('tests/architecture-imports.test.ts'), 'the walk reads the project');
  const violations = importViolations(files);
  const report = violations.map((v) => `  ${v.from} -> ${v.to}: ${v.why}`).join('\n');
  assert.equal(violations.length, 0, `${violations.length} import(s) break the architecture's rule:\n${report}\n\nThe rule (folder -> what it may import besides itself):\n${formatImportRules()}\n`);
});
