import { readFile } from 'node:fs/promises';
import { UserError } from '../core/errors.js';
import { hostIsRefused } from './addressGuard.js';
import { hostnameOf, normaliseUrl } from './url.js';

export interface SeedFile {
  /** Normalised seed URLs, in file order, without duplicates. */
  seeds: string[];
  /** One message per bad line (`FILE:LINE: ...`); those lines are skipped. */
  problems: string[];
}

/** Reads a seed list: one URL per line; blank lines and `#` comments ignored; bad lines reported and skipped. */
export async function readSeedFile(path: string): Promise<SeedFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read seed file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const seeds: string[] = [];
  const seen = new Set<string>();
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const url = normaliseUrl(line);
    if (url === null) {
      problems.push(`${path}:${i + 1}: not an http(s) URL: ${line.length > 80 ? `${line.slice(0, 80)}...` : line}`);
      return;
    }
    if (!seen.has(url)) {
      seen.add(url);
      seeds.push(url);
    }
  });
  return { seeds, problems };
}

/**
 * The seeds a crawl starts from, normalised; refuses a crawl with none, or whose every seed is a
 * loopback/private address without --allow-private.
 */
export async function crawlSeeds(raw: readonly string[], allowPrivate: boolean): Promise<string[]> {
  const seeds = raw.map((s) => normaliseUrl(s)).filter((s): s is string => s !== null);
  if (seeds.length === 0) throw new UserError('no valid seed URL (http or https) to crawl');
  if (!allowPrivate) {
    const refused = await Promise.all(seeds.map((s) => hostIsRefused(hostnameOf(s))));
    if (refused.every(Boolean)) {
      throw new UserError(`every seed resolves to a loopback, private or otherwise non-public address (e.g. ${seeds[0]}); pass --allow-private for an intranet or test crawl`);
    }
  }
  return seeds;
}
