import { Agent, type Dispatcher } from 'undici';
import { createBrotliDecompress, createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import type { Transform } from 'node:stream';
import { AddressRefusedError, guardedConnector } from './addressGuard.js';
import { originOf } from './url.js';

/** Why a fetch failed; drives retry decisions and the crawl log's `error` field. */
export type FetchErrorKind = 'timeout' | 'connect' | 'dns' | 'reset' | 'address_refused' | 'decode' | 'other';

export class FetchError extends Error {
  override readonly name = 'FetchError';
  constructor(readonly kind: FetchErrorKind, message: string) {
    super(message);
  }
  /** Transient failures worth another try (with backoff). */
  get retryable(): boolean {
    return this.kind === 'timeout' || this.kind === 'connect' || this.kind === 'reset';
  }
}

export interface FetchResponse {
  /** The URL requested (redirects are not followed here). */
  url: string;
  status: number;
  statusText: string;
  /** Response header lines exactly as received (name case and order kept), for the WARC record. */
  headerLines: [string, string][];
  /** Lower-cased header lookup (repeated headers joined with ", "). */
  headers: Record<string, string>;
  /** The payload with Content-Encoding removed (when it was gzip, deflate or br), at most maxBytes long. */
  body: Buffer;
  /** True when Content-Encoding was removed from `body` (the WARC then renames that header). */
  decoded: boolean;
  /** True when the payload was cut at maxBytes (counted after decompression). */
  truncated: boolean;
  /** The request head as sent (`GET /path HTTP/1.1` + headers), for the WARC request record. */
  requestHead: string;
  fetchedAt: Date;
}

export interface FetcherOptions {
  userAgent: string;
  /** Connect, response-header and body-idle timeout, each. */
  timeoutMs: number;
  /** Whole-request deadline, against servers that drip one byte per idle timeout. */
  totalTimeoutMs?: number;
  maxBytes: number;
  allowPrivate: boolean;
  /** Connections kept per origin (match the per-host concurrency so undici never queues). */
  connectionsPerOrigin: number;
}

let lastFetchedAt: Date | null = null;
let lastIso = '';

/** res.fetchedAt as ISO 8601, computed once per response (the log line, the WARC date and the document all use it). */
export function fetchedAtIso(res: FetchResponse): string {
  if (res.fetchedAt !== lastFetchedAt) {
    lastFetchedAt = res.fetchedAt;
    lastIso = res.fetchedAt.toISOString();
  }
  return lastIso;
}

const ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5';
const ACCEPT_ENCODING = 'gzip, deflate, br';

class TruncatedSignal extends Error {}
class DeadlineSignal extends Error {}

function decoderFor(encoding: string, firstByte: number): Transform | null {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      // "deflate" is meant to be zlib-wrapped, but some servers send raw deflate: a zlib header starts 0x?8.
      return (firstByte & 0x0f) === 8 ? createInflate() : createInflateRaw();
    case 'br':
      return createBrotliDecompress();
    default:
      return null;
  }
}

export function classifyError(err: unknown): FetchError {
  if (err instanceof FetchError) return err;
  if (err instanceof AddressRefusedError) return new FetchError('address_refused', err.message);
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = e?.code ?? e?.cause?.code ?? '';
  const msg = e?.message ?? String(err);
  if (code === 'ERR_ADDRESS_REFUSED' || e?.cause instanceof AddressRefusedError) return new FetchError('address_refused', msg);
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'ETIMEDOUT') {
    return new FetchError('timeout', msg);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return new FetchError('dns', msg);
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return new FetchError('connect', msg);
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE' || code === 'UND_ERR_CLOSED') return new FetchError('reset', msg);
  return new FetchError('other', msg);
}

/**
 * One GET in flight: undici's dispatch handler plus the response being collected. A class rather than
 * closures made per request: the per-request closures (and, under tsx, their name bookkeeping) were ~5%
 * of the crawl loop's main-thread time on small pages.
 */
class Exchange implements Dispatcher.DispatchHandler {
  private abort: ((err?: Error) => void) | undefined;
  private settled = false;
  private status = 0;
  private statusText = '';
  private headerLines: [string, string][] = [];
  private lower: Record<string, string> = {};
  private decoder: Transform | null = null;
  private encoding = '';
  private first: Buffer | null = null;
  private chunks: Buffer[] | null = null;
  private size = 0;
  private truncated = false;
  private resumeSocket: (() => void) | undefined;
  readonly startedAt = Date.now();

  constructor(
    private readonly url: string,
    private readonly maxBytes: number,
    private readonly requestHead: string,
    private readonly fetchedAt: Date,
    private readonly resolve: (r: FetchResponse) => void,
    private readonly reject: (e: FetchError) => void,
    private readonly onSettled: (x: Exchange) => void,
  ) {}

  private body(): Buffer {
    if (this.chunks !== null) return Buffer.concat(this.chunks, this.size);
    return this.first ?? Buffer.alloc(0);
  }

  finish(): void {
    if (this.settled) return;
    this.settled = true;
    this.onSettled(this);
    this.resolve({
      url: this.url, status: this.status, statusText: this.statusText, headerLines: this.headerLines, headers: this.lower,
      body: this.body(), decoded: this.decoder !== null, truncated: this.truncated, requestHead: this.requestHead, fetchedAt: this.fetchedAt,
    });
  }

  fail(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.onSettled(this);
    this.decoder?.destroy();
    this.reject(classifyError(err));
  }

  /** The whole-request deadline passed (checked by the fetcher's sweep). */
  expire(totalMs: number): void {
    // Settle first: abort() reports its signal through onError synchronously, which must not win.
    this.fail(new FetchError('timeout', `no complete response within ${totalMs} ms`));
    this.abort?.(new DeadlineSignal('total timeout'));
  }

