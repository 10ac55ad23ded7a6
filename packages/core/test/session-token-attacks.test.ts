// Session-token forgery attempts (alg none, HMAC key confusion, foreign keys, key-choosing headers, tampering) are refused with their exact reason.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exportJWK, exportSPKI, importJWK } from 'jose';
import { createSessionTokenVerifier, createLocalKeySet, type PublicJwk } from '@gatehouse/core';
import {
  ISSUER,
  assertAccepted,
  assertRefused,
  base64url,
  createClock,
  createKeyFixture,
  createVerifier,
  sessionClaims,
  sessionHeader,
  signTemplateToken,
  signToken,
} from '../../../test-support/token-fixtures.js';

const ours = await createKeyFixture();
const stranger = await createKeyFixture();
const clock = createClock();
const verifier = createVerifier(ours, clock, { cacheSize: 0 });

/** Our private key material re-imported for another RSA algorithm (Web Crypto keys are algorithm-bound). */
async function ourKeyAs(alg: string): Promise<CryptoKey> {
  return (await importJWK(await exportJWK(ours.privateKey), alg)) as CryptoKey;
}

describe('baseline', () => {
  test('a token minted with our key and header verifies', async () => {
    const claims = await assertAccepted(verifier, await signToken(ours.privateKey));
    assert.equal(claims.sub, 'user_testuser');
    assert.equal(claims.sid, 'sess_testsession');
  });
});

