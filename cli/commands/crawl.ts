import { resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import type { Command } from '../command.js';
import { intFlag, parseCommandArgs } from '../args.js';
import { UserError } from '../../core/errors.js';
import { createCrawler } from '../../crawler/createCrawler.js';
import { DEFAULT_CRAWL_OPTIONS, DEFAULT_USER_AGENT, type CrawlOptions, type CrawlProgress, type CrawlSummary, type SharedCrawlOptions } from '../../crawler/options.js';
import { hostname } from 'node:os';
import { readSeedFile } from '../../crawler/seeds.js';
import { SCOPE_MODES, type ScopeMode } from '../../crawler/scope.js';
import { crawlDocuments } from '../../crawler/crawlDocuments.js';
import { curate } from '../../pipelines/curate.js';
import { loadPipelineFile } from '../../pipelines/pipelineFile.js';
import { configChoice, recipeLine, shippedRecipe, type RecipeChoice } from '../../pipelines/defaultRecipe.js';

const d = DEFAULT_CRAWL_OPTIONS;
const DEFAULT_LEASE_MS = 60_000;

const help = `usage: corpusforge crawl --seeds FILE --out DIR [options]

Crawls from seed URLs, politely (robots.txt, per-host delay and concurrency), into WARC files.

  --seeds FILE               one URL per line; blank lines and # comments ignored
  --out DIR                  DIR/crawl-NNNNN.warc.gz, DIR/crawl.jsonl (one line per URL), DIR/state/
  --max-pages N              start at most N pages (a started page that needs a retry still finishes; default: no limit)
  --max-depth N              links followed from the seeds at most N deep (default ${d.maxDepth})
  --scope host|domain|any    follow links within the seeds' hosts, registrable domains, or anywhere (default ${d.scope})
  --concurrency N            requests in flight overall (default ${d.concurrency})
  --per-host-concurrency N   requests in flight per host (default ${d.perHostConcurrency})
  --delay-ms N               time between requests to one host; a larger robots.txt Crawl-delay wins (default ${d.delayMs})
  --timeout-ms N             connect, header and idle-body timeout (default ${d.timeoutMs})
  --max-bytes N              body cap after decompression; longer bodies are cut and marked (default ${d.maxBytes})
  --retries N                tries per URL on 5xx, 429, timeouts and resets (default ${d.maxTries})
  --user-agent UA            (default "${DEFAULT_USER_AGENT}"); robots.txt groups match its first word
  --warc-max-bytes N         rotate WARC files at this size (default ${d.maxWarcBytes})
  --no-sitemaps              do not read sitemaps (robots.txt Sitemap lines and /sitemap.xml)
  --allow-private            allow loopback/private/link-local addresses (intranet or test crawls)
  --resume                   continue the crawl in DIR after a stop or crash
  --curate DIR               also stream the pages straight into the curate pipeline, writing Parquet shards
                             to DIR as pages arrive (steps from --config FILE; default: pipelines/web.json, as
                             curate picks for WARC input)
  --config FILE              pipeline file for --curate ({"steps": [...]})
  --workers N                curate worker threads for --curate (default: number of cores)

Shared crawl (N processes on any machines, one Redis; docs/crawler.md "Shared crawl"):
  --redis URL                keep the frontier, seen-set, leases, robots.txt cache and per-host politeness in
                             Redis (redis://HOST:PORT[/DB], rediss://..., unix:/PATH); per-host delay and
                             concurrency hold across all processes (the first process's values rule)
  --crawl-id NAME            the crawl in Redis; every process of one crawl gives the same (required with --redis)
  --worker NAME              this process in the crawl (default HOSTNAME-PID): its files are
                             DIR/crawl-NAME-NNNNN.warc.gz and DIR/crawl-NAME.jsonl; restart a killed worker with
                             the same NAME and --resume to recover what it had fetched but not yet written
  --lease-ms N               a killed process's URLs return to the frontier after this (default ${DEFAULT_LEASE_MS})
  --rank R --world-size W    with --curate: this process's rank of the curated corpus (docs-rR-*.parquet)

Ctrl-C stops after the requests in flight; --resume continues.`;

function formatErrors(errors: Record<string, number>): string {
  const parts = Object.entries(errors).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`);
  return parts.length ? parts.join(', ') : 'none';
}

function progressLine(p: CrawlProgress): string {
  return `crawl: ${p.pagesFetched} pages, ${p.pagesPerSec.toFixed(1)} pages/s, queue ${p.queued}, in flight ${p.inflight}, hosts ${p.hostsActive}, errors: ${formatErrors(p.errors)}`;
}

/** The shared-crawl flags as options, or undefined without --redis. */
function sharedOptions(values: { redis?: string; 'crawl-id'?: string; worker?: string; 'lease-ms'?: string }): SharedCrawlOptions | undefined {
  if (values.redis === undefined) {
    if (values['crawl-id'] !== undefined || values.worker !== undefined || values['lease-ms'] !== undefined) {
      throw new UserError('crawl: --crawl-id, --worker and --lease-ms go with --redis URL');
    }
    return undefined;
  }
  if (values['crawl-id'] === undefined) throw new UserError('crawl --redis: --crawl-id NAME is required (the same for every process of the crawl)');
  return {
    redisUrl: values.redis, crawlId: values['crawl-id'],
    worker: values.worker ?? `${hostname().replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 50)}-${process.pid}`,
    leaseMs: intFlag('lease-ms', values['lease-ms'], DEFAULT_LEASE_MS, 100),
  };
}

export const command: Command = {
  name: 'crawl',
  summary: 'Crawl from seed URLs into WARC files (robots.txt, politeness, resume)',
  help,
  async run(argv) {
    const { values } = parseCommandArgs('crawl', argv, {
      seeds: { type: 'string' }, out: { type: 'string' }, 'max-pages': { type: 'string' }, 'max-depth': { type: 'string' },
      scope: { type: 'string' }, concurrency: { type: 'string' }, 'per-host-concurrency': { type: 'string' },
      'delay-ms': { type: 'string' }, 'timeout-ms': { type: 'string' }, 'max-bytes': { type: 'string' }, retries: { type: 'string' },
      'user-agent': { type: 'string' }, 'warc-max-bytes': { type: 'string' }, 'no-sitemaps': { type: 'boolean' },
      'allow-private': { type: 'boolean' }, resume: { type: 'boolean' }, curate: { type: 'string' },
      config: { type: 'string' }, workers: { type: 'string' }, redis: { type: 'string' }, 'crawl-id': { type: 'string' },
      worker: { type: 'string' }, 'lease-ms': { type: 'string' }, rank: { type: 'string' }, 'world-size': { type: 'string' },
    });
    const shared = sharedOptions(values);
    if ((values.rank !== undefined || values['world-size'] !== undefined) && values.curate === undefined) throw new UserError('crawl: --rank and --world-size go with --curate DIR');
    if (shared && values.curate !== undefined && values['world-size'] === undefined) {
      throw new UserError('crawl --redis --curate: give --rank R --world-size W, so that each process writes its own rank of the curated corpus');
    }
    if (!values.seeds) throw new UserError('crawl: --seeds FILE is required');
    if (!values.out) throw new UserError('crawl: --out DIR is required');
    const scope = (values.scope ?? d.scope) as ScopeMode;
    if (!SCOPE_MODES.includes(scope)) throw new UserError(`--scope must be one of ${SCOPE_MODES.join(', ')}, got '${values.scope}'`);
    if ((values.config !== undefined || values.workers !== undefined) && values.curate === undefined) {
      throw new UserError('crawl: --config and --workers go with --curate DIR');
    }
    if (values.curate !== undefined && values.resume) {
      throw new UserError('crawl: --curate cannot be combined with --resume (a resumed crawl hands on only the pages it fetches now); curate the WARC files instead: corpusforge curate --input OUT');
    }
    const pipeline = values.config ? await loadPipelineFile(values.config) : undefined;
    const outStat = await stat(values.out).catch(() => null);
    if (outStat && !outStat.isDirectory()) throw new UserError(`--out ${values.out} exists and is not a directory`);
    const { seeds, problems } = await readSeedFile(values.seeds);
    for (const p of problems) console.error(`warning: ${p} (skipped)`);
    if (seeds.length === 0) throw new UserError(`${values.seeds}: no valid seed URL`);
    const userAgent = values['user-agent'] ?? DEFAULT_USER_AGENT;
    if (!/^[\x20-\x7e]+$/.test(userAgent)) throw new UserError('--user-agent must be printable ASCII');

    const stop = new AbortController();
    const onSigint = (): void => {
      if (stop.signal.aborted) process.exit(130);
      console.error('\ncrawl: stopping after requests in flight (Ctrl-C again to quit at once)');
      stop.abort();
    };
    process.on('SIGINT', onSigint);
    const tty = process.stderr.isTTY === true;
    const opts: Partial<CrawlOptions> & Pick<CrawlOptions, 'seeds' | 'outDir'> = {
      seeds, outDir: resolve(values.out), scope,
      maxPages: values['max-pages'] === undefined ? d.maxPages : intFlag('max-pages', values['max-pages'], 0, 1),
      maxDepth: intFlag('max-depth', values['max-depth'], d.maxDepth),
      concurrency: intFlag('concurrency', values.concurrency, d.concurrency, 1),
      perHostConcurrency: intFlag('per-host-concurrency', values['per-host-concurrency'], d.perHostConcurrency, 1),
      delayMs: intFlag('delay-ms', values['delay-ms'], d.delayMs),
      timeoutMs: intFlag('timeout-ms', values['timeout-ms'], d.timeoutMs, 1),
      maxBytes: intFlag('max-bytes', values['max-bytes'], d.maxBytes, 1),
      maxTries: intFlag('retries', values.retries, d.maxTries, 1),
      maxWarcBytes: intFlag('warc-max-bytes', values['warc-max-bytes'], d.maxWarcBytes, 1024),
      userAgent, sitemaps: !values['no-sitemaps'], allowPrivate: values['allow-private'] === true, resume: values.resume === true,
      signal: stop.signal, ...(shared ? { shared } : {}),
      ...(tty ? { onProgress: (p: CrawlProgress) => process.stderr.write(`\r\x1b[2K${progressLine(p)}`) } : {}),
    };
    let summary: CrawlSummary | undefined;
    try {
      if (values.curate === undefined) summary = await createCrawler(opts).run();
      else {
        // Pages flow into the worker pool as they arrive; the crawl pauses when curation falls behind.
        const recipe: RecipeChoice = pipeline?.steps ? configChoice(pipeline.path) : { name: 'web', chosen: 'input', why: 'chosen from the input (crawled web pages)' };
        console.error(`crawl --curate: ${recipeLine(recipe)}`);
        const result = await curate({
          source: crawlDocuments(opts, { onSummary: (x) => (summary = x) }),
          out: resolve(values.curate),
          steps: pipeline?.steps ?? (await shippedRecipe('web')),
          recipe,
          workers: values.workers === undefined ? undefined : intFlag('workers', values.workers, 0),
          ...(values['world-size'] !== undefined ? { rank: intFlag('rank', values.rank, 0), worldSize: intFlag('world-size', values['world-size'], 1, 1) } : {}),
          ...(pipeline?.curate ?? {}),
        });
        const st = result.stats;
        console.log(`curate: ${st.input.docs} pages in, ${st.output.docs} kept in ${st.output.shards} shards; output in ${resolve(values.curate)}`);
      }
    } finally {
      process.off('SIGINT', onSigint);
      if (tty) process.stderr.write('\r\x1b[2K');
    }
    if (!summary) throw new Error('crawl ended without a summary');
    const secs = summary.elapsedMs / 1000;
    console.log(
      `crawl ${summary.stoppedBy === 'done' ? 'finished' : `stopped (${summary.stoppedBy})`}: ${summary.pagesFetched} pages fetched in ${secs.toFixed(1)} s ` +
        `(${summary.pagesPerSec.toFixed(1)} pages/s), ${summary.finished} URLs done in total, ${summary.queued} queued, ` +
        `${(summary.bytes / 1e6).toFixed(1)} MB, errors: ${formatErrors(summary.errors)}; output in ${opts.outDir}`,
    );
    return summary.stoppedBy === 'signal' ? 130 : 0;
  },
};
