// The standalone service over real HTTP and an app's remote view of it (issue "Scale-out"): health, discovery, JWKS; an app signs in through the forwarded API, verifies with the service's JWKS, refreshes through the service, and refuses a session revoked on the service (Redis).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import {
  createRemoteBackend,
  createServiceHandler,
  generateSecretKey,
  startServiceServer,
  type RemoteBackend,
  type ServiceServer,
} from '@gatehouse/server';
import { REDIS_URL, eventually, serviceGate } from '../../../test-support/backends.js';
import { API, PASSWORD, createCookieJar, createTestInstance, send, type TestInstance } from '../../../test-support/instance.js';
import { parseMetrics } from '../../../test-support/metrics-scrape.js';

const skip = await serviceGate('Redis');
const APP = 'http://app.example.test';
const KEY = generateSecretKey();

describe('standalone service and a remote app', { skip }, () => {
  let service: TestInstance;
  let server: ServiceServer;
  let app: RemoteBackend;
  before(async () => {
    // Real clock: the app verifies with its own clock, as a separate process would.
    service = await createTestInstance({ now: Date.now, allowedOrigins: [APP], redisUrl: REDIS_URL, secretKeys: [KEY] });
    server = await startServiceServer(createServiceHandler(service.gatehouse), { port: 0, log: () => undefined });
    app = await createRemoteBackend({ serviceUrl: server.url, redisUrl: REDIS_URL, secretKey: KEY, log: () => undefined });
  });
  after(async () => {
    await app?.close();
    await server?.close();
    await service?.close();
  });

  test('health, discovery and JWKS over HTTP', async () => {
    const health = await fetch(`${server.url}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok', redis: 'subscribed' });
    const discovery = (await (await fetch(`${server.url}/.well-known/gatehouse.json`)).json()) as { issuer: string; jwks_uri: string };
    assert.equal(discovery.issuer, service.gatehouse.settings.issuer);
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: { kid: string; d?: string }[] };
    assert.deepEqual(
      jwks.keys.map((k) => k.kid),
      service.gatehouse.jwks().keys.map((k) => k.kid),
    );
    assert.ok(
      jwks.keys.every((k) => k.d === undefined),
      'public keys only',
    );
  });

  test('request targets and Host headers cannot point the service at another origin', async () => {
    const raw = (head: string) =>
      new Promise<string>((resolve, reject) => {
        const { port } = new URL(server.url);
        const socket = connect(Number(port), '127.0.0.1', () => socket.end(`${head}\r\nConnection: close\r\n\r\n`));
        let data = '';
        socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
        socket.on('end', () => resolve(data.split('\r\n')[0] ?? ''));
        socket.on('error', reject);
      });
    assert.match(await raw('GET //evil.example/health HTTP/1.1\r\nHost: 127.0.0.1'), / 404 /);
    assert.match(await raw('GET /health HTTP/1.1\r\nHost: evil.example/x?'), / 400 /);
    assert.match(await raw('GET /health HTTP/1.1\r\nHost: localhost'), / 200 /);
  });

  test('sign up and in through the app (forwarded), use, refresh, revoke', async () => {
    const jar = createCookieJar();
    const email = `standalone-${Date.now()}@example.com`;
    // The app's own /api/gatehouse/* is forwarded to the service; the cookies are set for the app's origin.
    const signUp = await send({ gatehouse: app, bodies: [] }, `${API}/sign-up`, { json: { email, password: PASSWORD }, jar, base: APP });
    assert.equal(signUp.status, 200, signUp.text);
    const signIn = await send({ gatehouse: app, bodies: [] }, `${API}/sign-in`, { json: { email, password: PASSWORD }, jar, base: APP });
    assert.equal(signIn.status, 200, signIn.text);
    const token = jar.get('__session') as string;
    const client = jar.get('__client') as string;

    // Use: verified from the service's JWKS, no database here.
    const state = await app.authenticate(new Request(`${APP}/dashboard`, { headers: { cookie: jar.header() } }));
    assert.equal(state.status, 'signed-in');
    assert.equal(state.status === 'signed-in' && state.claims.sid, (signIn.body as { sessionId: string }).sessionId);
    // currentUser(): the user's own record from the service, asked for with the token just verified.
    const user = await app.getUser(state.status === 'signed-in' ? state.claims.sub : '');
    assert.equal(user?.email, email);

    // Refresh through the service: a new token (the client token was just issued: inside the grace window it does not rotate).
    const refreshed = await app.refresh(client, { ip: null, userAgent: null, origin: APP });
    assert.notEqual(refreshed.sessionToken, token);
    assert.equal(refreshed.clientToken, null);
    const fresh = await app.authenticate(new Request(`${APP}/x`, { headers: { authorization: `Bearer ${refreshed.sessionToken}` } }));
    assert.equal(fresh.status, 'signed-in');

    // Revoke on the service: the app refuses the token once Redis tells it, and refresh fails closed.
    assert.ok(await service.gatehouse.sessions.revokeSession((signIn.body as { sessionId: string }).sessionId));
    await eventually('the app refuses the revoked session', async () => {
      const s = await app.authenticate(new Request(`${APP}/x`, { headers: { authorization: `Bearer ${refreshed.sessionToken}` } }));
      return s.status === 'signed-out' && s.reason === 'session-revoked';
    });
    await assert.rejects(app.refresh(client, { ip: null, userAgent: null, origin: APP }), (error: unknown) =>
      ['client_invalid', 'session_invalid'].includes((error as { code?: string }).code ?? ''),
    );
  });

  test('a token from another issuer is refused by the app; members the app cannot serve say so', async () => {
    const other = await createTestInstance();
    try {
      const jar = createCookieJar();
      assert.equal((await send(other, `${API}/sign-up`, { json: { email: 'x@example.com', password: PASSWORD }, jar })).status, 200);
      const state = await app.authenticate(new Request(`${APP}/x`, { headers: { cookie: jar.header() } }));
      assert.equal(state.status, 'signed-out');
    } finally {
      await other.close();
    }
    assert.equal(await app.getUser('user_x'), null, 'no verified token of that user: nothing to ask the service with');
    // The port has nothing else: no store, and machine tokens are the service's to check.
    assert.equal('store' in app, false);
    assert.equal(app.verifyMachineToken, undefined);
  });

  test("metrics (issue #21): the app counts its own decisions, refreshes and cache; sign-ups and the database are the service's", async () => {
    const appMetrics = async () => {
      const res = await app.handle(new Request(`${APP}${API}/metrics`, { headers: { authorization: `Bearer ${KEY}` } }));
      assert.equal(res.status, 200);
      return parseMetrics(await res.text());
    };
    const serviceMetrics = async () => {
      const res = await fetch(`${server.url}${API}/metrics`, { headers: { authorization: `Bearer ${KEY}` } });
      assert.equal(res.status, 200);
      return parseMetrics(await res.text());
    };
    const [appBefore, serviceBefore] = [await appMetrics(), await serviceMetrics()];

    const jar = createCookieJar();
    const email = `standalone-metrics-${Date.now()}@example.com`;
    const signUp = await send({ gatehouse: app, bodies: [] }, `${API}/sign-up`, { json: { email, password: PASSWORD }, jar, base: APP });
    assert.equal(signUp.status, 200, signUp.text);
    const request = () => new Request(`${APP}/dashboard`, { headers: { cookie: jar.header() } });
    assert.equal((await app.authenticate(request())).status, 'signed-in');
    assert.equal((await app.authenticate(request())).status, 'signed-in');
    assert.equal((await app.authenticate(new Request(`${APP}/dashboard`))).reason, 'session-token-missing');
    await app.refresh(jar.get('__client') as string, { ip: null, userAgent: null, origin: APP });
    await assert.rejects(app.refresh('not-a-client-token', { ip: null, userAgent: null, origin: APP }));
    const [appAfter, serviceAfter] = [await appMetrics(), await serviceMetrics()];
    const moved = (before: Map<string, number>, after: Map<string, number>, name: string) =>
      (after.get(name) ?? 0) - (before.get(name) ?? 0);
    const onApp = (name: string) => moved(appBefore, appAfter, name);
    const onService = (name: string) => moved(serviceBefore, serviceAfter, name);

    // The app: its decisions, its proxy's refreshes (one refused), its cache; what the service said it is.
    assert.equal(onApp('gatehouse_decisions_total{reason="signed-in"}'), 2);
    assert.equal(onApp('gatehouse_decisions_total{reason="session-token-missing"}'), 1);
    assert.equal(onApp('gatehouse_refreshes_total{outcome="success"}'), 1);
    const refused = [...appAfter.keys()].filter((k) => k.startsWith('gatehouse_refreshes_total{') && !k.includes('"success"'));
    assert.equal(
      refused.reduce((n, k) => n + onApp(k), 0),
      1,
      refused.join(),
    );
    // Misses: the first check of the session token, and the app's own check of the refreshed one.
    assert.equal(onApp('gatehouse_token_cache_misses_total'), 2);
    assert.equal(onApp('gatehouse_token_cache_hits_total'), 1);
    assert.equal(appAfter.get('gatehouse_service_up'), 1);
    assert.equal(appAfter.get('gatehouse_redis_up'), 1);
    assert.equal(appAfter.has('gatehouse_database_up'), false, 'the app has no database');
    assert.equal(onApp('gatehouse_sign_ups_total{outcome="success"}'), 0, 'sign-ups are counted where they happen: the service');
    // The service: the sign-up and both refreshes reached it; the app's decisions are not its own.
    assert.equal(onService('gatehouse_sign_ups_total{outcome="success"}'), 1);
    assert.equal(onService('gatehouse_refreshes_total{outcome="success"}'), 1);
    assert.equal(onService('gatehouse_decisions_total{reason="session-token-missing"}'), 0);
    assert.equal(serviceAfter.get('gatehouse_database_up'), 1);
    assert.equal(serviceAfter.has('gatehouse_service_up'), false);

    // The app's route wants the key like the service's does.
    for (const authorization of [undefined, `Bearer ${generateSecretKey()}`]) {
      const res = await app.handle(new Request(`${APP}${API}/metrics`, { headers: authorization ? { authorization } : {} }));
      assert.equal(res.status, 401);
    }
  });

  test('a service that cannot be reached stops the app start with setup_missing', async () => {
    await assert.rejects(
      createRemoteBackend({ serviceUrl: 'http://127.0.0.1:1' }),
      (error: unknown) => (error as { code?: string }).code === 'setup_missing',
    );
  });
});
