// The synchronous Node path: node:crypto keys verify without a promise, refusals are the same as on
// the promise API, a cache hit needs the very same token, retired keys stay refused, minted tokens
// are standard JWS.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign as signBytes } from 'node:crypto';
import { SignJWT, createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  SESSION_TOKEN_CATEGORY,
  isTokenVerificationError,
  type TokenVerificationError,
  authenticateRequestNow,
  createLocalKeySet,
  verifyCompactJws,
  createSessionTokenVerifier,
  webCryptoSignatures,
  type RequestState,
  type SessionClaims,
} from '@gatehouse/core';
import { nodeSignatures } from '@gatehouse/server';
import { createCookieJar, createTestInstance, signUp, type TestInstance } from '../../../test-support/instance.js';

const ISSUER = 'urn:gatehouse:ins_synctest';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid: 'key_sync', alg: 'RS256', use: 'sig' };
const nowSeconds = Math.floor(Date.now() / 1000);
const claims = { sub: 'user_a', sid: 'sess_a', iss: ISSUER, iat: nowSeconds, nbf: nowSeconds - 5, exp: nowSeconds + 60, jti: 'j1', v: 2 };
const sign = (payload: Record<string, unknown>, kid = 'key_sync') =>
  new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT', cat: SESSION_TOKEN_CATEGORY }).sign(privateKey);
const token = await sign(claims);
const request = (jwt: string) => ({ headers: new Headers({ cookie: `__session=${jwt}` }) });

function refusedNow(verify: () => unknown, reason: string): void {
  assert.throws(verify, (error: unknown) => isTokenVerificationError(error) && error.reason === reason);
}

