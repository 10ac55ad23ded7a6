// Issue #23: the mounted auth API and its pages pass the proxy untouched whatever the app's handler
// protects. Clerk's "protect every route but a public list" snippet, in-process on a real embedded
// instance (temp SQLite file) and through a standalone app's port to it over HTTP (issue #14):
// sign-up and sign-in through the API work behind it, the app's own pages stay protected, encoded
// variants of the mount point are not waved through, a handler that protects the sign-in page
// itself does not loop, and the redirect stays on the browser's origin.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NextRequest, type NextFetchEvent } from 'next/server.js';
import type { GatehouseBackend as Port } from '@gatehouse/server';
import { MODES, portsOfFile, useProcessInstance } from '../../../test-support/ports.js';

// The sign-up below should end signed in at once: this test is about the proxy, not the address check.
const dir = useProcessInstance('gatehouse-own-routes-', {
  // Clerk's variable, read as a fallback: the app's own sign-in page.
  NEXT_PUBLIC_CLERK_SIGN_IN_URL: '/sign-in',
  // The standalone app forwards the browser's API calls to the service with the app's origin: the service allows it.
  GATEHOUSE_ALLOWED_ORIGINS: 'http://localhost:3000',
});

const { clerkMiddleware, createRouteMatcher } = await import('@gatehouse/nextjs/server');

const ORIGIN = 'http://localhost:3000';
const event = { waitUntil() {} } as unknown as NextFetchEvent;
const PAGE = { 'sec-fetch-dest': 'document', accept: 'text/html' };
const JSON_POST = { 'content-type': 'application/json', origin: ORIGIN, 'sec-fetch-dest': 'empty', accept: 'application/json' };

// Clerk's documented snippet, unchanged but for the package name (and the injected port).
const isPublicRoute = createRouteMatcher(['/sign-in(.*)', '/sign-up(.*)']);
const protectAllWith = (backend: Port) =>
  clerkMiddleware(
    async (auth, req) => {
      if (!isPublicRoute(req)) await auth.protect();
    },
    { backend },
  );
// A common mistake: everything is protected, the sign-in page included.
const protectEverythingWith = (backend: Port) =>
  clerkMiddleware(
    async (auth) => {
      await auth.protect();
    },
    { backend },
  );

/** What the proxy let through: Next's "continue" marker and no status of its own. */
function passedThrough(response: Response): boolean {
  return response.status === 200 && response.headers.get('x-middleware-next') === '1';
}

const ports = portsOfFile(dir);

