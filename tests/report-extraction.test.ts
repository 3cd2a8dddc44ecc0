// The run report's extraction samples: kept text beside removed text for a deterministic, bounded
// sample of input pages, without touching the corpus or stats.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from './helpers/tmp.js';
import { runCli } from './helpers/cli.js';
import { extractionSamples } from '../pipelines/report/extractionSamples.js';
import { renderReportHtml } from '../pipelines/report/reportHtml.js';
import { curateReport, type RunReport } from '../pipelines/report/runReport.js';
import { emptyRunStats } from '../pipelines/stats.js';

const prose = (n: number) =>
  `Paragraph ${n} of the article talks about rivers, their deltas, and the towns along them, at a length that reads as real prose.`;

function page(n: number): string {
  return `<html><head><title>Page ${n}</title></head><body><nav><a href="/">NAV_HOME</a> <a href="/about">About us</a></nav>
<article>${[1, 2, 3, 4, 5].map((i) => `<p>${prose(n * 10 + i)}</p>`).join('')}</article>
<footer>FOOTER_LINE © 2026 Example</footer></body></html>`;
}

async function htmlInput(pages: number): Promise<string> {
  const dir = await tempDir('cf-report-extract-');
  await Promise.all(Array.from({ length: pages }, (_, i) => writeFile(join(dir, `p${String(i).padStart(2, '0')}.html`), page(i))));
  return dir;
}

test('report: extraction samples show kept and removed text for a deterministic sample', async () => {
  const input = await htmlInput(12);
  const steps = [{ step: 'extract' }, { step: 'normalise' }];
  const a = (await extractionSamples({ inputs: [input], steps, samples: 3, maxChars: 300 }))!;
  const b = (await extractionSamples({ inputs: [input], steps, samples: 3, maxChars: 300 }))!;
  assert.deepEqual(a, b);
  assert.equal(a.length, 3);
  for (const s of a) {
    assert.equal(s.outcome, 'kept');
    assert.match(s.kept, /Paragraph \d+ of the article/);
    assert.ok(!s.kept.includes('NAV_HOME') && !s.kept.includes('FOOTER_LINE'));
    assert.ok(s.removed.includes('NAV_HOME') && s.removed.includes('FOOTER_LINE'));
    assert.ok(s.kept.length <= 301 && s.keptChars > 300, 'texts are cut at maxChars');
    assert.match(s.title!, /^Page \d+$/);
  }
  // The sample does not depend on how many pages were scanned past it, only on the ids.
  const fewer = (await extractionSamples({ inputs: [input], steps, samples: 3, scanPages: 12 }))!;
  assert.deepEqual(fewer.map((s) => s.id), a.map((s) => s.id));
  assert.equal(await extractionSamples({ inputs: [input], steps: [{ step: 'normalise' }] }), undefined, 'no extract step, no samples');

  const report: RunReport = { ...curateReport(emptyRunStats(), 't'), extraction: a };
  const html = renderReportHtml(report);
  assert.ok(html.includes('Extraction: kept and removed'));
  assert.ok(html.includes('NAV_HOME') && html.includes('class="removed"'));
  assert.ok(renderReportHtml(curateReport(emptyRunStats(), 't')).includes('no HTML extraction in this run'));
});

test('report: curate writes the samples into report.json, not into stats.json', async () => {
  const input = await htmlInput(4);
  const out = await tempDir('cf-report-out-');
  const r = await runCli(['curate', '--input', input, '--out', join(out, 'c'), '--workers', '0', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(await readFile(join(out, 'c', 'report.json'), 'utf8')) as RunReport;
  assert.equal(report.extraction?.length, 4);
  const stats = JSON.parse(await readFile(join(out, 'c', 'stats.json'), 'utf8')) as Record<string, unknown>;
  assert.ok(!JSON.stringify(stats).includes('NAV_HOME'), 'stats.json holds no sample');
  assert.ok((await readdir(join(out, 'c'))).includes('report.html'));
});
