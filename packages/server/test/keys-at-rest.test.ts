// Signing keys at rest: only sealed under the master secret; a different or missing secret fails the start closed; the same secret keeps old tokens valid.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeProtectedHeader } from 'jose';
import { isGatehouseError } from '@gatehouse/core';
import {
  authenticate,
  createCookieJar,
  createTestInstance,
  makeTempDir,
  refresh,
  signUp,
  type Clock,
  type TestInstance,
} from '../../../test-support/instance.js';

const SECRET = 'test-master-secret-0123456789-abcdefghijklmnop';
const OTHER_SECRET = 'another-master-secret-0123456789-abcdefghijklm';
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function freshInstance(secret?: string): Promise<{ t: TestInstance; dir: string; clock: Clock }> {
  const dir = makeTempDir();
  dirs.push(dir);
  const clock = { now: Date.UTC(2026, 0, 1) };
  const t = await createTestInstance(secret === undefined ? {} : { secret, allowDevSecret: false }, { dir, clock });
  return { t, dir, clock };
}

function isSetupMissing(error: unknown): boolean {
  return isGatehouseError(error) && error.code === 'setup_missing' && error.status === 500;
}

describe('keys at rest', () => {
  test('the signing_keys row holds a public JWK and a sealed (JWE) private key, never a plaintext one', async () => {
    const { t } = await freshInstance(SECRET);
    const rows = t.db.prepare('SELECT * FROM signing_keys').all() as Array<{
      status: string;
      public_jwk: string;
      private_jwk_sealed: string;
    }>;
    assert.equal(rows.length, 1);
    const [row] = rows as [(typeof rows)[number]];
    assert.equal(row.status, 'active');
    const publicJwk = JSON.parse(row.public_jwk) as Record<string, unknown>;
    assert.deepEqual(Object.keys(publicJwk).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
    const sealed = row.private_jwk_sealed;
    assert.equal(sealed.split('.').length, 5, 'a compact JWE');
    assert.deepEqual(decodeProtectedHeader(sealed), { alg: 'dir', enc: 'A256GCM', cty: 'jwk+json' });
    for (const value of Object.values(row)) {
      assert.ok(!/"(d|p|q|dp|dq|qi)"\s*:/.test(String(value)), 'no private JWK member in any column');
    }
    await t.close({ keepFiles: true });
    // Nothing on disk (database, WAL) holds a private JWK or the master secret.
    for (const file of ['gatehouse.db', 'gatehouse.db-wal']) {
      const path = join(t.dir, file);
      if (!existsSync(path)) continue;
      const bytes = readFileSync(path).toString('latin1');
      assert.ok(!/"d"\s*:\s*"/.test(bytes), `${file} contains a private exponent`);
      assert.ok(!bytes.includes(SECRET), `${file} contains the master secret`);
    }
  });

  test('a generated development secret lives in a 0600 file next to the database, and the start says so', async () => {
    const { t, dir } = await freshInstance();
    const file = join(dir, 'dev-secret');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const secret = readFileSync(file, 'utf8').trim();
    assert.ok(secret.length >= 32);
    assert.ok(t.logs.some((line) => line.startsWith('WARNING: GATEHOUSE_SECRET is not set')));
    assert.ok(!t.logs.some((line) => line.includes(secret)), 'the secret itself is never logged');
    await t.close({ keepFiles: true });
  });

  test('reopening with a different secret fails with setup_missing and generates no new keys', async () => {
    const { t, dir, clock } = await freshInstance(SECRET);
    const jar = createCookieJar();
    assert.equal((await signUp(t, 'keys@example.com', jar)).status, 200);
    const before = t.counts();
    const keysBefore = t.db.prepare('SELECT id, private_jwk_sealed FROM signing_keys').all();
    await t.close({ keepFiles: true });

    await assert.rejects(createTestInstance({ secret: OTHER_SECRET, allowDevSecret: false }, { dir, clock }), (error: unknown) => {
      assert.ok(isSetupMissing(error));
      assert.ok(!String((error as Error).message).includes(OTHER_SECRET) && !String((error as Error).message).includes(SECRET));
      return true;
    });
    // Falling back to a generated development secret is refused the same way (it cannot decrypt either).
    await assert.rejects(createTestInstance({ allowDevSecret: true }, { dir, clock }), isSetupMissing);
    // No secret at all, development secrets not allowed: refused before touching the database.
    await assert.rejects(createTestInstance({ allowDevSecret: false }, { dir, clock }), isSetupMissing);
    // A secret that is too short is refused.
    await assert.rejects(createTestInstance({ secret: 'short', allowDevSecret: false }, { dir, clock }), isSetupMissing);

    const reopened = await createTestInstance({ secret: SECRET, allowDevSecret: false }, { dir, clock });
    assert.deepEqual(reopened.counts(), before, 'the failed starts wrote nothing');
    assert.deepEqual(reopened.db.prepare('SELECT id, private_jwk_sealed FROM signing_keys').all(), keysBefore);
    await reopened.close({ keepFiles: true });
  });

  test('reopening with the same secret keeps the issuer and key: old session and client tokens still work', async () => {
    const { t, dir, clock } = await freshInstance(SECRET);
    const jar = createCookieJar();
    const signedUp = await signUp(t, 'restart@example.com', jar);
    assert.equal(signedUp.status, 200);
    const issuer = t.gatehouse.settings.issuer;
    const jwks = t.gatehouse.jwks();
    await t.close({ keepFiles: true });

    clock.now += 10_000;
    const reopened = await createTestInstance({ secret: SECRET, allowDevSecret: false }, { dir, clock });
    assert.equal(reopened.gatehouse.settings.issuer, issuer);
    assert.deepEqual(reopened.gatehouse.jwks(), jwks);
    const state = await authenticate(reopened, jar);
    assert.equal(state.status, 'signed-in');
    assert.equal(state.claims?.sid, (signedUp.body as { sessionId: string }).sessionId);
    const refreshed = await refresh(reopened, jar);
    assert.equal(refreshed.status, 200);
    assert.equal((await authenticate(reopened, jar)).status, 'signed-in');
    await reopened.close({ keepFiles: true });
  });

  test('a token from another instance (other database, other key) is refused', async () => {
    const a = await freshInstance(SECRET);
    const b = await freshInstance(SECRET);
    const jar = createCookieJar();
    assert.equal((await signUp(a.t, 'cross@example.com', jar)).status, 200);
    const state = await authenticate(b.t, jar);
    assert.equal(state.status, 'signed-out');
    assert.equal(state.reason, 'jwk-kid-mismatch');
    await a.t.close({ keepFiles: true });
    await b.t.close({ keepFiles: true });
  });
});
