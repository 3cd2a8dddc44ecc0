import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { buildConnector } from 'undici';

/**
 * Addresses a public crawl must never connect to: loopback, private (RFC 1918, CGNAT, ULA), link-local,
 * multicast, unspecified, reserved and documentation ranges. Fetching them would let a web page point the
 * crawler at the intranet or the cloud metadata endpoint (169.254.169.254).
 */
const nonPublic = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) nonPublic.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128], ['::1', 128], ['64:ff9b:1::', 48], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) nonPublic.addSubnet(net, bits, 'ipv6');

/** True when `ip` is a public unicast address (IPv4-mapped IPv6 is judged by its IPv4 part). */
export function isPublicAddress(ip: string): boolean {
  const family = isIP(ip);
  if (family === 0) return false;
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    if (mapped) return !nonPublic.check(mapped[1]!, 'ipv4');
    return !nonPublic.check(ip, 'ipv6');
  }
  return !nonPublic.check(ip, 'ipv4');
}

/** Raised when a host resolves to (or connects to) a non-public address and private addresses are not allowed. */
export class AddressRefusedError extends Error {
  override readonly name = 'AddressRefusedError';
  readonly code = 'ERR_ADDRESS_REFUSED';
  constructor(readonly host: string, readonly address: string) {
    super(`refused to connect to ${host} at non-public address ${address} (use --allow-private for intranet or test crawls)`);
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup that fails for names resolving to non-public addresses (the first line of defence). */
function publicOnlyLookup(hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const list = addresses as LookupAddress[];
    const ok = list.filter((a) => isPublicAddress(a.address));
    if (ok.length === 0) return callback(new AddressRefusedError(hostname, list[0]?.address ?? '?'), []);
    if ((options as LookupAllOptions).all) return callback(null, ok);
    callback(null, ok[0]!.address, ok[0]!.family);
  });
}

/**
 * An undici connector that checks the address the socket actually connected to, so DNS rebinding
 * (a name that resolves to a public address for the check and a private one for the connection)
 * cannot slip through; resolution is filtered as well so no packet is sent to a refused address.
 */
export function guardedConnector(opts: { allowPrivate: boolean; connectTimeoutMs: number }): buildConnector.connector {
  const base = buildConnector({
    timeout: opts.connectTimeoutMs,
    keepAlive: true,
    ...(opts.allowPrivate ? {} : { lookup: publicOnlyLookup as never }),
  });
  if (opts.allowPrivate) return base;
  return (options, callback) => {
    if (isIP(options.hostname.replace(/^\[|\]$/g, '')) && !isPublicAddress(options.hostname.replace(/^\[|\]$/g, ''))) {
      callback(new AddressRefusedError(options.hostname, options.hostname), null);
      return;
    }
    base(options, (err, socket) => {
      if (err) return callback(err, null);
      const remote = socket!.remoteAddress;
      if (!remote || !isPublicAddress(remote)) {
        socket!.destroy();
        return callback(new AddressRefusedError(options.hostname, remote ?? 'unknown'), null);
      }
      callback(null, socket!);
    });
  };
}

/** Resolves a seed's host up front so a crawl whose every seed is refused fails with one clear error. */
export async function hostIsRefused(hostname: string): Promise<boolean> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (isIP(bare)) return !isPublicAddress(bare);
  return new Promise((resolve) => {
    dnsLookup(bare, { all: true }, (err, addresses) => {
      // A name that does not resolve is not "refused": the fetch will report the DNS error itself.
      if (err) return resolve(false);
      resolve(addresses.every((a) => !isPublicAddress(a.address)));
    });
  });
}
