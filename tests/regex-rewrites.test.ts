// The scanners that replaced backtracking regexes (issue 19) find exactly what those regexes found. The old
// regexes are the reference here, on short random strings where their backtracking costs nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blankUrlsAndEmails } from '../filters/langid/urlsAndEmails.js';
import { normaliseText } from '../filters/format/normalise.js';

function randomStrings(parts: string[], count: number, maxParts: number, seed: number): string[] {
  let state = seed;
  const rnd = () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const out: string[] = [];
  for (let t = 0; t < count; t++) {
    let s = '';
    const n = Math.floor(rnd() * maxParts);
    for (let k = 0; k < n; k++) s += parts[Math.floor(rnd() * parts.length)];
    out.push(s);
  }
  return out;
}

test('blankUrlsAndEmails replaces what the langid URL/e-mail regex matched, one space each', () => {
  const OLD = /\b(?:https?:\/\/|www\.)\S+|[^\s@]+@[^\s@]+\.[a-z]{2,}/gi;
  const parts = ['a', 'B', '.', '@', ' ', '\n', 'h', 't', 'p', 's', ':', '/', 'w', 'W', '_', '-', '\u00a0', 'é', '1', 'HTTP://', 'https://', 'www.', '.com', '@x.io', '\u3000', 'Z'];
  for (const s of randomStrings(parts, 50_000, 30, 1)) assert.equal(blankUrlsAndEmails(s), s.replace(OLD, ' '), JSON.stringify(s));
  assert.equal(blankUrlsAndEmails('Mail jo@example.org or see https://example.org/x today'), 'Mail   or see   today');
});

test('normalise drops the spaces before a line end as / +\\n/ did', () => {
  const parts = [' ', '  ', '\t', '\n', 'a', '\u00a0', '\r\n', 'b c'];
  for (const s of randomStrings(parts, 20_000, 12, 3)) {
    const expected = s.normalize('NFC').replace(/\r\n?/g, '\n').replace(/[^\S\n]{2,}|[^\S \n]/g, ' ').replace(/ +\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
    assert.equal(normaliseText(s, 'NFC', false), expected, JSON.stringify(s));
  }
});
