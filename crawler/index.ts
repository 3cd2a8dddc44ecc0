// The crawler's public surface.
export { Crawler } from './crawler.js';
export { SharedCrawler } from './sharedCrawler.js';
export { createCrawler } from './createCrawler.js';
export { DEFAULT_CRAWL_OPTIONS, DEFAULT_USER_AGENT, type CrawlOptions, type CrawlProgress, type CrawlRunner, type CrawlSummary, type SharedCrawlOptions } from './options.js';
export { readSeedFile, type SeedFile } from './seeds.js';
export { crawlDocuments } from './crawlDocuments.js';
export { normaliseUrl, MAX_URL_LENGTH } from './url.js';
export { Scope, registrableDomain, type ScopeMode } from './scope.js';
export { SeenSet } from './seenSet.js';
export { isPublicAddress } from './addressGuard.js';
export { detectCharset, decodeHtml, type DetectedCharset } from '../datasets/charset.js';
export type { CrawlLogLine } from './crawlState.js';
