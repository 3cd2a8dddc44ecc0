import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPublicAddress } from '../crawler/addressGuard.js';
import { Crawler } from '../crawler/crawler.js';
import { Fetcher } from '../crawler/fetcher.js';
import { FAST, html, startServer, tempDir } from './helpers/crawlSite.js';

test('address rule: loopback, private, link-local, multicast, unspecified refused; public allowed', () => {
  for (const ip of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '224.0.0.1', '0.0.0.0', '100.64.0.1', '::1', '::', 'fe80::1', 'fc00::1', 'ff02::1', '::ffff:127.0.0.1']) {
    assert.equal(isPublicAddress(ip), false, ip);
  }
  for (const ip of ['8.8.8.8', '93.184.216.34', '2606:4700::1111', '::ffff:8.8.8.8']) assert.equal(isPublicAddress(ip), true, ip);
  assert.equal(isPublicAddress('not-an-ip'), false);
});

test('private addresses are refused without --allow-private (no request reaches the server)', async () => {
  const srv = await startServer((req, res) => html(res, 'secret'));
  const t = await tempDir();
  try {
    await assert.rejects(
      new Crawler({ ...FAST, allowPrivate: false, seeds: [`${srv.origin}/`, `http://localhost:${srv.port}/`], outDir: t.dir }).run(),
      /every seed resolves to a loopback, private or otherwise non-public address/,
    );
    // The connection-level guard (what DNS rebinding would meet): literal IP and a name resolving to loopback.
    const f = new Fetcher({ userAgent: 'test', timeoutMs: 2000, maxBytes: 1000, allowPrivate: false, connectionsPerOrigin: 1 });
    await assert.rejects(f.fetch(`${srv.origin}/x`), (e: Error & { kind?: string }) => e.kind === 'address_refused');
    await assert.rejects(f.fetch(`http://localhost:${srv.port}/y`), (e: Error & { kind?: string }) => e.kind === 'address_refused');
    await f.close();
    assert.equal(srv.hits.size, 0);
  } finally {
    await srv.close();
    await t.cleanup();
  }
});
