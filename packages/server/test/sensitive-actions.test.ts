// Issue #18: sensitive account actions need a fresh verification of the session asking (Clerk's
// `strict`: 10 minutes, the second factor when the user has one): ending another of one's sessions,
// signing out everywhere while other sessions live, disconnecting a connected account, and the account
// changes (password, primary address, removing an address, deleting the account). A stale
// session gets Clerk's 403 reverification body with nothing written; after POST /reverify the same
// call succeeds. Signing out only oneself never asks; server code (backend API) never asks.

import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createBackendClient } from '@gatehouse/server';
import { BACKEND_CONTEXT as BACKEND } from '../src/sessions/session-core.js';
import { totpCode } from '../src/factors/codes.js';
import {
  API,
  PASSWORD,
  createCookieJar,
  createTestInstance,
  send,
  signIn,
  signUp,
  type ApiResponse,
  type CookieJar,
  type TestInstance,
} from '../../../test-support/instance.js';

let t: TestInstance;

before(async () => {
  t = await createTestInstance();
});
after(async () => {
  await t.close();
});

const CLERK_HINT = { type: 'forbidden', reason: 'reverification-error', metadata: { reverification: 'strict' } };

function assertReverificationAnswer(res: ApiResponse): void {
  assert.equal(res.status, 403, res.text);
  const body = res.body as { clerk_error: unknown; error: { code: string } };
  assert.deepEqual(body.clerk_error, CLERK_HINT);
  assert.equal(body.error.code, 'reverification_required');
}

/** Every row these actions could write, and the audit count. */
function rows() {
  return {
    sessions: t.db.prepare('SELECT id, status FROM sessions ORDER BY id').all(),
    accounts: t.db.prepare('SELECT id FROM external_accounts ORDER BY id').all(),
    audit: (t.db.prepare('SELECT COUNT(*) AS n FROM audit_events').get() as { n: number }).n,
  };
}

const refresh = async (jar: CookieJar) => assert.equal((await send(t, `${API}/refresh`, { method: 'POST', jar })).status, 200);
const sessionId = (res: ApiResponse) => (res.body as { sessionId: string }).sessionId;
const status = (id: string) => (t.db.prepare('SELECT status FROM sessions WHERE id = ?').get(id) as { status: string }).status;

interface Person {
  email: string;
  userId: string;
  /** This browser, and another device of the same user. */
  here: CookieJar;
  hereId: string;
  there: CookieJar;
  thereId: string;
}

let n = 0;
/** A user signed in on two devices, whose sign-ins are 11 minutes old (both tokens refreshed). */
async function staleOnTwoDevices(): Promise<Person> {
  const email = `user${++n}@example.com`;
  const here = createCookieJar();
  const up = await signUp(t, email, here);
  assert.equal(up.status, 200, up.text);
  const there = createCookieJar();
  const other = await signIn(t, email, PASSWORD, there);
  assert.equal(other.status, 200, other.text);
  t.advance(11 * 60);
  await refresh(here);
  await refresh(there);
  return { email, userId: (up.body as { user: { id: string } }).user.id, here, hereId: sessionId(up), there, thereId: sessionId(other) };
}

const reverifyWithPassword = async (jar: CookieJar) =>
  assert.equal((await send(t, `${API}/reverify`, { json: { strategy: 'password', password: PASSWORD }, jar })).status, 200);

describe('ending sessions', () => {
  let p: Person;
  beforeEach(async () => {
    p = await staleOnTwoDevices();
  });

  test('ending another device’s session asks for a verification, nothing changed; after it, the session ends', async () => {
    const before = rows();
    const end = () => send(t, `${API}/sessions/${p.thereId}/end`, { method: 'POST', jar: p.here });
    assertReverificationAnswer(await end());
    assertReverificationAnswer(await send(t, `${API}/sign-out`, { json: { scope: 'session', sessionId: p.thereId }, jar: p.here }));
    assert.deepEqual(rows(), before);
    await reverifyWithPassword(p.here);
    const ended = await end();
    assert.equal(ended.status, 200, ended.text);
    assert.deepEqual((ended.body as { ended: string[] }).ended, [p.thereId]);
    assert.equal(status(p.thereId), 'ended');
    assert.equal(status(p.hereId), 'active');
  });

  test('signing out everywhere while another session lives asks too; after a verification, every session ends', async () => {
    const before = rows();
    assertReverificationAnswer(await send(t, `${API}/sign-out`, { json: { scope: 'everywhere' }, jar: p.here }));
    assert.deepEqual(rows(), before);
    await reverifyWithPassword(p.here);
    const res = await send(t, `${API}/sign-out`, { json: { scope: 'everywhere' }, jar: p.here });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual([status(p.hereId), status(p.thereId)], ['ended', 'ended']);
  });

  test('signing out only oneself never asks: the own session, and everywhere when it is the only one', async () => {
    const own = await send(t, `${API}/sessions/${p.thereId}/end`, { method: 'POST', jar: p.there });
    assert.equal(own.status, 200, own.text);
    assert.equal(status(p.thereId), 'ended');
    const everywhere = await send(t, `${API}/sign-out`, { json: { scope: 'everywhere' }, jar: p.here });
    assert.equal(everywhere.status, 200, everywhere.text);
    assert.equal(status(p.hereId), 'ended');
  });

  test('server code ends sessions without a verification', async () => {
    await createBackendClient(t.gatehouse).sessions.revokeSession(p.thereId);
    assert.equal(status(p.thereId), 'revoked');
  });
});

