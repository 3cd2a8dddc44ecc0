import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scope } from '../crawler/scope.js';
import { crawl, html, links, startServer } from './helpers/crawlSite.js';

test('scope: host, registrable domain (public suffix list), any', () => {
  const host = new Scope('host', ['www.example.co.uk']);
  assert.ok(host.allows('https://www.example.co.uk/x'));
  assert.ok(!host.allows('https://blog.example.co.uk/x'));
  const domain = new Scope('domain', ['www.example.co.uk']);
  assert.ok(domain.allows('https://blog.example.co.uk/x'));
  assert.ok(!domain.allows('https://other.co.uk/x'), 'co.uk is a public suffix, not a shared domain');
  const gh = new Scope('domain', ['alice.github.io']);
  assert.ok(!gh.allows('https://bob.github.io/'), 'github.io is a private public suffix');
  assert.ok(new Scope('any', ['a.com']).allows('https://b.org/'));
});

test('an infinite calendar trap is stopped by --max-depth; off-scope links are not followed', async () => {
  const srv = await startServer((req, res, path) => {
    const m = /^\/cal\?d=(-?\d+)$/.exec(path);
    if (m) {
      const d = Number(m[1]);
      return html(res, links(`/cal?d=${d + 1}`, `/cal?d=${d - 1}`, `http://localhost:${srv.port}/other-host`, 'https://example.invalid/x'));
    }
    html(res, '', 404);
  });
  const c = await crawl([`${srv.origin}/cal?d=0`], { maxDepth: 3 });
  try {
    const fetched = c.log.filter((l) => l.status === 200).map((l) => Number(new URL(l.url).searchParams.get('d'))).sort((a, b) => a - b);
    assert.deepEqual(fetched, [-3, -2, -1, 0, 1, 2, 3]);
    assert.equal(srv.hits.get('/cal?d=4'), undefined);
    assert.equal(srv.hits.get('/other-host'), undefined, 'another host (localhost vs 127.0.0.1) is off scope');
    assert.equal(c.summary.stoppedBy, 'done');
  } finally {
    await srv.close();
    await c.cleanup();
  }
});
