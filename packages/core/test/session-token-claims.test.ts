// Session-token claim checks: exp/nbf/iat with the 5 s skew on a fake clock, azp, sub, iss, and the token category.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactSign } from 'jose';
import {
  ISSUER,
  T0,
  T0_MS,
  assertAccepted,
  assertRefused,
  createClock,
  createKeyFixture,
  createVerifier,
  sessionClaims,
  sessionHeader,
  signTemplateToken,
  signToken,
} from '../../../test-support/token-fixtures.js';

const ours = await createKeyFixture();

describe('time claims (5 s default skew, fake clock)', () => {
  test('a token is accepted up to 5 s after exp and refused from then on (session-token-expired)', async () => {
    const clock = createClock();
    const verifier = createVerifier(ours, clock, { cacheSize: 0 });
    const token = await signToken(ours.privateKey); // exp = T0 + 60
    clock.now = (T0 + 60) * 1000 + 4000; // 4 s past exp: inside the skew
    await assertAccepted(verifier, token);
    clock.now = (T0 + 60) * 1000 + 4999;
    await assertAccepted(verifier, token);
    clock.now = (T0 + 60) * 1000 + 5000; // exactly the skew: refused
    await assertRefused(verifier, token, 'session-token-expired');
    clock.now = (T0 + 3600) * 1000;
    await assertRefused(verifier, token, 'session-token-expired');
  });

  test('a custom clockSkewInMs is honoured', async () => {
    const clock = createClock((T0 + 60) * 1000 + 1000);
    const strict = createVerifier(ours, clock, { cacheSize: 0, clockSkewInMs: 0 });
    await assertRefused(strict, await signToken(ours.privateKey), 'session-token-expired');
  });

  test('nbf more than 5 s in the future is refused (session-token-nbf); exactly 5 s is accepted', async () => {
    const clock = createClock();
    const verifier = createVerifier(ours, clock, { cacheSize: 0 });
    await assertRefused(verifier, await signToken(ours.privateKey, sessionClaims({ nbf: T0 + 6 })), 'session-token-nbf');
    await assertRefused(verifier, await signToken(ours.privateKey, sessionClaims({ nbf: T0 + 3600 })), 'session-token-nbf');
    await assertAccepted(verifier, await signToken(ours.privateKey, sessionClaims({ nbf: T0 + 5 })));
  });

  test('iat more than 5 s in the future is refused (session-token-iat-in-the-future)', async () => {
    const clock = createClock();
    const verifier = createVerifier(ours, clock, { cacheSize: 0 });
    const claims = sessionClaims({ iat: T0 + 30, nbf: T0 - 5, exp: T0 + 90 });
    await assertRefused(verifier, await signToken(ours.privateKey, claims), 'session-token-iat-in-the-future');
    await assertAccepted(verifier, await signToken(ours.privateKey, sessionClaims({ iat: T0 + 5 })));
  });

  test('missing or non-numeric exp/nbf/iat are refused (token-invalid)', async () => {
    const verifier = createVerifier(ours, createClock(), { cacheSize: 0 });
    for (const name of ['exp', 'nbf', 'iat']) {
      const missing = sessionClaims();
      delete missing[name];
      await assertRefused(verifier, await signToken(ours.privateKey, missing), 'token-invalid');
      await assertRefused(verifier, await signToken(ours.privateKey, sessionClaims({ [name]: String(T0) })), 'token-invalid');
      await assertRefused(verifier, await signToken(ours.privateKey, sessionClaims({ [name]: null })), 'token-invalid');
    }
  });
});

