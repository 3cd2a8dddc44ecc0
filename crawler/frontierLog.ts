import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';

/** One URL waiting to be fetched. `seq` is its line number in the frontier log, its identity across a resume. */
export interface FrontierEntry {
  seq: number;
  url: string;
  depth: number;
  kind: 'page' | 'sitemap';
  /** URLs that redirected to this one, oldest first (for loop detection and the 5-hop limit). */
  chain: string[];
  /** 1 for the first try; not persisted (a retry interrupted by a crash starts over). */
  attempt: number;
  /** Earliest time (ms since epoch) this entry may be fetched (retry backoff). */
  notBefore: number;
}

const READ_CHUNK = 1 << 18;

/**
 * The frontier as an append-only log on disk (`state/frontier.log`, one tab-separated line per queued URL:
 * depth, kind, url, redirect chain). Appending in discovery order while reading from the front gives a
 * breadth-first FIFO whose memory cost is only the read window; the same file is replayed on resume to
 * rebuild the seen-set, and an entry's line number is its sequence number in the crawl journal.
 */
export class FrontierLog {
  private readonly fd: number;
  private appendBuf: string[] = [];
  /** The unflushed entries, parsed: a reader that has caught up with the file takes them from here. */
  private appendEntries: FrontierEntry[] = [];
  /** How many of appendEntries the reader took (only ever while it was at the end of the file). */
  private memConsumed = 0;
  private readonly readBuf = Buffer.allocUnsafe(READ_CHUNK);
  private flushedBytes: number;
  private nextSeqNo: number;
  private readPos = 0;
  private readSeq = 0;

  private constructor(fd: number, size: number, count: number) {
    this.fd = fd;
    this.flushedBytes = size;
    this.nextSeqNo = count;
  }

  /**
   * Opens (creating or, with `onReplay`, replaying) the log. Replay calls onReplay for every complete line
   * in order and cuts a torn last line left by a crash.
   */
  static open(path: string, onReplay?: (url: string, seq: number) => void): FrontierLog {
    const fd = openSync(path, 'a+');
    let size = fstatSync(fd).size;
    let count = 0;
    if (size > 0) {
      let pos = 0;
      let carry = '';
      let complete = 0;
      const buf = Buffer.allocUnsafe(READ_CHUNK);
      for (;;) {
        const n = readSync(fd, buf, 0, READ_CHUNK, pos);
        if (n === 0) break;
        pos += n;
        const text = carry + buf.toString('utf8', 0, n);
        const lines = text.split('\n');
        carry = lines.pop()!;
        for (const line of lines) {
          complete += Buffer.byteLength(line, 'utf8') + 1;
          const url = parseLine(line, count)?.url;
          if (url !== undefined) onReplay?.(url, count);
          count++;
        }
      }
      if (complete < size) {
        ftruncateSync(fd, complete);
        size = complete;
      }
    }
    return new FrontierLog(fd, size, count);
  }

  /** Number of entries ever queued (flushed or not). */
  get length(): number {
    return this.nextSeqNo;
  }

  /** Queues a URL; returns its sequence number. Buffered until flush(). */
  append(url: string, depth: number, kind: 'page' | 'sitemap', chain: readonly string[] = []): number {
    let line = `${depth}\t${kind === 'page' ? 'p' : 's'}\t${url}`;
    for (const c of chain) line += `\t${c}`;
    this.appendBuf.push(line + '\n');
    const seq = this.nextSeqNo++;
    this.appendEntries.push({ seq, url, depth, kind, chain: [...chain], attempt: 1, notBefore: 0 });
    return seq;
  }

  flush(): void {
    if (this.appendBuf.length === 0) return;
    const data = Buffer.from(this.appendBuf.join(''), 'utf8');
    let written = 0;
    while (written < data.length) written += writeSync(this.fd, data, written, data.length - written);
    // Lines the reader already took from memory are behind its position in the file now.
    for (let i = 0; i < this.memConsumed; i++) this.readPos += Buffer.byteLength(this.appendBuf[i]!, 'utf8');
    this.flushedBytes += data.length;
    this.appendBuf = [];
    this.appendEntries = [];
    this.memConsumed = 0;
  }

  /** True when every queued entry has been read. */
  get exhausted(): boolean {
    return this.readSeq >= this.nextSeqNo;
  }

  /**
   * Reads up to `max` entries from the front, skipping those `isDone` reports finished (resume). Once the
   * reader has caught up with the file it takes new entries straight from memory (no write+read per
   * page); that is safe because the crawl state flushes this log before committing anything else.
   */
  read(max: number, isDone: (seq: number) => boolean): FrontierEntry[] {
    const out: FrontierEntry[] = [];
    const buf = this.readBuf;
    while (out.length < max) {
      if (this.readPos >= this.flushedBytes) {
        if (this.memConsumed >= this.appendEntries.length) break;
        const e = this.appendEntries[this.memConsumed++]!;
        this.readSeq++;
        if (!isDone(e.seq)) out.push(e);
        continue;
      }
      const n = readSync(this.fd, buf, 0, Math.min(READ_CHUNK, this.flushedBytes - this.readPos), this.readPos);
      if (n === 0) break;
      // Read whole lines only; keep the byte position exact by re-reading the partial tail next time.
      const lastNl = buf.lastIndexOf(10, n - 1);
      if (lastNl === -1) throw new Error('frontier log: line longer than the read chunk');
      const text = buf.toString('utf8', 0, lastNl + 1);
      let start = 0;
      let consumed = 0;
      while (start < text.length && out.length < max) {
        const nl = text.indexOf('\n', start);
        const line = text.slice(start, nl);
        consumed += Buffer.byteLength(line, 'utf8') + 1;
        start = nl + 1;
        const seq = this.readSeq++;
        if (isDone(seq)) continue;
        const e = parseLine(line, seq);
        if (e) out.push(e);
      }
      this.readPos += consumed;
    }
    return out;
  }

  /** fsync (power-loss durability; the crawl state calls it with the other files). */
  sync(): void {
    this.flush();
    fsyncSync(this.fd);
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

function parseLine(line: string, seq: number): FrontierEntry | null {
  const parts = line.split('\t');
  if (parts.length < 3) return null;
  return {
    seq,
    depth: Number(parts[0]),
    kind: parts[1] === 's' ? 'sitemap' : 'page',
    url: parts[2]!,
    chain: parts.slice(3),
    attempt: 1,
    notBefore: 0,
  };
}
