// Seed files the fuzz targets mutate: real output of our own writers (WARC records, Parquet shards,
// tokenizer.json, pipeline files) and hand-made samples of what the web serves (robots.txt, sitemaps).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { serialiseRecord } from '../../crawler/warcWriter.js';
import { writeDocumentShard } from '../../datasets/parquetShardWriter.js';
import type { Document } from '../../core/document.js';
import { trainBpe } from '../../tokenizer/bpeTrainer.js';
import { toHfJson } from '../../tokenizer/hfJson.js';
import { PRETOKENIZERS } from '../../tokenizer/pretokenize.js';
import type { MemberFile } from './mutate.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const TEXT = 'The river runs north past the market. Winter light on the stone; people in the garden. Ünïcödé — 日本語のテキスト, עברית.';
const HTML = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>A page</title><meta name="author" content="A. Writer"></head>
<body><nav><a href="/">Home</a> | <a href="/about?utm_source=x&amp;b=1">About</a></nav><main><article><h1>Heading</h1>
<p>${TEXT}</p><p>Second paragraph with <b>bold</b> &amp; <i>italic</i> text, a <a href="https://example.org/x#frag">link</a>.</p>
<table><tr><td>cell</td></tr></table><script>var a = "<a href='/in-script'>";</script></article></main><footer>© footer</footer></body></html>`;

function response(uri: string, status: string, headers: string[], body: Buffer): Buffer {
  const http = Buffer.concat([Buffer.from(`HTTP/1.1 ${status}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`, 'latin1'), body]);
  return serialiseRecord(
    [['WARC-Type', 'response'], ['WARC-Record-ID', `<urn:uuid:${uri.length}-${status.slice(0, 3)}>`], ['WARC-Date', '2026-12-07T10:00:00Z'], ['WARC-Target-URI', uri], ['Content-Type', 'application/http; msgtype=response']],
    http,
  );
}

function chunked(body: Buffer): Buffer {
  const half = Math.floor(body.length / 2);
  return Buffer.concat([Buffer.from(`${half.toString(16)}\r\n`), body.subarray(0, half), Buffer.from(`\r\n${(body.length - half).toString(16)}\r\n`), body.subarray(half), Buffer.from('\r\n0\r\n\r\n')]);
}

/** WARC files as lists of records, the way our crawler writes them (warcinfo, request/response pairs, revisits). */
export function warcCorpus(): MemberFile[] {
  const info = serialiseRecord([['WARC-Type', 'warcinfo'], ['WARC-Record-ID', '<urn:uuid:info>'], ['Content-Type', 'application/warc-fields']], Buffer.from('software: corpusforge\r\n'));
  const request = serialiseRecord([['WARC-Type', 'request'], ['WARC-Record-ID', '<urn:uuid:req>'], ['WARC-Target-URI', 'https://example.org/'], ['Content-Type', 'application/http; msgtype=request']], Buffer.from('GET / HTTP/1.1\r\nHost: example.org\r\n\r\n'));
  const html = Buffer.from(HTML);
  const pages = [
    response('https://example.org/', '200 OK', ['Content-Type: text/html; charset=utf-8'], html),
    response('https://example.org/t.txt', '200 OK', ['Content-Type: text/plain'], Buffer.from(TEXT)),
    response('https://example.org/latin', '200 OK', ['Content-Type: text/html'], Buffer.from('<html><head><meta charset="windows-1252"></head><body><p>caf\xe9 na\xefve</p></body></html>', 'latin1')),
    response('https://example.org/sjis', '200 OK', ['Content-Type: text/html; charset=shift_jis'], Buffer.from([0x3c, 0x70, 0x3e, 0x93, 0xfa, 0x96, 0x7b, 0x3c, 0x2f, 0x70, 0x3e])),
    response('https://example.org/u16', '200 OK', ['Content-Type: text/plain'], Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('utf-16 text', 'utf16le')])),
    response('https://example.org/chunked', '200 OK', ['Content-Type: text/html', 'Transfer-Encoding: chunked'], chunked(html)),
    response('https://example.org/gz', '200 OK', ['Content-Type: text/html', 'Content-Encoding: gzip'], gzipSync(html)),
    response('https://example.org/deflate', '200 OK', ['Content-Type: text/plain', 'Content-Encoding: deflate'], deflateSync(Buffer.from(TEXT))),
    response('https://example.org/missing', '404 Not Found', ['Content-Type: text/html'], Buffer.from('<p>not here</p>')),
    response('https://example.org/img.png', '200 OK', ['Content-Type: image/png'], Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3])),
    response('https://example.org/untyped', '200 OK', [], Buffer.from('<!doctype html><p>untyped</p>')),
  ];
  const revisit = serialiseRecord([['WARC-Type', 'revisit'], ['WARC-Record-ID', '<urn:uuid:rev>'], ['WARC-Target-URI', 'https://example.org/'], ['WARC-Profile', 'http://netpreserve.org/warc/1.1/revisit/identical-payload-digest']], Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n'));
  return [
    { records: [info, request, ...pages.slice(0, 4)] },
    { records: [info, ...pages.slice(4, 8), revisit] },
    { records: [pages[8]!, pages[9]!, pages[10]!, pages[0]!] },
  ];
}

const DOCS: Document[] = [
  { id: 'a', text: TEXT, url: 'https://example.org/a', source: 'seed:1', lang: 'eng', langScore: 0.9, metadata: { format: 'text', n: 1 } },
  { id: 'b', text: '', source: 'seed:2', metadata: {} },
  { id: 'c', text: 'x'.repeat(300) + '\u{1F600}\ud800', source: 'seed:3', metadata: { nested: { k: [1, 2] } } },
  { id: 'd', text: HTML, url: 'https://example.org/d', source: 'seed:4', metadata: { format: 'html' } },
];

/** JSONL files: text and html records, ids of both types, metadata, CRLF, blank lines. */
export function jsonlCorpus(): Buffer[] {
  const lines = DOCS.map((d) => JSON.stringify({ id: d.id, text: d.text, url: d.url, metadata: d.metadata }));
  return [
    Buffer.from(lines.join('\n') + '\n'),
    Buffer.from([JSON.stringify({ id: 7, html: HTML }), '', JSON.stringify({ text: 'no id', metadata: [1] }), '{"text":"\\u00e9\\ud83d\\ude00"}'].join('\r\n')),
    Buffer.from('{"text":"one"}\n{"text": 5}\nnot json\n[1,2]\nnull\n{"id":{"x":1},"text":"t","url":7}\n'),
  ];
}

/** Parquet shards as curate writes them: zstd, snappy and uncompressed, one and several row groups. */
export async function parquetCorpus(dir: string): Promise<Buffer[]> {
  const out: Buffer[] = [];
  const variants = [
    { compression: 'zstd' as const, rowGroupRows: 10 },
    { compression: 'snappy' as const, rowGroupRows: 2 },
    { compression: 'none' as const, rowGroupRows: 1 },
  ];
  for (const [i, v] of variants.entries()) {
    const path = join(dir, `seed-${i}.parquet`);
    await writeDocumentShard(path, DOCS, v);
    out.push(readFileSync(path));
  }
  return out;
}

/** tokenizer.json files of small byte-level BPE tokenizers (GPT-2 and cl100k pre-tokenizers, special tokens). */
export function tokenizerCorpus(): unknown[] {
  const counts: [string, number][] = TEXT.split(/(?=\s)/).map((w, i) => [w, 10 + i]);
  const a = trainBpe(counts, { vocabSize: 280, specialTokens: ['<|endoftext|>'] });
  const b = trainBpe(counts, { vocabSize: 300, specialTokens: ['<|endoftext|>', '<|pad|>'] });
  return [toHfJson(a, PRETOKENIZERS.gpt2), toHfJson(b, PRETOKENIZERS.cl100k)];
}

/** The shipped recipes plus a pipeline file with every stage. */
export function pipelineCorpus(): unknown[] {
  const read = (f: string) => JSON.parse(readFileSync(join(ROOT, 'pipelines', f), 'utf8')) as unknown;
  return [
    read('web.json'),
    read('text.json'),
    {
      description: 'every stage',
      out: 'runs/x',
      input: ['data.jsonl'],
      crawl: { seeds: 'seeds.txt', maxPages: 10, scope: 'domain' },
      curate: { keepRejected: true },
      steps: [{ step: 'extract' }, { step: 'normalise' }, { step: 'langid', langs: ['en'] }, { step: 'exact_dedup' }, { step: 'minhash_dedup', buckets: 14, hashesPerBucket: 8 }],
      tokenizer: { vocabSize: 512 },
      tokenize: {},
      train: { steps: 10, context: 16, layers: 1, dim: 16 },
      sample: { prompt: 'The', tokens: 5 },
    },
  ];
}

/** robots.txt files as sites serve them: groups, wildcards, `$`, crawl-delay, sitemaps, comments, BOM. */
export const ROBOTS = [
  'User-agent: *\nDisallow: /private/\nAllow: /private/ok$\nCrawl-delay: 2\nSitemap: https://example.org/sitemap.xml\n',
  '\ufeffUser-agent: corpusforge\nUser-agent: other\nDisallow: /*.pdf$\nDisallow: /a*b*c\n\nUser-agent: *\nDisallow: /\n# comment\nAllow: /public\n',
  'user-agent: CorpusForge/1.0\r\ndisallow:\r\ncrawl-delay: 1.5\r\nsitemap: /relative.xml\r\nhost: example.org\r\n',
  'User-agent: *\nDisallow: /%7Euser/\nDisallow: /ü/\nDisallow: /q?x=*&y\nAllow: /*?$\nCrawl-delay: -3\n',
];

/** Sitemaps: urlset, index, namespaced, text, with entities and CDATA (gzip variants are made from these). */
export const SITEMAPS = [
  '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://example.org/a?x=1&amp;y=2</loc><lastmod>2026-01-01</lastmod></url><url><loc> https://example.org/b </loc></url></urlset>',
  '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://example.org/s1.xml.gz</loc></sitemap><sitemap><loc><![CDATA[https://example.org/s2.xml]]></loc></sitemap></sitemapindex>',
  '<urlset><s:url xmlns:s="x"><s:loc>https://example.org/ns</s:loc></s:url><!-- <url><loc>https://example.org/c</loc></url> --></urlset>',
  'https://example.org/one\r\nhttps://example.org/two\nnot a url\nhttp://example.org/three\n',
];

export { HTML as SAMPLE_HTML, TEXT as SAMPLE_TEXT };
