import { z } from 'zod';
import type { Document } from '../../core/document.js';
import { UserError } from '../../core/errors.js';
import { addCount, defineFilterStep } from '../filterStep.js';
import { DEFAULT_BOILERPLATE_PATTERN, parseHtmlBlocks, type ParsedPage } from './extractHtml.js';
import { classifyBlocks } from './extractClassify.js';
import { keepVisible, selectContent } from './contentRegion.js';
import type { PageMetadata } from './pageMetadata.js';
import { ChunkedJoin } from '../text/chunkedJoin.js';

const Options = z.object({
  /** Select the main content; false keeps every visible block outside boilerplate containers. */
  classify: z.boolean().default(true),
  /** jusText fallback: blocks shorter than this many characters are judged by their neighbours (LENGTH_LOW). */
  minBlockChars: z.number().int().min(0).default(70),
  /** jusText fallback: blocks at least this long with sentence punctuation are content on their own (LENGTH_HIGH). */
  goodBlockChars: z.number().int().min(1).default(200),
  /** jusText fallback: largest share of a block's characters inside links (MAX_LINK_DENSITY). */
  maxLinkDensity: z.number().min(0).max(1).default(0.2),
  /** Regex (case-insensitive) over class/id tokens that marks boilerplate containers such as cookie banners. */
  boilerplatePattern: z.string().default(DEFAULT_BOILERPLATE_PATTERN),
  /** Pages longer than this (UTF-8 bytes) are cut here before parsing (counter extract.too_large). */
  maxInputBytes: z.number().int().min(1).default(8_000_000),
  /** Elements nested deeper than this are flattened into their ancestor at this depth (extract.too_deep). */
  maxDepth: z.number().int().min(1).default(512),
  /** The parse stops after this many start tags (extract.too_many_nodes). */
  maxNodes: z.number().int().min(1).default(200_000),
  /** A page past a limit: extract what is within it ("truncate"), or drop it with the limit as reason. */
  overLimit: z.enum(['truncate', 'drop']).default('truncate'),
  /** "removed" outputs what extraction leaves out instead of the main text: for auditing the extractor
   * (the run report shows both for a sample of pages). */
  output: z.enum(['main', 'removed']).default('main'),
});
export type ExtractOptions = z.output<typeof Options>;

/** Which selection produced the text (see docs/curation.md). */
export type ExtractMethod = 'region' | 'justext' | 'page' | 'all';

export interface ExtractedText extends PageMetadata {
  text: string;
  blocks: number;
  keptBlocks: number;
  method: ExtractMethod;
  /** Limits the page went past (in the order checked). */
  limits: ('too_large' | 'too_deep' | 'too_many_nodes')[];
}

/** Below this many (weighted) characters a selection is retried looser, as Readability does. */
const ENOUGH_TEXT = 500;
/** In the whole-page fallback, blocks with a larger share of link characters are link rows. */
const LINK_BLOCK = 0.8;
const encoder = new TextEncoder();

/** The first maxBytes UTF-8 bytes of `html`, cut at a character boundary; undefined when it fits. */
function truncateBytes(html: string, maxBytes: number): string | undefined {
  if (html.length <= maxBytes / 3) return undefined;
  const { read } = encoder.encodeInto(html, new Uint8Array(maxBytes));
  return read < html.length ? html.slice(0, read) : undefined;
}

function keptLength(page: ParsedPage, keep: readonly boolean[]): number {
  let n = 0;
  for (let i = 0; i < keep.length; i++) if (keep[i]) n += page.blocks.length[i]!;
  return n;
}

/**
 * Which blocks are the main text: Readability's region (contentRegion.ts), loosened step by step
 * while it holds less than ENOUGH_TEXT; then compared, as trafilatura does, with the jusText
 * classifier over the whole page, which wins when the region is empty or far shorter; finally the
 * whole page outside boilerplate, so a page with text never comes out empty.
 */
