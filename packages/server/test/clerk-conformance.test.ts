// Conformance with a verifier we did not write: Clerk's own @clerk/backend, run offline with jwtKey.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { createClerkClient, verifyToken } from '@clerk/backend';
import { createCookieJar, createTestInstance, signUp, type TestInstance } from '../../../test-support/instance.js';

describe('Clerk @clerk/backend accepts Gatehouse session tokens', () => {
  let t: TestInstance;
  let token: string;
  let userId: string;
  let sessionId: string;
  let jwtKey: string;

  before(async () => {
    t = await createTestInstance({ jwtTemplates: [{ name: 'api', claims: { role: 'authenticated' } }] });
    const jar = createCookieJar();
    const res = await signUp(t, 'clerk-conformance@example.com', jar);
    assert.equal(res.status, 200);
    ({ sessionId } = res.body as { sessionId: string });
    userId = (res.body as { user: { id: string } }).user.id;
    token = jar.get('__session')!;
    const [jwk] = t.gatehouse.jwks().keys;
    jwtKey = createPublicKey({ key: jwk as unknown as JsonWebKey, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
  });
  after(() => t.close());

  // Clerk checks the clock against the real time, so the instance's fake clock is set to now.
  const clerk = () =>
    createClerkClient({
      // A production-style key for an invented host; with jwtKey nothing is fetched over the network.
      publishableKey: `pk_live_${Buffer.from('clerk.example.com$').toString('base64').replace(/=+$/, '')}`,
      secretKey: 'sk_live_gatehouse_conformance',
      jwtKey,
      telemetry: { disabled: true },
    });

  test('verifyToken(token, { jwtKey }) accepts a session token and reads its claims', async () => {
    t.clock.now = Date.now();
    const jar = createCookieJar();
    const res = await signUp(t, 'clerk-verify@example.com', jar);
    const fresh = jar.get('__session')!;
    const payload = await verifyToken(fresh, { jwtKey, authorizedParties: ['http://localhost:3000'] });
    assert.equal(payload.sub, (res.body as { user: { id: string } }).user.id);
    assert.equal(payload.sid, (res.body as { sessionId: string }).sessionId);
    assert.equal(payload.v, 2);
  });

  test('authenticateRequest signs in with our token as a Bearer token; toAuth() gives the same ids', async () => {
    t.clock.now = Date.now();
    const jar = createCookieJar();
    const res = await signUp(t, 'clerk-bearer@example.com', jar);
    const state = await clerk().authenticateRequest(
      new Request('https://example.com/api/data', { headers: { authorization: `Bearer ${jar.get('__session')}` } }),
      { jwtKey },
    );
    assert.equal(state.status, 'signed-in', `reason: ${state.reason}`);
    const auth = state.toAuth();
    assert.equal(auth.userId, (res.body as { user: { id: string } }).user.id);
    assert.equal(auth.sessionId, (res.body as { sessionId: string }).sessionId);
  });

  test('our JWT-template token is refused as a session token (token-type-mismatch)', async () => {
    t.clock.now = Date.now();
    const template = await t.gatehouse.templates.mint('api', { userId, sessionId }, { ip: null, userAgent: null, origin: null });
    const state = await clerk().authenticateRequest(
      new Request('https://example.com/api/data', { headers: { authorization: `Bearer ${template}` } }),
      { jwtKey },
    );
    assert.equal(state.status, 'signed-out');
    assert.equal(state.reason, 'token-type-mismatch');
    // And by Gatehouse itself.
    const ours = await t.gatehouse.authenticate(new Request('https://example.com/', { headers: { authorization: `Bearer ${template}` } }));
    assert.equal(ours.status, 'signed-out');
    assert.equal(ours.reason, 'token-type-mismatch');
  });

  test('a tampered token is refused by Clerk too', async () => {
    const [h, p, s] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'user_someoneelse' })).toString('base64url')}.${s}`;
    await assert.rejects(verifyToken(forged, { jwtKey }));
    assert.ok(sessionId.startsWith('sess_'));
  });
});
