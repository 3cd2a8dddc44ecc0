// Resuming a crawl: after kill -9, and with a higher --max-pages, every page ends up in the WARC set exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FAST, html, links, readCrawlLog, readWarcResponses, startServer, tempDir } from './helpers/crawlSite.js';
import { Crawler } from '../crawler/crawler.js';

const PAGES = 200;

const root = new URL('..', import.meta.url).pathname;

function crawlChild(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  const child = spawn(process.execPath, [join(root, 'bin/corpusforge.js'), 'crawl', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  child.stdout!.resume();
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, done };
}

test('kill -9 mid-crawl and --resume: every page exactly once in the WARC files and crawl.jsonl', async () => {
  let served = 0;
  let killAt = Infinity;
  let victim: ChildProcess | null = null;
  const srv = await startServer((req, res, path) => {
    const m = /^\/p\/(\d+)$/.exec(path);
    if (!m) return html(res, '', 404);
    const n = Number(m[1]);
    served++;
    if (served >= killAt && victim) {
      victim.kill('SIGKILL');
      victim = null;
    }
    const next = [n + 1, n + 2, n + 3].filter((k) => k < PAGES).map((k) => `/p/${k}`);
    setTimeout(() => html(res, `<title>page ${n}</title>${links(...next)}`), 2);
  });
  const t = await tempDir();
  try {
    const seeds = join(t.dir, 'seeds.txt');
    await writeFile(seeds, `# test\n${srv.origin}/p/0\n`);
    const out = join(t.dir, 'out');
    const args = ['--seeds', seeds, '--out', out, '--allow-private', '--delay-ms', '0', '--concurrency', '6', '--per-host-concurrency', '6', '--no-sitemaps', '--warc-max-bytes', '20000', '--max-depth', '1000'];

    for (const stopAt of [80]) {
      killAt = stopAt; // pages served (over all runs) when the kill lands
      const run = crawlChild(args);
      victim = run.child;
      const r = await run.done;
      assert.equal(r.signal, "SIGKILL", `run killed mid-crawl (stopAt ${stopAt}, served ${served}, code ${r.code}, stderr: ${r.stderr})`);
      assert.ok(served < PAGES + 20, 'killed before the end');
    }
    killAt = Infinity;
    const last = crawlChild([...args, '--resume']);
    const r = await last.done;
    assert.equal(r.code, 0, r.stderr);

    const files = await readdir(out);
    assert.ok(!files.some((f) => f.endsWith('.open')), 'all WARC files finished');
    assert.ok(files.filter((f) => f.endsWith('.warc.gz')).length > 2, 'rotated by size');
    const responses = await readWarcResponses(out);
    const counts = new Map<string, number>();
    for (const rec of responses) counts.set(rec.uri, (counts.get(rec.uri) ?? 0) + 1);
    for (let n = 0; n < PAGES; n++) assert.equal(counts.get(`${srv.origin}/p/${n}`), 1, `/p/${n} in the WARC set`);
    assert.equal(responses.length, PAGES);
    for (const rec of responses) assert.ok(Buffer.from(rec.body).toString().includes('<title>page '), rec.uri);
    const log = await readCrawlLog(out);
    assert.equal(log.length, PAGES);
    assert.equal(new Set(log.map((l) => l.url)).size, PAGES);
    assert.ok(served > PAGES, 'pages in flight at the kills were fetched again');
  } finally {
    await srv.close();
    await t.cleanup();
  }
});

/** Runs the CLI in this process (no child start-up), capturing what it prints. */
async function cliInProcess(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  const { main } = await import('../cli/main.js');
  const err: string[] = [];
  const out: string[] = [];
  const origErr = console.error;
  const origLog = console.log;
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  try {
    const code = await main(['crawl', ...args]);
    return { code, stderr: err.join('\n'), stdout: out.join('\n') };
  } finally {
    console.error = origErr;
    console.log = origLog;
  }
}

test('crawl CLI: bad seed lines reported, every-seed-refused error, refuses to overwrite a crawl without --resume', async () => {
  const srv = await startServer((req, res) => html(res, 'x'));
  const t = await tempDir();
  try {
    const seeds = join(t.dir, 'seeds.txt');
    await writeFile(seeds, `${srv.origin}/\nnot-a-url\n`);
    const out = join(t.dir, 'out');
    const refused = await cliInProcess(['--seeds', seeds, '--out', out]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /warning: .*seeds\.txt:2: not an http\(s\) URL: not-a-url/);
    assert.match(refused.stderr, /^error: every seed resolves to a loopback, private/m);
    assert.equal(srv.hits.size, 0);
    assert.ok(!refused.stderr.includes('    at '), 'no stack trace');
    const ok = await cliInProcess(['--seeds', seeds, '--out', out, '--allow-private', '--delay-ms', '0']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^crawl finished: 1 pages fetched/m);
    const again = await cliInProcess(['--seeds', seeds, '--out', out, '--allow-private']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already holds a crawl; pass --resume/);
    const bad = await cliInProcess(['--seeds', seeds, '--out', out, '--scope', 'planet']);
    assert.match(bad.stderr, /^error: --scope must be one of host, domain, any/m);
    const file = await cliInProcess(['--seeds', seeds, '--out', seeds]);
    assert.match(file.stderr, /^error: --out .* exists and is not a directory/m);
    const curateResume = await cliInProcess(['--seeds', seeds, '--out', out, '--resume', '--curate', join(t.dir, 'c')]);
    assert.match(curateResume.stderr, /^error: crawl: --curate cannot be combined with --resume/m);
  } finally {
    await srv.close();
    await t.cleanup();
  }
});

test('--max-pages stops the crawl; a resumed crawl with a higher limit continues without fetching a page twice', async () => {
  const srv = await startServer((req, res, path) => {
    const n = Number(/^\/n\/(\d+)$/.exec(path)?.[1] ?? -1);
    if (n < 0) return html(res, '', 404);
    html(res, links(...[n + 1, n + 2].filter((k) => k < 30).map((k) => `/n/${k}`)));
  });
  const t = await tempDir();
  try {
    const base = { ...FAST, seeds: [`${srv.origin}/n/0`], outDir: t.dir, sitemaps: false };
    const first = await new Crawler({ ...base, maxPages: 8 }).run();
    assert.equal(first.stoppedBy, 'max-pages');
    assert.equal((await readWarcResponses(t.dir)).length, 8);
    const second = await new Crawler({ ...base, maxPages: 20, resume: true }).run();
    assert.equal(second.stoppedBy, 'max-pages');
    assert.equal(second.pagesFetched, 12, 'the limit counts pages of earlier runs too');
    const stop = new AbortController();
    const third = new Crawler({ ...base, resume: true, signal: stop.signal, onDocument: () => stop.abort() }).run();
    assert.equal((await third).stoppedBy, 'signal');
    await assert.rejects(new Crawler({ ...base, resume: true, scope: 'any' }).run(), /used --scope host; resume it with the same --scope/);
    // Resumed with another seed: the original seed's host stays in scope.
    const last = await new Crawler({ ...base, seeds: [`http://localhost:${srv.port}/leaf`], resume: true }).run();
    assert.equal(last.stoppedBy, 'done');
    const all = (await readWarcResponses(t.dir)).map((r) => r.uri);
    assert.ok(all.includes(`http://localhost:${srv.port}/leaf`), 'the new seed was crawled');
    const uris = all.filter((u) => u.startsWith(srv.origin));
    assert.equal(uris.length, 30, 'the original seed host stayed in scope');
    assert.equal(new Set(uris).size, 30);
    for (let n = 0; n < 30; n++) assert.equal(srv.hits.get(`/n/${n}`), 1, `/n/${n} requested once`);
  } finally {
    await srv.close();
    await t.cleanup();
  }
});
