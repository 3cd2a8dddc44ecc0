import { getDomain } from 'tldts';
import { hostnameOf } from './url.js';

/** Which discovered URLs a crawl follows: the seeds' hosts, their registrable domains, or anything. */
export type ScopeMode = 'host' | 'domain' | 'any';

export const SCOPE_MODES: readonly ScopeMode[] = ['host', 'domain', 'any'];

/** The registrable domain (eTLD+1 from the Public Suffix List), or the host itself for IPs and bare names. */
export function registrableDomain(hostname: string): string {
  return getDomain(hostname, { allowPrivateDomains: true }) ?? hostname;
}

/** Decides whether a URL's host is within the crawl, as defined by the seed URLs. */
export class Scope {
  private readonly roots = new Set<string>();

  constructor(readonly mode: ScopeMode, seedHosts: Iterable<string> = []) {
    for (const h of seedHosts) this.addSeedHost(h);
  }

  addSeedHost(hostname: string): void {
    if (this.mode === 'host') this.roots.add(hostname);
    else if (this.mode === 'domain') this.roots.add(registrableDomain(hostname));
  }

  allowsHost(hostname: string): boolean {
    if (this.mode === 'any') return true;
    if (this.mode === 'host') return this.roots.has(hostname);
    return this.roots.has(registrableDomain(hostname));
  }

  /** For a normalised URL string. */
  allows(url: string): boolean {
    if (this.mode === 'any') return true;
    return this.allowsHost(hostnameOf(url));
  }
}
