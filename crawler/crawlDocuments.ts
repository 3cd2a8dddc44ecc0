import type { Document } from '../core/document.js';
import { createCrawler } from './createCrawler.js';
import type { CrawlOptions, CrawlRunner, CrawlSummary } from './options.js';

/**
 * Runs a crawl and yields its HTML pages as documents as they arrive, so they can flow straight into the
 * curate pipeline. Backpressure: when `highWaterMark` documents wait unconsumed, no new fetch starts
 * until the consumer catches up. The crawl still writes its WARC files and state (it stays resumable).
 * `onSummary` receives the crawl summary when the crawl ends.
 */
export async function* crawlDocuments(
  options: Partial<CrawlOptions> & Pick<CrawlOptions, 'seeds' | 'outDir'>,
  extra: { highWaterMark?: number; onSummary?: (s: CrawlSummary) => void } = {},
): AsyncGenerator<Document> {
  const highWaterMark = extra.highWaterMark ?? 256;
  const queue: Document[] = [];
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  // Our own stop signal, so a consumer that stops early (break) ends the crawl cleanly.
  const stop = new AbortController();
  const outer = options.signal;
  const forward = (): void => stop.abort();
  if (outer?.aborted) stop.abort();
  outer?.addEventListener('abort', forward);
  const crawler: CrawlRunner = createCrawler({
    ...options,
    signal: stop.signal,
    onDocument: (doc) => {
      queue.push(doc);
      notify();
    },
    shouldPause: () => queue.length >= highWaterMark,
  });
  let ended = false;
  let failure: unknown = null;
  const run = crawler.run().then(
    (s) => extra.onSummary?.(s),
    (e: unknown) => {
      failure = e;
    },
  ).finally(() => {
    ended = true;
    notify();
  });
  try {
    for (;;) {
      if (queue.length > 0) {
        const doc = queue.shift()!;
        if (queue.length === highWaterMark - 1) crawler.resumeDispatch();
        yield doc;
        continue;
      }
      if (ended) break;
      await new Promise<void>((r) => {
        wake = r;
      });
    }
    await run;
    if (failure) throw failure;
  } finally {
    if (!ended) {
      stop.abort();
      crawler.resumeDispatch();
    }
    await run;
    outer?.removeEventListener('abort', forward);
  }
}
