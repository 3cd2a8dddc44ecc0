import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eldMediumScorer } from '../filters/langid/langidIdentifiers.js';
import { UDHR_DIR, udhrParagraphs } from './helpers/udhrText.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

test('eld scorer: the same language and score as eld 2.1 detect() on every UDHR language and generated text', async () => {
  const { eld } = (await import('eld/medium')) as unknown as { eld: { detect(t: string): { language: string; getScores(): Record<string, number> }; enableTextCleanup(b: boolean): void } };
  eld.enableTextCleanup(false);
  const scorer = eldMediumScorer();
  const texts: string[] = [];
  for (const f of fs.readdirSync(UDHR_DIR).filter((x) => x.endsWith('.html')).sort()) {
    const ps = udhrParagraphs(f.slice(0, -5)).filter((p) => p.length > 0);
    // A short, a medium and a long sample per language: cut points fall inside and past eld's byte limit.
    if (ps.length > 0) texts.push(ps[0]!.slice(0, 40), ps.slice(0, 3).join(' ').slice(0, 300), ps.join('\n\n').slice(0, 1200));
  }
  // Generated strings: apostrophes at run edges, digits, punctuation, astral characters, lone surrogates,
  // overlong words.
  const pieces = ["don't", "'", '`', '’', ' ', '  ', '.', '-', '1984', 'Straße', 'ÉTÉ', 'дом', '東京', 'ไทย', '😀', '𝔘𝔫', '\ud800', 'x', 'the', "l'été", '\n', '\u00a0',
    // Words past eld's 70-byte n-gram limit (its last n-gram then runs to the word's end).
    'Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft', 'ж'.repeat(37), 'a'.repeat(71)];
  let seed = 7;
  for (let k = 0; k < 400; k++) {
    let s = '';
    for (let n = 0; n < 1 + (k % 60); n++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      s += pieces[seed % pieces.length];
    }
    texts.push(s);
  }
  texts.push('', '1234 5678', "''' ```");
  assert.ok(texts.length > 1000, `${texts.length} texts`);
  for (const t of texts) {
    const r = eld.detect(t);
    const want = r.language ? { lang: r.language, score: r.getScores()[r.language] } : undefined;
    assert.deepEqual(scorer.detect(t), want, JSON.stringify(t));
  }
});

test('eld tables: the disk cache round-trips exactly, is rebuilt when damaged, and never blocks langid', async () => {
  const { buildEldTables, encodeEldTables, decodeEldTables, cachedEldTables } = await import('../filters/langid/eldTables.js');
  const { EldScorer } = await import('../filters/langid/eldScorer.js');
  const src = path.join(path.dirname(fileURLToPath(import.meta.resolve('eld/medium'))), '..');
  const load = async (f: string) => (await import(path.join(src, f))) as Record<string, unknown>;
  const { ngramsData } = (await load('ngrams/medium.js')) as { ngramsData: Parameters<typeof buildEldTables>[0] };
  const { dictionary } = (await load('dictionary.js')) as { dictionary: string[] };
  const { separators } = (await load('regexPatterns.js')) as { separators: RegExp };
  const built = buildEldTables(ngramsData, separators, dictionary);

  const bytes = encodeEldTables(built, 'k1');
  assert.deepEqual(decodeEldTables(bytes, 'k1'), built);
  assert.equal(decodeEldTables(bytes, 'k2'), undefined, 'another key');
  assert.equal(decodeEldTables(bytes.subarray(0, bytes.length - 5), 'k1'), undefined, 'truncated');
  assert.equal(decodeEldTables(Buffer.concat([bytes, Buffer.from([0])]), 'k1'), undefined, 'trailing bytes');
  assert.equal(decodeEldTables(Buffer.from('not a table file'), 'k1'), undefined, 'garbage');

  const dir = mkdtempSync(path.join(tmpdir(), 'cf-eldcache-'));
  const saved = process.env.CORPUSFORGE_CACHE_DIR;
  try {
    process.env.CORPUSFORGE_CACHE_DIR = path.join(dir, 'cache');
    let builds = 0;
    const build = () => (builds++, built);
    const first = cachedEldTables('test', build);
    const second = cachedEldTables('test', build);
    assert.equal(builds, 1, 'the second call reads the file');
    assert.deepEqual(second, first);
    const [file] = fs.readdirSync(path.join(dir, 'cache'));
    fs.writeFileSync(path.join(dir, 'cache', file!), 'damaged');
    assert.deepEqual(cachedEldTables('test', build), built);
    assert.equal(builds, 2, 'a damaged file is rebuilt');
    cachedEldTables('test', build);
    assert.equal(builds, 2, 'and rewritten');
    // A cache directory that cannot be created: the tables still come back.
    fs.writeFileSync(path.join(dir, 'blocker'), '');
    process.env.CORPUSFORGE_CACHE_DIR = path.join(dir, 'blocker', 'cache');
    assert.deepEqual(cachedEldTables('test', build), built);
  } finally {
    if (saved === undefined) delete process.env.CORPUSFORGE_CACHE_DIR;
    else process.env.CORPUSFORGE_CACHE_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  }
  // A scorer over decoded tables answers as one over freshly built tables.
  const fresh = new EldScorer(built);
  const cached = new EldScorer(decodeEldTables(bytes, 'k1')!);
  for (const f of ['eng', 'deu_1996', 'rus', 'jpn', 'arb', 'hin']) {
    const text = udhrParagraphs(f).join(' ').slice(0, 600);
    assert.deepEqual(cached.detect(text), fresh.detect(text), f);
  }
});
