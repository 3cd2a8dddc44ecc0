// tokenizer.json export and import, compatible with @huggingface/tokenizers (JS) and the Rust loader that Python
// transformers uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tokenizer as RustTokenizer } from 'tokenizers';
import { Tokenizer as JsHfTokenizer } from '@huggingface/tokenizers';
import { trainFromTexts } from '../tokenizer/trainPipeline.js';
import { toHfJson, tokenizerFromHfJson, tokenizerFromTrained } from '../tokenizer/hfJson.js';
import { PRETOKENIZERS, patternFromSource, translateRustRegex } from '../tokenizer/pretokenize.js';
import { EDGE_CASES } from './helpers/udhrText.js';
import { udhrPlainTexts } from '../datasets/udhrSample.js';

const DECLS = udhrPlainTexts();

for (const pattern of [PRETOKENIZERS.gpt2, PRETOKENIZERS.cl100k]) {
  test(`${pattern.name}: exported tokenizer.json gives our ids in @huggingface/tokenizers and the Rust loader`, async () => {
    const training = DECLS.filter((_, i) => i % 5 === 0).map((d) => d.text);
    const report = await trainFromTexts(training, {
      pattern, vocabSize: 3000, specialTokens: ['<|endoftext|>', '<|pad|>'],
    });
    const json = toHfJson(report.trained, pattern);
    const ours = tokenizerFromTrained(report.trained, pattern);
    const reloaded = tokenizerFromHfJson(JSON.parse(JSON.stringify(json)));
    const js = new JsHfTokenizer(json, {});
    const rust = RustTokenizer.fromString(JSON.stringify(json));
    const samples = [...EDGE_CASES.filter((s) => !s.includes('<|')), ...DECLS.map((d) => [...d.text].slice(0, 600).join(''))];
    let checked = 0;
    for (const s of samples) {
      const ids = ours.encode(s);
      assert.deepEqual(reloaded.encode(s), ids);
      assert.deepEqual(js.encode(s, { add_special_tokens: false }).ids, ids, `@huggingface/tokenizers on ${JSON.stringify(s.slice(0, 40))}`);
      if (checked++ % 10 === 0) {
        const r = await rust.encode(s, null, { addSpecialTokens: false });
        assert.deepEqual(r.getIds(), ids, `Rust tokenizers on ${JSON.stringify(s.slice(0, 40))}`);
      }
      assert.equal(ours.decode(ids), s);
    }
    // Special tokens: ids 0 and 1, matched in text only when asked.
    assert.equal(ours.specialId('<|endoftext|>'), 0);
    assert.deepEqual(ours.encode('a<|endoftext|>', { allowedSpecial: 'all' }).slice(-1), [0]);
    assert.ok(!ours.encode('a<|endoftext|>').includes(0));
  });
}

test('import: add_prefix_space and ignore_merges behave as in the Rust loader', async () => {
  const report = await trainFromTexts(DECLS.slice(0, 10).map((d) => d.text), { pattern: PRETOKENIZERS.gpt2, vocabSize: 800 });
  const base = toHfJson(report.trained, PRETOKENIZERS.gpt2);
  const variants = [
    { ...base, pre_tokenizer: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true } },
    { ...base, model: { ...base.model, ignore_merges: true } },
  ];
  for (const json of variants) {
    const ours = tokenizerFromHfJson(JSON.parse(JSON.stringify(json)));
    const rust = RustTokenizer.fromString(JSON.stringify(json));
    for (const s of ['Hello world', ' leading space', 'the rights of everyone', ...DECLS.slice(0, 10).map((d) => d.text.split('\n')[2] ?? '')]) {
      const r = await rust.encode(s, null, { addSpecialTokens: false });
      assert.deepEqual(ours.encode(s), r.getIds(), `${JSON.stringify(s)} with ${JSON.stringify(json.pre_tokenizer)}`);
    }
  }
});

test('import: an NFC normalizer (Qwen-style) is applied as the Rust loader applies it', async () => {
  const report = await trainFromTexts(DECLS.slice(0, 10).map((d) => d.text), { pattern: PRETOKENIZERS.cl100k, vocabSize: 600 });
  const json = { ...toHfJson(report.trained, PRETOKENIZERS.cl100k), normalizer: { type: 'NFC' } };
  const ours = tokenizerFromHfJson(JSON.parse(JSON.stringify(json)));
  const rust = RustTokenizer.fromString(JSON.stringify(json));
  for (const s of ['e\u0301te\u0301', 'Å Ä\u0308 ﬁ', 'plain']) {
    const r = await rust.encode(s, null, { addSpecialTokens: false });
    assert.deepEqual(ours.encode(s), r.getIds(), JSON.stringify(s));
  }
  assert.deepEqual(ours.encode('e\u0301'), ours.encode('\u00e9'));
  assert.throws(() => tokenizerFromHfJson({ ...json, normalizer: { type: 'Lowercase' } }), /unsupported normalizer/);
});

test('import: other split regexes (Qwen2-style, single digits) are translated and match the Rust loader', async () => {
  const qwen = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
  for (const p of Object.values(PRETOKENIZERS)) assert.equal(translateRustRegex(p.source), p.js);
  const pattern = patternFromSource(qwen);
  assert.equal(pattern.name, 'custom');
  const report = await trainFromTexts(DECLS.slice(0, 10).map((d) => d.text), { pattern, vocabSize: 600 });
  const json = toHfJson(report.trained, pattern);
  const ours = tokenizerFromHfJson(JSON.parse(JSON.stringify(json)));
  const rust = RustTokenizer.fromString(JSON.stringify(json));
  for (const s of [...EDGE_CASES.filter((e) => e.length < 400), ...DECLS.slice(0, 20).map((d) => d.text.split('\n')[3] ?? '')]) {
    const r = await rust.encode(s, null, { addSpecialTokens: false });
    assert.deepEqual(ours.encode(s), r.getIds(), JSON.stringify(s.slice(0, 60)));
  }
  assert.throws(() => patternFromSource('(?i:abc)'), /not supported/);
});

test('import: a split regex that leaves text unmatched keeps that text as words, as the Rust loader does', async () => {
  const pattern = patternFromSource('\\p{L}+|\\p{N}');
  const report = await trainFromTexts(DECLS.slice(0, 10).map((d) => d.text), { pattern, vocabSize: 600 });
  const json = toHfJson(report.trained, pattern);
  const ours = tokenizerFromHfJson(JSON.parse(JSON.stringify(json)));
  const rust = RustTokenizer.fromString(JSON.stringify(json));
  for (const s of ['ab, cd!', '  leading and trailing  ', '12 + 34 = 46', ...EDGE_CASES.filter((e) => e.length < 400)]) {
    const r = await rust.encode(s, null, { addSpecialTokens: false });
    assert.deepEqual(ours.encode(s), r.getIds(), JSON.stringify(s.slice(0, 60)));
    assert.equal(ours.decode(ours.encode(s)), s.replace(/[\ud800-\udfff]/gu, '\ufffd'));
  }
});