describe('a user with an authenticator app', () => {
  test('the password alone is not enough to end another session: the authentication code is (strict is second-factor)', async () => {
    const p = await staleOnTwoDevices();
    // Enrolling is sensitive itself: verify first, then enrol, then let the verification grow old.
    await reverifyWithPassword(p.here);
    const started = await send(t, `${API}/me/factors/totp`, { method: 'POST', jar: p.here });
    assert.equal(started.status, 200, started.text);
    const secret = (started.body as { secret: string }).secret;
    const confirmed = await send(t, `${API}/me/factors/totp/confirm`, { json: { code: totpCode(secret, t.clock.now) }, jar: p.here });
    assert.equal(confirmed.status, 200, confirmed.text);
    t.advance(11 * 60);
    await refresh(p.here);
    await reverifyWithPassword(p.here);
    const afterPassword = rows();
    assertReverificationAnswer(await send(t, `${API}/sessions/${p.thereId}/end`, { method: 'POST', jar: p.here }));
    assert.deepEqual(rows(), afterPassword);
    assert.equal(status(p.thereId), 'active');
    const code = await send(t, `${API}/reverify`, { json: { strategy: 'totp', code: totpCode(secret, t.clock.now) }, jar: p.here });
    assert.equal(code.status, 200, code.text);
    assert.equal((await send(t, `${API}/sessions/${p.thereId}/end`, { method: 'POST', jar: p.here })).status, 200);
    assert.equal(status(p.thereId), 'ended');
  });
});

describe('connected accounts', () => {
  test('disconnecting one asks for a verification, nothing changed; after it, the account is gone', async () => {
    const p = await staleOnTwoDevices();
    const id = 'eac_aaaaaaaaaaaaaaaaaaaaaaaaaa';
    await t.gatehouse.store.insertExternalAccount({
      id,
      user_id: p.userId,
      provider: 'github',
      subject: 'gh-1',
      email: p.email,
      email_verified: 1,
      first_name: null,
      last_name: null,
      image_url: null,
      username: null,
      created_at: t.clock.now,
      updated_at: t.clock.now,
    });
    const before = rows();
    const remove = () => send(t, `${API}/external-accounts/${id}`, { method: 'DELETE', jar: p.here });
    assertReverificationAnswer(await remove());
    assert.deepEqual(rows(), before);
    await reverifyWithPassword(p.here);
    const removed = await remove();
    assert.equal(removed.status, 200, removed.text);
    assert.deepEqual(t.db.prepare('SELECT id FROM external_accounts WHERE id = ?').all(id), []);
  });
});

describe('account changes (issues #16 and #18)', () => {
  let p: Person;
  beforeEach(async () => {
    p = await staleOnTwoDevices();
  });

  const userRow = () => t.db.prepare('SELECT email, password_hash FROM users WHERE id = ?').get(p.userId);
  const addresses = () => t.db.prepare('SELECT id, email, verified FROM email_addresses WHERE user_id = ? ORDER BY email').all(p.userId);

  test('changing the password asks for a verification, nothing changed; after it, the new password works', async () => {
    const before = [userRow(), rows()];
    const body = { currentPassword: PASSWORD, newPassword: 'a brand new passphrase', signOutOfOtherSessions: false };
    assertReverificationAnswer(await send(t, `${API}/me/password`, { json: body, jar: p.here }));
    assert.deepEqual([userRow(), rows()], before);
    await reverifyWithPassword(p.here);
    assert.equal((await send(t, `${API}/me/password`, { json: body, jar: p.here })).status, 200);
    assert.equal((await signIn(t, p.email, 'a brand new passphrase', createCookieJar())).status, 200);
  });

  test('making another address primary or removing one asks too; after a verification both go through', async () => {
    const added = await t.gatehouse.accounts.changes.addEmailAddress(p.userId, `work.${p.email}`, BACKEND, { verified: true });
    const before = [userRow(), addresses(), rows()];
    assertReverificationAnswer(await send(t, `${API}/me/email-addresses/${added.id}/set_primary`, { method: 'POST', jar: p.here }));
    assertReverificationAnswer(await send(t, `${API}/me/email-addresses/${added.id}`, { method: 'DELETE', jar: p.here }));
    assert.deepEqual([userRow(), addresses(), rows()], before);
    await reverifyWithPassword(p.here);
    assert.equal((await send(t, `${API}/me/email-addresses/${added.id}/set_primary`, { method: 'POST', jar: p.here })).status, 200);
    assert.equal((userRow() as { email: string }).email, `work.${p.email}`);
  });

  test('deleting the account asks too; after a verification the account is gone', async () => {
    const before = [userRow(), rows()];
    assertReverificationAnswer(await send(t, `${API}/me/delete`, { json: { password: PASSWORD }, jar: p.here }));
    assert.deepEqual([userRow(), rows()], before);
    await reverifyWithPassword(p.here);
    assert.equal((await send(t, `${API}/me/delete`, { json: { password: PASSWORD }, jar: p.here })).status, 200);
    assert.equal(userRow(), undefined);
  });

  test('server code changes accounts without a verification', async () => {
    const added = await t.gatehouse.accounts.changes.addEmailAddress(p.userId, `admin.${p.email}`, BACKEND, { verified: true });
    await t.gatehouse.accounts.changes.setPrimaryEmailAddress(p.userId, added.id, BACKEND);
    assert.equal((userRow() as { email: string }).email, `admin.${p.email}`);
  });
});
