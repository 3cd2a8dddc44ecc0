import { open, type FileHandle } from 'node:fs/promises';
import zlib, { inflateRawSync, constants } from 'node:zlib';

/**
 * Gzip member boundaries in per-record-gzip WARC files (Common Crawl's, wget's, warcio's and our
 * crawler's: every record is its own gzip member). Such a file can be cut into byte ranges that
 * workers read independently, Hadoop-split style: a range [start, end) owns the records whose member
 * starts in it, and a reader finds its first record as the first verified member at or after `start`.
 * Both neighbours of a cut apply the same test to the same bytes, so every record is read exactly once.
 */

const MAGIC = Buffer.from([0x1f, 0x8b, 0x08]);
/** Compressed bytes inflated to verify a candidate: enough for the first bytes of any member. */
const PROBE_BYTES = 2048;
/** A reader's first member is usually a few KB past its range start: scan in small blocks. */
const SCAN_BLOCK = 64 << 10;

/** Offset of the deflate data of a gzip member whose header starts at `i`, or -1 if no valid header is there. */
function deflateStart(buf: Uint8Array, i: number): number {
  if (buf[i] !== 0x1f || buf[i + 1] !== 0x8b || buf[i + 2] !== 8) return -1;
  const flg = buf[i + 3]!;
  if (flg & 0xe0) return -1; // reserved bits must be zero
  let p = i + 10;
  if (flg & 4) p += 2 + (buf[p]! | (buf[p + 1]! << 8)); // FEXTRA
  for (const bit of [8, 16]) {
    // FNAME, FCOMMENT: zero-terminated
    if (!(flg & bit)) continue;
    const z = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).indexOf(0, p);
    if (z === -1) return -1;
    p = z + 1;
  }
  if (flg & 2) p += 2; // FHCRC
  return p < buf.length ? p : -1;
}

/**
 * Whether a gzip member starts at `i` and its content starts with `prefix` (for WARC, `WARC/`). A
 * false candidate needs the 3 magic bytes, a valid header and deflate data that decodes to the
 * prefix, inside another member's compressed data: not a practical risk.
 */
export function isMemberAt(buf: Uint8Array, i: number, prefix: string): boolean {
  const p = deflateStart(buf, i);
  if (p === -1) return false;
  let head: Buffer;
  try {
    head = inflateRawSync(buf.subarray(p, p + PROBE_BYTES), { finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    return false;
  }
  return head.length >= prefix.length && head.toString('latin1', 0, prefix.length) === prefix;
}

/** Offset of the first member at or after `from` whose content starts with `prefix`, or null at end of file. */
export async function findMemberStart(fh: FileHandle, from: number, prefix: string): Promise<number | null> {
  const size = (await fh.stat()).size;
  // Blocks overlap by PROBE_BYTES + header room, so a candidate near a block's end is verified whole.
  const overlap = PROBE_BYTES + 1024;
  const buf = Buffer.allocUnsafe(SCAN_BLOCK + overlap);
  for (let pos = from; pos < size; pos += SCAN_BLOCK) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    const view = buf.subarray(0, bytesRead);
    const scanEnd = Math.min(SCAN_BLOCK, bytesRead);
    for (let i = view.indexOf(MAGIC); i !== -1 && i < scanEnd; i = view.indexOf(MAGIC, i + 1)) {
      if (isMemberAt(view, i, prefix)) return pos + i;
    }
  }
  return null;
}

/**
 * Whether a .gz file is written one record per member: its first member holds exactly one WARC record
 * and is followed by end of file or another verified member. A file gzipped as one stream (or in
 * multi-record blocks) cannot be cut by member and is read whole.
 */
export async function isPerRecordWarcGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const buf = Buffer.allocUnsafe(Math.min(size, 4 << 20));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const view = buf.subarray(0, bytesRead);
    const p = deflateStart(view, 0);
    if (p === -1) return false;
    let first: { buffer: Buffer; engine: { bytesWritten: number } };
    try {
      first = inflateRawSync(view.subarray(p), { info: true, finishFlush: constants.Z_SYNC_FLUSH }) as unknown as typeof first;
    } catch {
      return false;
    }
    const memberEnd = p + first.engine.bytesWritten + 8; // + CRC32 and ISIZE
    if (memberEnd > bytesRead) return false; // the first member does not end within 4 MB: one stream
    const record = first.buffer;
    const headEnd = record.indexOf('\r\n\r\n');
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(record.toString('latin1', 0, headEnd === -1 ? 0 : headEnd));
    if (!record.toString('latin1', 0, 5).startsWith('WARC/') || !length) return false;
    if (headEnd + 4 + Number(length[1]) + 4 !== record.length) return false; // more than one record per member
    return memberEnd === size || (memberEnd < bytesRead && isMemberAt(view, memberEnd, 'WARC/'));
  } finally {
    await fh.close();
  }
}

