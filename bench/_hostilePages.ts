/**
 * Generated pathological HTML pages (issue 19): structures whose cost grows faster than their size
 * in a naive parser or classifier. Each wraps a short real paragraph so that "processed" can be told
 * from "dropped". Sizes are about `scale` MB each.
 */
const PARAGRAPH =
  '<p>The Danube is the second-longest river in Europe, after the Volga in Russia. It flows through much of Central and Southeastern Europe, from the Black Forest into the Black Sea.</p>';

export interface HostilePage {
  name: string;
  html: string;
}

export function hostilePages(scale = 1): HostilePage[] {
  const n = (perMb: number) => Math.max(1, Math.round(perMb * scale));
  const wrap = (body: string) => `<!doctype html><html><head><title>hostile</title></head><body>${PARAGRAPH}${body}</body></html>`;
  return [
    // 200,000 nested <div>s is ~3.4 MB in the report (with closing tags and a little text).
    { name: 'nested <div> (closed)', html: wrap('<div>'.repeat(n(60_000)) + 'deep text' + '</div>'.repeat(n(60_000))) },
    { name: 'nested <div> (never closed)', html: wrap('<div>x'.repeat(n(160_000))) },
    { name: 'stray close tags under nesting', html: wrap('<div>'.repeat(n(20_000)) + '</span>'.repeat(n(100_000))) },
    { name: '1M <br> (per 4 MB)', html: wrap('<br>'.repeat(n(250_000))) },
    { name: 'endless <table> nesting', html: wrap('<table><tr><td>cell '.repeat(n(50_000))) },
    { name: 'nested <a> and <b>', html: wrap('<b><a href="#">x '.repeat(n(50_000))) },
    { name: 'many short <p>', html: wrap('<p>short</p>'.repeat(n(80_000))) },
    { name: 'huge class attribute', html: wrap(`<div class="${'a'.repeat(n(1_000_000))}">text</div>`) },
    { name: 'huge attribute, many names', html: wrap(`<div ${'data-x="1" '.repeat(n(90_000))}>text</div>`) },
  ];
}
