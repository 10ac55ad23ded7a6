// The edge middleware (Next 15 `middleware.ts`) in-process against a real instance served over HTTP:
// JWKS verification, the handshake redirect and its loop guard, signed-out API requests, and no Node-only imports.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type * as EdgeModule from '../dist/server/edge.js';
import { exportSPKI, importJWK } from 'jose';
import { NextRequest, type NextFetchEvent } from 'next/server.js';
import { createCookieJar, createTestInstance, signUp, type TestInstance } from '../../../test-support/instance.js';

type EdgeEntry = typeof EdgeModule;

// The app's own sign-in page (without it, redirects go to the hosted page).
process.env.NEXT_PUBLIC_GATEHOUSE_SIGN_IN_URL = '/sign-in';

const here = dirname(fileURLToPath(import.meta.url));
const edgeEntry = resolve(here, '../dist/server/edge.js');
const { gatehouseMiddleware, clerkMiddleware, createRouteMatcher, HANDSHAKE_COOKIE, auth } = (await import(edgeEntry)) as EdgeEntry;

const event = { waitUntil() {} } as unknown as NextFetchEvent;
const DOCUMENT = { 'sec-fetch-dest': 'document', accept: 'text/html' };
const FETCH = { 'sec-fetch-dest': 'empty', accept: 'application/json' };

let t: TestInstance;
let origin: string;
let jwksRequests = 0;
const server = createServer((req, res) => {
  if (req.url?.endsWith('/jwks')) jwksRequests += 1;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
  void t.gatehouse.handle(new Request(`${origin}${req.url}`, { method: req.method, headers })).then(
    async (response) => {
      const out: Record<string, string | string[]> = Object.fromEntries([...response.headers].filter(([n]) => n !== 'set-cookie'));
      out['set-cookie'] = response.headers.getSetCookie();
      res.writeHead(response.status, out);
      res.end(Buffer.from(await response.arrayBuffer()));
    },
    (error: unknown) => {
      res.writeHead(500).end(String(error));
    },
  );
});

const isPublic = createRouteMatcher(['/', '/sign-in(.*)']);
const seen: { userId: string | null; reason: unknown }[] = [];
const middleware = clerkMiddleware(async (auth, req) => {
  const current = await auth();
  seen.push({ userId: current.userId, reason: (current as { reason?: unknown }).reason });
  if (!isPublic(req)) await auth.protect();
});

function request(path: string, headers: Record<string, string>, cookie?: string) {
  return new NextRequest(`${origin}${path}`, { headers: { ...headers, ...(cookie ? { cookie } : {}) } });
}
const setCookie = (response: Response, name: string) => response.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));

/** Signs up at `minutesAgo` on the instance clock: the session token is then that old in real time. */
async function signedUpBrowser(email: string, minutesAgo: number) {
  t.clock.now = Date.now() - minutesAgo * 60_000;
  const jar = createCookieJar();
  const res = await signUp(t, email, jar);
  assert.equal(res.status, 200);
  t.clock.now = Date.now();
  return jar;
}

before(async () => {
  t = await createTestInstance({}, { clock: { now: Date.now() } });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
  await t.close();
});

