// The proxy's answers to long return links and unparsable router headers (issue #15, items 8 and 11), on a real embedded
// instance and through a standalone app's port to it over HTTP (issue #14: the same SDK tests through the same port).

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NextRequest, type NextFetchEvent } from 'next/server.js';
import type { GatehouseBackend as Port } from '@gatehouse/server';
import { MODES, portsOfFile, processSignUp, useProcessInstance } from '../../../test-support/ports.js';

// Sign-up signs in at once here: these tests are about the proxy, not the address check.
const dir = useProcessInstance('gatehouse-proxy-hardening-');

const { getGatehouse } = await import('@gatehouse/server');
const { createRouteMatcher, gatehouseMiddleware } = await import('@gatehouse/nextjs/server');

const ORIGIN = 'http://localhost:3000';
const event = { waitUntil() {} } as unknown as NextFetchEvent;
const PAGE = { 'sec-fetch-dest': 'document', accept: 'text/html' };
const isPublic = createRouteMatcher(['/', '/sign-in(.*)']);
const makeProxy = (backend: Port) =>
  gatehouseMiddleware(
    async (auth, req) => {
      if (!isPublic(req)) await auth.protect();
    },
    { backend },
  );
const request = (path: string, headers: Record<string, string> = {}) => new NextRequest(`${ORIGIN}${path}`, { headers });

let session = '';
before(async () => {
  ({ session } = await processSignUp('proxy-hardening@example.com'));
});

const ports = portsOfFile(dir);

for (const mode of MODES) {
  describe(`the proxy, ${mode}`, () => {
    let proxy: ReturnType<typeof makeProxy>;
    before(() => {
      proxy = makeProxy(ports().get(mode));
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

    describe('cookie writes that say nothing of where they come from (item 6)', () => {
      const write = (method: string, headers: Record<string, string>) =>
        new NextRequest(`${ORIGIN}/dashboard`, { method, headers: { accept: 'application/json', ...headers } });
      let ran = 0;
      let counting: ReturnType<typeof makeProxy>;
      before(() => {
        counting = gatehouseMiddleware(
          async (auth) => {
            ran += 1;
            await auth.protect();
          },
          { backend: ports().get(mode) },
        );
      });

      test('POST, PUT, PATCH, DELETE and server actions with the cookies and neither Origin nor Sec-Fetch-Site are 403', async () => {
        for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
          for (const extra of [{}, { 'next-action': 'a'.repeat(40) }] as Record<string, string>[]) {
            ran = 0;
            const res = await counting(write(method, { cookie: `__session=${session}`, ...extra }), event);
            assert.equal(res.status, 403, `${method} ${JSON.stringify(extra)}`);
            assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'csrf_rejected');
            assert.equal(ran, 0, 'the handler never ran');
          }
        }
      });

      test('the same write with Origin or Sec-Fetch-Site, or authenticated by Authorization, goes on', async () => {
        for (const headers of [
          { cookie: `__session=${session}`, origin: ORIGIN },
          { cookie: `__session=${session}`, 'sec-fetch-site': 'same-origin' },
          { authorization: `Bearer ${session}` },
          { cookie: `__session=${session}`, authorization: `Bearer ${session}` },
        ] as Record<string, string>[]) {
          const res = await counting(write('POST', headers), event);
          assert.equal(res.status, 200, JSON.stringify(Object.keys(headers)));
          assert.equal(res.headers.get('x-middleware-next'), '1');
        }
        // Reading never needs it.
        const get = await counting(new NextRequest(`${ORIGIN}/dashboard`, { headers: { cookie: `__session=${session}` } }), event);
        assert.equal(get.status, 200);
      });
    });

    describe('forwarding headers a client wrote (item 7)', () => {
      const evil = { origin: 'https://evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };

      test('the same-origin check does not take the public host from a client-written X-Forwarded-Host', async () => {
        for (const forged of [evil, { ...evil, 'x-forwarded-host': 'evil.example, localhost:3000' }]) {
          const res = await proxy(
            new NextRequest(`${ORIGIN}/dashboard`, {
              method: 'POST',
              headers: { host: 'localhost:3000', cookie: `__session=${session}`, ...forged },
            }),
            event,
          );
          assert.equal(res.status, 403, JSON.stringify(forged));
          assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'csrf_rejected');
        }
      });

      test('nor does the mounted auth API: a sign-up from that origin is refused and writes nothing', async () => {
        const { createGatehouseHandler } = await import('@gatehouse/nextjs/handler');
        const { POST } = createGatehouseHandler(ports().get(mode));
        const gatehouse = await getGatehouse();
        const before = (await gatehouse.users.list({ limit: 100 })).length;
        const res = await POST(
          new Request(`${ORIGIN}/api/gatehouse/sign-up`, {
            method: 'POST',
            headers: { host: 'localhost:3000', 'content-type': 'application/json', ...evil },
            body: JSON.stringify({ email: `forwarded-host-${mode}@example.com`, password: 'correct horse battery staple' }),
          }),
        );
        assert.equal(res.status, 403);
        assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'csrf_rejected');
        assert.equal((await gatehouse.users.list({ limit: 100 })).length, before);
      });
    });
  });
}