  private take(chunk: Buffer): void {
    if (this.truncated) return;
    const room = this.maxBytes - this.size;
    if (chunk.length > room) {
      if (room > 0) this.push(chunk.subarray(0, room));
      this.size = this.maxBytes;
      this.truncated = true;
      this.decoder?.destroy();
      this.abort?.(new TruncatedSignal('max bytes'));
      this.finish();
      return;
    }
    this.push(chunk);
  }

  // Small pages arrive in one chunk: kept as is, no concatenation.
  private push(chunk: Buffer): void {
    if (this.first === null) this.first = chunk;
    else (this.chunks ??= [this.first]).push(chunk);
    this.size += chunk.length;
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort;
  }

  onHeaders(code: number, raw: Buffer[], resume: () => void, text: string): boolean {
    if (code < 200) return true; // 1xx informational: the real head follows
    this.status = code;
    this.statusText = text ?? '';
    const lines: [string, string][] = [];
    const lower: Record<string, string> = {};
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i]!.toString('latin1');
      const value = raw[i + 1]!.toString('latin1');
      lines.push([name, value]);
      const key = name.toLowerCase();
      lower[key] = key in lower ? `${lower[key]}, ${value}` : value;
    }
    this.headerLines = lines;
    this.lower = lower;
    let encoding = lower['content-encoding'];
    if (encoding !== undefined) {
      encoding = encoding.trim().toLowerCase();
      this.encoding = encoding === 'identity' ? '' : encoding;
    }
    this.resumeSocket = resume;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.settled || this.truncated) return true;
    if (this.encoding !== '' && this.decoder === null) this.startDecoder(chunk[0] ?? 0);
    const decoder = this.decoder;
    if (decoder) {
      // Backpressure: pause the socket while zlib works through what it has (a bomb stays small).
      const ok = decoder.write(chunk);
      if (!ok) decoder.once('drain', () => this.resumeSocket?.());
      return ok;
    }
    this.take(chunk);
    return true;
  }

  private startDecoder(firstByte: number): void {
    const d = decoderFor(this.encoding, firstByte);
    if (!d) return;
    this.decoder = d;
    d.on('data', (c: Buffer) => this.take(c));
    d.on('error', (err: Error) => this.fail(new FetchError('decode', `bad ${this.encoding} body: ${err.message}`)));
    d.on('end', () => this.finish());
  }

  onComplete(): void {
    if (this.decoder) this.decoder.end();
    else this.finish();
  }

  onError(err: Error): void {
    if (err instanceof TruncatedSignal || this.truncated) return this.finish();
    this.fail(err);
  }
}

/**
 * HTTP GET over undici's Agent (a keep-alive connection pool per origin) through the low-level
 * dispatch API: it hands over the raw header lines for a faithful WARC record and costs less per
 * request than `request()`'s stream wrapper. Redirects are returned, not followed: the crawler
 * checks each hop against scope, robots.txt and the address rule.
 */
export class Fetcher {
  private readonly agent: Agent;
  private readonly headers: Record<string, string>;
  private readonly totalMs: number;
  /** Requests in flight, for the whole-request deadline: one sweep timer instead of a timer per request. */
  private readonly active = new Set<Exchange>();
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly settled = (x: Exchange): void => {
    this.active.delete(x);
  };

  constructor(private readonly opts: FetcherOptions) {
    this.agent = new Agent({
      connect: guardedConnector({ allowPrivate: opts.allowPrivate, connectTimeoutMs: opts.timeoutMs }),
      connections: opts.connectionsPerOrigin,
      pipelining: 1,
      keepAliveTimeout: 10_000,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
    this.headers = { 'user-agent': opts.userAgent, accept: ACCEPT, 'accept-encoding': ACCEPT_ENCODING };
    this.totalMs = opts.totalTimeoutMs ?? opts.timeoutMs * 6;
  }

  private sweep(): void {
    const now = Date.now();
    for (const x of this.active) if (now - x.startedAt >= this.totalMs) x.expire(this.totalMs);
    if (this.active.size === 0 && this.sweepTimer) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = null;
    }
  }

  fetch(url: string, maxBytes = this.opts.maxBytes): Promise<FetchResponse> {
    // The URL is normalised already: origin and path by slicing, not a second parse.
    const origin = originOf(url);
    const path = url.length > origin.length ? url.slice(origin.length) : '/';
    const host = origin.slice(origin.indexOf('//') + 2);
    const requestHead =
      `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ${this.opts.userAgent}\r\nAccept: ${ACCEPT}\r\n` +
      `Accept-Encoding: ${ACCEPT_ENCODING}\r\nConnection: keep-alive\r\n\r\n`;
    return new Promise<FetchResponse>((resolve, reject) => {
      const x = new Exchange(url, maxBytes, requestHead, new Date(), resolve, reject, this.settled);
      this.active.add(x);
      // The deadline is checked a few times per period, so it fires at most ~1/8 of it late.
      this.sweepTimer ??= setInterval(() => this.sweep(), Math.max(10, Math.min(1000, this.totalMs >> 3))).unref();
      try {
        this.agent.dispatch({ origin, path, method: 'GET', headers: this.headers, headersTimeout: this.opts.timeoutMs, bodyTimeout: this.opts.timeoutMs }, x);
      } catch (e) {
        x.fail(e);
      }
    });
  }

  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    await this.agent.close();
  }

  /** Drops open connections at once (for stop on error). */
  async destroy(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    await this.agent.destroy();
  }
}
