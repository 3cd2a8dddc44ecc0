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

// class/id tokens repeat across a site's pages ("menu-item" x 50 per page): remember each pattern's
// verdict per token instead of running its alternation again. Bounded per pattern; long keys not kept.
const verdicts = new WeakMap<RegExp, (token: string) => boolean>();
function matchesToken(re: RegExp, token: string): boolean {
  let test = verdicts.get(re);
  if (!test) verdicts.set(re, (test = boundedMemo(50_000, (t) => re.test(t), 200)));
  return test(token);
}

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

/** Whether a class/id token matches `re`; with `unless`, a token that also matches that does not count. */
function anyToken(re: RegExp, cls: string | undefined, id: string | undefined, unless?: RegExp): boolean {
  for (const v of [cls, id]) {
    if (v === undefined || v === '') continue;
    for (const token of v.split(WHITESPACE_RUN)) {
      if (token !== '' && !isSlug(token) && matchesToken(re, token) && !(unless && matchesToken(unless, token))) return true;
    }
  }
  return false;
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
export function classWeight(a: AttributeValues): number {
  const cls = a.get('class');
  const id = a.get('id');
  if (cls === undefined && id === undefined) return 0;
  return (anyToken(POSITIVE_PART, cls, id) ? 25 : 0) - (anyToken(NEGATIVE_PART, cls, id) ? 25 : 0);
}

/** OWN_BOILERPLATE, CONTENT_MARKER and DATA_TABLE flags of a block-level element. */
export function elementFlags(name: string, a: AttributeValues, boilerplate: RegExp, insideArticle: boolean): number {
  if (a.size === 0) return BOILERPLATE_TAGS.has(name) && !(name === 'header' && insideArticle) ? OWN_BOILERPLATE : 0;
  const role = a.get('role')?.toLowerCase();
  let flags = 0;
  if (name === 'main' || (role !== undefined && CONTENT_ROLES.has(role)) || a.get('itemprop') === 'articleBody') flags |= CONTENT_MARKER;
  if (name === 'table' && (a.has('summary') || role === 'grid')) flags |= DATA_TABLE;
  if (name === 'article' || name === 'main' || name === 'html' || name === 'body') return flags;
  const cls = a.get('class');
  const id = a.get('id');
  // A class/id part such as "content" or "post" says the content is here, unless that same
  // token is also a boilerplate name ("comment-body", "sidebar-content").
  if (anyToken(CONTENT_PART, cls, id, boilerplate)) return flags;
  const own =
    name === 'header'
      ? !insideArticle
      : BOILERPLATE_TAGS.has(name) || (role !== undefined && BOILERPLATE_ROLES.has(role)) || anyToken(boilerplate, cls, id);
  return own ? flags | OWN_BOILERPLATE : flags;
}