describe('algorithm attacks', () => {
  test('alg "none" with an empty signature is refused as malformed (token-invalid)', async () => {
    const token = `${base64url(JSON.stringify(sessionHeader({ alg: 'none' })))}.${base64url(JSON.stringify(sessionClaims()))}.`;
    await assertRefused(verifier, token, 'token-invalid');
  });

  test('alg "none" with a non-empty signature segment is refused (token-invalid-algorithm)', async () => {
    const token = `${base64url(JSON.stringify(sessionHeader({ alg: 'none' })))}.${base64url(JSON.stringify(sessionClaims()))}.${base64url('x')}`;
    await assertRefused(verifier, token, 'token-invalid-algorithm');
  });

  test('alg "None"/"NONE" spellings are refused too', async () => {
    for (const alg of ['None', 'NONE', 'nOnE']) {
      const token = `${base64url(JSON.stringify(sessionHeader({ alg })))}.${base64url(JSON.stringify(sessionClaims()))}.${base64url('x')}`;
      await assertRefused(verifier, token, 'token-invalid-algorithm');
    }
  });

  test('HS256 keyed with our public key as a PEM string is refused (token-invalid-algorithm)', async () => {
    const pem = await exportSPKI(ours.publicKey);
    const token = await signToken(new TextEncoder().encode(pem), sessionClaims(), sessionHeader({ alg: 'HS256' }));
    await assertRefused(verifier, token, 'token-invalid-algorithm');
  });

  test('HS256 keyed with our public JWK (as published in JWKS) is refused (token-invalid-algorithm)', async () => {
    const jwkText = JSON.stringify(ours.publicJwk);
    const token = await signToken(new TextEncoder().encode(jwkText), sessionClaims(), sessionHeader({ alg: 'HS256' }));
    await assertRefused(verifier, token, 'token-invalid-algorithm');
  });

  test('HS256 keyed with the raw bytes of our modulus is refused (token-invalid-algorithm)', async () => {
    const n = Buffer.from(String((await exportJWK(ours.publicKey)).n), 'base64url');
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      const token = await signToken(new Uint8Array(n), sessionClaims(), sessionHeader({ alg }));
      await assertRefused(verifier, token, 'token-invalid-algorithm');
    }
  });

  test('HMAC is refused even when the verifier allows several asymmetric algorithms', async () => {
    const wide = createVerifier(ours, clock, { algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'] });
    const pem = await exportSPKI(ours.publicKey);
    const token = await signToken(new TextEncoder().encode(pem), sessionClaims(), sessionHeader({ alg: 'HS256' }));
    await assertRefused(wide, token, 'token-invalid-algorithm');
  });

  test('HMAC algorithms cannot be configured, and symmetric JWKs cannot be trusted (TypeError at construction)', () => {
    assert.throws(
      () => createSessionTokenVerifier({ keys: createLocalKeySet([ours.publicJwk]), issuer: ISSUER, algorithms: ['HS256'] }),
      TypeError,
    );
    assert.throws(() => createLocalKeySet([{ kty: 'oct', k: 'c2VjcmV0', kid: 'k1', alg: 'HS256' } as PublicJwk]), TypeError);
    assert.throws(() => createLocalKeySet([{ ...ours.publicJwk, d: 'AQAB' } as PublicJwk]), TypeError);
  });

  test('PS256 signed with our RSA key is refused: a key is only used with the alg it declares (jwk-kid-mismatch)', async () => {
    const wide = createVerifier(ours, clock, { algorithms: ['RS256', 'PS256'] });
    const token = await signToken(await ourKeyAs('PS256'), sessionClaims(), sessionHeader({ alg: 'PS256' }));
    await assertRefused(wide, token, 'jwk-kid-mismatch');
  });

  test('an RSA algorithm outside the configured allow-list (RS512, our own key) is refused (token-invalid-algorithm)', async () => {
    const token = await signToken(await ourKeyAs('RS512'), sessionClaims(), sessionHeader({ alg: 'RS512' }));
    await assertRefused(verifier, token, 'token-invalid-algorithm');
  });
});

describe('key attacks', () => {
  test('a token signed by an unknown RSA key but carrying our kid fails the signature (token-invalid-signature)', async () => {
    const token = await signToken(stranger.privateKey);
    await assertRefused(verifier, token, 'token-invalid-signature');
  });

  test('an unknown kid is refused (jwk-kid-mismatch)', async () => {
    const token = await signToken(ours.privateKey, sessionClaims(), sessionHeader({ kid: 'key_unknown' }));
    await assertRefused(verifier, token, 'jwk-kid-mismatch');
  });

  test('a missing or non-string kid is refused (jwk-kid-mismatch)', async () => {
    const noKid = sessionHeader();
    delete noKid.kid;
    await assertRefused(verifier, await signToken(ours.privateKey, sessionClaims(), noKid), 'jwk-kid-mismatch');
    await assertRefused(verifier, await signToken(ours.privateKey, sessionClaims(), sessionHeader({ kid: 7 })), 'jwk-kid-mismatch');
  });

  test('a kid that names an Object.prototype member is refused (jwk-kid-mismatch)', async () => {
    for (const kid of ['__proto__', 'constructor', 'toString']) {
      await assertRefused(verifier, await signToken(ours.privateKey, sessionClaims(), sessionHeader({ kid })), 'jwk-kid-mismatch');
    }
  });
});

describe('headers that would let a token choose its own key or rules', () => {
  for (const [name, value] of [
    ['jku', 'https://evil.example/jwks.json'],
    ['x5u', 'https://evil.example/cert.pem'],
    ['x5c', ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA']],
  ] as const) {
    test(`a correctly signed token with a "${name}" header is refused (token-invalid-header)`, async () => {
      const token = await signToken(ours.privateKey, sessionClaims(), sessionHeader({ [name]: value }));
      await assertRefused(verifier, token, 'token-invalid-header');
    });
  }

  test('a correctly signed token embedding a "jwk" header (even our own public key) is refused (token-invalid-header)', async () => {
    const embedded = { kty: ours.publicJwk.kty, n: ours.publicJwk.n, e: ours.publicJwk.e };
    const token = await signToken(ours.privateKey, sessionClaims(), sessionHeader({ jwk: embedded }));
    await assertRefused(verifier, token, 'token-invalid-header');
  });

  test('a correctly signed token with an unknown "crit" extension is refused (token-invalid-header)', async () => {
    const token = await signToken(
      ours.privateKey,
      sessionClaims(),
      sessionHeader({ crit: ['urn:example:policy'], 'urn:example:policy': 'lenient' }),
      { 'urn:example:policy': true },
    );
    await assertRefused(verifier, token, 'token-invalid-header');
  });

  test('a typ other than JWT is refused (token-invalid-header)', async () => {
    const token = await signToken(ours.privateKey, sessionClaims(), sessionHeader({ typ: 'at+jwt' }));
    await assertRefused(verifier, token, 'token-invalid-header');
  });
});

describe('tampering', () => {
  test('a payload changed after signing (another user) fails the signature (token-invalid-signature)', async () => {
    const token = await signToken(ours.privateKey);
    const [header, , signature] = token.split('.');
    const forged = `${header}.${base64url(JSON.stringify(sessionClaims({ sub: 'user_admin' })))}.${signature}`;
    await assertRefused(verifier, forged, 'token-invalid-signature');
  });

  test('a template token whose header is rewritten to the session category fails the signature', async () => {
    const template = await signTemplateToken(ours.privateKey, sessionClaims());
    const [, payload, signature] = template.split('.');
    const forged = `${base64url(JSON.stringify(sessionHeader()))}.${payload}.${signature}`;
    await assertRefused(verifier, forged, 'token-invalid-signature');
  });

  test('a truncated or emptied signature is refused', async () => {
    const token = await signToken(ours.privateKey);
    await assertRefused(verifier, token.slice(0, -10), 'token-invalid-signature');
    await assertRefused(verifier, token.slice(0, token.lastIndexOf('.') + 1), 'token-invalid');
  });

  test('structurally broken tokens are refused as malformed (token-invalid)', async () => {
    const token = await signToken(ours.privateKey);
    const [, payload, signature] = token.split('.');
    for (const broken of [
      'not-a-jwt',
      `${token}.extra`,
      `!!!.${payload}.${signature}`,
      `${base64url('{"alg":"RS256"')}.${payload}.${signature}`,
      `${base64url('[1,2]')}.${payload}.${signature}`,
      token.replace(/\./g, ' '),
    ]) {
      await assertRefused(verifier, broken, 'token-invalid');
    }
  });
});
