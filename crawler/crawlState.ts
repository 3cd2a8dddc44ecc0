import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { FrontierLog } from './frontierLog.js';
import { WarcWriter, type WarcPosition } from './warcWriter.js';
import type { FetchResponse } from './fetcher.js';
import { RecordCompressor } from './recordCompressor.js';

/** One line of `crawl.jsonl`: what happened to one URL. */
export interface CrawlLogLine {
  url: string;
  status: number | null;
  error: string | null;
  bytes: number;
  depth: number;
  fetched_at: string | null;
  kind?: 'sitemap';
  content_type?: string;
  redirect?: string;
  truncated?: boolean;
  attempts?: number;
  /** The worker that fetched it, in a crawl shared by several processes (`crawl --redis`). */
  process?: string;
}

/** Options of a CrawlState. */
export interface CrawlStateOptions {
  resume: boolean;
  maxWarcBytes: number;
  gzipLevel?: number;
  warcInfo: Record<string, string>;
  /**
   * One worker of a shared crawl: its files are DIR/crawl-NAME-NNNNN.warc.gz, DIR/crawl-NAME.jsonl and
   * DIR/state/NAME/, beside the other workers' (the frontier lives in Redis, so there is no frontier log).
   */
  worker?: string;
  /** Called with the entries of each journal line once it is written (a shared crawl confirms them). */
  onJournaled?: (seqs: number[]) => void;
}

/** The paths of a crawl's state folder and log, plain or of one shared-crawl worker. */
export function crawlPaths(outDir: string, worker?: string): { stateDir: string; log: string; warcPrefix: string } {
  if (worker === undefined) return { stateDir: join(outDir, 'state'), log: join(outDir, 'crawl.jsonl'), warcPrefix: 'crawl' };
  return { stateDir: join(outDir, 'state', worker), log: join(outDir, `crawl-${worker}.jsonl`), warcPrefix: `crawl-${worker}` };
}

/** A growable bitset of finished sequence numbers: 10M entries cost 1.25 MB. */
class Bitset {
  private bits = new Uint8Array(1 << 12);
  has(i: number): boolean {
    return i >> 3 < this.bits.length && (this.bits[i >> 3]! & (1 << (i & 7))) !== 0;
  }
  add(i: number): void {
    if (i >> 3 >= this.bits.length) {
      let n = this.bits.length;
      while (i >> 3 >= n) n *= 2;
      const grown = new Uint8Array(n);
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[i >> 3]! |= 1 << (i & 7);
  }
}

interface JournalLine {
  seqs: number[];
  warc: [number, number];
  log: number;
  pages: number;
}

function writeAll(fd: number, data: Buffer): void {
  let written = 0;
  while (written < data.length) written += writeSync(fd, data, written, data.length - written);
}

/**
 * Everything that must survive kill -9, committed together in one order:
 * frontier log (new URLs) -> WARC records -> crawl.jsonl lines -> journal line naming the finished
 * entries and the WARC/log lengths they ended at. The journal line is the commit point: on resume,
 * WARC and log are cut back to the lengths of the last journal line, entries it names are done,
 * and every other frontier entry (including any in flight at the crash) is fetched again.
 */
export class CrawlState {
  /** The frontier log of a plain crawl; null for a worker of a shared crawl. */
  readonly frontier: FrontierLog | null;
  private readonly warc: WarcWriter;
  private readonly logFd: number;
  private readonly journalFd: number;
  private readonly done = new Bitset();
  private logOffset = 0;
  private pendingLog: string[] = [];
  private pendingSeqs: number[] = [];
  /** Page entries finished (committed or pending): what --max-pages counts. */
  pagesDone = 0;
  /** Entries finished, for progress. */
  finished = 0;
  private lastSync = Date.now();
  private readonly compressor: RecordCompressor;
  /** Commits run one after another (compression is asynchronous); this is the tail of that queue. */
  private chain: Promise<void> = Promise.resolve();
  private commitsQueued = 0;
  private failure: unknown = null;

