import { closeSync, existsSync, fsyncSync, openSync, readdirSync, renameSync, statSync, truncateSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomFillSync, randomUUID } from 'node:crypto';
import { gzipRecord } from './gzipMember.js';
import { fetchedAtIso, type FetchResponse } from './fetcher.js';
import { RecordBatch } from './recordBatch.js';

/** Where committed WARC data ends: file number and byte length. Recorded in the crawl journal. */
export interface WarcPosition {
  index: number;
  offset: number;
}

const CRLF2 = Buffer.from('\r\n\r\n');

/**
 * Name of WARC file `index`; `.open` while it is still being written (renamed when rotated or closed).
 * `prefix` is `crawl`, or `crawl-WORKER` for one process of a shared crawl (its files beside the others').
 */
export function warcFileName(index: number, open: boolean, prefix = 'crawl'): string {
  return `${prefix}-${String(index).padStart(5, '0')}.warc.gz${open ? '.open' : ''}`;
}

/** The WARC files (finished and open) with this name prefix in a directory, by index. */
export function listWarcFiles(dir: string, prefix = 'crawl'): { index: number; name: string; open: boolean }[] {
  if (!existsSync(dir)) return [];
  // Prefixes are `crawl` or `crawl-WORKER` with WORKER in [A-Za-z0-9._-]: only '.' needs escaping.
  const fileRe = new RegExp(`^${prefix.replace(/\./g, '\\.')}-(\\d{5,})\\.warc\\.gz(\\.open)?$`);
  return readdirSync(dir)
    .map((name) => ({ name, m: fileRe.exec(name) }))
    .filter((x) => x.m)
    .map((x) => ({ index: Number(x.m![1]), name: x.name, open: x.m![2] !== undefined }))
    .sort((a, b) => a.index - b.index);
}

