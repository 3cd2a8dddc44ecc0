/**
 * One streaming htmlparser2 pass from HTML to visible text blocks: boilerplate containers
 * (script, style, nav, header, footer, aside, form, cookie/consent banners...) are skipped,
 * block-level elements start new blocks, and each block remembers how much of its text sat
 * inside links. Deciding which blocks are content is extractClassify.ts's job.
 */
import { FastTokenizer } from './htmlTokenizer.js';
import { AttributeFilterParser } from './attributeFilterParser.js';
import { boundedMemo } from '../text/boundedMemo.js';

export interface TextBlock {
  /** Whitespace-collapsed text; `<br>` inside the block survives as "\n". */
  text: string;
  /** Non-whitespace characters in the block, and how many of them were inside `<a>`. */
  chars: number;
  linkChars: number;
  /** The block came from h1-h6. */
  heading: boolean;
}

export interface ParsedPage {
  title?: string;
  blocks: TextBlock[];
}

/** Elements whose whole subtree is never content. */
const SKIP_TAGS = new Set([
  'script', 'style', 'noscript', 'template', 'nav', 'header', 'footer', 'aside', 'form', 'iframe',
  'svg', 'math', 'button', 'select', 'option', 'textarea', 'canvas', 'object', 'embed', 'video',
  'audio', 'map', 'dialog', 'menu', 'head',
]);
/** Elements that end the current block (content before and after them are separate blocks). */
const BLOCK_TAGS = new Set([
  'address', 'article', 'blockquote', 'body', 'caption', 'center', 'dd', 'details', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'html', 'li', 'main',
  'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const SKIP_ROLES = new Set([
  'navigation', 'banner', 'contentinfo', 'complementary', 'search', 'menu', 'menubar', 'dialog',
  'alertdialog', 'alert',
]);
/** class/id tokens that mark boilerplate containers, matched as whole dash/underscore-separated parts. */
export const DEFAULT_BOILERPLATE_PATTERN =
  '(^|[-_])(cookies?|consent|gdpr|cc-banner|banner|newsletter|subscribe|popup|modal|overlay|share|sharing|social|breadcrumbs?|sidebar|navbar|nav|menu|related|advert|ads?|promo|sponsored|skip-link|comments?-form|footer|header)([-_]|$)';
/** Marks a kept line break (<br>, newlines inside <pre>) in the block buffer; source newlines are just spaces. */
const BR = '\uE000';
const HIDDEN_STYLE = /display\s*:\s*none|visibility\s*:\s*hidden/i;
const WHITESPACE = /\s/;
const WHITESPACE_RUN = /\s+/;
// Runs to fold into one ' '; a lone ' ' is not matched, so a text without runs is not rebuilt.
const SPACE_RUN = /[ \t\n\r\f\v\u00a0]{2,}|[\t\n\r\f\v\u00a0]/g;

// class/id tokens repeat across a site's pages ("menu-item" x 50 per page): remember the verdict per
// pattern and token instead of running the pattern's alternation again. Bounded per pattern.
const verdicts = new WeakMap<RegExp, (token: string) => boolean>();
function isBoilerplateToken(re: RegExp, token: string): boolean {
  let test = verdicts.get(re);
  if (!test) verdicts.set(re, (test = boundedMemo(50_000, (t) => re.test(t))));
  return test(token);
}

/** The attributes with a value that the boilerplate test reads; `hidden` counts by its presence. */
type ValueAttribute = 'aria-hidden' | 'aria-modal' | 'role' | 'style' | 'class' | 'id';
const VALUE_ATTRIBUTES: ReadonlySet<string> = new Set<ValueAttribute>(['aria-hidden', 'aria-modal', 'role', 'style', 'class', 'id']);
const READ_ATTRIBUTES: ReadonlySet<string> = new Set(['hidden', ...VALUE_ATTRIBUTES]);

/** An open tag's attributes that the boilerplate test reads, first occurrence of each, by name. */
interface TagAttributes extends Record<ValueAttribute, string | undefined> {
  hidden: boolean;
}

interface Open {
  name: string;
  skip: boolean;
}

function countNonWs(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // ASCII whitespace and NBSP; other Unicode spaces are rare enough to count as text.
    if (c > 32 && c !== 160) n++;
  }
  return n;
}

