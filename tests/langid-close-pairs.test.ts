import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { langidStep } from '../filters/langid/langid.js';
import { isWantedLanguage, mergedLanguage } from '../filters/langid/closeLanguages.js';
import type { Document } from '../core/document.js';

/** Paragraphs of at least 400 characters, each made of consecutive messages of one data file (gettext translations). */
function paragraphs(file: string): string[] {
  const lines = readFileSync(new URL(`../bench/data/langid-pairs/${file}.tsv`, import.meta.url), 'utf8').split('\n').filter((l) => l !== '');
  const out: string[] = [];
  let p = '';
  for (const line of lines) {
    p += (p ? ' ' : '') + line.split('\t')[1]!;
    if (p.length >= 400) {
      out.push(p);
      p = '';
    }
  }
  return out;
}

/** Labels of a data file's paragraphs under the given langid options, counted. */
function labels(file: string, options: Record<string, unknown> = {}): Map<string, number> {
  const step = langidStep.worker!(langidStep.parseOptions({ labelOnly: true, ...options }));
  const docs: Document[] = paragraphs(file).map((text, i) => ({ id: String(i), text, source: file, metadata: {} }));
  const counts = new Map<string, number>();
  for (const d of step.run(docs).kept) counts.set(d.lang!, (counts.get(d.lang!) ?? 0) + 1);
  return counts;
}

const share = (counts: Map<string, number>, ...langs: string[]) => {
  let total = 0;
  for (const n of counts.values()) total += n;
  return langs.reduce((a, l) => a + (counts.get(l) ?? 0), 0) / total;
};

test('close languages: group codes for answers the identifiers cannot tell apart', () => {
  assert.equal(mergedLanguage('zlm', 'Sila pilih fail'), 'msa');
  assert.equal(mergedLanguage('ind', 'Silakan pilih berkas'), 'msa');
  assert.equal(mergedLanguage('hrv', 'Datoteka nije pronađena'), 'hbs');
  assert.equal(mergedLanguage('srp', 'Датотека није пронађена'), 'srp', 'Cyrillic Serbian is told apart');
  assert.equal(mergedLanguage('bos', 'Датотека није пронађена'), 'hbs');
  assert.equal(mergedLanguage('dan', 'Filen blev ikke fundet'), 'dan');
  assert.ok(isWantedLanguage('msa', new Set(['ind'])));
  assert.ok(isWantedLanguage('hbs', new Set(['srp'])));
  assert.ok(!isWantedLanguage('msa', new Set(['deu'])));
});

test('Indonesian and Malay (real translations): eld has no Indonesian; merged they are msa, and langs: id keeps them', () => {
  assert.equal(share(labels('ind', { closeLanguages: 'separate' }), 'zlm'), 1, 'eld labels every Indonesian paragraph Malay');
  for (const file of ['ind', 'zlm']) assert.equal(share(labels(file), 'msa'), 1, file);
  const step = langidStep.worker!(langidStep.parseOptions({ langs: ['id'] }));
  const docs = paragraphs('ind').map((text, i) => ({ id: String(i), text, source: 'ind', metadata: {} }));
  const out = step.run(docs);
  assert.equal(out.dropped.filter((r) => r.reason === 'langid:wrong_language').length, 0, 'Indonesian pages are not "wrong language"');
  assert.ok(out.kept.length >= docs.length * 0.9, `${out.kept.length} of ${docs.length} kept (the rest: low score)`);
  const german = langidStep.worker!(langidStep.parseOptions({ langs: ['de'] })).run(docs);
  assert.equal(german.kept.length, 0);
});

test('Croatian, Serbian, Bosnian (real translations): Latin script is hbs; Cyrillic Serbian stays srp', () => {
  for (const file of ['hrv', 'srp-Latn', 'bos']) {
    const separate = labels(file, { closeLanguages: 'separate' });
    assert.ok(share(separate, 'hrv') > 0.95, `${file}: eld says Croatian (${[...separate]})`);
    assert.ok(share(labels(file), 'hbs') > 0.95, file);
  }
  assert.ok(share(labels('srp-Cyrl'), 'srp') > 0.95);
  // franc splits Cyrillic Serbian between srp and bos: both are Serbo-Croatian.
  assert.ok(share(labels('srp-Cyrl', { identifier: 'franc' }), 'srp', 'hbs') > 0.95);
});

test('Bokmål/Danish and Czech/Slovak (real translations) are told apart; Galician needs franc', () => {
  for (const [file, lang] of [['nob', 'nob'], ['dan', 'dan'], ['ces', 'ces'], ['slk', 'slk'], ['por', 'por']] as const) {
    assert.ok(share(labels(file), lang) > 0.95, `${file}: ${[...labels(file)]}`);
  }
  // eld has no Galician: it says Portuguese or Spanish. franc knows it.
  assert.equal(share(labels('glg'), 'glg'), 0);
  assert.ok(share(labels('glg'), 'por', 'spa') > 0.95);
  assert.ok(share(labels('glg', { identifier: 'franc' }), 'glg') > 0.95);
  assert.ok(share(labels('por', { identifier: 'franc' }), 'por') > 0.9);
});
