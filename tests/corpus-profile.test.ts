import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Document } from '../core/document.js';
import { groupOf, groupsOf, sourceFile } from '../datasets/documentGroups.js';
import { GroupTable } from '../filters/profile/groupTable.js';
import { CorpusProfileCounter, CorpusProfileObserver, type CorpusProfileData } from '../filters/profile/corpusProfile.js';
import { countSpacedWords } from '../filters/text/spacedWords.js';
import { loadTokenizerFile } from '../tokenizer/tokenizerFile.js';
import { tempDir } from './helpers/tmp.js';
import { runCli } from './helpers/cli.js';
import { udhrDocuments, writeUdhrCorpus } from './helpers/udhrCorpus.js';

const doc = (over: Partial<Document>): Document => ({ id: 'x', text: 'a b', source: 'in/a.jsonl:3', metadata: {}, ...over });

test('groups: language, registrable domain and TLD (public suffix list), source file, metadata field', () => {
  assert.equal(groupOf(doc({ lang: 'deu' }), 'lang'), 'deu');
  assert.equal(groupOf(doc({}), 'lang'), 'und');
  const bbc = doc({ url: 'https://news.bbc.co.uk/world/1' });
  assert.deepEqual(groupsOf(bbc, ['domain', 'tld']), ['bbc.co.uk', 'uk']);
  assert.deepEqual(groupsOf(doc({ url: 'http://a.b.example.com.tr/x' }), ['domain', 'tld']), ['example.com.tr', 'tr']);
  assert.deepEqual(groupsOf(doc({ url: 'http://10.1.2.3:8080/x' }), ['domain', 'tld']), ['10.1.2.3', '(ip)']);
  assert.deepEqual(groupsOf(doc({ url: 'http://localhost:3000/x' }), ['domain', 'tld']), ['localhost', 'localhost']);
  assert.deepEqual(groupsOf(doc({}), ['domain', 'tld']), ['(none)', '(none)']);
  assert.equal(sourceFile('data/a.jsonl:17'), 'data/a.jsonl');
  assert.equal(sourceFile('shard.parquet#4'), 'shard.parquet');
  assert.equal(sourceFile('crawl/x.warc.gz@1234'), 'crawl/x.warc.gz');
  assert.equal(sourceFile('crawl:https://example.com/'), 'crawl');
  assert.equal(sourceFile('page.html'), 'page.html');
  assert.equal(groupOf(doc({ metadata: { topic: 'law' } }), 'metadata.topic'), 'law');
  assert.equal(groupOf(doc({ metadata: { year: 2020 } }), 'metadata.year'), '2020');
  assert.equal(groupOf(doc({}), 'metadata.topic'), '(none)');
});

test('a bounded table folds the smallest groups into other: totals exact, heavy groups kept, flagged inexact', () => {
  const t = new GroupTable(8, false);
  // A Zipf-like stream: group g appears about 1000/g times; 200 groups, interleaved.
  let docs = 0;
  for (let round = 0; round < 1000; round++) {
    for (let g = 1; g <= 200; g++) {
      if (round % g === 0) {
        t.add(`g${g}`, { bytes: 10, words: 2 });
        docs++;
      }
    }
  }
  const r = t.report();
  assert.equal(r.total.docs, docs);
  assert.equal(r.total.bytes, 10 * docs);
  const listed = Object.values(r.groups).reduce((n, v) => n + v.docs, 0);
  assert.equal(listed + r.other.docs, docs, 'listed + other = total');
  assert.ok(Object.keys(r.groups).length <= 8);
  assert.equal(r.exact, false);
  assert.ok(r.max_folded_docs > 0);
  // The heaviest groups are listed, first, with lower bounds of their counts: g2 was folded once in the first
  // round, where every group had one document and ties went by name.
  assert.deepEqual(Object.keys(r.groups).slice(0, 3), ['g1', 'g2', 'g3']);
  assert.equal(r.groups.g1!.docs, 1000);
  assert.ok(r.groups.g2!.docs <= 500 && r.groups.g2!.docs >= 500 - r.max_folded_docs, `g2 ${r.groups.g2!.docs}`);
  const small = new GroupTable(8, false);
  for (const g of ['a', 'b', 'a']) small.add(g, { bytes: 1, words: 1 });
  assert.deepEqual(small.report(), { groups: { a: { docs: 2, bytes: 2, words: 2 }, b: { docs: 1, bytes: 1, words: 1 } }, other: { docs: 0, bytes: 0, words: 0 }, total: { docs: 3, bytes: 3, words: 3 }, exact: true, max_folded_docs: 0 });
});

test('the observer counts kept documents only, and a restored observer goes on as if never stopped', () => {
  const docs = udhrDocuments({ eng: 1, fra: 1, pol: 1 });
  const whole = new CorpusProfileObserver({ metadata: ['topic'] });
  const first = new CorpusProfileObserver({ metadata: ['topic'] });
  docs.forEach((d, i) => {
    whole.count(whole.note(d), i % 5 !== 0);
    if (i < 100) first.count(first.note(d), i % 5 !== 0);
  });
  const resumed = new CorpusProfileObserver({ metadata: ['topic'] });
  resumed.restore(JSON.parse(JSON.stringify(first.report())) as CorpusProfileData);
  docs.slice(100).forEach((d, j) => resumed.count(resumed.note(d), (j + 100) % 5 !== 0));
  assert.deepEqual(resumed.report(), whole.report());
  const kept = docs.filter((_, i) => i % 5 !== 0);
  const r = whole.report();
  assert.equal(r.total.docs, kept.length);
  assert.deepEqual(Object.keys(r.dimensions), ['lang', 'domain', 'tld', 'source', 'metadata.topic']);
  assert.deepEqual(r.dimensions.tld!.groups.uk, {
    docs: kept.filter((d) => d.lang === 'pol').length,
    bytes: kept.filter((d) => d.lang === 'pol').reduce((n, d) => n + Buffer.byteLength(d.text), 0),
    words: kept.filter((d) => d.lang === 'pol').reduce((n, d) => n + countSpacedWords(d.text), 0),
  });
});