/** Parses a page into its title and candidate text blocks. Throws only on parser failures. */
export function parseHtmlBlocks(html: string, boilerplate: RegExp): ParsedPage {
  const blocks: TextBlock[] = [];
  const stack: Open[] = [];
  let skipping = 0;
  let linkDepth = 0;
  let preDepth = 0;
  let headingDepth = 0;
  let inTitle = false;
  let title = '';
  let buf = '';
  let chars = 0;
  let linkChars = 0;
  let blockIsHeading = false;

  const flush = () => {
    if (chars > 0) {
      const text = buf.includes(BR)
        ? buf
            .split(BR)
            .map((l) => l.replace(SPACE_RUN, ' ').trim())
            .filter((l) => l !== '')
            .join('\n')
        : buf.replace(SPACE_RUN, ' ').trim();
      if (text !== '') blocks.push({ text, chars, linkChars, heading: blockIsHeading });
    }
    buf = '';
    chars = 0;
    linkChars = 0;
    blockIsHeading = headingDepth > 0;
  };

  // The attributes the boilerplate test reads, first occurrence of each (as htmlparser2's attribute
  // object): collected from onattribute into one reused object instead of an object per tag.
  const attrs: TagAttributes = { hidden: false, 'aria-hidden': undefined, 'aria-modal': undefined, role: undefined, style: undefined, class: undefined, id: undefined };
  let pendingTag: string | undefined;

  const isBoilerplate = (name: string): boolean => {
    if (SKIP_TAGS.has(name)) return true;
    if (attrs.hidden || attrs['aria-hidden'] === 'true' || attrs['aria-modal'] === 'true') return true;
    const role = attrs.role;
    if (role !== undefined && SKIP_ROLES.has(role.toLowerCase())) return true;
    const style = attrs.style;
    if (style !== undefined && HIDDEN_STYLE.test(style)) return true;
    const cls = attrs.class;
    if (cls !== undefined && cls !== '') {
      if (WHITESPACE.test(cls)) {
        for (const token of cls.split(WHITESPACE_RUN)) if (token && isBoilerplateToken(boilerplate, token)) return true;
      } else if (isBoilerplateToken(boilerplate, cls)) return true;
    }
    const id = attrs.id;
    return id !== undefined && id !== '' && isBoilerplateToken(boilerplate, id);
  };

  /** An open tag is complete once the parser reports anything after its attributes. */
  const openPendingTag = (): void => {
    const name = pendingTag;
    if (name === undefined) return;
    pendingTag = undefined;
    const skip = skipping === 0 && name !== 'html' && name !== 'body' && isBoilerplate(name);
    if (name === 'title' && title === '' && !stack.some((o) => o.name === 'svg')) inTitle = true;
    stack.push({ name, skip });
    if (skip) skipping++;
    if (skipping > 0) return;
    if (BLOCK_TAGS.has(name)) {
      flush();
      if (HEADINGS.has(name)) {
        headingDepth++;
        blockIsHeading = true;
      }
    } else if (name === 'br') buf += BR;
    else if (name === 'a') linkDepth++;
    if (name === 'pre') preDepth++;
  };

  const parser = new AttributeFilterParser(
    {
      onopentagname(name) {
        openPendingTag();
        // Inside a skipped subtree no attribute changes anything: the parser need not build them.
        parser.wantAttributes = skipping === 0;
        pendingTag = name;
        attrs.hidden = false;
        attrs['aria-hidden'] = attrs['aria-modal'] = attrs.role = attrs.style = attrs.class = attrs.id = undefined;
      },
      onattribute(name, value) {
        // htmlparser2 ignores a <form> inside an open form but still reports its attributes; they
        // can only land on a tag inside the outer form, which is skipped whatever its attributes.
        if (pendingTag === undefined) return;
        if (name === 'hidden') attrs.hidden = true;
        else if (VALUE_ATTRIBUTES.has(name)) attrs[name as ValueAttribute] ??= value;
      },
      ontext(text) {
        openPendingTag();
        if (inTitle) {
          title += text;
          return;
        }
        if (skipping > 0) return;
        buf += preDepth > 0 ? text.replaceAll('\n', BR) : text;
        const n = countNonWs(text);
        chars += n;
        if (linkDepth > 0) linkChars += n;
      },
      onclosetag(name) {
        openPendingTag();
        // htmlparser2 reports implied closes too, so the top of the stack normally matches.
        let i = stack.length - 1;
        while (i >= 0 && stack[i]!.name !== name) i--;
        if (i < 0) return;
        while (stack.length > i) {
          const open = stack.pop()!;
          if (open.name === 'title') inTitle = false;
          if (skipping === 0) {
            if (open.name === 'a') linkDepth = Math.max(0, linkDepth - 1);
            if (open.name === 'pre') preDepth = Math.max(0, preDepth - 1);
            if (BLOCK_TAGS.has(open.name)) {
              flush();
              if (HEADINGS.has(open.name)) headingDepth = Math.max(0, headingDepth - 1);
              blockIsHeading = headingDepth > 0;
            }
          }
          if (open.skip) skipping--;
        }
      },
    },
    { decodeEntities: true, Tokenizer: FastTokenizer },
    READ_ATTRIBUTES,
  );
  parser.end(html);
  openPendingTag();
  flush();
  const t = title.replace(SPACE_RUN, ' ').trim();
  return t === '' ? { blocks } : { title: t, blocks };
}
