/**
 * Six page templates as real sites ship them, each wrapping the same page view in its own chrome:
 * a WordPress theme, a Drupal theme, a 2000s table layout, a utility-class (Tailwind) site, a Sphinx /
 * Read the Docs manual and a news portal. Class names are the ones those systems emit, so some chrome
 * is marked (`site-footer`, `breadcrumb`) and some is not (table cells, `fixed bottom-0`), as on the web.
 */
import type { Phrases } from './phrases.js';

export interface SiteLink {
  label: string;
  path: string;
}

/** What one page shows; each template decides where and how. */
export interface PageView {
  p: Phrases;
  siteName: string;
  tagline: string;
  title: string;
  /** Home > section > ... (the page itself is not in it). */
  crumbs: SiteLink[];
  /** The page's own content as HTML: an article's headings and paragraphs, a listing's teasers. */
  mainHtml: string;
  nav: SiteLink[];
  categories: SiteLink[];
  recent: SiteLink[];
  archives: SiteLink[];
  /** Article pages only. */
  article?: { posted: string; minRead: string; comments: string; tags: SiteLink[]; related: (SiteLink & { date: string })[]; prev?: SiteLink; next?: SiteLink };
  year: number;
}

export const TEMPLATE_NAMES = ['wordpress', 'drupal', 'tables', 'tailwind', 'docs', 'news'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const a = (l: SiteLink, attrs = '') => `<a href="${esc(l.path)}"${attrs}>${esc(l.label)}</a>`;
const lis = (links: SiteLink[], attrs = '') => links.map((l) => `<li${attrs}>${a(l)}</li>`).join('');
const head = (v: PageView, extra = '') =>
  `<!DOCTYPE html><html lang="${v.p.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
  `<title>${esc(v.title)} – ${esc(v.siteName)}</title>${extra}</head>`;
const footerLinks = (v: PageView) => [{ label: v.p.privacy, path: '/privacy/' }, { label: v.p.terms, path: '/terms/' }, { label: v.p.imprint, path: '/imprint/' }, { label: v.p.contact, path: '/contact/' }];

function wordpress(v: PageView): string {
  const art = v.article;
  return `${head(v, '<link rel="stylesheet" href="/wp-content/themes/twentytwentyone/style.css">')}<body class="post-template-default single single-post">
<div id="page" class="site"><a class="skip-link screen-reader-text" href="#content">${esc(v.p.skip)}</a>
<header id="masthead" class="site-header"><div class="site-branding"><p class="site-title">${a({ label: v.siteName, path: '/' })}</p><p class="site-description">${esc(v.tagline)}</p></div>
<nav id="site-navigation" class="primary-navigation" aria-label="Primary menu"><div class="primary-menu-container"><ul id="primary-menu-list" class="menu-wrapper">${lis(v.nav, ' class="menu-item"')}</ul></div></nav></header>
<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">
<article class="post type-post status-publish format-standard hentry"><header class="entry-header"><h1 class="entry-title">${esc(v.title)}</h1></header>
${art ? `<div class="entry-meta"><span class="posted-on">${esc(art.posted)}</span> <span class="reading-time">${esc(art.minRead)}</span></div>` : ''}
<div class="entry-content">${v.mainHtml}</div>
${art ? `<footer class="entry-footer"><span class="tags-links">${esc(v.p.tags)} ${art.tags.map((t) => a(t, ' rel="tag"')).join(', ')}</span></footer>
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">${esc(v.p.share)}</h3><ul><li><a href="#">Facebook</a></li><li><a href="#">X</a></li><li><a href="#">Email</a></li></ul></div>
<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>${esc(v.p.related)}</em></h3>${art.related.map((r) => `<div class="jp-relatedposts-post"><h4 class="jp-relatedposts-post-title">${a(r)}</h4><p class="jp-relatedposts-post-date">${esc(r.date)}</p></div>`).join('')}</div>
<nav class="navigation post-navigation" aria-label="Posts"><div class="nav-links">${art.prev ? `<div class="nav-previous"><a href="${esc(art.prev.path)}"><p class="meta-nav">${esc(v.p.previous)}</p><p class="post-title">${esc(art.prev.label)}</p></a></div>` : ''}${art.next ? `<div class="nav-next"><a href="${esc(art.next.path)}"><p class="meta-nav">${esc(v.p.next)}</p><p class="post-title">${esc(art.next.label)}</p></a></div>` : ''}</div></nav>
<div id="comments" class="comments-area"><h2 class="comments-title">${esc(art.comments)}</h2><div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">${esc(v.p.leaveComment)}</h3><form><textarea name="comment"></textarea></form></div></div>` : ''}
</article></main></div>
<aside id="secondary" class="widget-area"><section class="widget widget_search"><form role="search"><input type="search" placeholder="${esc(v.p.search)}"></form></section>
<section class="widget widget_recent_entries"><h2 class="widget-title">${esc(v.p.recent)}</h2><ul>${lis(v.recent)}</ul></section>
<section class="widget widget_categories"><h2 class="widget-title">${esc(v.p.categories)}</h2><ul>${lis(v.categories, ' class="cat-item"')}</ul></section>
<section class="widget widget_archive"><h2 class="widget-title">${esc(v.p.archives)}</h2><ul>${lis(v.archives)}</ul></section></aside></div>
<footer id="colophon" class="site-footer"><div class="site-info"><div class="site-name">${esc(v.siteName)}</div><div class="powered-by">© ${v.year} ${esc(v.siteName)}. ${esc(v.p.rights)}</div><ul class="footer-navigation">${lis(footerLinks(v))}</ul></div></footer></div>
<div id="cookie-law-info-bar" data-nosnippet="true"><span>${esc(v.p.cookie)} <a role="button" class="cli_settings_button">${esc(v.p.cookieSettings)}</a> <a role="button" id="cookie_action_close_header" class="cli-plugin-button">${esc(v.p.accept)}</a></span></div>
</body></html>`;
}

function drupal(v: PageView): string {
  const art = v.article;
  return `${head(v)}<body class="path-node page-node-type-article"><a href="#main-content" class="visually-hidden focusable skip-link">${esc(v.p.skip)}</a>
<div class="dialog-off-canvas-main-canvas"><div class="layout-container">
<header role="banner"><div class="region region-header"><div id="block-site-branding" class="block block-system block-system-branding-block"><a href="/" rel="home" class="site-logo">${esc(v.siteName)}</a><div class="site-slogan">${esc(v.tagline)}</div></div></div>
<div class="region region-primary-menu"><nav role="navigation" aria-labelledby="block-main-menu-menu" id="block-main-menu" class="block block-menu navigation menu--main"><h2 class="visually-hidden" id="block-main-menu-menu">Main navigation</h2><ul class="menu menu--level-1">${lis(v.nav, ' class="menu__item"')}</ul></nav></div></header>
<div class="region region-breadcrumb"><div id="block-breadcrumbs" class="block block-system block-system-breadcrumb-block"><nav class="breadcrumb" role="navigation" aria-labelledby="system-breadcrumb"><h2 id="system-breadcrumb" class="visually-hidden">Breadcrumb</h2><ol>${lis(v.crumbs)}<li>${esc(v.title)}</li></ol></nav></div></div>
<main role="main"><a id="main-content" tabindex="-1"></a><div class="layout-content"><div class="region region-content">
<div id="block-page-title" class="block block-core block-page-title-block"><h1 class="page-title"><span class="field field--name-title">${esc(v.title)}</span></h1></div>
<article role="article" class="node node--type-article node--view-mode-full">${art ? `<footer class="node__meta"><div class="node__submitted">${esc(art.posted)}</div></footer>` : ''}
<div class="node__content"><div class="clearfix text-formatted field field--name-body field--type-text-with-summary field__item">${v.mainHtml}</div>
${art ? `<div class="field field--name-field-tags field--type-entity-reference"><div class="field__label">${esc(v.p.tags)}</div><div class="field__items">${art.tags.map((t) => `<div class="field__item">${a(t)}</div>`).join('')}</div></div>` : ''}</div></article>
${art ? `<div class="views-element-container block block-views" id="block-views-block-related-content"><h2>${esc(v.p.related)}</h2><div class="view-content"><div class="item-list"><ul>${art.related.map((r) => `<li><div class="views-field views-field-title"><span class="field-content">${a(r)}</span></div></li>`).join('')}</ul></div></div></div>` : ''}
</div></div>
<aside class="layout-sidebar-second" role="complementary"><div class="region region-sidebar-second"><div class="views-element-container block block-views" id="block-views-block-content-recent-block-1"><h2>${esc(v.p.recent)}</h2><div class="item-list"><ul>${lis(v.recent)}</ul></div></div>
<nav role="navigation" id="block-categories" class="block block-menu"><h2>${esc(v.p.categories)}</h2><ul class="menu">${lis(v.categories, ' class="menu-item"')}</ul></nav></div></aside></main>
<footer role="contentinfo"><div class="region region-footer"><nav role="navigation" id="block-footer" class="block block-menu navigation menu--footer"><ul class="menu">${lis(footerLinks(v), ' class="menu-item"')}</ul></nav>
<div id="block-copyright" class="block block-block-content"><div class="clearfix text-formatted field field--name-body"><p>${esc(v.siteName)} · ${esc(v.p.address)}</p><p>© ${v.year} ${esc(v.siteName)}. ${esc(v.p.rights)}</p></div></div></div></footer></div></div>
<div role="alertdialog" aria-live="polite" aria-label="cookieconsent" class="eu-cookie-compliance-banner eu-cookie-compliance-banner-info"><div class="popup-content info eu-cookie-compliance-content"><div id="popup-text" class="eu-cookie-compliance-message"><p>${esc(v.p.cookie)}</p></div><div id="popup-buttons" class="eu-cookie-compliance-buttons"><button type="button" class="agree-button eu-cookie-compliance-default-button">${esc(v.p.accept)}</button><button type="button" class="decline-button eu-cookie-compliance-default-button">${esc(v.p.reject)}</button></div></div></div>
</body></html>`;
}

function tables(v: PageView): string {
  const art = v.article;
  const crumbs = `${v.crumbs.map((c) => a(c)).join(' &gt; ')} &gt; ${esc(v.title)}`;
  return `${head(v)}<body bgcolor="#ffffff" topmargin="0" leftmargin="0">
<table width="100%" border="0" cellspacing="0" cellpadding="4"><tr><td bgcolor="#003366" colspan="2"><font face="Verdana" size="5" color="#ffffff"><b>${esc(v.siteName)}</b></font><br><font face="Verdana" size="1" color="#ccccff">${esc(v.tagline)}</font></td></tr>
<tr><td bgcolor="#e0e8f0" colspan="2"><font face="Verdana" size="1">${v.nav.map((l) => a(l)).join(' | ')}</font></td></tr>
<tr><td width="180" valign="top" bgcolor="#f0f0f0"><font face="Verdana" size="2"><b>${esc(v.p.categories)}</b><br>${v.categories.map((l) => a(l)).join('<br>')}<br><br><b>${esc(v.p.recent)}</b><br>${v.recent.map((l) => a(l)).join('<br>')}<br><br><b>${esc(v.p.archives)}</b><br>${v.archives.map((l) => a(l)).join('<br>')}</font></td>
<td valign="top"><font face="Verdana" size="1">${esc(v.p.youAreHere)} ${crumbs}</font>
<h2><font face="Verdana">${esc(v.title)}</font></h2>${art ? `<font face="Verdana" size="1" color="#666666">${esc(art.posted)} | ${esc(art.comments)}</font>` : ''}
<font face="Verdana" size="2">${v.mainHtml}</font>
${art ? `<p><font face="Verdana" size="1">${esc(v.p.tags)} ${art.tags.map((t) => a(t)).join(', ')}</font></p>
<table width="100%" cellpadding="2"><tr><td bgcolor="#e0e8f0"><font face="Verdana" size="2"><b>${esc(v.p.related)}</b></font></td></tr>${art.related.map((r) => `<tr><td><font face="Verdana" size="2">» ${a(r)} (${esc(r.date)})</font></td></tr>`).join('')}</table>
<p><font face="Verdana" size="2">${art.prev ? `« ${a(art.prev)}` : ''}${art.prev && art.next ? ' | ' : ''}${art.next ? `${a(art.next)} »` : ''}</font></p>` : ''}
</td></tr>
<tr><td colspan="2" align="center" bgcolor="#e0e8f0"><font face="Verdana" size="1">© ${v.year} ${esc(v.siteName)} · ${esc(v.p.address)}<br>${footerLinks(v).map((l) => a(l)).join(' | ')} | <a href="#top">${esc(v.p.backToTop)}</a></font></td></tr></table>
<div id="cookiebar" style="position:fixed;bottom:0;width:100%;background:#333;color:#fff"><font face="Verdana" size="2">${esc(v.p.cookie)} <a href="/privacy/">${esc(v.p.privacy)}</a> <a href="#" onclick="hide()">${esc(v.p.accept)}</a></font></div>
</body></html>`;
}

function tailwind(v: PageView): string {
  const art = v.article;
  return `${head(v, '<link rel="stylesheet" href="/assets/app.4f9c2e.css">')}<body class="bg-white text-gray-900 antialiased">
<div class="flex min-h-screen flex-col"><div class="border-b border-gray-200"><div class="mx-auto flex max-w-6xl items-center justify-between px-4 py-3"><a href="/" class="text-xl font-bold tracking-tight">${esc(v.siteName)}</a>
<div class="hidden gap-6 text-sm font-medium md:flex">${v.nav.map((l) => a(l, ' class="hover:text-indigo-600"')).join('')}</div><button class="md:hidden">☰</button></div></div>
<div class="mx-auto w-full max-w-6xl px-4 pt-6 text-sm text-gray-500"><div class="flex items-center gap-2">${v.crumbs.map((c) => `${a(c, ' class="hover:underline"')}<span>/</span>`).join('')}<span class="text-gray-700">${esc(v.title)}</span></div></div>
<div class="mx-auto grid w-full max-w-6xl grid-cols-1 gap-10 px-4 py-8 lg:grid-cols-3"><div class="lg:col-span-2">
<h1 class="mb-2 text-4xl font-extrabold">${esc(v.title)}</h1>${art ? `<div class="mb-8 flex gap-3 text-sm text-gray-500"><span>${esc(art.posted)}</span><span>·</span><span>${esc(art.minRead)}</span></div>` : ''}
<div class="prose prose-lg max-w-none">${v.mainHtml}</div>
${art ? `<div class="mt-8 flex flex-wrap gap-2">${art.tags.map((t) => a(t, ' class="rounded-full bg-gray-100 px-3 py-1 text-sm"')).join('')}</div>
<div class="mt-12 border-t pt-8"><div class="mb-4 text-lg font-semibold">${esc(v.p.related)}</div><div class="grid gap-6 sm:grid-cols-3">${art.related.map((r) => `<a href="${esc(r.path)}" class="block rounded-lg border p-4 hover:shadow"><div class="text-xs text-gray-500">${esc(r.date)}</div><div class="mt-1 font-semibold">${esc(r.label)}</div></a>`).join('')}</div></div>` : ''}
</div><div class="space-y-8"><div class="rounded-xl bg-indigo-50 p-6"><div class="font-semibold">${esc(v.p.newsletter)}</div><div class="mt-3 flex"><input class="flex-1 rounded-l border px-3" type="email" placeholder="email@example.com"><button class="rounded-r bg-indigo-600 px-4 text-white">${esc(v.p.subscribe)}</button></div></div>
<div><div class="mb-3 font-semibold">${esc(v.p.recent)}</div><div class="space-y-2 text-sm">${v.recent.map((l) => `<div>${a(l, ' class="hover:underline"')}</div>`).join('')}</div></div></div></div>
<div class="mt-auto bg-gray-900 text-gray-400"><div class="mx-auto grid max-w-6xl gap-8 px-4 py-10 sm:grid-cols-3"><div><div class="font-semibold text-white">${esc(v.siteName)}</div><div class="mt-2 text-sm">${esc(v.tagline)}</div></div>
<div class="text-sm"><div class="font-semibold text-white">${esc(v.p.contact)}</div><div class="mt-2">${esc(v.p.address)}</div></div><div class="flex flex-col gap-1 text-sm">${footerLinks(v).map((l) => a(l)).join('')}</div></div>
<div class="border-t border-gray-800 py-4 text-center text-xs">© ${v.year} ${esc(v.siteName)}. ${esc(v.p.rights)}</div></div></div>
<div x-data="{ open: true }" x-show="open" class="fixed inset-x-0 bottom-0 z-50 bg-gray-800 p-4 text-sm text-white"><div class="mx-auto flex max-w-6xl items-center justify-between gap-4"><p>${esc(v.p.cookie)}</p><div class="flex gap-2"><button class="rounded border px-3 py-1">${esc(v.p.cookieSettings)}</button><button class="rounded bg-white px-3 py-1 text-gray-900">${esc(v.p.accept)}</button></div></div></div>
</body></html>`;
}

function docs(v: PageView): string {
  const art = v.article;
  const toc = [...v.categories, ...v.recent];
  return `${head(v, '<link rel="stylesheet" href="_static/css/theme.css">')}<body class="wy-body-for-nav"><div class="wy-grid-for-nav">
<nav data-toggle="wy-nav-shift" class="wy-nav-side"><div class="wy-side-scroll"><div class="wy-side-nav-search"><a href="/" class="icon icon-home">${esc(v.siteName)}</a><div role="search"><form id="rtd-search-form" class="wy-form"><input type="text" name="q" placeholder="${esc(v.p.search)}"></form></div></div>
<div class="wy-menu wy-menu-vertical" data-spy="affix" role="navigation" aria-label="Navigation menu"><p class="caption" role="heading"><span class="caption-text">${esc(v.tagline)}</span></p><ul class="current">${toc.map((l) => `<li class="toctree-l1">${a(l, ' class="reference internal"')}</li>`).join('')}</ul></div></div></nav>
<section data-toggle="wy-nav-shift" class="wy-nav-content-wrap"><nav class="wy-nav-top" aria-label="Mobile navigation menu"><a href="/">${esc(v.siteName)}</a></nav><div class="wy-nav-content"><div class="rst-content">
<div role="navigation" aria-label="Page navigation"><ul class="wy-breadcrumbs">${v.crumbs.map((c) => `<li>${a(c, ' class="icon icon-home"')} »</li>`).join('')}<li>${esc(v.title)}</li><li class="wy-breadcrumbs-aside"><a href="https://github.com/example/docs/blob/main${esc(v.crumbs.at(-1)?.path ?? '/')}index.rst" class="fa fa-github">${esc(v.p.editPage)}</a></li></ul><hr></div>
<div role="main" class="document" itemscope="itemscope" itemtype="http://schema.org/Article"><div itemprop="articleBody"><section id="main-section"><h1>${esc(v.title)}</h1>${v.mainHtml}</section></div></div>
<footer>${art ? `<div class="rst-footer-buttons" role="navigation" aria-label="Footer">${art.prev ? `<a href="${esc(art.prev.path)}" class="btn btn-neutral float-left" title="${esc(art.prev.label)}" accesskey="p" rel="prev"><span class="fa fa-arrow-circle-left" aria-hidden="true"></span> ${esc(v.p.previous)}</a>` : ''}${art.next ? `<a href="${esc(art.next.path)}" class="btn btn-neutral float-right" title="${esc(art.next.label)}" accesskey="n" rel="next">${esc(v.p.next)} <span class="fa fa-arrow-circle-right" aria-hidden="true"></span></a>` : ''}</div>` : ''}
<hr><div role="contentinfo"><p>© Copyright ${v.year}, ${esc(v.siteName)}.</p></div>${esc(v.p.builtWith)}</footer>
</div></div></section></div>
<div class="rst-versions" data-toggle="rst-versions" role="note" aria-label="Versions"><span class="rst-current-version" data-toggle="rst-current-version"><span class="fa fa-book"> Read the Docs</span> v: latest</span></div>
</body></html>`;
}

function news(v: PageView): string {
  const art = v.article;
  return `${head(v)}<body><div class="top-bar"><div class="container"><span class="top-date">${esc(v.tagline)}</span><span class="top-links">${a({ label: v.p.subscribe, path: '/newsletter/' })} ${a({ label: v.p.contact, path: '/contact/' })}</span></div></div>
<div class="masthead"><div class="container"><a class="logo" href="/">${esc(v.siteName)}</a></div></div>
<div class="main-menu"><div class="container"><ul class="menu-list">${lis(v.nav)}</ul></div></div>
<div class="container page-body"><div class="row"><div class="col-md-8">
<ol class="crumbs">${lis(v.crumbs)}<li class="active">${esc(v.title)}</li></ol>
<div class="article-header"><h1 class="headline">${esc(v.title)}</h1>${art ? `<div class="byline">${esc(art.posted)} | ${esc(art.minRead)}</div>` : ''}</div>
<div class="article-text">${v.mainHtml}</div>
${art ? `<div class="share-buttons"><span>${esc(v.p.share)}</span> <a href="#">Facebook</a> <a href="#">X</a> <a href="#">WhatsApp</a> <a href="#">Email</a></div>
<div class="topic-list"><span>${esc(v.p.tags)}</span> ${art.tags.map((t) => a(t)).join(' ')}</div>
<div class="more-stories"><h3>${esc(v.p.related)}</h3>${art.related.map((r) => `<div class="story-teaser"><span class="teaser-date">${esc(r.date)}</span> ${a(r)}</div>`).join('')}</div>` : ''}
</div><div class="col-md-4"><div class="box most-read"><h3>${esc(v.p.mostRead)}</h3><ol>${lis(v.recent)}</ol></div>
<div class="box nl-box"><h3>${esc(v.p.newsletter)}</h3><form><input type="email"><button>${esc(v.p.subscribe)}</button></form></div>
<div class="box"><h3>${esc(v.p.followUs)}</h3><a href="#">Facebook</a> · <a href="#">X</a> · <a href="#">Instagram</a> · <a href="#">YouTube</a></div></div></div></div>
<div class="site-bottom"><div class="container"><div class="bottom-menu">${v.nav.map((l) => a(l)).join(' · ')}</div><div class="legal">${footerLinks(v).map((l) => a(l)).join(' · ')}</div><div class="copyright">© ${v.year} ${esc(v.siteName)} · ${esc(v.p.address)} · ${esc(v.p.rights)}</div></div></div>
<div class="consent-overlay"><div class="consent-box"><p>${esc(v.p.cookie)}</p><button>${esc(v.p.accept)}</button> <button>${esc(v.p.cookieSettings)}</button></div></div>
</body></html>`;
}

export const TEMPLATES: Record<TemplateName, (v: PageView) => string> = { wordpress, drupal, tables, tailwind, docs, news };