  constructor(
    outDir: string,
    private readonly opts: CrawlStateOptions,
    onReplay: (url: string) => void,
    /** Called after each commit is on disk, or with the error that stopped committing. */
    private readonly onCommitted: (error?: unknown) => void = () => undefined,
  ) {
    this.compressor = new RecordCompressor(opts.gzipLevel ?? 1);
    const { stateDir, log: logPath, warcPrefix } = crawlPaths(outDir, opts.worker);
    mkdirSync(stateDir, { recursive: true });
    let warcPos: WarcPosition = { index: 0, offset: 0 };
    const journalPath = join(stateDir, 'journal.log');
    if (opts.resume && existsSync(journalPath)) {
      const text = readFileSync(journalPath, 'utf8');
      let good = 0;
      for (const line of text.split('\n')) {
        if (!line) continue;
        let j: JournalLine;
        try {
          j = JSON.parse(line) as JournalLine;
        } catch {
          break; // a torn last line from the crash
        }
        good += Buffer.byteLength(line, 'utf8') + 1;
        for (const s of j.seqs) this.done.add(s);
        this.finished += j.seqs.length;
        warcPos = { index: j.warc[0], offset: j.warc[1] };
        this.logOffset = j.log;
        this.pagesDone = j.pages;
      }
      this.journalFd = openSync(journalPath, 'r+');
      ftruncateSync(this.journalFd, good);
      closeSync(this.journalFd);
    }
    this.journalFd = openSync(journalPath, 'a');
    this.frontier = opts.worker !== undefined ? null : FrontierLog.open(join(stateDir, 'frontier.log'), opts.resume ? (url) => onReplay(url) : undefined);
    warcPos = WarcWriter.recover(outDir, warcPos, warcPrefix);
    this.warc = new WarcWriter(outDir, { maxFileBytes: opts.maxWarcBytes, gzipLevel: opts.gzipLevel, info: opts.warcInfo, prefix: warcPrefix }, warcPos);
    this.logFd = openSync(logPath, existsSync(logPath) ? 'r+' : 'w+');
    if (fstatSync(this.logFd).size > this.logOffset) ftruncateSync(this.logFd, this.logOffset);
    closeSync(this.logFd);
    this.logFd = openSync(logPath, 'a');
  }

  isDone(seq: number): boolean {
    return this.done.has(seq);
  }

  /** Records one finished entry (with its WARC exchange when there was a response). Committed by commit(). */
  finish(seq: number, line: CrawlLogLine, isPage: boolean, response?: FetchResponse): string | null {
    const id = response ? this.warc.addExchange(response, response.url) : null;
    this.pendingLog.push(JSON.stringify(line) + '\n');
    this.pendingSeqs.push(seq);
    this.done.add(seq);
    this.finished++;
    if (isPage) this.pagesDone++;
    return id;
  }

  get pendingCount(): number {
    return this.pendingSeqs.length;
  }

  /** Uncompressed bytes of the WARC records waiting for the next commit. */
  get pendingWarcBytes(): number {
    return this.warc.pendingBytes;
  }

  /** True while so many commits wait for compression that fetching should pause (memory stays bounded). */
  get backlogged(): boolean {
    return this.commitsQueued >= 4;
  }

  /**
   * Group commit; see the class comment for the order and why. The batch is taken now (the frontier log
   * is flushed now), compressed off the main thread, and written after every earlier batch.
   */
  commit(): void {
    this.frontier?.flush();
    if (this.pendingSeqs.length === 0 || this.failure) return;
    const seqs = this.pendingSeqs;
    const log = Buffer.from(this.pendingLog.join(''), 'utf8');
    const pages = this.pagesDone;
    const records = this.warc.takePending();
    this.pendingLog = [];
    this.pendingSeqs = [];
    this.commitsQueued++;
    const compressed = this.compressor.compress(records);
    compressed.catch(() => undefined); // handled in the chain
    this.chain = this.chain.then(async () => {
      if (this.failure) return;
      try {
        const pos = this.warc.write(await compressed);
        writeAll(this.logFd, log);
        this.logOffset += log.length;
        const j: JournalLine = { seqs, warc: [pos.index, pos.offset], log: this.logOffset, pages };
        writeAll(this.journalFd, Buffer.from(JSON.stringify(j) + '\n'));
        this.opts.onJournaled?.(seqs);
        if (this.warc.full) this.warc.rotate();
        // fsync now and then: kill -9 needs none (the page cache survives it), power loss does.
        if (Date.now() - this.lastSync > 5000) this.sync();
        this.commitsQueued--;
        this.onCommitted();
      } catch (e) {
        this.failure = e;
        this.onCommitted(e);
      }
    });
  }

  sync(): void {
    this.frontier?.sync();
    this.warc.sync();
    fsyncSync(this.logFd);
    fsyncSync(this.journalFd);
    this.lastSync = Date.now();
  }

  /** Commits what is left, waits for every commit, finishes the WARC file. */
  async close(): Promise<void> {
    this.commit();
    await this.chain;
    if (this.failure) throw this.failure;
    this.sync();
    this.warc.close();
    this.frontier?.close();
    closeSync(this.logFd);
    closeSync(this.journalFd);
  }
}
