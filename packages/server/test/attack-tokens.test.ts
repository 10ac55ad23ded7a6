// Forged and broken session tokens against a real instance: each is refused with its reason, and nothing is written.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, generateKeyPair, exportJWK, base64url } from 'jose';
import { API, createCookieJar, createTestInstance, send, signUp, type TestInstance } from '../../../test-support/instance.js';

describe('attack tokens write nothing', () => {
  let t: TestInstance;
  let valid: string;
  let claims: Record<string, unknown>;
  let kid: string;
  const attacks: { name: string; token: string; reason: string }[] = [];

  before(async () => {
    t = await createTestInstance();
    const jar = createCookieJar();
    assert.equal((await signUp(t, 'victim@example.com', jar)).status, 200);
    valid = jar.get('__session')!;
    const [h, p, s] = valid.split('.') as [string, string, string];
    claims = JSON.parse(new TextDecoder().decode(base64url.decode(p))) as Record<string, unknown>;
    kid = (JSON.parse(new TextDecoder().decode(base64url.decode(h))) as { kid: string }).kid;
    const header = (extra: Record<string, unknown>) =>
      base64url.encode(JSON.stringify({ alg: 'RS256', kid, typ: 'JWT', cat: 'cl_B7d4PD111AAA', ...extra }));
    const body = (extra: Record<string, unknown> = {}) => base64url.encode(JSON.stringify({ ...claims, ...extra }));
    const foreign = await generateKeyPair('RS256', { extractable: true });
    const publicJwk = t.gatehouse.jwks().keys[0]!;
    const sign = (extra: Record<string, unknown>, hdr: Record<string, unknown> = {}) =>
      new SignJWT({ ...claims, ...extra })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT', cat: 'cl_B7d4PD111AAA', ...hdr })
        .sign(foreign.privateKey);
    attacks.push(
      {
        name: 'alg none',
        token: `${base64url.encode(JSON.stringify({ alg: 'none', kid, cat: 'cl_B7d4PD111AAA' }))}.${body()}.`,
        reason: 'token-invalid',
      },
      {
        name: 'alg none with a signature',
        token: `${base64url.encode(JSON.stringify({ alg: 'none', kid }))}.${body()}.${s}`,
        reason: 'token-invalid-algorithm',
      },
      {
        name: 'HS256 keyed with our public key',
        token: await new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256', kid, cat: 'cl_B7d4PD111AAA' })
          .sign(new TextEncoder().encode(JSON.stringify(publicJwk))),
        reason: 'token-invalid-algorithm',
      },
      { name: 'signed by an unknown key under our kid', token: await sign({}), reason: 'token-invalid-signature' },
      { name: 'unknown kid', token: await sign({}, { kid: 'key_unknown' }), reason: 'jwk-kid-mismatch' },
      { name: 'jku header', token: await sign({}, { jku: 'https://evil.example/jwks.json' }), reason: 'token-invalid-header' },
      { name: 'x5u header', token: await sign({}, { x5u: 'https://evil.example/cert.pem' }), reason: 'token-invalid-header' },
      { name: 'embedded jwk header', token: await sign({}, { jwk: await exportJWK(foreign.publicKey) }), reason: 'token-invalid-header' },
      { name: 'unknown crit header', token: `${header({ crit: ['exp2'], exp2: 1 })}.${body()}.${s}`, reason: 'token-invalid-header' },
      { name: 'payload tampered after signing', token: `${h}.${body({ sub: 'user_attacker' })}.${s}`, reason: 'token-invalid-signature' },
      { name: '12 KB of garbage', token: 'a'.repeat(12 * 1024), reason: 'token-invalid' },
    );
    // Correctly signed by the instance key, but with claims that must not pass.
    const ours = t.gatehouse.keys.current().signingKey;
    const signOurs = (body: Record<string, unknown>, cat = 'cl_B7d4PD111AAA') =>
      new SignJWT(body).setProtectedHeader({ alg: 'RS256', kid: ours.kid, typ: 'JWT', cat }).sign(ours.privateKey);
    const { sub: _sub, ...withoutSub } = claims;
    attacks.push(
      { name: 'missing sub', token: await signOurs(withoutSub), reason: 'token-invalid' },
      { name: 'empty sub', token: await signOurs({ ...claims, sub: '' }), reason: 'token-invalid' },
      { name: 'another issuer', token: await signOurs({ ...claims, iss: 'https://evil.example' }), reason: 'token-invalid-issuer' },
      {
        name: 'a JWT-template token presented as a session token',
        token: await signOurs(claims, 'cl_B7d4PD222AAA'),
        reason: 'token-type-mismatch',
      },
      {
        name: 'no category marker',
        token: await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: ours.kid }).sign(ours.privateKey),
        reason: 'token-type-mismatch',
      },
    );
  });
  after(() => t.close());

  test('every attack token is refused with its reason, on every endpoint, writing nothing', async () => {
    for (const attack of attacks) {
      const before = t.counts();
      const state = await t.gatehouse.authenticate(
        new Request('http://localhost:3000/', { headers: { cookie: `__session=${attack.token}` } }),
      );
      assert.equal(state.status, 'signed-out', attack.name);
      assert.equal(state.reason, attack.reason, attack.name);
      const bearer = await t.gatehouse.authenticate(
        new Request('http://localhost:3000/', { headers: { authorization: `Bearer ${attack.token}` } }),
      );
      assert.equal(bearer.reason, attack.reason, `${attack.name} (Bearer)`);
      const jar = createCookieJar({ __session: attack.token });
      const session = await send(t, `${API}/session`, { jar });
      assert.equal(session.status, 401, attack.name);
      assert.doesNotMatch(session.text, /victim@example\.com/);
      const refreshed = await send(t, `${API}/refresh`, { method: 'POST', jar });
      assert.equal(refreshed.status, 401, attack.name);
      assert.deepEqual(t.counts(), before, `${attack.name} wrote something`);
    }
  });

  test('an expired token and a future nbf are refused (fake clock), writing nothing', async () => {
    const before = t.counts();
    const at = t.clock.now;
    t.clock.now = at + 66_000; // 60 s lifetime + 5 s skew, and a bit
    assert.equal(
      (await t.gatehouse.authenticate(new Request('http://x/', { headers: { cookie: `__session=${valid}` } }))).reason,
      'session-token-expired',
    );
    t.clock.now = at - 11_000; // nbf is iat - 5 s; 5 s skew
    assert.equal(
      (await t.gatehouse.authenticate(new Request('http://x/', { headers: { cookie: `__session=${valid}` } }))).reason,
      'session-token-nbf',
    );
    t.clock.now = at;
    assert.equal(
      (await t.gatehouse.authenticate(new Request('http://x/', { headers: { cookie: `__session=${valid}` } }))).status,
      'signed-in',
    );
    assert.deepEqual(t.counts(), before);
  });

  test('two different __session cookies are ambiguous and refused', async () => {
    const state = await t.gatehouse.authenticate(
      new Request('http://x/', { headers: { cookie: `__session=${valid}; __session=${attacks[3]!.token}` } }),
    );
    assert.equal(state.reason, 'session-token-ambiguous');
  });
});