/** Where a member's content starts in the inflated stream, and where the member starts in the file. */
export interface MemberOffset {
  inflated: number;
  file: number;
}

export interface InflateMembersOptions {
  /** Members whose content would exceed this are skipped (reported through onSkip), never held. */
  maxMemberBytes: number;
  /** A member that cannot be inflated or exceeds maxMemberBytes; reading goes on at the next verified member. */
  onSkip: (fileOffset: number, why: string) => void;
  /** Prefix a member's content must start with, to find the next one after a bad member. */
  prefix: string;
}

const crc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/**
 * Inflates a multi-member gzip file from `start` (a member start) with native zlib, member by member,
 * calling `onMember` with each member's offsets before yielding its content. warcio's own gzip path
 * inflates with pako in JavaScript: this is ~2.5x faster per record (docs/benchmarks.md).
 */
export async function* inflateMembers(fh: FileHandle, start: number, onMember: (m: MemberOffset) => void, o: InflateMembersOptions): AsyncGenerator<Buffer> {
  const size = (await fh.stat()).size;
  let block = 4 << 20;
  let buf = Buffer.alloc(0);
  let bufStart = start; // file offset of buf[0]
  let pos = start; // file offset of the next member
  let inflated = 0;
  const fill = async (need: number) => {
    // Keep buf from pos on, and read at least `need` more bytes (or to end of file).
    const keep = buf.subarray(pos - bufStart);
    const want = Math.min(size - (pos + keep.length), Math.max(need, block));
    const next = Buffer.allocUnsafe(keep.length + Math.max(0, want));
    keep.copy(next, 0);
    const { bytesRead } = want > 0 ? await fh.read(next, keep.length, want, pos + keep.length) : { bytesRead: 0 };
    buf = next.subarray(0, keep.length + bytesRead);
    bufStart = pos;
  };
  while (pos < size) {
    if (pos - bufStart + 64 * 1024 > buf.length && bufStart + buf.length < size) await fill(block);
    const local = pos - bufStart;
    const h = deflateStart(buf, local);
    let member: { buffer: Buffer; engine: { bytesWritten: number } } | undefined;
    let why = '';
    if (h === -1) why = 'not a gzip member';
    else {
      try {
        member = zlib.inflateRawSync(buf.subarray(h), { info: true, maxOutputLength: o.maxMemberBytes }) as unknown as typeof member;
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (err.code === 'Z_BUF_ERROR' && bufStart + buf.length < size) {
          // The member runs past what is buffered: read more and try again (rare: members are records).
          block *= 2;
          await fill(block);
          continue;
        }
        why = err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError ? `gzip member over ${o.maxMemberBytes} bytes` : `bad gzip member (${err.message})`;
      }
    }
    if (member) {
      const end = h + member.engine.bytesWritten;
      if (end + 8 > buf.length) why = 'truncated gzip member';
      else if (crc32 && crc32(member.buffer) !== buf.readUInt32LE(end)) why = 'gzip member fails its CRC check';
      else {
        onMember({ inflated, file: pos });
        inflated += member.buffer.length;
        pos = bufStart + end + 8;
        yield member.buffer;
        continue;
      }
    }
    o.onSkip(pos, why);
    const fh2 = await findMemberStart(fh, pos + 1, o.prefix);
    if (fh2 === null) return;
    pos = fh2;
  }
}