describe('edge middleware', () => {
  test('verifies a fresh session token with the JWKS fetched over HTTP, once', async () => {
    const jar = await signedUpBrowser('edge-fresh@example.com', 0);
    const before = jwksRequests;
    for (let i = 0; i < 3; i += 1) {
      seen.length = 0;
      const res = await middleware(request('/dashboard', DOCUMENT, jar.header()), event);
      assert.equal(res.headers.get('x-middleware-next'), '1');
      assert.match(seen[0]?.userId ?? '', /^user_/);
    }
    assert.ok(jwksRequests - before <= 1);
  });

  test('an expired token with a __client cookie: a GET document goes through the handshake and comes back signed in', async () => {
    const jar = await signedUpBrowser('edge-expired@example.com', 10);
    const res = await middleware(request('/dashboard?tab=1', DOCUMENT, jar.header()), event);
    assert.equal(res.status, 307);
    const location = new URL(res.headers.get('location')!);
    assert.equal(location.pathname, '/api/gatehouse/handshake');
    assert.equal(location.searchParams.get('redirect_url'), '/dashboard?tab=1');
    assert.match(setCookie(res, HANDSHAKE_COOKIE) ?? '', new RegExp(`^${HANDSHAKE_COOKIE}=1;.*Max-Age=10.*HttpOnly`));
    jar.store(res);

    // The Node route refreshes from __client and sends the browser back with fresh cookies.
    const handshake = await fetch(location, { headers: { cookie: jar.header() }, redirect: 'manual' });
    assert.equal(handshake.status, 307);
    assert.equal(handshake.headers.get('location'), '/dashboard?tab=1');
    assert.ok(handshake.headers.getSetCookie().some((c) => c.startsWith('__session=') && !/Max-Age=0/.test(c)));
    const oldSession = jar.get('__session');
    jar.store(handshake);
    assert.notEqual(jar.get('__session'), oldSession);

    seen.length = 0;
    const back = await middleware(request('/dashboard?tab=1', DOCUMENT, jar.header()), event);
    assert.equal(back.headers.get('x-middleware-next'), '1');
    assert.match(seen[0]?.userId ?? '', /^user_/);
    assert.match(setCookie(back, HANDSHAKE_COOKIE) ?? '', /Max-Age=0/, 'the loop guard is cleared once signed in');
  });

  test('the loop guard: after 3 handshakes in a row the request proceeds signed out instead of redirecting again', async () => {
    const jar = await signedUpBrowser('edge-loop@example.com', 10);
    let attempts = 0;
    for (;;) {
      const res = await middleware(request('/dashboard', DOCUMENT, jar.header()), event);
      if (!res.headers.get('location')?.includes('/api/gatehouse/handshake')) {
        // Signed out: auth.protect() sends the page to sign-in.
        assert.equal(res.status, 307);
        assert.equal(new URL(res.headers.get('location')!).pathname, '/sign-in');
        break;
      }
      attempts += 1;
      assert.ok(attempts <= 3, 'never more than 3 handshakes');
      jar.store(res); // the handshake "fails": the session cookie stays expired
    }
    assert.equal(attempts, 3);
  });

  test('an expired token on a fetch, an RSC request or a POST is signed out with session-token-expired, no redirect', async () => {
    const jar = await signedUpBrowser('edge-api@example.com', 10);
    for (const [method, headers] of [
      ['GET', FETCH],
      ['GET', { ...DOCUMENT, rsc: '1' }],
      ['POST', { ...DOCUMENT, origin, host: new URL(origin).host }],
    ] as const) {
      seen.length = 0;
      const res = await middleware(
        new NextRequest(`${origin}/api/projects`, { method, headers: { ...headers, cookie: jar.header() } }),
        event,
      );
      assert.ok(!res.headers.get('location')?.includes('handshake'), `${method} ${JSON.stringify(headers)}`);
      assert.equal(seen[0]?.userId, null);
      assert.equal(seen[0]?.reason, 'session-token-expired');
    }
    const api = await middleware(request('/api/projects', FETCH, jar.header()), event);
    assert.equal(api.status, 401);
    assert.equal(((await api.json()) as { error: { code: string } }).error.code, 'unauthenticated');
  });

  test('a cross-site write that carries the session cookies is refused before any handler runs, as on Node', async () => {
    const jar = await signedUpBrowser('edge-csrf@example.com', 0);
    const crossSite: Record<string, string>[] = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }];
    for (const headers of crossSite) {
      seen.length = 0;
      const res = await middleware(
        new NextRequest(`${origin}/api/projects`, { method: 'POST', headers: { ...FETCH, ...headers, cookie: jar.header() } }),
        event,
      );
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'csrf_rejected');
      assert.equal(seen.length, 0, 'the handler never ran');
    }
    // Same origin (browsers always send Host), and a cross-site request without our cookies (a Bearer client), reach the handler.
    seen.length = 0;
    const same = await middleware(
      new NextRequest(`${origin}/api/projects`, {
        method: 'POST',
        headers: { ...FETCH, host: new URL(origin).host, origin, cookie: jar.header() },
      }),
      event,
    );
    assert.equal(same.headers.get('x-middleware-next'), '1', `${same.status} ${await same.clone().text()}`);
    assert.match(seen[0]?.userId ?? '', /^user_/);
    const bearerless = await middleware(
      new NextRequest(`${origin}/api/projects`, { method: 'POST', headers: { ...FETCH, origin: 'https://evil.example' } }),
      event,
    );
    assert.equal(bearerless.status, 401);
  });

  test('issue #15 item 6: a cookie write with neither Origin nor Sec-Fetch-Site is refused; Authorization or fetch metadata lets it on', async () => {
    const jar = await signedUpBrowser('edge-no-origin@example.com', 0);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      seen.length = 0;
      const res = await middleware(
        new NextRequest(`${origin}/api/projects`, { method, headers: { ...FETCH, cookie: jar.header() } }),
        event,
      );
      assert.equal(res.status, 403, method);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'csrf_rejected');
      assert.equal(seen.length, 0, 'the handler never ran');
    }
    for (const extra of [{ 'sec-fetch-site': 'same-origin' }, { authorization: 'Bearer not-a-session-token' }] as Record<
      string,
      string
    >[]) {
      seen.length = 0;
      const res = await middleware(
        new NextRequest(`${origin}/api/projects`, { method: 'POST', headers: { ...FETCH, ...extra, cookie: jar.header() } }),
        event,
      );
      assert.notEqual(res.status, 403, JSON.stringify(extra));
      assert.equal(seen.length, 1, 'the handler ran');
    }
  });

  test('no handshake without a __client cookie, nor for the auth API itself', async () => {
    const jar = await signedUpBrowser('edge-noclient@example.com', 10);
    const onlySession = `__session=${encodeURIComponent(jar.get('__session')!)}`;
    const res = await middleware(request('/dashboard', DOCUMENT, onlySession), event);
    assert.equal(new URL(res.headers.get('location')!).pathname, '/sign-in');
    const api = await gatehouseMiddleware(request('/api/gatehouse/session', DOCUMENT, jar.header()), event);
    assert.equal(api.headers.get('x-middleware-next'), '1');
  });

  test('the handshake route follows same-origin paths only and clears cookies of an invalid client', async () => {
    const jar = await signedUpBrowser('edge-redirect@example.com', 0);
    for (const target of ['https://evil.example/x', '//evil.example', '/\\evil.example', 'javascript:alert(1)']) {
      const res = await fetch(`${origin}/api/gatehouse/handshake?redirect_url=${encodeURIComponent(target)}`, {
        headers: { cookie: jar.header() },
        redirect: 'manual',
      });
      assert.equal(res.status, 307);
      assert.equal(res.headers.get('location'), '/', target);
    }
    const before = t.counts();
    const invalid = await fetch(`${origin}/api/gatehouse/handshake?redirect_url=%2Fdashboard`, {
      headers: { cookie: '__client=not-a-real-client-token' },
      redirect: 'manual',
    });
    assert.equal(invalid.status, 307);
    assert.equal(invalid.headers.get('location'), '/dashboard');
    assert.ok(invalid.headers.getSetCookie().some((c) => c.startsWith('__client=;') && /Max-Age=0/.test(c)));
    assert.equal(t.counts().sessions, before.sessions);
  });

  test('a configured public key (PEM, as GATEHOUSE_JWT_KEY) verifies without any fetch; a bad one names the fix', async () => {
    const jwk = t.gatehouse.jwks().keys[0]!;
    const pem = await exportSPKI((await importJWK(jwk, jwk.alg, { extractable: true })) as CryptoKey);
    const jar = await signedUpBrowser('edge-pem@example.com', 0);
    const withKey = gatehouseMiddleware({ jwtKey: pem, jwksUrl: 'http://127.0.0.1:9/unreachable' });
    seen.length = 0;
    const res = await withKey(request('/dashboard', DOCUMENT, jar.header()), event);
    assert.equal(res.headers.get('x-middleware-next'), '1');
    const bad = gatehouseMiddleware({ jwtKey: 'not a key' });
    await assert.rejects(bad(request('/dashboard', DOCUMENT, jar.header()), event), /GATEHOUSE_JWT_KEY/);
  });

  test('server-only helpers in the edge bundle say where to call them', async () => {
    await assert.rejects(auth(), /Node\.js runtime/);
  });

  test('the edge entry imports nothing Node-only (walked with the TypeScript preprocessor)', () => {
    const forbidden = new Set([...builtinModules, '@gatehouse/server', 'next/headers', 'better-sqlite3', 'pg', 'redis']);
    const seenFiles = new Set<string>();
    const bare = new Set<string>();
    const walk = (file: string) => {
      if (seenFiles.has(file)) return;
      seenFiles.add(file);
      const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
      for (const { fileName } of importedFiles) {
        if (fileName.startsWith('.')) walk(join(dirname(file), fileName));
        else if (fileName === '@gatehouse/core') walk(resolve(here, '../../core/dist/index.js'));
        else bare.add(fileName);
      }
    };
    walk(edgeEntry);
    const bad = [...bare].filter((name) => name.startsWith('node:') || forbidden.has(name));
    assert.deepEqual(bad, []);
    assert.ok(seenFiles.size > 10, 'the walk followed the imports');
  });
});
