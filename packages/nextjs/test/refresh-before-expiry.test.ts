// The proxy refreshes a cookie session shortly before its token expires (issue #10, found by the
// soak): the page or handler behind it verifies the token again later, and under load a token the
// proxy let through had expired by then (a signed-in user answered 401). The embedded instance and a
// standalone app's port to it over HTTP (issue #14).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NextRequest, type NextFetchEvent } from 'next/server.js';
import { MODES, portsOfFile, useProcessInstance } from '../../../test-support/ports.js';

// Sign-up signs in at once here: these tests are about the proxy, not the address check.
const dir = useProcessInstance('gatehouse-mw-expiry-', {
  // 4 s tokens: the proxy refreshes in their last second (a quarter of the lifetime, at most 5 s).
  GATEHOUSE_SESSION_TOKEN_TTL: '4',
  // A standalone app's refresh carries the app's origin: the service must allow it (deployment.md).
  GATEHOUSE_ALLOWED_ORIGINS: 'http://localhost:3000',
});

const { getGatehouse } = await import('@gatehouse/server');
const { gatehouseMiddleware } = await import('@gatehouse/nextjs/server');

const ORIGIN = 'http://localhost:3000';
const event = { waitUntil() {} } as unknown as NextFetchEvent;
const cookieValue = (lines: string[], name: string) =>
  lines
    .find((c) => c.startsWith(`${name}=`))
    ?.split(';')[0]!
    .slice(name.length + 1);

const ports = portsOfFile(dir);

for (const mode of MODES) {
  test(`a token in the last quarter of its life is refreshed in place; a fresh one is not (${mode})`, async () => {
    const proxy = gatehouseMiddleware(
      async (auth) => {
        await auth.protect();
      },
      { backend: ports().get(mode) },
    );
    const gatehouse = await getGatehouse();
    const res = await gatehouse.handle(
      new Request(`${ORIGIN}/api/gatehouse/sign-up`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: ORIGIN },
        body: JSON.stringify({ email: `expiry-${mode}@example.com`, password: 'correct horse battery staple' }),
      }),
    );
    assert.equal(res.status, 200);
    const session = decodeURIComponent(cookieValue(res.headers.getSetCookie(), '__session')!);
    const client = decodeURIComponent(cookieValue(res.headers.getSetCookie(), '__client')!);
    const exp = (JSON.parse(Buffer.from(session.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp;
    const request = () =>
      new NextRequest(`${ORIGIN}/dashboard`, {
        headers: { accept: 'application/json', 'sec-fetch-dest': 'empty', cookie: `__session=${session}; __client=${client}` },
      });

    const fresh = await proxy(request(), event);
    assert.equal(fresh.status, 200);
    assert.deepEqual(fresh.headers.getSetCookie(), [], 'a fresh token is left alone');

    await new Promise((r) => setTimeout(r, Math.max(0, (exp - 1) * 1000 - Date.now()) + 50));
    const late = await proxy(request(), event);
    assert.equal(late.status, 200);
    const renewed = cookieValue(late.headers.getSetCookie(), '__session');
    assert.ok(renewed && renewed !== session, 'the expiring token was replaced');
    const claims = JSON.parse(Buffer.from(decodeURIComponent(renewed).split('.')[1]!, 'base64url').toString()) as { exp: number };
    assert.ok(claims.exp > exp, 'the new token lives longer');
    // The page behind the proxy gets the new token, not the expiring one.
    assert.match(
      late.headers.get('x-middleware-request-cookie') ?? '',
      new RegExp(`__session=${renewed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
  });
}