describe('synchronous verification on Node', () => {
  test('a local node:crypto key verifies without a promise, and refuses without one', () => {
    const verifier = createSessionTokenVerifier({ keys: createLocalKeySet([publicJwk], { signatures: nodeSignatures }), issuer: ISSUER });
    const verified = verifier.verifyNow!(token);
    assert.ok(!(verified instanceof Promise));
    assert.equal((verified as SessionClaims).sub, 'user_a');
    const [h, p, s] = token.split('.') as [string, string, string];
    refusedNow(() => verifier.verifyNow!(`${h}.${p}.${s.slice(0, -4)}AAAA`), 'token-invalid-signature');
    const state = authenticateRequestNow(request(token), { verifier });
    assert.ok(!(state instanceof Promise));
    assert.equal((state as RequestState).status, 'signed-in');
  });

  test('an unknown kid is refused synchronously by a local key set', async () => {
    const verifier = createSessionTokenVerifier({ keys: createLocalKeySet([publicJwk], { signatures: nodeSignatures }), issuer: ISSUER });
    const other = await sign(claims, 'key_other');
    const answer = authenticateRequestNow(request(other), { verifier });
    assert.ok(!(answer instanceof Promise));
    const state = answer as RequestState;
    assert.equal(state.status, 'signed-out');
    assert.equal(state.reason, 'jwk-kid-mismatch');
  });

  test('WebCrypto keys answer with a promise, with the same outcome', async () => {
    const verifier = createSessionTokenVerifier({
      keys: createLocalKeySet([publicJwk], { signatures: webCryptoSignatures }),
      issuer: ISSUER,
    });
    const pending = verifier.verifyNow!(token);
    assert.ok(pending instanceof Promise);
    assert.equal((await pending).sub, 'user_a');
    // The second time it is a cache hit: no promise even on the edge provider.
    assert.ok(!(verifier.verifyNow!(token) instanceof Promise));
  });

  test('a token carrying a cached token’s signature over another payload is verified, not served from the cache', async () => {
    const verifier = createSessionTokenVerifier({ keys: createLocalKeySet([publicJwk], { signatures: nodeSignatures }), issuer: ISSUER });
    assert.equal((verifier.verifyNow!(token) as SessionClaims).sub, 'user_a'); // cached now
    const [h, , s] = token.split('.') as [string, string, string];
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'user_admin' })).toString('base64url')}.${s}`;
    refusedNow(() => verifier.verifyNow!(forged), 'token-invalid-signature');
    await assert.rejects(
      verifier.verify(forged),
      (error: unknown) => (error as TokenVerificationError).reason === 'token-invalid-signature',
    );
    // The genuine token still verifies (from the cache or afresh).
    assert.equal((verifier.verifyNow!(token) as SessionClaims).sub, 'user_a');
  });
});

describe('the quick split on Node refuses what the strict parse refuses, for the same reason', () => {
  const nodeKeys = createLocalKeySet([publicJwk], { signatures: nodeSignatures });
  const verifiers = {
    node: createSessionTokenVerifier({ keys: nodeKeys, issuer: ISSUER, cacheSize: 0 }),
    edge: createSessionTokenVerifier({
      keys: createLocalKeySet([publicJwk], { signatures: webCryptoSignatures }),
      issuer: ISSUER,
      cacheSize: 0,
    }),
  };
  const [h, p, s] = token.split('.') as [string, string, string];
  /** A compact JWS over exactly these segments, signed by the trusted key. */
  const signedAs = (header: string, payload: string) =>
    `${header}.${payload}.${signBytes('sha256', Buffer.from(`${header}.${payload}`, 'latin1'), privateKey).toString('base64url')}`;

  async function refusedEverywhere(jwt: string, reason: string): Promise<void> {
    for (const [name, verifier] of Object.entries(verifiers)) {
      if (name === 'node') refusedNow(() => verifier.verifyNow!(jwt), reason);
      await assert.rejects(verifier.verify(jwt), (error: unknown) => isTokenVerificationError(error) && error.reason === reason, name);
    }
    await assert.rejects(
      verifyCompactJws(jwt, { keys: nodeKeys, algorithms: new Set(['RS256']) }),
      (error: unknown) => isTokenVerificationError(error) && error.reason === reason,
    );
  }

  test('a character outside ASCII whose low byte is the signed character is token-invalid (latin1 bytes would match)', async () => {
    const widen = (segment: string, at: number) =>
      segment.slice(0, at) + String.fromCharCode(0x100 + segment.charCodeAt(at)) + segment.slice(at + 1);
    await refusedEverywhere(`${h}.${widen(p, 5)}.${s}`, 'token-invalid');
    await refusedEverywhere(`${widen(h, 3)}.${p}.${s}`, 'token-invalid');
    await refusedEverywhere(`${h}.${p}.${widen(s, 7)}`, 'token-invalid');
    await refusedEverywhere(`${h}.${p}\u00e9.${s}`, 'token-invalid');
  });

  test('a payload outside the base64url alphabet is token-invalid, never a signature, algorithm or key refusal', async () => {
    for (const c of ['!', '+', '/', '=', ' ', '%'])
      await refusedEverywhere(`${h}.${p.slice(0, 9)}${c}${p.slice(10)}.${s}`, 'token-invalid');
    const unknownKid = (await sign(claims, 'key_unknown')).split('.') as [string, string, string];
    await refusedEverywhere(`${unknownKid[0]}.${unknownKid[1].slice(0, 9)}!${unknownKid[1].slice(10)}.${unknownKid[2]}`, 'token-invalid');
    const other = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
    await refusedEverywhere(`${other}.${p.slice(0, 9)}!${p.slice(10)}.${s}`, 'token-invalid');
    await refusedEverywhere(`${h}.${p}.${s}.${s}`, 'token-invalid');
    await refusedEverywhere(`${h}..${s}`, 'token-invalid');
    await refusedEverywhere(`${h}.${p}.`, 'token-invalid');
    await refusedEverywhere(`.${p}.${s}`, 'token-invalid');
  });

  test('a payload the trusted key signed in the standard alphabet or padded is still token-invalid', async () => {
    // Long runs of one byte give every alignment: ? (0x3f) encodes to _ and > (0x3e) to - somewhere.
    const payload = Buffer.from(JSON.stringify({ ...claims, jti: `${'?'.repeat(12)}${'>'.repeat(12)}` })).toString('base64url');
    assert.ok(payload.includes('-') && payload.includes('_'));
    assert.ok(verifiers.node.verifyNow!(signedAs(h, payload)), 'the base64url form verifies');
    await refusedEverywhere(signedAs(h, payload.replaceAll('-', '+').replaceAll('_', '/')), 'token-invalid');
    // Among three lengths in a row, one leaves a remainder of 3 (a one-byte pad).
    const padded = [1, 2, 3]
      .map((n) => Buffer.from(JSON.stringify({ ...claims, jti: 'j'.repeat(n) })).toString('base64url'))
      .find((segment) => segment.length % 4 === 3)!;
    assert.ok(verifiers.node.verifyNow!(signedAs(h, padded)), 'the unpadded form verifies');
    await refusedEverywhere(signedAs(h, `${padded}=`), 'token-invalid');
  });

  test('tokens of different lengths verified one after another each get their own signing input and signature', () => {
    const tokens = [0, 200, 3, 90, 1].map((n) =>
      signedAs(h, Buffer.from(JSON.stringify({ ...claims, jti: 'x'.repeat(n + 1) })).toString('base64url')),
    );
    for (const jwt of [...tokens, ...tokens.reverse()]) {
      assert.equal((verifiers.node.verifyNow!(jwt) as SessionClaims).sub, 'user_a');
      const [th, tp, ts] = jwt.split('.') as [string, string, string];
      refusedNow(() => verifiers.node.verifyNow!(`${th}.${tp}.${ts.slice(0, -4)}AAAA`), 'token-invalid-signature');
    }
  });
});

describe('synchronous authentication on an instance', () => {
  const instances: TestInstance[] = [];
  after(async () => {
    for (const t of instances) await t.close();
  });

  test('a minted token authenticates synchronously, verifies with jose, and its key once retired is refused', async () => {
    const t = await createTestInstance();
    instances.push(t);
    const jar = createCookieJar();
    assert.equal((await signUp(t, 'sync@example.com', jar)).status, 200);
    const minted = jar.get('__session')!;
    // Standard JWS: jose verifies what node:crypto signed, against the published JWKS.
    const { payload } = await jwtVerify(minted, createLocalJWKSet(t.gatehouse.jwks()), {
      issuer: t.gatehouse.settings.issuer,
      currentDate: new Date(t.clock.now),
    });
    assert.equal(typeof payload.sub, 'string');
    const state = t.gatehouse.authenticateNow(request(minted));
    assert.ok(!(state instanceof Promise));
    assert.equal((state as RequestState).status, 'signed-in');

    const oldKid = decodeProtectedHeader(minted).kid!;
    await t.gatehouse.keys.rotate({ immediately: true });
    assert.equal(await t.gatehouse.keys.retire(oldKid), true);
    t.gatehouse.verifier().clearCache();
    const after = t.gatehouse.authenticateNow(request(minted));
    const settled = after instanceof Promise ? await after : after;
    assert.equal(settled.status, 'signed-out');
    assert.equal(settled.reason, 'jwk-kid-mismatch');
  });

  // The instance skips the revocation and stamp lookups for a cached token that passed them while
  // nothing was recorded since (issue #20): anything recorded after must still refuse it at once.
  test('a cached token that passed the session checks is refused on its next request once its session is revoked or its user stamped', async () => {
    const t = await createTestInstance();
    instances.push(t);
    const statusOf = (jwt: string) => {
      const state = t.gatehouse.authenticateNow(request(jwt));
      assert.ok(!(state instanceof Promise), 'a cached token answers synchronously');
      return { status: state.status, reason: state.reason };
    };
    const jarA = createCookieJar();
    assert.equal((await signUp(t, 'memo-a@example.com', jarA)).status, 200);
    const a = jarA.get('__session')!;
    const jarB = createCookieJar();
    assert.equal((await signUp(t, 'memo-b@example.com', jarB)).status, 200);
    const b = jarB.get('__session')!;
    const claimsA = (await t.gatehouse.verifier().verify(a)) as SessionClaims;
    const claimsB = (await t.gatehouse.verifier().verify(b)) as SessionClaims;
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(statusOf(a), { status: 'signed-in', reason: null });
      assert.deepEqual(statusOf(b), { status: 'signed-in', reason: null });
    }
    // A revocation recorded in the list the instance reads (as one from another instance would be).
    t.gatehouse.revocations.revoke(claimsA.sid, t.clock.now);
    assert.deepEqual(statusOf(a), { status: 'signed-out', reason: 'session-revoked' });
    assert.deepEqual(statusOf(b), { status: 'signed-in', reason: null }, 'the other session is unaffected');
    t.gatehouse.stamps.stampUser(claimsB.sub, t.clock.now);
    assert.deepEqual(statusOf(b), { status: 'signed-out', reason: 'session-claims-stale' });
    assert.deepEqual(statusOf(a), { status: 'signed-out', reason: 'session-revoked' });
  });
});