for (const mode of MODES) {
  describe(`the auth API passes a protect-all proxy untouched (issue #23, ${mode})`, () => {
    const port = () => ports().get(mode);
    type Proxy = ReturnType<typeof protectAllWith>;
    const protectAll: Proxy = (request, e) => protectAllWith(port())(request, e);
    const protectEverything: Proxy = (request, e) => protectEverythingWith(port())(request, e);
    async function throughProxy(proxy: Proxy, path: string, init: { method?: string; headers?: Record<string, string>; body?: string }) {
      const request = new NextRequest(`${ORIGIN}${path}`, init);
      const response = await proxy(request, event);
      return { response, request: new Request(`${ORIGIN}${path}`, init) };
    }

    let session = '';

    test('sign-up through the API: the proxy lets it through and the API creates the user', async () => {
      const body = JSON.stringify({ email: `dropin-${mode}@example.com`, password: 'correct horse battery staple' });
      const { response, request } = await throughProxy(protectAll, '/api/gatehouse/sign-up', { method: 'POST', headers: JSON_POST, body });
      assert.ok(passedThrough(response), `the proxy answered ${response.status} instead of letting the request through`);
      const api = await port().handle(request);
      assert.equal(api.status, 200);
      const cookie = api.headers.getSetCookie().find((c) => c.startsWith('__session='));
      assert.ok(cookie);
      session = cookie.split(';')[0]!;
    });

    test('sign-in, session and JWKS through a proxy that protects everything', async () => {
      const body = JSON.stringify({ email: `dropin-${mode}@example.com`, password: 'correct horse battery staple' });
      const signIn = await throughProxy(protectEverything, '/api/gatehouse/sign-in', { method: 'POST', headers: JSON_POST, body });
      assert.ok(passedThrough(signIn.response));
      assert.equal((await port().handle(signIn.request)).status, 200);
      for (const path of ['/api/gatehouse/session', '/api/gatehouse/jwks', '/api/gatehouse']) {
        const { response } = await throughProxy(protectEverything, path, { headers: { 'sec-fetch-dest': 'empty' } });
        assert.ok(passedThrough(response), `${path}: ${response.status}`);
      }
      const form = await throughProxy(protectEverything, '/api/gatehouse/sign-in', {
        method: 'POST',
        headers: { ...PAGE, 'content-type': 'application/x-www-form-urlencoded', origin: ORIGIN },
        body: 'email=dropin%40example.com&password=x',
      });
      assert.ok(passedThrough(form.response));
    });

    test("the app's own pages and APIs stay protected", async () => {
      const page = await protectAll(new NextRequest(`${ORIGIN}/dashboard`, { headers: PAGE }), event);
      assert.equal(page.status, 307);
      assert.equal(page.headers.get('location'), `${ORIGIN}/sign-in?redirect_url=%2Fdashboard`);
      const api = await protectAll(new NextRequest(`${ORIGIN}/api/data`, { headers: { 'sec-fetch-dest': 'empty' } }), event);
      assert.equal(api.status, 401);
      const signedIn = await protectAll(new NextRequest(`${ORIGIN}/dashboard`, { headers: { ...PAGE, cookie: session } }), event);
      assert.ok(passedThrough(signedIn));
    });

    test('look-alikes of the mount point still go through the handler', async () => {
      for (const path of ['/api/gatehousex/sign-in', '/api/%67atehouse/sign-in', '//api/gatehouse/sign-in', '/api/gatehouse-admin']) {
        const response = await protectAll(new NextRequest(`${ORIGIN}${path}`, { headers: { 'sec-fetch-dest': 'empty' } }), event);
        assert.equal(response.status, 401, path);
      }
    });

    test('a handler that protects its own sign-in page shows the page instead of redirecting to itself', async () => {
      const signInPage = await protectEverything(new NextRequest(`${ORIGIN}/sign-in?redirect_url=%2Fdashboard`, { headers: PAGE }), event);
      assert.ok(passedThrough(signInPage), `answered ${signInPage.status} ${signInPage.headers.get('location')}`);
      const other = await protectEverything(new NextRequest(`${ORIGIN}/settings`, { headers: PAGE }), event);
      assert.equal(other.status, 307);
    });

    test('a forged Host never puts another site in the redirect', async () => {
      for (const host of [
        'evil.example',
        'evil.example:3000',
        '127.0.0.2:3001',
        'localhost.evil.example:3000',
        '127.0.0.1.evil.example:3000',
      ]) {
        const response = await protectAll(new NextRequest(`${ORIGIN}/dashboard`, { headers: { ...PAGE, host } }), event);
        assert.equal(response.status, 307, host);
        assert.equal(response.headers.get('location'), `${ORIGIN}/sign-in?redirect_url=%2Fdashboard`, host);
      }
      // The one thing a Host header may choose (Next 15 names a loopback origin `localhost`): the
      // loopback address the browser used, on the same port, never another machine.
      const loopback = await protectAll(new NextRequest(`${ORIGIN}/dashboard`, { headers: { ...PAGE, host: '127.0.0.1:3000' } }), event);
      assert.equal(loopback.status, 307);
      assert.equal(loopback.headers.get('location'), 'http://127.1:3000/sign-in?redirect_url=%2Fdashboard');
    });

    test("sign-in URL: Gatehouse's variable, else Clerk's, else the hosted page", async () => {
      const saved = { clerk: process.env.NEXT_PUBLIC_CLERK_SIGN_IN_URL, own: process.env.NEXT_PUBLIC_GATEHOUSE_SIGN_IN_URL };
      const location = async () =>
        (await protectAll(new NextRequest(`${ORIGIN}/dashboard`, { headers: PAGE }), event)).headers.get('location');
      try {
        delete process.env.NEXT_PUBLIC_CLERK_SIGN_IN_URL;
        delete process.env.NEXT_PUBLIC_GATEHOUSE_SIGN_IN_URL;
        assert.equal(await location(), `${ORIGIN}/api/gatehouse/pages/sign-in?redirect_url=%2Fdashboard`);
        process.env.NEXT_PUBLIC_CLERK_SIGN_IN_URL = '/login';
        assert.equal(await location(), `${ORIGIN}/login?redirect_url=%2Fdashboard`);
        process.env.NEXT_PUBLIC_GATEHOUSE_SIGN_IN_URL = '/enter';
        assert.equal(await location(), `${ORIGIN}/enter?redirect_url=%2Fdashboard`);
      } finally {
        if (saved.clerk === undefined) delete process.env.NEXT_PUBLIC_CLERK_SIGN_IN_URL;
        else process.env.NEXT_PUBLIC_CLERK_SIGN_IN_URL = saved.clerk;
        if (saved.own === undefined) delete process.env.NEXT_PUBLIC_GATEHOUSE_SIGN_IN_URL;
        else process.env.NEXT_PUBLIC_GATEHOUSE_SIGN_IN_URL = saved.own;
      }
    });

    test('the hosted sign-in page itself passes the protect-all proxy', async () => {
      const response = await protectAll(
        new NextRequest(`${ORIGIN}/api/gatehouse/pages/sign-in?redirect_url=%2Fdashboard`, { headers: PAGE }),
        event,
      );
      assert.ok(passedThrough(response));
    });
  });
}
