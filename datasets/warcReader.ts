import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync, type ZlibOptions } from 'node:zlib';
import { AsyncIterReader, WARCParser, type WARCRecord } from 'warcio';
import type { Document } from '../core/document.js';
import { UserError } from '../core/errors.js';
import { detectCharset, decodeWith } from './charset.js';
import { dropTooLarge, maxDocumentBytesOf, type ReadOptions } from './readOptions.js';
import { findMemberStart, inflateMembers, type MemberOffset } from './gzipMembers.js';

/** A byte range of a per-record-gzip WARC file: the records whose gzip member starts in [start, end). */
export interface ByteRange {
  start: number;
  end: number;
}

/** Records larger than this are skipped unread whatever the document limit (a gzip member is inflated whole). */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

function mediaType(contentType: string | null | undefined): string {
  if (!contentType) return '';
  const semi = contentType.indexOf(';');
  return (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

function looksLikeHtml(body: Uint8Array): boolean {
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.length, 512)).toString('latin1').trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html');
}

/**
 * Streams the HTTP responses of a WARC or WARC.gz file (ours, Common Crawl's, any WARC/1.0 or 1.1) as
 * documents, one per 2xx `response` record with an HTML or text/plain payload:
 * `text` is the payload decoded with its charset (BOM, HTTP header, `<meta>`, UTF-8, a statistical guess, windows-1252),
 * `metadata.format` is `html` or `text`. Other records (request, metadata, warcinfo, revisit, non-2xx
 * responses, images and other binaries) are skipped. `source` is `FILE@OFFSET`, the byte offset of the
 * record in the (compressed) file, so a document can be traced back with any WARC tool.
 * With `range` (per-record-gzip files only, see gzipMembers.ts), reads just the records whose member
 * starts in it, so workers can share one file.
 */
export async function* readWarc(path: string, opts: ReadOptions = {}, range?: ByteRange): AsyncGenerator<Document> {
  const fh = await open(path, 'r');
  try {
    let base = 0;
    if (range) {
      const first = await findMemberStart(fh, range.start, 'WARC/');
      if (first === null || first >= range.end) return;
      base = first;
    }
    const magic = Buffer.alloc(2);
    await fh.read(magic, 0, 2, base);
    if (magic[0] !== 0x1f || magic[1] !== 0x8b) {
      const stream = createReadStream(path, { start: base, highWaterMark: 1 << 20 });
      try {
        yield* records(path, new WARCParser(stream), (u) => base + u, range?.end ?? Infinity, opts, { reported: base, rest: range ? 'range' : 'file' });
      } finally {
        stream.destroy();
      }
      return;
    }
    // Gzip: members inflated natively here, each parsed by warcio on its own (a record's offset is its
    // member's offset in the file). A record cannot run on into the next member: with one stream over all
    // members, a record whose Content-Length was too large swallowed the records of the members after it,
    // which a reader of a later byte range still read (a fuzz finding).
    let member: MemberOffset = { inflated: 0, file: base };
    const progress = { reported: base, rest: 'member' as const };
    const inflated = inflateMembers(fh, base, (m) => (member = m), {
      maxMemberBytes: MAX_RECORD_BYTES + (1 << 20),
      prefix: 'WARC/',
      onSkip: (at, why) => {
        const msg = `${path}@${at}: ${why}`;
        if (opts.strict) throw new UserError(msg);
        opts.onWarning?.(`${msg}; skipped`);
        opts.onMalformed?.();
      },
    });
    for await (const content of inflated) {
      const at = member.file;
      if (at >= (range?.end ?? Infinity)) break; // the next range's first record
      // Already inflated: a reader without warcio's own gzip detection (a pako inflater per member otherwise).
      yield* records(path, new WARCParser(new AsyncIterReader([content], null)), () => at, Infinity, opts, progress);
    }
  } finally {
    await fh.close();
  }
}

/** Bytes of a stream up to `limit`; past it, a lower bound of their count (reading stops there). */
async function readUpTo(chunks: AsyncIterable<Uint8Array>, limit: number): Promise<Buffer | { atLeast: number }> {
  const parts: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += chunk.length;
    if (bytes > limit) return { atLeast: bytes };
    parts.push(chunk);
  }
  return Buffer.concat(parts, bytes);
}

/**
 * Undoes a Content-Encoding with an output bound (pako, inside warcio, inflates a whole input chunk at once:
 * 1 MB of a gzip bomb became 1 GB). A coding it cannot undo leaves the bytes as stored, as warcio did.
 */
function decodeBody(raw: Buffer, coding: string, limit: number): Buffer | { atLeast: number } {
  const bounded: ZlibOptions = { maxOutputLength: limit + 1 };
  const decoders: Record<string, (() => Buffer)[]> = {
    gzip: [() => gunzipSync(raw, bounded)],
    'x-gzip': [() => gunzipSync(raw, bounded)],
    deflate: [() => inflateSync(raw, bounded), () => inflateRawSync(raw, bounded)],
    br: [() => brotliDecompressSync(raw, { maxOutputLength: limit + 1 })],
  };
  for (const decode of decoders[coding] ?? []) {
    try {
      const out = decode();
      return out.length > limit ? { atLeast: out.length } : out;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') return { atLeast: limit + 1 };
    }
  }
  return raw;
}

