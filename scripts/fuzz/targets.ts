// Every fuzz target, by name: what the campaign (scripts/fuzz.ts) and the CI tests run.
import { jsonlGzTarget, jsonlTarget, parquetTarget, warcGzTarget, warcTarget } from './readerTargets.js';
import { linksTarget, robotsTarget, sitemapTarget, urlTarget } from './crawlerTargets.js';
import { charsetTarget, curateFolderTarget, extractTarget, gzipMembersTarget, pipelineFileTarget, tokenizerJsonTarget } from './fileTargets.js';
import { cliTarget } from './cliTarget.js';
import type { FuzzTarget } from './target.js';

export const TARGETS: readonly FuzzTarget<never>[] = [
  warcGzTarget, warcTarget, jsonlTarget, jsonlGzTarget, parquetTarget, gzipMembersTarget, curateFolderTarget,
  robotsTarget, sitemapTarget, linksTarget, urlTarget, extractTarget, charsetTarget, tokenizerJsonTarget, pipelineFileTarget, cliTarget,
] as unknown as FuzzTarget<never>[];

export function targetNamed(name: string): FuzzTarget<never> | undefined {
  return TARGETS.find((t) => t.name === name);
}
