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
 * HTTP GET over undici's Agent (a keep-alive connection pool per origin) through the low-level
 * dispatch API: it hands over the raw header lines for a faithful WARC record and costs less per
 * request than `request()`'s stream wrapper. Redirects are returned, not followed: the crawler
 * checks each hop against scope, robots.txt and the address rule.
 */
export class Fetcher {
  private readonly agent: Agent;

  constructor(private readonly opts: FetcherOptions) {
    this.agent = new Agent({
      connect: guardedConnector({ allowPrivate: opts.allowPrivate, connectTimeoutMs: opts.timeoutMs }),
      connections: opts.connectionsPerOrigin,
      pipelining: 1,
      keepAliveTimeout: 10_000,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
  }

  fetch(url: string, maxBytes = this.opts.maxBytes): Promise<FetchResponse> {
    // The URL is normalised already: origin and path by slicing, not a second parse.
    const origin = originOf(url);
    const path = url.length > origin.length ? url.slice(origin.length) : '/';
    const host = origin.slice(origin.indexOf('//') + 2);
    const headers: Record<string, string> = { 'user-agent': this.opts.userAgent, accept: ACCEPT, 'accept-encoding': ACCEPT_ENCODING };
    const requestHead =
      `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ${this.opts.userAgent}\r\nAccept: ${ACCEPT}\r\n` +
      `Accept-Encoding: ${ACCEPT_ENCODING}\r\nConnection: keep-alive\r\n\r\n`;
    const fetchedAt = new Date();
    return new Promise<FetchResponse>((resolve, reject) => {
      let abort: ((err?: Error) => void) | undefined;
      let settled = false;
      let status = 0;
      let statusText = '';
      let headerLines: [string, string][] = [];
      let lower: Record<string, string> = {};
      let decoder: Transform | null = null;
      let encoding = '';
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      let resumeSocket: (() => void) | undefined;

      const finish = (): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve({
          url, status, statusText, headerLines, headers: lower, body: Buffer.concat(chunks, size),
          decoded: decoder !== null, truncated, requestHead, fetchedAt,
        });
      };
      const fail = (err: unknown): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        decoder?.destroy();
        reject(classifyError(err));
      };
      const take = (chunk: Buffer): void => {
        if (truncated) return;
        const room = maxBytes - size;
        if (chunk.length > room) {
          if (room > 0) chunks.push(chunk.subarray(0, room));
          size = maxBytes;
          truncated = true;
          decoder?.destroy();
          abort?.(new TruncatedSignal('max bytes'));
          finish();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      };
      const deadline = setTimeout(() => {
        abort?.(new DeadlineSignal('total timeout'));
        fail(new FetchError('timeout', `no complete response within ${this.opts.totalTimeoutMs ?? this.opts.timeoutMs * 6} ms`));
      }, this.opts.totalTimeoutMs ?? this.opts.timeoutMs * 6);
      deadline.unref();

      const handler: Dispatcher.DispatchHandler = {
        onConnect(a) {
          abort = a;
        },
        onHeaders(code, raw, resume, text) {
          if (code < 200) return true; // 1xx informational: the real head follows
          status = code;
          statusText = text ?? '';
          headerLines = [];
          lower = {};
          for (let i = 0; i + 1 < raw.length; i += 2) {
            const name = raw[i]!.toString('latin1');
            const value = raw[i + 1]!.toString('latin1');
            headerLines.push([name, value]);
            const key = name.toLowerCase();
            lower[key] = key in lower ? `${lower[key]}, ${value}` : value;
          }
          encoding = (lower['content-encoding'] ?? '').trim().toLowerCase();
          if (encoding === 'identity') encoding = '';
          resumeSocket = resume;
          return true;
        },
        onData(chunk) {
          if (settled || truncated) return true;
          if (encoding !== '' && decoder === null) {
            decoder = decoderFor(encoding, chunk[0] ?? 0);
            if (decoder) {
              decoder.on('data', take);
              decoder.on('error', (err: Error) => fail(new FetchError('decode', `bad ${encoding} body: ${err.message}`)));
              decoder.on('end', finish);
            }
          }
          if (decoder) {
            // Backpressure: pause the socket while zlib works through what it has (a bomb stays small).
            const ok = decoder.write(chunk);
            if (!ok) decoder.once('drain', () => resumeSocket?.());
            return ok;
          }
          take(chunk);
          return true;
        },
        onComplete() {
          if (decoder) decoder.end();
          else finish();
        },
        onError(err) {
          if (err instanceof TruncatedSignal || truncated) return finish();
          fail(err);
        },
      };
      try {
        this.agent.dispatch(
          { origin, path, method: 'GET', headers, headersTimeout: this.opts.timeoutMs, bodyTimeout: this.opts.timeoutMs },
          handler,
        );
      } catch (e) {
        fail(e);
      }
    });
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Drops open connections at once (for stop on error). */
  async destroy(): Promise<void> {
    await this.agent.destroy();
  }
}
