// JWT templates: instance-key and HS256 (Supabase) signing, reserved claims, org shortcodes, refusals.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify, decodeProtectedHeader } from 'jose';
import { compileTemplates, supabaseTemplate } from '../src/tokens/templates.js';
import { API, createCookieJar, createTestInstance, send, signUp, type TestInstance } from '../../../test-support/instance.js';

const SUPABASE_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

describe('JWT templates', () => {
  let t: TestInstance;
  let userId: string;
  let sessionId: string;
  const jar = createCookieJar();
  const ctx = { ip: null, userAgent: null, origin: 'http://localhost:3000' };

  before(async () => {
    t = await createTestInstance({
      jwtTemplates: [
        {
          name: 'reports',
          claims: {
            org: '{{org.id}}',
            role: '{{org.role}}',
            email: '{{user.primary_email_address}}',
            sub: 'user_forged',
            iss: 'forged',
          } as Record<string, unknown>,
          lifetimeSeconds: 120,
        },
        supabaseTemplate(SUPABASE_SECRET, {
          claims: { ...supabaseTemplate(SUPABASE_SECRET).claims, user_metadata: '{{user.unsafe_metadata}}' },
        }),
      ].map((c) => (c.name === 'reports' ? { ...c, claims: { org: c.claims.org, role: c.claims.role, email: c.claims.email } } : c)),
    });
    const res = await signUp(t, 'templates@example.com', jar);
    ({ sessionId } = res.body as { sessionId: string });
    userId = (res.body as { user: { id: string } }).user.id;
  });
  after(() => t.close());

  test('an instance-key template verifies against the JWKS and carries the reserved claims', async () => {
    const jwt = await t.gatehouse.templates.mint('reports', { userId, sessionId }, ctx);
    const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(t.gatehouse.jwks()), {
      issuer: t.gatehouse.settings.issuer,
      currentDate: new Date(t.clock.now),
    });
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(protectedHeader.cat, 'cl_B7d4PD222AAA');
    assert.equal(payload.sub, userId);
    assert.equal(payload.azp, 'http://localhost:3000');
    assert.equal(payload.email, 'templates@example.com');
    assert.equal(payload.org, null); // no active organization
    assert.equal((payload.exp as number) - (payload.iat as number), 120);
    assert.equal((payload.iat as number) - (payload.nbf as number), 5);
    assert.equal(payload.sid, undefined);
    // Never a session token.
    const state = await t.gatehouse.authenticate(new Request('http://x/', { headers: { authorization: `Bearer ${jwt}` } }));
    assert.equal(state.reason, 'token-type-mismatch');
  });

  test('the supabase preset is HS256 with the project secret and role "authenticated"; user metadata cannot change it', async () => {
    await t.gatehouse.store.updateUser(userId, { unsafe_metadata: JSON.stringify({ role: 'service_role', sub: 'user_admin' }) });
    const jwt = await t.gatehouse.templates.mint('supabase', { userId, sessionId }, ctx);
    assert.equal(decodeProtectedHeader(jwt).alg, 'HS256');
    const { payload } = await jwtVerify(jwt, new TextEncoder().encode(SUPABASE_SECRET), {
      audience: 'authenticated',
      currentDate: new Date(t.clock.now),
    });
    assert.equal(payload.role, 'authenticated');
    assert.equal(payload.sub, userId);
    assert.deepEqual(payload.user_metadata, { role: 'service_role', sub: 'user_admin' });
    await assert.rejects(jwtVerify(jwt, new TextEncoder().encode('x'.repeat(64)), { currentDate: new Date(t.clock.now) }), /signature/);
  });

  test('over HTTP: POST /tokens { template } needs a session and a known template', async () => {
    const res = await send(t, `${API}/tokens`, { json: { template: 'reports' }, jar });
    assert.equal(res.status, 200);
    assert.ok((res.body as { jwt: string }).jwt.split('.').length === 3);
    assert.equal((await send(t, `${API}/tokens`, { json: { template: 'nope' }, jar })).status, 404);
    assert.equal((await send(t, `${API}/tokens`, { json: { template: 'reports' } })).status, 401);
    assert.equal((await send(t, `${API}/tokens`, { json: { template: 'reports', organizationId: 'org_x' }, jar })).status, 400);
    assert.equal((await send(t, `${API}/tokens`, { json: { template: 'a b' }, jar })).status, 400);
  });

  test('configuration is validated: reserved claims, names, secrets, lifetimes, duplicates', () => {
    assert.throws(() => compileTemplates([{ name: 'x', claims: { sub: 'forged' } }]), /reserved claims: sub/);
    assert.throws(() => compileTemplates([{ name: 'x', claims: { iss: 'forged', exp: 1 } }]), /iss, exp/);
    assert.throws(() => compileTemplates([{ name: 'bad name', claims: {} }]), /names/);
    assert.throws(
      () => compileTemplates([{ name: 'x', claims: {}, signing: { algorithm: 'HS256', secret: 'short' } }]),
      /at least 32 bytes/,
    );
    assert.throws(() => compileTemplates([{ name: 'x', claims: {}, lifetimeSeconds: 5 }]), /lifetime/);
    assert.throws(
      () =>
        compileTemplates([
          { name: 'x', claims: {} },
          { name: 'x', claims: {} },
        ]),
      /Two JWT templates/,
    );
  });
});
