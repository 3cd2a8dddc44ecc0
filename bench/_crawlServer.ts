// Benchmark site for bench/crawl.ts (underscore: not a benchmark itself), run as its own process: N small HTML pages (~2 KB), each linking to
// five others so that a breadth-first crawl from /p/0 reaches all of them. Prints its port on stdout.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const pages = Number(process.argv[2] ?? 20000);
const filler = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore. ';

function page(i: number): Buffer {
  const targets = [i + 1, 2 * i + 1, 2 * i + 2, (i * 7 + 3) % pages, (i * 13 + 5) % pages].filter((k) => k < pages);
  const linksHtml = targets.map((k) => `<li><a href="/p/${k}">page ${k}</a></li>`).join('');
  return Buffer.from(
    `<!doctype html><html><head><meta charset="utf-8"><title>Page ${i}</title></head><body><h1>Page ${i}</h1>` +
      `<p>${filler.repeat(16)}</p><ul>${linksHtml}</ul></body></html>`,
  );
}

const cache = new Map<number, Buffer>();
const server = createServer((req, res) => {
  const m = /^\/p\/(\d+)$/.exec(req.url ?? '');
  const i = m ? Number(m[1]) : -1;
  if (i < 0 || i >= pages) {
    res.writeHead(404, { 'content-type': 'text/plain', 'content-length': '9' });
    return res.end('not found');
  }
  let body = cache.get(i);
  if (!body) cache.set(i, (body = page(i)));
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(body.length) });
  res.end(body);
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => console.log((server.address() as AddressInfo).port));
