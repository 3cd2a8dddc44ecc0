/**
 * Drops documents whose URL is on a user-supplied blocklist file (e.g. the UT1 / Toulouse
 * lists FineWeb uses, or one's own). One entry per line, `#` starts a comment:
 *   example.com            the domain and every subdomain (a.b.example.com)
 *   *.example.com / .example.com   the same
 *   example.com/private/   URLs starting with this host + path (any scheme)
 * Hosts are lower-cased and IDNA-encoded (bücher.de == xn--bcher-kva.de); tldts extracts the
 * hostname from document URLs, including ones without a scheme.
 */
import { readFileSync, statSync } from 'node:fs';
import { domainToASCII } from 'node:url';
import { parse as parseDomain } from 'tldts';
import { z } from 'zod';
import { addCount, defineFilterStep } from '../filterStep.js';
import { UserError } from '../../core/errors.js';

const Options = z.object({
  /** Path of the blocklist file. */
  file: z.string().min(1).refine((p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  }, 'blocklist file not found or not a file'),
});
export type UrlBlocklistOptions = z.output<typeof Options>;

function asciiHost(host: string): string {
  const h = host.toLowerCase().replace(/\.$/, '');
  return /^[\x00-\x7f]*$/.test(h) ? h : domainToASCII(h) || h;
}

/** Host of a URL (with or without scheme), lower-case ASCII; undefined when there is none. */
export function urlHost(url: string): string | undefined {
  const h = parseDomain(url.trim()).hostname;
  return h ? asciiHost(h) : undefined;
}

/** A parsed blocklist: a set of blocked domains plus host+path prefixes. */
export class UrlBlocklist {
  readonly domains = new Set<string>();
  private readonly prefixes = new Map<string, string[]>();

  static parse(text: string, origin = 'blocklist'): UrlBlocklist {
    const list = new UrlBlocklist();
    text.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.replace(/#.*/, '').trim();
      if (!line) return;
      const bare = line.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^\*?\./, '');
      const slash = bare.indexOf('/');
      const hostPart = (slash < 0 ? bare : bare.slice(0, slash)).replace(/:\d+$/, '');
      if (!/^[^\s/?#@]+$/.test(hostPart) || !urlHost(hostPart)) throw new UserError(`${origin}:${i + 1}: not a domain or URL: '${raw.trim()}'`);
      const host = asciiHost(hostPart);
      if (slash < 0 || slash === bare.length - 1) list.domains.add(host);
      else {
        const l = list.prefixes.get(host) ?? [];
        l.push(host + bare.slice(slash));
        list.prefixes.set(host, l);
      }
    });
    return list;
  }

  get size(): number {
    let n = this.domains.size;
    for (const l of this.prefixes.values()) n += l.length;
    return n;
  }

  /** Why a URL is blocked ('domain' | 'url'), or undefined when it is not. */
  check(url: string): 'domain' | 'url' | undefined {
    const host = urlHost(url);
    if (!host) return undefined;
    for (let h = host; ; ) {
      if (this.domains.has(h)) return 'domain';
      const dot = h.indexOf('.');
      if (dot < 0) break;
      h = h.slice(dot + 1);
    }
    const prefixes = this.prefixes.get(host);
    if (prefixes) {
      const rest = url.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
      const slash = rest.indexOf('/');
      const key = host + (slash < 0 ? '/' : rest.slice(slash));
      if (prefixes.some((p) => key.startsWith(p))) return 'url';
    }
    return undefined;
  }
}

export const urlBlocklistStep = defineFilterStep({
  name: 'url_blocklist',
  description: 'Drops documents whose URL domain (or a subdomain) or URL prefix is listed in a blocklist file',
  options: Options,
  // A blocklist named in a pipeline file is relative to the file, like its inputs.
  resolvePaths: (raw, resolve) => (typeof raw.file === 'string' ? { ...raw, file: resolve(raw.file) } : raw),
  rule: (options) => {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (e) {
      throw new UserError(`step 'url_blocklist': cannot read ${options.file}: ${(e as Error).message}`);
    }
    const list = UrlBlocklist.parse(text, options.file);
    return {
      counters: ['url_blocklist.no_url'],
      omitZeroCounters: true,
      decide(doc, counters) {
        if (!doc.url) {
          addCount(counters, 'url_blocklist.no_url');
          return doc;
        }
        return list.check(doc.url) ?? doc;
      },
    };
  },
});
