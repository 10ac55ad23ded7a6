// Faults at boot and in time (issue #10): a corrupt or tampered signing key stops the start with a
// clear setup_missing error (never new keys, never a start that accepts anything); deleted keys mean
// every old token is refused; clocks skewed beyond the allowance refuse tokens instead of accepting them.
// (A missing or wrong GATEHOUSE_SECRET is covered by keys-at-rest.test.ts.)

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { isGatehouseError } from '@gatehouse/core';
import {
  authenticate,
  authenticateToken,
  createCookieJar,
  createTestInstance,
  makeTempDir,
  refresh,
  signUp,
  T0,
} from '../../../test-support/instance.js';

const SECRET = 'faults-boot-master-secret-0123456789-abcdefgh';
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** An instance with one signed-up user, closed; returns its dir, clock and the user's cookies. */
async function preparedDatabase() {
  const dir = makeTempDir();
  dirs.push(dir);
  const clock = { now: T0 };
  const t = await createTestInstance({ secret: SECRET, allowDevSecret: false }, { dir, clock });
  const jar = createCookieJar();
  assert.equal((await signUp(t, 'boot@example.com', jar)).status, 200);
  await t.close({ keepFiles: true });
  return { dir, clock, jar, file: t.databaseFile };
}

function tamper(file: string, statement: string, ...params: unknown[]): void {
  const db = new BetterSqlite3(file);
  try {
    db.prepare(statement).run(...params);
  } finally {
    db.close();
  }
}

function keyRows(file: string): unknown[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return db.prepare('SELECT * FROM signing_keys ORDER BY id').all();
  } finally {
    db.close();
  }
}

const refusesToStart = (message: RegExp) => (error: unknown) => {
  assert.ok(isGatehouseError(error) && error.code === 'setup_missing', String(error));
  assert.match((error as Error).message, message);
  assert.ok(!(error as Error).message.includes(SECRET), 'the secret is not in the message');
  return true;
};

describe('a corrupt or tampered signing key at boot', () => {
  const cases: [string, string, unknown[], RegExp][] = [
    [
      'the sealed private key is damaged',
      "UPDATE signing_keys SET private_jwk_sealed = substr(private_jwk_sealed, 1, 60) || 'AAAA' || substr(private_jwk_sealed, 65)",
      [],
      /cannot be decrypted/,
    ],
    ['the sealed private key is gone', "UPDATE signing_keys SET private_jwk_sealed = ''", [], /cannot be decrypted/],
    ['the public key is not JSON', "UPDATE signing_keys SET public_jwk = '{not json'", [], /is corrupt/],
    ['the public key is not a key', 'UPDATE signing_keys SET public_jwk = ?', [JSON.stringify({ kty: 'oct', k: 'AAAA' })], /is corrupt/],
    ['the algorithm was changed to none', "UPDATE signing_keys SET alg = 'none'", [], /is corrupt/],
    ['the algorithm was changed to HS256', "UPDATE signing_keys SET alg = 'HS256'", [], /is corrupt/],
  ];
  for (const [name, statement, params, message] of cases) {
    test(`${name}: the start fails with setup_missing and a clear message; nothing is regenerated`, async () => {
      const { dir, clock, file } = await preparedDatabase();
      tamper(file, statement, ...params);
      const before = keyRows(file);
      await assert.rejects(createTestInstance({ secret: SECRET, allowDevSecret: false }, { dir, clock }), refusesToStart(message));
      assert.deepEqual(keyRows(file), before, 'no key was created or changed');
    });
  }

  test('the signing keys deleted: a new key is made, and every token signed before is refused (fail closed)', async () => {
    const { dir, clock, jar, file } = await preparedDatabase();
    tamper(file, 'DELETE FROM signing_keys');
    const t = await createTestInstance({ secret: SECRET, allowDevSecret: false }, { dir, clock });
    try {
      const state = await authenticate(t, jar);
      assert.equal(state.status, 'signed-out');
      assert.equal(state.reason, 'jwk-kid-mismatch');
      // The client cookie still signs the browser in again, with a token of the new key.
      const fresh = await refresh(t, jar);
      assert.equal(fresh.status, 200);
      assert.equal((await authenticate(t, jar)).status, 'signed-in');
    } finally {
      await t.close({ keepFiles: true });
    }
  });
});

describe('clock skew beyond the allowance', () => {
  test('tokens from a clock ahead by more than the 5 s allowance are refused, not accepted; within it they pass', async () => {
    const dir = makeTempDir();
    dirs.push(dir);
    const clock = { now: T0 };
    const t = await createTestInstance({ secret: SECRET, allowDevSecret: false }, { dir, clock });
    try {
      const jar = createCookieJar();
      assert.equal((await signUp(t, 'skew@example.com', jar)).status, 200);
      const token = jar.get('__session')!;
      // This instance's clock is behind the one that minted the token (nbf is 5 s before iat).
      clock.now = T0 - 10_000 - 1;
      const ahead = await authenticateToken(t, token);
      assert.equal(ahead.status, 'signed-out');
      assert.equal(ahead.reason, 'session-token-nbf');
      // iat may not be in the future by more than the allowance either.
      clock.now = T0 - 6_000;
      assert.equal((await authenticateToken(t, token)).status, 'signed-out');
      clock.now = T0 - 4_000;
      assert.equal((await authenticateToken(t, token)).status, 'signed-in', 'within the allowance');
      // Far past exp (60 s lifetime + 5 s allowance): refused.
      clock.now = T0 + 65_000;
      const late = await authenticateToken(t, token);
      assert.equal(late.status, 'signed-out');
      assert.equal(late.reason, 'session-token-expired');
    } finally {
      await t.close();
    }
  });
});
