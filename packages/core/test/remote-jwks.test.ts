// The remote JWKS key source against a real local HTTP server: caching, rotation, kid floods, bad keys, slow and failing servers.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import { createRemoteKeyResolver, createSessionTokenVerifier, type KeyResolver } from '@gatehouse/core';
import {
  ISSUER,
  assertAccepted,
  assertRefused,
  createClock,
  createKeyFixture,
  sessionClaims,
  sessionHeader,
  signToken,
} from '../../../test-support/token-fixtures.js';

type Handler = (res: ServerResponse) => void;

/** A JWKS server whose answer the test swaps at will; counts every request it receives. */
async function startJwksServer() {
  let handler: Handler = (res) => res.writeHead(404).end();
  const server = createServer((req, res) => {
    state.requests += 1;
    handler(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const state = {
    requests: 0,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/gatehouse/v1/jwks`,
    serve(keys: unknown[]) {
      handler = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    },
    answer(next: Handler) {
      handler = next;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return state;
}

const server = await startJwksServer();
after(() => server.close());

const first = await createKeyFixture('key_first');
const second = await createKeyFixture('key_second');
const clock = createClock(Date.UTC(2026, 0, 1));

function tokenFor(kid: string, key: CryptoKey, jti = 'jti0001') {
  return signToken(key, sessionClaims({ jti }), sessionHeader({ kid }));
}

function verifierOver(keys: KeyResolver) {
  return createSessionTokenVerifier({ keys, issuer: ISSUER, now: () => clock.now, cacheSize: 0 });
}

describe('createRemoteKeyResolver', () => {
  test('fetches the set once, caches it, and verifies tokens signed by a served key', async () => {
    server.serve([first.publicJwk]);
    const before = server.requests;
    const keys = createRemoteKeyResolver({ jwksUrl: server.url });
    const verifier = verifierOver(keys);
    const token = await tokenFor('key_first', first.privateKey);
    for (let i = 0; i < 5; i += 1) await assertAccepted(verifier, token);
    assert.equal(server.requests - before, 1);
    assert.equal(await keys.getKey('key_first', 'ES256'), null, 'a key is only used with the alg it declares');
  });

  test('a rotated-in key is fetched on first sight, the revision changes, and a retired key stops verifying', async () => {
    server.serve([first.publicJwk]);
    const keys = createRemoteKeyResolver({ jwksUrl: new URL(server.url), unknownKidCooldownMs: 60_000 });
    const verifier = verifierOver(keys);
    await assertAccepted(verifier, await tokenFor('key_first', first.privateKey));
    const revision = keys.revision;

    server.serve([first.publicJwk, second.publicJwk]);
    const before = server.requests;
    await assertAccepted(verifier, await tokenFor('key_second', second.privateKey));
    assert.equal(server.requests - before, 1);
    assert.ok(keys.revision > revision, 'the revision changes with the key set');

    // Retirement is seen when the cached set expires (max age 0: every lookup refetches).
    const expiring = createRemoteKeyResolver({ jwksUrl: server.url, cacheMaxAgeMs: 0 });
    const expiringVerifier = verifierOver(expiring);
    const oldToken = await tokenFor('key_first', first.privateKey, 'jti0002');
    await assertAccepted(expiringVerifier, oldToken);
    const beforeRetire = expiring.revision;
    server.serve([second.publicJwk]);
    await assertRefused(expiringVerifier, oldToken, 'jwk-kid-mismatch');
    assert.ok(expiring.revision > beforeRetire);
    // An unchanged set does not change the revision.
    const settled = expiring.revision;
    await expiring.getKey('key_second', 'RS256');
    assert.equal(expiring.revision, settled);
  });

  test('a flood of unknown kids costs one refetch per cooldown, concurrent or sequential', async () => {
    server.serve([first.publicJwk]);
    const before = server.requests;
    const keys = createRemoteKeyResolver({ jwksUrl: server.url, unknownKidCooldownMs: 60_000 });
    const lookups = Array.from({ length: 200 }, (_, i) => keys.getKey(`key_forged${i}`, 'RS256'));
    assert.deepEqual(new Set(await Promise.all(lookups)), new Set([null]));
    for (let i = 0; i < 50; i += 1) assert.equal(await keys.getKey(`key_later${i}`, 'RS256'), null);
    // The initial fetch plus one unknown-kid refetch, then nothing until the cooldown ends.
    assert.equal(server.requests - before, 2);
    assert.ok(await keys.getKey('key_first', 'RS256'), 'the known key still resolves');
  });

  test('private, weak, malformed, kid-less and duplicated JWKs in the set are left out; the good key stays', async () => {
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const weak = { ...rsa1024.publicKey.export({ format: 'jwk' }), kid: 'key_weak', alg: 'RS256' };
    const leakedPrivate = {
      ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
      kid: 'key_private',
      alg: 'RS256',
    };
    const duplicate = await createKeyFixture('key_twice');
    const other = await createKeyFixture('key_twice');
    server.serve([
      weak,
      leakedPrivate,
      { kty: 'RSA', kid: 'key_malformed', alg: 'RS256', n: '!!not base64!!', e: 'AQAB' },
      { ...second.publicJwk, kid: undefined },
      { kty: 'oct', kid: 'key_hmac', alg: 'HS256', k: 'c2VjcmV0' },
      { ...second.publicJwk, kid: 'key_enc', use: 'enc' },
      'not an object',
      null,
      duplicate.publicJwk,
      other.publicJwk,
      first.publicJwk,
    ]);
    const keys = createRemoteKeyResolver({ jwksUrl: server.url, unknownKidCooldownMs: 60_000 });
    const verifier = verifierOver(keys);
    await assertAccepted(verifier, await tokenFor('key_first', first.privateKey));
    for (const kid of ['key_weak', 'key_private', 'key_malformed', 'key_hmac', 'key_enc', 'key_twice']) {
      assert.equal(await keys.getKey(kid, 'RS256'), null, kid);
    }
    await assertRefused(verifier, await tokenFor('key_twice', duplicate.privateKey), 'jwk-kid-mismatch');
  });

  test('a slow server times out to no key, and a later healthy answer is used', async () => {
    // Answers nothing for 3 s (far past the 100 ms timeout), then drops the connection.
    server.answer((res) => {
      const timer = setTimeout(() => res.destroy(), 3_000);
      res.on('close', () => clearTimeout(timer));
    });
    const keys = createRemoteKeyResolver({ jwksUrl: server.url, timeoutMs: 100, unknownKidCooldownMs: 0 });
    const verifier = verifierOver(keys);
    const token = await tokenFor('key_first', first.privateKey);
    await assertRefused(verifier, token, 'jwk-kid-mismatch');

    server.serve([first.publicJwk]);
    await assertAccepted(verifier, token);
  });

  test('fails closed: error statuses, HTML, non-JWKS JSON, oversized bodies and dead servers mean no key', async () => {
    const token = await tokenFor('key_first', first.privateKey);
    const answers: Handler[] = [
      (res) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [first.publicJwk] })),
      (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html>Not found</html>'),
      (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ key: [first.publicJwk] })),
      (res) =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ keys: [first.publicJwk], pad: 'x'.repeat(300_000) })),
      (res) => res.writeHead(302, { location: '/elsewhere' }).end(),
      (res) => res.destroy(),
    ];
    for (const answer of answers) {
      server.answer(answer);
      const keys = createRemoteKeyResolver({ jwksUrl: server.url });
      await assertRefused(verifierOver(keys), token, 'jwk-kid-mismatch');
    }
    const dead = createRemoteKeyResolver({ jwksUrl: 'http://127.0.0.1:9/jwks', timeoutMs: 1_000 });
    assert.equal(await dead.getKey('key_first', 'RS256'), null);
  });

  test('a failed refetch of an expired set drops the keys it held instead of trusting them on', async () => {
    server.serve([first.publicJwk]);
    const keys = createRemoteKeyResolver({ jwksUrl: server.url, cacheMaxAgeMs: 0, unknownKidCooldownMs: 60_000 });
    const verifier = verifierOver(keys);
    const token = await tokenFor('key_first', first.privateKey);
    await assertAccepted(verifier, token);
    const revision = keys.revision;
    server.answer((res) => res.writeHead(503).end());
    await assertRefused(verifier, token, 'jwk-kid-mismatch');
    assert.ok(keys.revision > revision);
    // After a failure the next attempt waits out the cooldown rather than fetching per request.
    const before = server.requests;
    for (let i = 0; i < 20; i += 1) await keys.getKey('key_first', 'RS256');
    assert.equal(server.requests - before, 0);
  });

  test('peekKey: nothing before the set is fetched; then the imported key, synchronously; nothing for another kid or alg, or from an expired set', async () => {
    server.serve([first.publicJwk]);
    const keys = createRemoteKeyResolver({ jwksUrl: server.url });
    assert.equal(keys.peekKey?.('key_first', 'RS256'), undefined, 'not fetched yet: the asynchronous path fetches');
    const key = await keys.getKey('key_first', 'RS256');
    assert.ok(key);
    assert.equal(keys.peekKey?.('key_first', 'RS256'), key);
    assert.equal(keys.peekKey?.('key_second', 'RS256'), undefined, 'an unknown kid goes the asynchronous way (its refetch rule)');
    assert.equal(keys.peekKey?.('key_first', 'ES256'), undefined);
    const expiring = createRemoteKeyResolver({ jwksUrl: server.url, cacheMaxAgeMs: 0 });
    assert.ok(await expiring.getKey('key_first', 'RS256'));
    assert.equal(expiring.peekKey?.('key_first', 'RS256'), undefined, 'an expired set is fetched again, not trusted on');
  });

  test('refresh(): fetches again now; a fresh set stays usable while it runs and after it fails', async () => {
    server.serve([first.publicJwk]);
    const keys = createRemoteKeyResolver({ jwksUrl: server.url });
    const key = await keys.getKey('key_first', 'RS256');
    assert.ok(key);
    const before = server.requests;
    const refreshing = keys.refresh();
    assert.equal(keys.peekKey('key_first', 'RS256'), key, 'a fetch under way does not hide a fresh set');
    await refreshing;
    assert.equal(server.requests - before, 1);
    server.answer((res) => res.writeHead(503).end());
    await keys.refresh(); // never throws
    assert.equal(keys.peekKey('key_first', 'RS256'), key, 'a failed refetch keeps a set that is still within its age');
    server.serve([second.publicJwk]);
    const revision = keys.revision;
    await keys.refresh();
    assert.ok(keys.revision > revision, 'a rotation is picked up');
    assert.equal(keys.peekKey('key_first', 'RS256'), undefined, 'the retired key is gone');
  });

  test('refuses a non-http(s) URL and negative durations at construction', () => {
    assert.throws(() => createRemoteKeyResolver({ jwksUrl: 'file:///etc/jwks.json' }), TypeError);
    assert.throws(() => createRemoteKeyResolver({ jwksUrl: 'not a url' }), TypeError);
    assert.throws(() => createRemoteKeyResolver({ jwksUrl: server.url, timeoutMs: -1 }), TypeError);
  });
});
