// The port between the app glue and the service: the same cases against the embedded instance and a
// standalone app's client of a service over real HTTP (issue #14: one seam, implemented honestly twice).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createRemoteBackend,
  createServiceHandler,
  embeddedBackend,
  generateSecretKey,
  startServiceServer,
  type GatehouseBackend,
  type RemoteBackend,
  type ServiceServer,
} from '@gatehouse/server';
import { base64url } from 'jose';
import { API, PASSWORD, createCookieJar, createTestInstance, send, type TestInstance } from '../../../test-support/instance.js';

const APP = 'http://app.example.test';
const ctx = { ip: '203.0.113.7', userAgent: 'port-test', origin: APP };
const payload = (jwt: string) => JSON.parse(new TextDecoder().decode(base64url.decode(jwt.split('.')[1] ?? ''))) as Record<string, unknown>;

let service: TestInstance;
let server: ServiceServer;
let remote: RemoteBackend;
let keyed: RemoteBackend;
const SECRET_KEY = generateSecretKey();

before(async () => {
  // Real clock: the remote app verifies with its own clock, as a separate process would.
  service = await createTestInstance({ now: Date.now, allowedOrigins: [APP], secretKeys: [SECRET_KEY] });
  server = await startServiceServer(createServiceHandler(service.gatehouse), { port: 0, log: () => undefined });
  // Without a secret key the app refreshes through /app/client-refresh; with one, through /app/refresh (JSON both).
  remote = await createRemoteBackend({ serviceUrl: server.url, log: () => undefined });
  keyed = await createRemoteBackend({ serviceUrl: server.url, secretKey: SECRET_KEY, log: () => undefined });
});

after(async () => {
  await remote?.close();
  await keyed?.close();
  await server?.close();
  await service?.close();
});

const backends: [string, () => GatehouseBackend][] = [
  ['embedded', () => embeddedBackend(service.gatehouse)],
  ['standalone', () => remote],
  ['standalone-keyed', () => keyed],
];

