// Synthetic WARC files for the reader and curate tests: text/plain responses with seeded random bodies.
import { gzipSync } from 'node:zlib';
import { serialiseRecord } from '../../crawler/warcWriter.js';
import { mulberry32 } from '../../datasets/seededRandom.js';

const WORDS = 'the of river stone light quiet market winter garden people north bright paper window seven morning letter city field'.split(' ');

/** Words plus random tokens, so that gzip leaves the file large enough to span several read ranges. */
function text(r: () => number, words: number): string {
  return Array.from({ length: words }, () => (r() < 0.5 ? WORDS[Math.floor(r() * WORDS.length)]! : Math.floor(r() * 2 ** 31).toString(36))).join(' ');
}

/** WARC records (warcinfo, then responses with text/plain bodies), each its own gzip member or one stream. */
export function textWarc(n: number, seed: number, wordsPerDoc: number): { members: Buffer[]; bodies: string[] } {
  const r = mulberry32(seed);
  const members = [gzipSync(serialiseRecord([['WARC-Type', 'warcinfo'], ['WARC-Record-ID', '<urn:uuid:info>']], Buffer.from('software: test\r\n')))];
  const bodies: string[] = [];
  for (let i = 0; i < n; i++) {
    const body = text(r, wordsPerDoc);
    bodies.push(body);
    const http = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`);
    const rec = serialiseRecord([['WARC-Type', 'response'], ['WARC-Record-ID', `<urn:uuid:r${i}>`], ['WARC-Target-URI', `https://example.org/${i}`], ['Content-Type', 'application/http; msgtype=response']], http);
    members.push(gzipSync(rec));
  }
  return { members, bodies };
}