test('curate writes the profile into stats.json and the report; the same whatever the workers; profile counts tokens', async () => {
  const dir = await tempDir('cf-profile-');
  const docs = udhrDocuments();
  const input = join(dir, 'udhr.parquet');
  await writeUdhrCorpus(input, docs);
  const config = join(dir, 'p.json');
  await writeFile(config, JSON.stringify({ steps: [{ step: 'normalise' }], profile: { metadata: ['topic'], topK: 5 } }));
  const stats: Record<string, { reports: { profile: CorpusProfileData } }> = {};
  for (const w of ['0', '2']) {
    const r = await runCli(['curate', '-i', input, '-o', join(dir, `c${w}`), '--config', config, '-w', w, '-q']);
    assert.equal(r.code, 0, r.stderr);
    stats[w] = JSON.parse(await readFile(join(dir, `c${w}`, 'stats.json'), 'utf8'));
  }
  const p = stats['0']!.reports.profile;
  assert.deepEqual(stats['2']!.reports.profile, p, 'the profile does not depend on the worker count');
  // Expected counts, computed here from the documents themselves (normalise leaves UDHR text as it is).
  const expect = new Map<string, { docs: number; bytes: number; words: number }>();
  for (const d of docs) {
    const e = expect.get(d.lang!) ?? { docs: 0, bytes: 0, words: 0 };
    e.docs++;
    e.bytes += Buffer.byteLength(d.text);
    e.words += countSpacedWords(d.text);
    expect.set(d.lang!, e);
  }
  // 10 languages > 4 x topK (20)? no: every language is listed, exactly.
  assert.equal(p.dimensions.lang!.exact, true);
  assert.deepEqual(new Map(Object.entries(p.dimensions.lang!.groups)), expect);
  // gouv.fr is a public suffix (as co.uk is): the registrable domain is one label below it.
  assert.deepEqual(Object.keys(p.dimensions.domain!.groups).sort(), ['bund.de', 'droits.gouv.fr', 'example.co.uk', 'example.com.tr', 'example.es', 'example.it', 'example.nl', 'example.org', 'example.ru', 'un.org']);
  assert.equal(p.dimensions.source!.groups['udhr/eng.jsonl']!.docs, expect.get('eng')!.docs);
  assert.deepEqual(Object.keys(p.dimensions['metadata.topic']!.groups).sort(), ['duties', 'rights']);
  const html = await readFile(join(dir, 'c0', 'report.html'), 'utf8');
  assert.match(html, /<h2>Corpus profile<\/h2>/);
  assert.match(html, /<h3>by domain<\/h3><table><thead><tr><th>domain<\/th><th>docs<\/th><th>bytes<\/th><th>words<\/th>/);
  assert.match(html, /id="profile-lang-chart"/);
  // With a tokenizer: tokens per language, as the tokenizer counts them one document at a time.
  const tok = join(dir, 'tok.json');
  const t = await runCli(['tokenizer', 'train', '-i', join(dir, 'c0'), '-o', tok, '--vocab-size', '400', '-q']);
  assert.equal(t.code, 0, t.stderr);
  const out = join(dir, 'profile.json');
  const pr = await runCli(['profile', '-i', join(dir, 'c0'), '-t', tok, '--metadata', 'topic', '-o', out]);
  assert.equal(pr.code, 0, pr.stderr);
  assert.match(pr.stdout, /^corpus profile: [\d,]+ docs, [\d,]+ bytes, [\d,]+ words, [\d,]+ tokens/);
  assert.match(pr.stdout, /by lang:\n\s+group\s+docs\s+bytes\s+words\s+tokens\s+% tokens\n\s+eng\s/);
  const withTokens = JSON.parse(await readFile(out, 'utf8')) as CorpusProfileData;
  const { tokenizer } = await loadTokenizerFile(tok);
  for (const lang of ['eng', 'arb']) {
    const tokens = docs.filter((d) => d.lang === lang).reduce((n, d) => n + tokenizer.encodeOrdinary(d.text).length, 0);
    assert.equal(withTokens.dimensions.lang!.groups[lang]!.tokens, tokens);
  }
  assert.deepEqual(withTokens.units, ['docs', 'bytes', 'words', 'tokens']);
  // From the tokenize output instead (tokens.idx lengths less the end-of-text token): the same counts.
  const tokens = join(dir, 'tokens');
  const tz = await runCli(['tokenize', '-i', join(dir, 'c0'), '-t', tok, '-o', tokens, '-w', '1', '-q']);
  assert.equal(tz.code, 0, tz.stderr);
  const fromIdx = join(dir, 'profile-idx.json');
  const pi = await runCli(['profile', '-i', join(dir, 'c0'), '--tokens', tokens, '--metadata', 'topic', '-o', fromIdx, '-q']);
  assert.equal(pi.code, 0, pi.stderr);
  assert.deepEqual(JSON.parse(await readFile(fromIdx, 'utf8')), withTokens);
  const wrong = await runCli(['profile', '-i', join(dir, 'udhr.parquet'), '-i', join(dir, 'c0'), '--tokens', tokens, '-q']);
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /^error: .*tokens\.idx: lists \d+ documents, but the corpus has more/);
  const counter = new CorpusProfileCounter();
  assert.deepEqual(counter.dims, ['lang', 'domain', 'tld', 'source']);
});
