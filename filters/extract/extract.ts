import { z } from 'zod';
import type { Document } from '../../core/document.js';
import { UserError } from '../../core/errors.js';
import { addCount, defineFilterStep } from '../filterStep.js';
import { DEFAULT_BOILERPLATE_PATTERN, parseHtmlBlocks } from './extractHtml.js';
import { classifyBlocks } from './extractClassify.js';

const Options = z.object({
  /** Run the jusText-like block classifier; false keeps every visible block outside boilerplate containers. */
  classify: z.boolean().default(true),
  /** Blocks shorter than this many characters are judged by their neighbours (jusText LENGTH_LOW). */
  minBlockChars: z.number().int().min(0).default(70),
  /** Blocks at least this long with sentence punctuation are content on their own (jusText LENGTH_HIGH). */
  goodBlockChars: z.number().int().min(1).default(200),
  /** Largest share of a block's characters inside links before it is boilerplate (jusText MAX_LINK_DENSITY). */
  maxLinkDensity: z.number().min(0).max(1).default(0.2),
  /** Regex (case-insensitive) over class/id tokens that marks boilerplate containers such as cookie banners. */
  boilerplatePattern: z.string().default(DEFAULT_BOILERPLATE_PATTERN),
});
export type ExtractOptions = z.output<typeof Options>;

export interface ExtractedText {
  title?: string;
  text: string;
  blocks: number;
  keptBlocks: number;
}

/** Main text of one HTML page: content blocks separated by blank lines. */
export function extractMainText(html: string, options: ExtractOptions, boilerplate?: RegExp): ExtractedText {
  const page = parseHtmlBlocks(html, boilerplate ?? new RegExp(options.boilerplatePattern, 'i'));
  const keep = options.classify
    ? classifyBlocks(page.blocks, {
        lengthLow: options.minBlockChars,
        lengthHigh: options.goodBlockChars,
        maxLinkDensity: options.maxLinkDensity,
      })
    : page.blocks.map(() => true);
  const kept = page.blocks.filter((_, i) => keep[i]);
  const out: ExtractedText = { text: kept.map((b) => b.text).join('\n\n'), blocks: page.blocks.length, keptBlocks: kept.length };
  if (page.title !== undefined) out.title = page.title;
  return out;
}

export const extractStep = defineFilterStep({
  name: 'extract',
  description: 'Main text from HTML (metadata.format "html"): drops script/nav/header/footer/aside/forms/cookie banners, jusText-like text/link-density block classifier, title into metadata.title',
  options: Options,
  refine: (o) => {
    try {
      new RegExp(o.boilerplatePattern, 'i');
    } catch (e) {
      throw new UserError(`step 'extract': option 'boilerplatePattern': ${(e as Error).message}`);
    }
    return o;
  },
  rule: (options) => {
    const boilerplate = new RegExp(options.boilerplatePattern, 'i');
    return {
      counters: ['extract.blocks', 'extract.blocks_kept'],
      decide(doc, counters) {
        if (doc.metadata.format !== 'html') return doc;
        let result: ExtractedText;
        try {
          result = extractMainText(doc.text, options, boilerplate);
        } catch (e) {
          // One malformed page must not end the run: it becomes a drop with the parser's message.
          const message = e instanceof Error ? e.message : String(e);
          return { doc: { ...doc, metadata: { ...doc.metadata, extractError: message } }, reason: 'failed' };
        }
        addCount(counters, 'extract.blocks', result.blocks);
        addCount(counters, 'extract.blocks_kept', result.keptBlocks);
        const metadata: Record<string, unknown> = { ...doc.metadata, format: 'text' };
        if (result.title !== undefined) metadata.title = result.title;
        const out: Document = { ...doc, text: result.text, metadata };
        return result.text === '' ? { doc: out, reason: 'empty' } : out;
      },
    };
  },
});
