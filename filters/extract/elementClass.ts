/**
 * What an element's tag and attributes say before its content is seen: hidden (never content),
 * boilerplate container (nav, footer, landmark roles, class/id such as "cookie-banner"), content
 * marker (role=main, <main>, itemprop=articleBody) and Readability's class/id weight.
 */
import type { AttributeValues } from './htmlStream.js';
import { boundedMemo } from '../text/boundedMemo.js';
import { CONTENT_MARKER, DATA_TABLE, OWN_BOILERPLATE } from './pageNodes.js';

/** class/id tokens that mark boilerplate containers, matched as whole dash/underscore-separated parts. */
export const DEFAULT_BOILERPLATE_PATTERN =
  '(^|[-_])(cookies?|consent|gdpr|cc-banner|banner|newsletter|subscribe|popup|modal|overlay|share|sharing|social|breadcrumbs?|sidebar|navbar|nav|menu|related|advert|ads?|promo|sponsored|skip-link|comments?-form|footer|header)([-_]|$)';

/** Elements whose subtree is boilerplate unless the content is inside them (see boilerplateFlags). */
const BOILERPLATE_TAGS = new Set(['nav', 'aside', 'footer', 'menu', 'header']);
const SKIP_ROLES = new Set(['dialog', 'alertdialog']);
const BOILERPLATE_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'complementary', 'search', 'menu', 'menubar']);
const CONTENT_ROLES = new Set(['main', 'article']);
/** class/id parts that say "the content is in here": such an element is not boilerplate. */
const CONTENT_PART = /(^|[-_])(article|articles|body|content|entry|hentry|main|post|story|text|blog|column)([-_]|$)/i;
/** Readability's weights, as whole parts of class/id tokens (substrings caught "multimedia" as "media"). */
const NEGATIVE_PART =
  /(^|[-_])(ad|ads|advert|banner|byline|combx|comment|comments|contact|footer|gdpr|masthead|meta|outbrain|promo|related|share|sharing|shoutbox|sidebar|skyscraper|social|sponsor|sponsored|shopping|tags|widget|author|dateline)([-_]|$)/i;
const POSITIVE_PART = /(^|[-_])(article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story)([-_]|$)/i;
const HIDDEN_STYLE = /display\s*:\s*none|visibility\s*:\s*hidden/i;
const WHITESPACE_RUN = /\s+/;

/** What the tokens of one class or id value say, as bits. */
const CONTENT = 1; // a token names content ("post-body") and is not also a boilerplate name
const BOILERPLATE_NAME = 2; // a token matches the boilerplate pattern
const POSITIVE = 4;
const NEGATIVE = 8;

/** A token of 5+ dash-separated parts without "_" is a slug of text (Sphinx's id="sharing-with-a-single-developer"),
 * not a component name: it says nothing about boilerplate. */
function isSlug(token: string): boolean {
  let dashes = 0;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c === 95) return false;
    if (c === 45 && ++dashes >= 4) return true;
  }
  return false;
}

function valueBits(value: string, boilerplate: RegExp): number {
  let bits = 0;
  for (const token of value.split(WHITESPACE_RUN)) {
    if (token === '' || isSlug(token)) continue;
    const named = boilerplate.test(token);
    if (named) bits |= BOILERPLATE_NAME;
    else if (CONTENT_PART.test(token)) bits |= CONTENT;
    if (POSITIVE_PART.test(token)) bits |= POSITIVE;
    if (NEGATIVE_PART.test(token)) bits |= NEGATIVE;
  }
  return bits;
}

// class/id values repeat across a page and a site ("menu-item menu-item-type-post" x 50): remember
// each value's bits, per boilerplate pattern. Bounded; long values are computed, not kept.
const memos = new WeakMap<RegExp, (value: string) => number>();
function bitsOf(a: AttributeValues, boilerplate: RegExp): number {
  let memo = memos.get(boilerplate);
  if (!memo) memos.set(boilerplate, (memo = boundedMemo(50_000, (v) => valueBits(v, boilerplate), 200)));
  const cls = a.get('class');
  const id = a.get('id');
  return (cls ? memo(cls) : 0) | (id ? memo(id) : 0);
}

/** hidden, aria-hidden, aria-modal, a dialog role or an inline display:none / visibility:hidden. */
export function isHidden(a: AttributeValues): boolean {
  if (a.size === 0) return false;
  if (a.has('hidden') || a.get('aria-hidden') === 'true' || a.get('aria-modal') === 'true') return true;
  const role = a.get('role')?.toLowerCase();
  if (role !== undefined && SKIP_ROLES.has(role)) return true;
  const style = a.get('style');
  return style !== undefined && HIDDEN_STYLE.test(style);
}

/** +25 for a content-like class/id part, -25 for a boilerplate-like one (both: 0). */
export function classWeight(a: AttributeValues, boilerplate: RegExp): number {
  const bits = bitsOf(a, boilerplate);
  return (bits & POSITIVE ? 25 : 0) - (bits & NEGATIVE ? 25 : 0);
}

/** OWN_BOILERPLATE, CONTENT_MARKER and DATA_TABLE flags of a block-level element. */
export function elementFlags(name: string, a: AttributeValues, boilerplate: RegExp, insideArticle: boolean): number {
  if (a.size === 0) return BOILERPLATE_TAGS.has(name) && !(name === 'header' && insideArticle) ? OWN_BOILERPLATE : 0;
  const role = a.get('role')?.toLowerCase();
  let flags = 0;
  if (name === 'main' || (role !== undefined && CONTENT_ROLES.has(role)) || a.get('itemprop') === 'articleBody') flags |= CONTENT_MARKER;
  if (name === 'table' && (a.has('summary') || role === 'grid')) flags |= DATA_TABLE;
  if (name === 'article' || name === 'main' || name === 'html' || name === 'body') return flags;
  const bits = bitsOf(a, boilerplate);
  // A class/id part such as "content" or "post" says the content is here, unless that same
  // token is also a boilerplate name ("comment-body", "sidebar-content").
  if (bits & CONTENT) return flags;
  const own =
    name === 'header'
      ? !insideArticle
      : BOILERPLATE_TAGS.has(name) || (role !== undefined && BOILERPLATE_ROLES.has(role)) || (bits & BOILERPLATE_NAME) !== 0;
  return own ? flags | OWN_BOILERPLATE : flags;
}
