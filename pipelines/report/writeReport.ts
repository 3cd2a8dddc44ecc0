import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../core/atomicFile.js';
import { renderReportHtml } from './reportHtml.js';
import type { RunReport } from './runReport.js';

/**
 * Writes DIR/report.html and DIR/report.json (and the JSON to `jsonPath` too when given).
 * `suffix` (e.g. `-r3`) keeps the ranks of a split run from overwriting each other.
 */
export async function writeRunReport(dir: string, report: RunReport, jsonPath?: string, suffix = ''): Promise<string> {
  const html = join(dir, `report${suffix}.html`);
  await writeFileAtomic(html, renderReportHtml(report));
  await writeJsonAtomic(join(dir, `report${suffix}.json`), report);
  if (jsonPath) await writeJsonAtomic(jsonPath, report);
  return html;
}