describe('authorized parties', () => {
  test('with authorizedParties set, a token for another azp (or none) is refused, writing nothing', async () => {
    const t = await createTestInstance({ authorizedParties: ['http://localhost:3000'] });
    try {
      const jar = createCookieJar();
      assert.equal((await signUp(t, 'azp@example.com', jar)).status, 200);
      const valid = jar.get('__session')!;
      const claims = JSON.parse(new TextDecoder().decode(base64url.decode(valid.split('.')[1]!))) as Record<string, unknown>;
      const key = t.gatehouse.keys.current().signingKey;
      const sign = (body: Record<string, unknown>) =>
        new SignJWT(body).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT', cat: 'cl_B7d4PD111AAA' }).sign(key.privateKey);
      const { azp: _azp, ...noAzp } = claims;
      const before = t.counts();
      for (const token of [await sign({ ...claims, azp: 'https://evil.example' }), await sign(noAzp)]) {
        const state = await t.gatehouse.authenticate(new Request('http://x/', { headers: { cookie: `__session=${token}` } }));
        assert.equal(state.reason, 'token-invalid-authorized-parties');
        assert.equal((await send(t, `${API}/session`, { jar: createCookieJar({ __session: token }) })).status, 401);
      }
      assert.equal(
        (await t.gatehouse.authenticate(new Request('http://x/', { headers: { cookie: `__session=${valid}` } }))).status,
        'signed-in',
      );
      assert.deepEqual(t.counts(), before);
    } finally {
      await t.close();
    }
  });
});

describe('issue #15 item 12: a sub that is not the user of its sid', () => {
  test('a token signed with the instance key that names another user than its session is refused where the session is read', async () => {
    const t = await createTestInstance();
    try {
      const alice = createCookieJar();
      const mallory = createCookieJar();
      assert.equal((await signUp(t, 'alice-sid@example.com', alice)).status, 200);
      assert.equal((await signUp(t, 'mallory-sid@example.com', mallory)).status, 200);
      const decode = (token: string) =>
        JSON.parse(new TextDecoder().decode(base64url.decode(token.split('.')[1]!))) as Record<string, unknown>;
      const aliceClaims = decode(alice.get('__session')!);
      const malloryClaims = decode(mallory.get('__session')!);
      const key = t.gatehouse.keys.current().signingKey;
      // Mallory's own session, claiming to be Alice.
      const forged = await new SignJWT({ ...malloryClaims, sub: String(aliceClaims.sub) })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT', cat: 'cl_B7d4PD111AAA' })
        .sign(key.privateKey);
      const jar = createCookieJar({ __session: forged });
      const before = t.counts();
      assert.equal((await send(t, `${API}/session`, { jar })).status, 401);
      const listed = await send(t, `${API}/sessions`, { jar });
      assert.equal(listed.status, 401, listed.text);
      const ended = await send(t, `${API}/sessions/${String(aliceClaims.sid)}/end`, { method: 'POST', jar, json: {} });
      assert.equal(ended.status, 401, ended.text);
      assert.deepEqual(t.counts(), before);
      // Control: the genuine tokens read their own sessions.
      assert.equal((await send(t, `${API}/session`, { jar: alice })).status, 200);
      assert.equal((await send(t, `${API}/sessions`, { jar: mallory })).status, 200);
    } finally {
      await t.close();
    }
  });
});