describe('authorized parties (azp)', () => {
  const clock = createClock();
  const verifier = createVerifier(ours, clock, { cacheSize: 0, authorizedParties: ['http://localhost:3000', 'https://app.example'] });

  test('a listed azp is accepted', async () => {
    const claims = await assertAccepted(verifier, await signToken(ours.privateKey, sessionClaims({ azp: 'https://app.example' })));
    assert.equal(claims.azp, 'https://app.example');
  });

  test('an unlisted azp is refused (token-invalid-authorized-parties)', async () => {
    const token = await signToken(ours.privateKey, sessionClaims({ azp: 'https://evil.example' }));
    await assertRefused(verifier, token, 'token-invalid-authorized-parties');
    const lookalike = await signToken(ours.privateKey, sessionClaims({ azp: 'https://app.example.evil.example' }));
    await assertRefused(verifier, lookalike, 'token-invalid-authorized-parties');
  });

  test('a missing azp is refused when authorized parties are configured', async () => {
    await assertRefused(verifier, await signToken(ours.privateKey, sessionClaims()), 'token-invalid-authorized-parties');
  });

  test('a non-string azp is malformed (token-invalid)', async () => {
    await assertRefused(verifier, await signToken(ours.privateKey, sessionClaims({ azp: ['https://app.example'] })), 'token-invalid');
  });

  test('without authorized parties configured, any or no azp is accepted', async () => {
    const open = createVerifier(ours, clock, { cacheSize: 0 });
    await assertAccepted(open, await signToken(ours.privateKey, sessionClaims()));
    await assertAccepted(open, await signToken(ours.privateKey, sessionClaims({ azp: 'https://elsewhere.example' })));
  });
});

describe('identity claims', () => {
  const verifier = createVerifier(ours, createClock(), { cacheSize: 0 });

  test('a missing, empty or non-string sub is refused (token-invalid)', async () => {
    const missing = sessionClaims();
    delete missing.sub;
    await assertRefused(verifier, await signToken(ours.privateKey, missing), 'token-invalid');
    for (const sub of ['', 42, null, true, ['user_a'], { id: 'user_a' }]) {
      await assertRefused(verifier, await signToken(ours.privateKey, sessionClaims({ sub })), 'token-invalid');
    }
  });

  test('a missing or empty sid is refused (token-invalid)', async () => {
    const missing = sessionClaims();
    delete missing.sid;
    await assertRefused(verifier, await signToken(ours.privateKey, missing), 'token-invalid');
    await assertRefused(verifier, await signToken(ours.privateKey, sessionClaims({ sid: '' })), 'token-invalid');
  });

  test('a claim version other than 2 is refused (token-invalid)', async () => {
    const missing = sessionClaims();
    delete missing.v;
    await assertRefused(verifier, await signToken(ours.privateKey, missing), 'token-invalid');
    await assertRefused(verifier, await signToken(ours.privateKey, sessionClaims({ v: 1 })), 'token-invalid');
  });

  test('a payload that is not a JSON object is refused (token-invalid)', async () => {
    for (const payload of ['[1,2,3]', 'null', '"user_a"', 'not json']) {
      const token = await new CompactSign(new TextEncoder().encode(payload))
        .setProtectedHeader(sessionHeader() as { alg: string })
        .sign(ours.privateKey);
      await assertRefused(verifier, token, 'token-invalid');
    }
  });

  test('another issuer is refused (token-invalid-issuer)', async () => {
    for (const iss of ['urn:gatehouse:ins_other', `${ISSUER} `, 'https://clerk.example.com']) {
      await assertRefused(verifier, await signToken(ours.privateKey, sessionClaims({ iss })), 'token-invalid-issuer');
    }
  });
});

describe('token category', () => {
  const verifier = createVerifier(ours, createClock(T0_MS), { cacheSize: 0 });

  test('a JWT-template token signed with our key is not a session token (token-type-mismatch)', async () => {
    const template = await signTemplateToken(ours.privateKey, {
      sub: 'user_testuser',
      iss: ISSUER,
      azp: 'http://localhost:3000',
      iat: T0,
      nbf: T0 - 5,
      exp: T0 + 60,
      jti: 'tmpl01',
      aud: 'authenticated',
      role: 'authenticated',
    });
    await assertRefused(verifier, template, 'token-type-mismatch');
  });

  test('a template-category token carrying a full session claim set is still refused (token-type-mismatch)', async () => {
    await assertRefused(verifier, await signTemplateToken(ours.privateKey, sessionClaims()), 'token-type-mismatch');
  });

  test('a token with no category marker is refused (token-type-mismatch)', async () => {
    const header = sessionHeader();
    delete header.cat;
    await assertRefused(verifier, await signToken(ours.privateKey, sessionClaims(), header), 'token-type-mismatch');
  });
});
