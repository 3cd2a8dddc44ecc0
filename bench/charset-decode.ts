// bench/charset-decode: MB/s of datasets/charset.ts's decodeWith (the WHATWG decoders of @exodus/bytes for
// legacy encodings, Node's own for UTF-8) against Node 20's TextDecoder (the reference, in the same loop) on
// real text: UDHR translations encoded by iconv-lite, 64 copies per page (~0.5-1 MB). Also whether the two
// decode the bytes alike. Usage: npm run bench -- charset-decode [--quick]
import iconv from 'iconv-lite';
import { loadavg } from 'node:os';
import { decodeWith } from '../datasets/charset.js';
import { udhrDeclaration } from '../datasets/udhrSample.js';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 5 : 20;
const CASES: [string, string, string][] = [
  ['utf-8', 'utf8', 'eng'], ['windows-1251', 'cp1251', 'rus'], ['windows-1252', 'cp1252', 'fra'], ['iso-8859-2', 'iso88592', 'pol'],
  ['shift_jis', 'shiftjis', 'jpn'], ['euc-jp', 'eucjp', 'jpn'], ['gbk', 'gbk', 'cmn_hans'], ['gb18030', 'gb18030', 'uig_arab'],
  ['big5', 'big5hkscs', 'cmn_hant'], ['euc-kr', 'cp949', 'kor'],
];

console.log(`rounds: ${ROUNDS}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')} (shared machine: read the ratios)`);
console.log('| encoding | text | MB | Node TextDecoder MB/s (reference) | decodeWith MB/s | ratio | same text |');
console.log('|---|---|---|---|---|---|---|');
for (const [encoding, encoder, code] of CASES) {
  const html = (await udhrDeclaration(code)).html.repeat(64);
  const bytes = iconv.encode(html, encoder);
  const node = new TextDecoder(encoding);
  let nodeMs = 0;
  let oursMs = 0;
  let same = true;
  for (let r = 0; r < ROUNDS; r++) {
    // Alternating which goes first, so both see the same load.
    const order = r % 2 ? ['ours', 'node'] : ['node', 'ours'];
    for (const who of order) {
      const t = performance.now();
      const text = who === 'node' ? node.decode(bytes) : decodeWith(bytes, encoding);
      const ms = performance.now() - t;
      if (r === 0) continue; // first round: warm-up (tables load on first use)
      if (who === 'node') nodeMs += ms;
      else {
        oursMs += ms;
        if (r === 1) same = text === node.decode(bytes);
      }
    }
  }
  const mb = bytes.length / 1e6;
  const nodeMBs = (mb * (ROUNDS - 1)) / (nodeMs / 1000);
  const oursMBs = (mb * (ROUNDS - 1)) / (oursMs / 1000);
  console.log(`| ${encoding} | ${code} | ${mb.toFixed(2)} | ${nodeMBs.toFixed(0)} | ${oursMBs.toFixed(0)} | ${(oursMBs / nodeMBs).toFixed(2)}x | ${same ? 'yes' : 'no'} |`);
}