export function selectBlocks(page: ParsedPage, options: ExtractOptions): { keep: boolean[]; method: ExtractMethod } {
  const { blocks } = page;
  // Only the fallbacks need it: most pages are decided by their region.
  const outside = () => keepVisible(blocks, true);
  if (!options.classify) return { keep: outside(), method: 'all' };
  let keep: boolean[] = [];
  let length = -1;
  for (const attempt of [
    { stripBoilerplate: true, weightClasses: true, cleanConditionally: true },
    { stripBoilerplate: true, weightClasses: false, cleanConditionally: true },
    { stripBoilerplate: true, weightClasses: false, cleanConditionally: false },
  ]) {
    const k = selectContent(page, attempt);
    const n = keptLength(page, k);
    if (n > length) [keep, length] = [k, n];
    if (length >= ENOUGH_TEXT) break;
  }
  if (length >= ENOUGH_TEXT) return { keep, method: 'region' };
  const visible = outside();
  const justext = classifyBlocks(blocks, {
    lengthLow: options.minBlockChars,
    lengthHigh: options.goodBlockChars,
    maxLinkDensity: options.maxLinkDensity,
  }).map((k, i) => k && visible[i]!);
  const justextLength = keptLength(page, justext);
  if (justextLength > 2 * length) return { keep: justext, method: 'justext' };
  if (length > 0) return { keep, method: 'region' };
  // No region and no classifier verdict: the page's text outside boilerplate, without link rows.
  return { keep: visible.map((v, i) => v && (blocks.heading(i) || blocks.linkChars[i]! <= LINK_BLOCK * blocks.chars[i]!)), method: 'page' };
}

/** Main text of one HTML page: content blocks separated by blank lines, and the page's metadata. */
export function extractMainText(html: string, options: ExtractOptions, boilerplate?: RegExp): ExtractedText {
  const limits: ExtractedText['limits'] = [];
  const cut = truncateBytes(html, options.maxInputBytes);
  if (cut !== undefined) limits.push('too_large');
  const page = parseHtmlBlocks(cut ?? html, boilerplate ?? new RegExp(options.boilerplatePattern, 'i'), options);
  if (page.tooDeep) limits.push('too_deep');
  if (page.tooManyNodes) limits.push('too_many_nodes');
  const { keep, method } = selectBlocks(page, options);
  const wantKept = options.output !== 'removed';
  return { ...page.metadata, text: joinBlocks(page, keep, wantKept), blocks: page.blocks.size, keptBlocks: countKept(keep), method, limits };
}

/** The blocks whose keep flag is `want`, separated by blank lines. (A function of its own: see selectContent.) */
function joinBlocks(page: ParsedPage, keep: readonly boolean[], want: boolean): string {
  const parts = new ChunkedJoin('\n\n');
  for (let i = 0; i < page.blocks.size; i++) if (keep[i] === want) parts.push(page.blocks.text[i]!);
  return parts.join();
}

function countKept(keep: readonly boolean[]): number {
  let kept = 0;
  for (let i = 0; i < keep.length; i++) if (keep[i]) kept++;
  return kept;
}

export const extractStep = defineFilterStep({
  name: 'extract',
  description:
    'Main text from HTML (metadata.format "html"): Readability-style content region with a jusText fallback; boilerplate (nav, footer, cookie banners...) out; title/author/date into metadata; documented size/depth/node limits',
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
        for (const limit of result.limits) addCount(counters, `extract.${limit}`);
        if (options.overLimit === 'drop' && result.limits.length > 0) return result.limits[0]!;
        addCount(counters, 'extract.blocks', result.blocks);
        addCount(counters, 'extract.blocks_kept', result.keptBlocks);
        const metadata: Record<string, unknown> = { ...doc.metadata, format: 'text' };
        for (const key of ['title', 'author', 'date', 'siteName'] as const) if (result[key] !== undefined) metadata[key] = result[key];
        const out: Document = { ...doc, text: result.text, metadata };
        return result.text === '' ? { doc: out, reason: 'empty' } : out;
      },
    };
  },
});