/** One WARC/1.1 record, uncompressed (gzipRecord / RecordCompressor make it its own gzip member). */
export function serialiseRecord(headers: [string, string][], block: Buffer): Buffer {
  let head = 'WARC/1.1\r\n';
  for (const [k, v] of headers) head += `${k}: ${v}\r\n`;
  head += `Content-Length: ${block.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), block, CRLF2]);
}

const uuidPool = Buffer.allocUnsafe(4096);
let uuidHex = '';
let uuidPos = uuidPool.length;
const VARIANT = '89ab';

/**
 * A random (version 4) UUID, as crypto.randomUUID makes, cut from one hex string of pooled random bytes:
 * two per fetch, and this is ~4x cheaper than randomUUID's per-call formatting.
 */
export function uuid4(): string {
  if (uuidPos === uuidPool.length) {
    randomFillSync(uuidPool);
    uuidHex = uuidPool.toString('hex');
    uuidPos = 0;
  }
  const o = uuidPos * 2;
  uuidPos += 16;
  const h = uuidHex;
  const c = h.charCodeAt(o + 16);
  const variant = VARIANT[(c <= 57 ? c - 48 : c - 87) & 3];
  return `${h.slice(o, o + 8)}-${h.slice(o + 8, o + 12)}-4${h.slice(o + 13, o + 16)}-${variant}${h.slice(o + 17, o + 20)}-${h.slice(o + 20, o + 32)}`;
}

/** Placeholder for the payload digest, overwritten by the compression worker (sha1 there, off the main thread). */
const DIGEST_PLACEHOLDER = '0'.repeat(32);

// Content-Encoding is renamed when the payload is stored decoded, Transfer-Encoding always (undici de-chunks),
// Content-Length always (the stored length may differ); this is what Common Crawl does (X-Crawler-*).
function httpResponseHead(r: FetchResponse): string {
  let head = `HTTP/1.1 ${r.status} ${r.statusText}`.trimEnd() + '\r\n';
  const lines = r.headerLines;
  for (let i = 0; i < lines.length; i++) {
    const [name, value] = lines[i]!;
    const c = name.charCodeAt(0) | 0x20;
    // Only names starting with c or t can need renaming; skips toLowerCase for the rest.
    if ((c === 99 || c === 116) && renamed(name.toLowerCase(), r.decoded)) head += `X-Crawler-${name}: ${value}\r\n`;
    else head += `${name}: ${value}\r\n`;
  }
  return head + `Content-Length: ${r.body.length}\r\n\r\n`;
}

function renamed(lower: string, decoded: boolean): boolean {
  return lower === 'transfer-encoding' || lower === 'content-length' || (lower === 'content-encoding' && decoded);
}

export interface WarcWriterOptions {
  /** Rotate to a new file once the current one reaches this many bytes. */
  maxFileBytes: number;
  gzipLevel?: number;
  /** Fields for each file's warcinfo record (software, robots policy, ...). */
  info: Record<string, string>;
  /** File name prefix (see warcFileName); default `crawl`. */
  prefix?: string;
}

/**
 * Appends request/response record pairs to `crawl-NNNNN.warc.gz.open`, rotating by size. Records are
 * buffered by addExchange(), compressed by the caller and written by write(); the crawl journal records the position write() returns,
 * and recover() cuts anything written after the last recorded position, so a crash never leaves a
 * record that the journal does not know about (no page twice, none half-written).
 */
export class WarcWriter {
  private pending = new RecordBatch();
  private fd: number | null = null;
  private index: number;
  private offset: number;
  private readonly gzipLevel: number;

  constructor(private readonly dir: string, private readonly opts: WarcWriterOptions, start: WarcPosition = { index: 0, offset: 0 }) {
    this.index = start.index;
    this.offset = start.offset;
    this.gzipLevel = opts.gzipLevel ?? 1;
  }

  /**
   * Brings the directory back to the committed position `pos` and returns where writing continues:
   * files before it are finished (renamed if a crash came between fsync and rename), the open file is cut
   * to the committed length, later files are deleted. If the committed file was already finished (a crash
   * right after rotation), writing continues in the next file.
   */
  static recover(dir: string, pos: WarcPosition, prefix = 'crawl'): WarcPosition {
    let next = pos;
    for (const f of listWarcFiles(dir, prefix)) {
      const path = join(dir, f.name);
      if (f.index < pos.index) {
        if (f.open) renameSync(path, join(dir, warcFileName(f.index, false, prefix)));
      } else if (f.index === pos.index) {
        if (statSync(path).size > pos.offset) truncateSync(path, pos.offset);
        if (!f.open) next = { index: pos.index + 1, offset: 0 };
      } else unlinkSync(path);
    }
    return next;
  }

  /** Adds the request record and the response record of one fetch. Returns the response record's id. */
  addExchange(r: FetchResponse, targetUri: string): string {
    const date = fetchedAtIso(r);
    const responseId = `<urn:uuid:${uuid4()}>`;
    const b = this.pending;
    b.utf8(
      `WARC/1.1\r\nWARC-Type: request\r\nWARC-Record-ID: <urn:uuid:${uuid4()}>\r\nWARC-Date: ${date}\r\n` +
        `WARC-Target-URI: ${targetUri}\r\nWARC-Concurrent-To: ${responseId}\r\nContent-Type: application/http;msgtype=request\r\n` +
        `Content-Length: ${r.requestHead.length}\r\n\r\n`,
    );
    b.latin1(r.requestHead);
    b.latin1('\r\n\r\n');
    b.endRecord();
    const http = httpResponseHead(r);
    // Payload digest only (what dedup and CDX tools use); a block digest would double the hashing.
    b.utf8(
      `WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: ${responseId}\r\nWARC-Date: ${date}\r\n` +
        `WARC-Target-URI: ${targetUri}\r\nWARC-Payload-Digest: sha1:`,
    );
    const digestAt = b.offsetInRecord;
    b.latin1(
      `${DIGEST_PLACEHOLDER}\r\nContent-Type: application/http;msgtype=response\r\n` +
        `${r.truncated ? 'WARC-Truncated: length\r\n' : ''}Content-Length: ${http.length + r.body.length}\r\n\r\n`,
    );
    // The HTTP head is one byte per character (header bytes were read as latin1), so its length is its byte count.
    b.latin1(http);
    b.append(r.body);
    b.latin1('\r\n\r\n');
    b.endRecord(digestAt, r.body.length);
    return responseId;
  }

  private warcinfo(): Buffer {
    const name = warcFileName(this.index, false, this.opts.prefix);
    const body = Buffer.from(Object.entries({ format: 'WARC File Format 1.1', ...this.opts.info }).map(([k, v]) => `${k}: ${v}\r\n`).join(''), 'utf8');
    return gzipRecord(serialiseRecord([
      ['WARC-Type', 'warcinfo'], ['WARC-Record-ID', `<urn:uuid:${randomUUID()}>`], ['WARC-Date', new Date().toISOString()],
      ['WARC-Filename', name], ['Content-Type', 'application/warc-fields'],
    ], body), this.gzipLevel);
  }

  get pendingBytes(): number {
    return this.pending.byteLength;
  }

  /** Hands over the records added since the last call (uncompressed), for compression. */
  takePending(): RecordBatch {
    const p = this.pending;
    // Sized like the last batch, so steady state needs no growing.
    this.pending = new RecordBatch(Math.max(1 << 16, p.byteLength + (p.byteLength >> 2)));
    return p;
  }

  /**
   * Appends compressed records (gzip members) to the current file, starting a new file with its warcinfo
   * record; returns the position to record in the journal after this.
   */
  write(gzipped: Buffer): WarcPosition {
    if (gzipped.length > 0) {
      if (this.fd === null) this.fd = openSync(join(this.dir, warcFileName(this.index, true, this.opts.prefix)), 'a');
      const data = this.offset === 0 ? Buffer.concat([this.warcinfo(), gzipped]) : gzipped;
      let written = 0;
      while (written < data.length) written += writeSync(this.fd, data, written, data.length - written);
      this.offset += data.length;
    }
    return { index: this.index, offset: this.offset };
  }

  /** True when the current file has reached the rotation size. */
  get full(): boolean {
    return this.offset >= this.opts.maxFileBytes;
  }

  /**
   * Finishes the current file (fsync, rename from .open) and moves to the next index. Call only right
   * after the journal recorded the current position, then record the new position ({index+1, 0}).
   */
  rotate(): WarcPosition {
    this.finishFile();
    this.index++;
    this.offset = 0;
    return { index: this.index, offset: 0 };
  }

  private finishFile(): void {
    const open = join(this.dir, warcFileName(this.index, true, this.opts.prefix));
    if (this.fd !== null) {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = null;
    }
    if (existsSync(open)) {
      if (statSync(open).size === 0) unlinkSync(open);
      else renameSync(open, join(this.dir, warcFileName(this.index, false, this.opts.prefix)));
    }
  }

  /** fsync without closing (periodic durability against power loss; a kill -9 needs none). */
  sync(): void {
    if (this.fd !== null) fsyncSync(this.fd);
  }

  /** Finishes the current file. The writer must not be used afterwards. */
  close(): void {
    this.finishFile();
  }
}
