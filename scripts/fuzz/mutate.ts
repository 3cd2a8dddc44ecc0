// Byte- and member-level mutations of real files, as fast-check arbitraries (so failures shrink).
import fc from 'fast-check';
import { gzipSync } from 'node:zlib';

/** A position in a buffer as a fraction of its length (0..POS), so one op applies to any length. */
const POS = 0xffff;
const pos = fc.nat({ max: POS });
const at = (p: number, length: number) => Math.min(length, Math.floor((p / (POS + 1)) * (length + 1)));

/** Bytes that parsers treat specially: line ends, quotes, gzip magic, UTF-8 lead/continuation bytes. */
const SPECIAL = [0x00, 0x0a, 0x0d, 0x20, 0x22, 0x2c, 0x3a, 0x3c, 0x3e, 0x5b, 0x5c, 0x5d, 0x7b, 0x7d, 0x1f, 0x8b, 0x08, 0x7f, 0x80, 0xbf, 0xc0, 0xed, 0xef, 0xf4, 0xff];
const byte = fc.oneof(fc.constantFrom(...SPECIAL), fc.nat({ max: 255 }));
/** Numbers that break length fields: zero, negative, huge, not a number. */
export const ODD_NUMBERS = ['0', '-1', '1', '4294967295', '4294967296', '9007199254740993', '99999999999999999999', '1e9', 'NaN', '', '0x10', '00000000000000000001'];

export type ByteOp =
  | { op: 'flip'; p: number; bit: number }
  | { op: 'set'; p: number; value: number }
  | { op: 'truncate'; p: number }
  | { op: 'delete'; p: number; len: number }
  | { op: 'insert'; p: number; bytes: number[] }
  | { op: 'duplicate'; p: number; len: number }
  | { op: 'number'; nth: number; value: string }
  | { op: 'splice'; p: number; other: number; q: number };

export const byteOp: fc.Arbitrary<ByteOp> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('flip' as const), p: pos, bit: fc.nat({ max: 7 }) }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('set' as const), p: pos, value: byte }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('truncate' as const), p: pos }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('delete' as const), p: pos, len: fc.integer({ min: 1, max: 64 }) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('insert' as const), p: pos, bytes: fc.array(byte, { minLength: 1, maxLength: 16 }) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('duplicate' as const), p: pos, len: fc.integer({ min: 1, max: 256 }) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('number' as const), nth: fc.nat({ max: 40 }), value: fc.constantFrom(...ODD_NUMBERS) }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('splice' as const), p: pos, other: fc.nat(), q: pos }), weight: 1 },
);

/** The k-th run of ASCII digits (wrapping around), as [start, end), or undefined when there is none. */
function digitRun(buf: Buffer, nth: number): [number, number] | undefined {
  const runs: [number, number][] = [];
  for (let i = 0; i < buf.length; i++) {
    if (buf[i]! < 0x30 || buf[i]! > 0x39) continue;
    let j = i;
    while (j < buf.length && buf[j]! >= 0x30 && buf[j]! <= 0x39) j++;
    runs.push([i, j]);
    i = j;
  }
  return runs.length ? runs[nth % runs.length] : undefined;
}

/** Applies one op; `others` are the corpus files a splice may take a tail from. */
export function applyByteOp(buf: Buffer, o: ByteOp, others: readonly Buffer[]): Buffer {
  const n = buf.length;
  switch (o.op) {
    case 'flip': {
      if (n === 0) return buf;
      const out = Buffer.from(buf);
      const i = Math.min(n - 1, at(o.p, n));
      out[i] = out[i]! ^ (1 << o.bit);
      return out;
    }
    case 'set': {
      if (n === 0) return Buffer.from([o.value]);
      const out = Buffer.from(buf);
      out[Math.min(n - 1, at(o.p, n))] = o.value;
      return out;
    }
    case 'truncate':
      return buf.subarray(0, at(o.p, n));
    case 'delete': {
      const i = at(o.p, n);
      return Buffer.concat([buf.subarray(0, i), buf.subarray(Math.min(n, i + o.len))]);
    }
    case 'insert': {
      const i = at(o.p, n);
      return Buffer.concat([buf.subarray(0, i), Buffer.from(o.bytes), buf.subarray(i)]);
    }
    case 'duplicate': {
      const i = at(o.p, n);
      const part = buf.subarray(i, Math.min(n, i + o.len));
      return Buffer.concat([buf.subarray(0, i), part, part, buf.subarray(i + part.length)]);
    }
    case 'number': {
      const run = digitRun(buf, o.nth);
      if (!run) return buf;
      return Buffer.concat([buf.subarray(0, run[0]), Buffer.from(o.value, 'latin1'), buf.subarray(run[1])]);
    }
    case 'splice': {
      if (others.length === 0) return buf;
      const other = others[o.other % others.length]!;
      return Buffer.concat([buf.subarray(0, at(o.p, n)), other.subarray(at(o.q, other.length))]);
    }
  }
}

