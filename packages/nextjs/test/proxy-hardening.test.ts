// The proxy's answers to long return links and unparsable router headers (issue #15, items 8 and 11), on a real embedded instance.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NextRequest, type NextFetchEvent } from 'next/server.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-proxy-hardening-'));
process.env.GATEHOUSE_DATABASE_FILE = join(dir, 'gatehouse.db');
process.env.GATEHOUSE_DEV_SECRET = '1';

const { getGatehouse } = await import('@gatehouse/server');
const { createRouteMatcher, gatehouseMiddleware } = await import('@gatehouse/nextjs/server');

const ORIGIN = 'http://localhost:3000';
const event = { waitUntil() {} } as unknown as NextFetchEvent;
const PAGE = { 'sec-fetch-dest': 'document', accept: 'text/html' };
const isPublic = createRouteMatcher(['/', '/sign-in(.*)']);
const proxy = gatehouseMiddleware(async (auth, req) => {
  if (!isPublic(req)) await auth.protect();
});
const request = (path: string, headers: Record<string, string> = {}) => new NextRequest(`${ORIGIN}${path}`, { headers });

let session = '';
before(async () => {
  const gatehouse = await getGatehouse();
  const res = await gatehouse.handle(
    new Request(`${ORIGIN}/api/gatehouse/sign-up`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN },
      body: JSON.stringify({ email: 'proxy-hardening@example.com', password: 'correct horse battery staple' }),
    }),
  );
  assert.equal(res.status, 200);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__session='))!;
  session = decodeURIComponent(cookie.split(';')[0]!.slice('__session='.length));
});
after(async () => {
  await (await getGatehouse()).close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sign-in redirects (item 8)', () => {
  test('carry Cache-Control: no-store', async () => {
    const res = await proxy(request('/dashboard', PAGE), event);
    assert.equal(res.status, 307);
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  test('a long return link keeps its path and drops its query; an overlong path is left out', async () => {
    const long = await proxy(request(`/dashboard?q=${'x'.repeat(20_000)}`, PAGE), event);
    assert.equal(long.status, 307);
    const location = long.headers.get('location')!;
    assert.ok(location.length < 3000, `Location is ${location.length} characters`);
    assert.equal(new URL(location).searchParams.get('redirect_url'), '/dashboard');

    const longPath = await proxy(request(`/${'a'.repeat(5000)}`, PAGE), event);
    assert.equal(longPath.status, 307);
    assert.equal(new URL(longPath.headers.get('location')!).searchParams.get('redirect_url'), null);

    const normal = await proxy(request('/dashboard?tab=1', PAGE), event);
    assert.equal(new URL(normal.headers.get('location')!).searchParams.get('redirect_url'), '/dashboard?tab=1');
  });
});

describe('router headers the proxy cannot parse (item 11)', () => {
  const tree = (value: unknown) => encodeURIComponent(JSON.stringify(value));
  const rsc = (state: string) => ({ rsc: '1', 'next-router-state-tree': state, cookie: `__session=${session}` });

  test('a valid state tree passes (signed in: the request goes on)', async () => {
    for (const state of [
      tree(['', { children: ['dashboard', { children: ['__PAGE__', {}] }] }, null, null, true]),
      tree(['', { children: [['slug', 'acme', 'd'], { children: ['__PAGE__', {}, '/orgs/acme', 'refetch'] }] }]),
    ]) {
      const res = await proxy(request('/dashboard', rsc(state)), event);
      assert.equal(res.status, 200, state);
    }
  });

  test('malformed ones are 400, signed in or not', async () => {
    for (const state of [
      'not json',
      '%E0%A4%A',
      tree({ children: [] }),
      tree([]),
      tree(['', []]),
      tree([5, {}]),
      tree(['', { children: 'x' }]),
      tree(['', {}, 5]),
      tree(['', {}, null, 'sometimes']),
      tree([['slug', 'acme', 'zz'], {}]),
      tree(['', { children: ['', { children: ['', { children: ['', { children: ['', { children: [{}] }] }] }] }] }]),
      'x'.repeat(40_001),
    ]) {
      const signedIn = await proxy(request('/dashboard', rsc(state)), event);
      assert.equal(signedIn.status, 400, state.slice(0, 80));
      const signedOut = await proxy(request('/', { rsc: '1', 'next-router-state-tree': state }), event);
      assert.equal(signedOut.status, 400, state.slice(0, 80));
    }
  });
});
