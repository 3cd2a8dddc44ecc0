// Every htmlparser2 Parser event for a page, as text, with a given Tokenizer class: how the fast tokenizer
// (filters/extract/htmlTokenizer.ts) is compared with the stock one, event for event, in the tests and in
// the extract fuzz target.
import { Parser, type Tokenizer } from 'htmlparser2';

export function parserEvents(html: string, tokenizer: typeof Tokenizer): string[] {
  const ev: string[] = [];
  const parser = new Parser(
    {
      onopentag: (n, a) => ev.push(`open ${n} ${JSON.stringify(a)}`),
      onclosetag: (n, implied) => ev.push(`close ${n} ${implied}`),
      ontext: (t) => ev.push(`text ${t}`),
      oncomment: (t) => ev.push(`comment ${t}`),
      onprocessinginstruction: (n, d) => ev.push(`pi ${n} ${d}`),
      oncdatastart: () => ev.push('cdata'),
    },
    { decodeEntities: true, Tokenizer: tokenizer },
  );
  parser.end(html);
  return ev;
}