export function applyByteOps(buf: Buffer, ops: readonly ByteOp[], others: readonly Buffer[]): Buffer {
  return ops.reduce((b, o) => applyByteOp(b, o, others), buf);
}

/** A corpus file with 0..maxOps byte mutations (0 keeps the original: the valid file must read too). */
export function mutatedFile(corpus: readonly Buffer[], maxOps = 4): fc.Arbitrary<Buffer> {
  return fc
    .record({ base: fc.nat({ max: corpus.length - 1 }), ops: fc.array(byteOp, { maxLength: maxOps }) })
    .map(({ base, ops }) => applyByteOps(corpus[base]!, ops, corpus));
}

/** Operations on the members of a per-record-gzip file (each member one record). */
export type MemberOp =
  | { op: 'drop'; i: number }
  | { op: 'dup'; i: number }
  | { op: 'swap'; i: number; j: number }
  | { op: 'cut'; i: number; p: number }
  | { op: 'bytes'; i: number; edit: ByteOp }
  | { op: 'content'; i: number; edits: ByteOp[] }
  | { op: 'foreign'; i: number; file: number; j: number }
  | { op: 'garbage'; i: number; bytes: number[] };

export const memberOp: fc.Arbitrary<MemberOp> = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), i: fc.nat() }),
  fc.record({ op: fc.constant('dup' as const), i: fc.nat() }),
  fc.record({ op: fc.constant('swap' as const), i: fc.nat(), j: fc.nat() }),
  fc.record({ op: fc.constant('cut' as const), i: fc.nat(), p: pos }),
  fc.record({ op: fc.constant('bytes' as const), i: fc.nat(), edit: byteOp }),
  { arbitrary: fc.record({ op: fc.constant('content' as const), i: fc.nat(), edits: fc.array(byteOp, { minLength: 1, maxLength: 3 }) }), weight: 3 },
  fc.record({ op: fc.constant('foreign' as const), i: fc.nat(), file: fc.nat(), j: fc.nat() }),
  fc.record({ op: fc.constant('garbage' as const), i: fc.nat(), bytes: fc.array(byte, { minLength: 1, maxLength: 40 }) }),
);

/** One file of records, each its own gzip member: the uncompressed records (for content edits). */
export interface MemberFile {
  records: Buffer[];
}

/**
 * Applies member ops to a per-record gzip file: `content` re-gzips an edited record (valid gzip,
 * broken WARC), `bytes` edits a compressed member (its CRC usually fails), `foreign` splices in a
 * member of another corpus file.
 */
export function applyMemberOps(file: MemberFile, ops: readonly MemberOp[], corpus: readonly MemberFile[]): Buffer {
  let members: Buffer[] = file.records.map((r) => gzipSync(r, { level: 1 }));
  const records = file.records.map((r) => r);
  const all = corpus.flatMap((f) => f.records);
  for (const o of ops) {
    const n = members.length;
    if (n === 0) break;
    const i = o.i % n;
    switch (o.op) {
      case 'drop':
        members.splice(i, 1);
        records.splice(i, 1);
        break;
      case 'dup':
        members.splice(i, 0, members[i]!);
        records.splice(i, 0, records[i]!);
        break;
      case 'swap': {
        const j = o.j % n;
        [members[i], members[j]] = [members[j]!, members[i]!];
        [records[i], records[j]] = [records[j]!, records[i]!];
        break;
      }
      case 'cut':
        members[i] = members[i]!.subarray(0, at(o.p, members[i]!.length));
        break;
      case 'bytes':
        members[i] = applyByteOp(members[i]!, o.edit, members);
        break;
      case 'content':
        records[i] = applyByteOps(records[i]!, o.edits, all);
        members[i] = gzipSync(records[i]!, { level: 1 });
        break;
      case 'foreign': {
        if (all.length === 0) break;
        const r = all[o.j % all.length]!;
        members.splice(i, 0, gzipSync(r, { level: 1 }));
        records.splice(i, 0, r);
        break;
      }
      case 'garbage':
        members.splice(i, 0, Buffer.from(o.bytes));
        records.splice(i, 0, Buffer.alloc(0));
        break;
    }
  }
  return Buffer.concat(members);
}

/** A per-record-gzip corpus file with member ops and then a few byte ops on the whole. */
export function mutatedMemberFile(corpus: readonly MemberFile[]): fc.Arbitrary<Buffer> {
  return fc
    .record({
      base: fc.nat({ max: corpus.length - 1 }),
      members: fc.array(memberOp, { maxLength: 4 }),
      bytes: fc.array(byteOp, { maxLength: 2 }),
    })
    .map(({ base, members, bytes }) => applyByteOps(applyMemberOps(corpus[base]!, members, corpus), bytes, []));
}
