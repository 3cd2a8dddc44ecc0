import { Crawler } from './crawler.js';
import type { CrawlOptions, CrawlRunner } from './options.js';
import { SharedCrawler } from './sharedCrawler.js';

/** The crawl the options ask for: one process with its state on disk, or one worker of a crawl shared through Redis. */
export function createCrawler(options: Partial<CrawlOptions> & Pick<CrawlOptions, 'seeds' | 'outDir'>): CrawlRunner {
  const shared = options.shared;
  return shared ? new SharedCrawler({ ...options, shared }) : new Crawler(options);
}