for (const [mode, port] of backends) {
  describe(`the port, ${mode}`, () => {
    /** A browser signed up through the port's auth API, on the app's origin. */
    async function browser(tag: string) {
      const jar = createCookieJar();
      const email = `port-${mode}-${tag}-${Date.now()}@example.com`;
      const res = await send({ gatehouse: port(), bodies: [] }, `${API}/sign-up`, { json: { email, password: PASSWORD }, jar, base: APP });
      assert.equal(res.status, 200, res.text);
      const state = await port().authenticate(new Request(`${APP}/x`, { headers: { cookie: jar.header() } }));
      assert.equal(state.status, 'signed-in');
      if (state.status !== 'signed-in') throw new Error('unreachable');
      return { jar, email, state, session: { userId: state.claims.sub, sessionId: state.claims.sid, token: state.token } };
    }

    test('handle, authenticate, getUser', async () => {
      const { email, state } = await browser('user');
      assert.equal(state.claims.azp, APP);
      const user = await port().getUser(state.claims.sub);
      assert.equal(user?.email, email);
      const bad = await port().authenticate(new Request(`${APP}/x`, { headers: { authorization: 'Bearer not.a.token' } }));
      assert.equal(bad.status, 'signed-out');
    });

    test('refresh: a new token with its claims (the same claims a verification gives), or client_invalid', async () => {
      const { jar, session } = await browser('refresh');
      const refreshed = await port().refresh(jar.get('__client') as string, ctx);
      assert.equal(refreshed.userId, session.userId);
      assert.equal(refreshed.sessionId, session.sessionId);
      assert.notEqual(refreshed.sessionToken, session.token);
      assert.equal(refreshed.clientToken, null, 'inside the grace window the client token does not rotate');
      const verified = await port().authenticate(
        new Request(`${APP}/x`, { headers: { authorization: `Bearer ${refreshed.sessionToken}` } }),
      );
      assert.equal(verified.status, 'signed-in');
      assert.deepEqual(verified.status === 'signed-in' && verified.claims, refreshed.claims);
      assert.deepEqual(payload(refreshed.sessionToken), refreshed.claims);
      await assert.rejects(port().refresh('garbage', ctx), (error: unknown) => (error as { code?: string }).code === 'client_invalid');
    });

    test('switchOrganization and mintToken({ organizationId })', async () => {
      const { session } = await browser('orgs');
      const created = await send({ gatehouse: port(), bodies: [] }, `${API}/organizations`, {
        json: { name: `Port ${mode}` },
        headers: { authorization: `Bearer ${session.token}` },
        base: APP,
      });
      assert.equal(created.status, 200, created.text);
      const orgId = (created.body as { organization: { id: string } }).organization.id;
      const switched = await port().switchOrganization(session, orgId, ctx);
      assert.equal(switched.clientToken, null);
      assert.equal((switched.claims.o as { id?: string } | undefined)?.id, orgId);
      assert.deepEqual(payload(switched.sessionToken), switched.claims);
      const personal = await port().switchOrganization({ ...session, token: switched.sessionToken }, null, ctx);
      assert.equal(personal.claims.o, undefined);
      const minted = await port().mintToken({ ...session, token: personal.sessionToken }, { organizationId: orgId }, ctx);
      assert.equal((payload(minted).o as { id?: string }).id, orgId);
      await assert.rejects(
        port().switchOrganization({ ...session, token: personal.sessionToken }, 'org_not_mine', ctx),
        (error: unknown) => (error as { code?: string }).code === 'not_found',
      );
    });

    test('config: base path, hops, lifetime, and the live allowed origins', async () => {
      const config = await port().config();
      assert.equal(config.basePath, API);
      assert.equal(config.trustedProxyHops, 0, 'the default: no proxy in front, so no forwarding header is trusted');
      assert.ok(config.clientMaxAgeSeconds > 0);
      const partner = `https://${mode}.partner.example`;
      await service.gatehouse.instanceSettings.update({ allowedOrigins: [APP, partner] }, { actorId: null, ctx });
      try {
        // The standalone app re-reads the service's setting at most every 2 s: bounded poll.
        const deadline = Date.now() + 6000;
        while (!(await port().config()).allowedOrigins.includes(partner)) {
          assert.ok(Date.now() < deadline, 'the new origin never reached the port');
          await new Promise((done) => setTimeout(done, 100));
        }
      } finally {
        await service.gatehouse.instanceSettings.update({ allowedOrigins: [APP] }, { actorId: null, ctx });
      }
    });
  });
}

describe('a standalone port keeps its key set fresh while idle', () => {
  test('the set is fetched again before it expires, so a token is checked synchronously after the set would have expired', async () => {
    const jwksFetches: number[] = [];
    const counting: typeof fetch = (input, init) => {
      if (String(input instanceof Request ? input.url : input).endsWith('/.well-known/jwks.json')) jwksFetches.push(Date.now());
      return fetch(input, init);
    };
    const idle = await createRemoteBackend({ serviceUrl: server.url, jwksMaxAgeMs: 300, fetch: counting, log: () => undefined });
    try {
      const jar = createCookieJar();
      const email = `port-idle-${Date.now()}@example.com`;
      const res = await send({ gatehouse: idle, bodies: [] }, `${API}/sign-up`, { json: { email, password: PASSWORD }, jar, base: APP });
      assert.equal(res.status, 200, res.text);
      const fetchedAtStart = jwksFetches.length;
      assert.ok(fetchedAtStart >= 1, 'fetched when the port opened');
      // Three lifetimes of the set pass with no request at all.
      await new Promise((resolve) => setTimeout(resolve, 900));
      assert.ok(jwksFetches.length >= fetchedAtStart + 3, `fetched again while idle (${jwksFetches.length - fetchedAtStart} times)`);
      const state = idle.authenticate(new Request(`${APP}/x`, { headers: { cookie: jar.header() } }));
      assert.ok(!(state instanceof Promise), 'answered with keys at hand, without waiting for a fetch');
      assert.equal(state.status, 'signed-in');
    } finally {
      await idle.close();
    }
    // Closed: no more fetches.
    const afterClose = jwksFetches.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(jwksFetches.length, afterClose);
  });
});