/**
 * The payload, with chunking and Content-Encoding undone as the WARC kept them, or a lower bound of its
 * size once that passes `limit`: the raw bytes are read as they stream and decoded with an output bound, so
 * neither a long record nor a compression bomb is held past the limit; the parser skips the rest unread.
 */
async function payloadUpTo(record: WARCRecord, limit: number): Promise<Buffer | { atLeast: number }> {
  if (record.warcContentLength > MAX_RECORD_BYTES) return { atLeast: record.warcContentLength };
  const headers = record.httpHeaders?.headers;
  const transfer = headers?.get('transfer-encoding')?.trim().toLowerCase() ?? '';
  // As warcio reads them: a Transfer-Encoding other than chunked stands for a missing Content-Encoding.
  const coding = (headers?.get('content-encoding') ?? (transfer === 'chunked' ? '' : transfer)).trim().toLowerCase();
  const raw = await readUpTo(new AsyncIterReader(record.reader, null, transfer === 'chunked'), limit);
  return raw instanceof Buffer && coding !== '' && coding !== 'identity' ? decodeBody(raw, coding, limit) : raw;
}

/**
 * Reads past what is left of a record, so that the parser does not skip it itself: warcio 2.4.11's
 * LimitReader.skipFully loops forever (in microtasks) when a record's Content-Length runs past the end of the
 * input, since skipping at the end makes no progress (found by fuzzing: a truncated last record stalled the
 * reader). Iterating the record's reader ends at the end of the input; the record is then marked consumed.
 */
async function drainRecord(record: WARCRecord): Promise<void> {
  if (record.consumed) return;
  for await (const _ of record.reader) {
    // discarded
  }
  record.consumed = 'skipped';
}

/** Bytes reported through onBytes so far (a file offset), and what a malformed record makes the reader skip. */
interface ReadProgress {
  reported: number;
  rest: 'file' | 'range' | 'member';
}

async function* records(path: string, parser: WARCParser, fileOffset: (parserOffset: number) => number, end: number, opts: ReadOptions, progress: ReadProgress): AsyncGenerator<Document> {
  let record: WARCRecord | null = null;
  for (;;) {
    try {
      if (record) await drainRecord(record);
      record = await parser.parse();
    } catch (e) {
      if (e instanceof UserError) throw e;
      const msg = `${path}@${fileOffset(parser.offset)}: malformed WARC record: ${(e as Error).message}`;
      if (opts.strict) throw new UserError(msg);
      opts.onWarning?.(`${msg} (rest of ${progress.rest} skipped)`);
      opts.onMalformed?.();
      return;
    }
    if (record === null) break;
    const offset = fileOffset(parser.offset);
    if (offset >= end) break; // the next range's first record
    if (!record.warcHeaders.statusline.startsWith('WARC/')) {
      // Not a record ("VARC/1.1": warcio parses its headers anyway). Skipped as a reader of a byte range
      // skips it, which looks for "WARC/" at a record's start (a fuzz finding: ranges read one record less).
      const msg = `${path}@${offset}: malformed WARC record: version line ${JSON.stringify(record.warcHeaders.statusline.slice(0, 40))}`;
      if (opts.strict) throw new UserError(msg);
      opts.onWarning?.(`${msg}; skipped`);
      opts.onMalformed?.();
      continue;
    }
    if (opts.onBytes && offset > progress.reported) {
      opts.onBytes(offset - progress.reported);
      progress.reported = offset;
    }
    if (record.warcType !== 'response' || !record.httpHeaders) continue;
    const status = Number(record.httpHeaders.statusCode);
    if (!(status >= 200 && status < 300)) continue;
    const contentType = record.httpHeaders.headers.get('content-type');
    const type = mediaType(contentType);
    const typedHtml = type === 'text/html' || type === 'application/xhtml+xml';
    if (!typedHtml && type !== 'text/plain' && type !== '') continue;
    let body: Uint8Array | { atLeast: number };
    try {
      body = await payloadUpTo(record, maxDocumentBytesOf(opts));
    } catch (e) {
      const msg = `${path}@${offset}: cannot decode payload: ${(e as Error).message}`;
      if (opts.strict) throw new UserError(msg);
      opts.onWarning?.(msg);
      opts.onMalformed?.();
      continue;
    }
    if (!(body instanceof Uint8Array)) {
      dropTooLarge(opts, `${path}@${offset}`, body.atLeast, true);
      continue;
    }
    const html = typedHtml || (type === '' && looksLikeHtml(body));
    if (!html && type !== 'text/plain') continue;
    const charset = detectCharset(body, contentType ?? undefined);
    const recordId = record.warcHeader('WARC-Record-ID') ?? '';
    const truncated = record.warcHeader('WARC-Truncated');
    yield {
      id: recordId.replace(/^<|>$/g, '') || `${path}@${offset}`,
      text: decodeWith(body, charset.encoding),
      url: record.warcTargetURI ?? undefined,
      source: `${path}@${offset}`,
      metadata: {
        format: html ? 'html' : 'text',
        warc_record_id: recordId || null,
        warc_date: record.warcDate ?? null,
        http_status: status,
        content_type: contentType ?? null,
        charset: charset.encoding,
        ...(truncated ? { warc_truncated: truncated } : {}),
      },
    };
  }
}
