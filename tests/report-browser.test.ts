import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';
import { CHROMIUM, CHROMIUM_ARGS } from './helpers/browser.js';

test('the run report renders its charts in headless Chromium without console errors', { skip: CHROMIUM ? false : 'chromium not installed (apt-get install chromium)' }, async () => {
  const { chromium } = await import('playwright-core');
  const dir = await tempDir();
  const input = join(dir, 'in.jsonl');
  const lines = [...Array(300).keys()].map((i) => JSON.stringify({ id: `d${i}`, text: `Document ${i % 200}: ${'a reasonably long sentence about rights and duties. '.repeat(1 + ((i % 200) % 7))}` }));
  await writeFile(input, lines.join('\n') + '\n' + JSON.stringify({ id: 'blank', text: ' ' }) + '\n');
  const pipeline = join(dir, 'p.json');
  await writeFile(pipeline, JSON.stringify({ steps: [{ step: 'normalise' }, { step: 'exact_dedup' }] }));
  const out = join(dir, 'out');
  const r = await runCli(['run', pipeline, '--input', input, '--out', out, '--workers', '0', '--quiet', '--report-json', join(dir, 'twin.json')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /report: .*report\.html/);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (req) => {
      if (!req.url().startsWith('file:')) problems.push(`network request: ${req.url()}`);
    });
    await page.goto(pathToFileURL(join(out, 'report.html')).href);
    for (const id of ['funnel-chart', 'lang-chart', 'length-chart', 'dup-exact_dedup']) {
      const box = await page.locator(`svg#${id}`).boundingBox();
      assert.ok(box && box.width > 100 && box.height > 10, `${id} rendered with a size`);
      assert.ok((await page.locator(`svg#${id} rect`).count()) > 0, `${id} has bars`);
    }
    const funnel = await page.locator('svg#funnel-chart title').allTextContents();
    assert.deepEqual(funnel, ['input: 301', 'normalise: 300', 'exact_dedup: 200']);
    assert.match(await page.locator('body').innerText(), /exact_dedup:duplicate/);
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
  const twin = JSON.parse(await import('node:fs/promises').then((fs) => fs.readFile(join(dir, 'twin.json'), 'utf8')));
  assert.equal(twin.output.docs, 200);
  assert.deepEqual(twin.funnel.map((f: { step: string }) => f.step), ['normalise', 'exact_dedup']);
});
