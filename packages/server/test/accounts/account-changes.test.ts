// Issue #16: a user's own account: change the password (current one required), add / verify / remove addresses, choose the primary, delete the account.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API, PASSWORD, createCookieJar, send, signIn, signUp } from '../../../../test-support/instance.js';
import { codeFrom, mailInstanceOfFile } from '../../../../test-support/smtp-sink.js';

const { t, sink } = mailInstanceOfFile();

type Address = { id: string; emailAddress: string; verification: { status: string } };

describe('account changes', () => {
  test('change password: the current one is required and checked; the new one follows the policy', async () => {
    const jar = createCookieJar();
    const other = createCookieJar();
    await signUp(t, 'change@example.com', jar);
    await signIn(t, 'change@example.com', PASSWORD, other);
    const wrong = await send(t, `${API}/me/password`, {
      json: { currentPassword: 'not it at all', newPassword: 'fresh passphrase one' },
      jar,
    });
    assert.equal(wrong.status, 422);
    assert.equal((wrong.body as { error: { field: string } }).error.field, 'currentPassword');
    const weak = await send(t, `${API}/me/password`, { json: { currentPassword: PASSWORD, newPassword: 'qwertyuiop' }, jar });
    assert.equal(weak.status, 422);
    assert.equal((weak.body as { error: { field: string } }).error.field, 'newPassword');
    assert.equal((await signIn(t, 'change@example.com', PASSWORD)).status, 200, 'nothing changed');
    const ok = await send(t, `${API}/me/password`, {
      json: { currentPassword: PASSWORD, newPassword: 'fresh passphrase one', signOutOfOtherSessions: true },
      jar,
    });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await send(t, `${API}/session`, { jar })).status, 200, 'this session stays');
    assert.equal((await send(t, `${API}/session`, { jar: other })).status, 401, 'the other one ends');
    assert.equal((await signIn(t, 'change@example.com', PASSWORD)).status, 401);
    assert.equal((await signIn(t, 'change@example.com', 'fresh passphrase one')).status, 200);
    assert.equal((await send(t, `${API}/me/password`, { json: { newPassword: 'fresh passphrase two' } })).status, 401, 'signed out: 401');
  });

  test('add, verify, make primary and remove addresses; the primary cannot be removed', async () => {
    const jar = createCookieJar();
    await signUp(t, 'multi@example.com', jar);
    const added = await send(t, `${API}/me/email-addresses`, { json: { emailAddress: 'Second@Example.com' }, jar });
    assert.equal(added.status, 200, added.text);
    const address = (added.body as { emailAddress: Address }).emailAddress;
    assert.deepEqual([address.emailAddress, address.verification.status], ['second@example.com', 'unverified']);
    const taken = await send(t, `${API}/me/email-addresses`, { json: { emailAddress: 'change@example.com' }, jar });
    assert.equal(taken.status, 409);
    const early = await send(t, `${API}/me/email-addresses/${address.id}/set_primary`, { method: 'POST', jar });
    assert.equal(early.status, 409, 'an unverified address cannot be primary');
    const code = codeFrom(await sink.waitFor('second@example.com'));
    const verified = await send(t, `${API}/me/email-addresses/${address.id}/attempt_verification`, { json: { code }, jar });
    assert.equal(verified.status, 200, verified.text);
    assert.equal((verified.body as { emailAddress: Address }).emailAddress.verification.status, 'verified');
    const primary = await send(t, `${API}/me/email-addresses/${address.id}/set_primary`, { method: 'POST', jar });
    assert.equal(primary.status, 200, primary.text);
    assert.equal((await signIn(t, 'second@example.com', PASSWORD)).status, 200, 'the new primary signs in');
    const removePrimary = await send(t, `${API}/me/email-addresses/${address.id}`, { method: 'DELETE', jar });
    assert.equal(removePrimary.status, 409, 'never the last way to sign in');
    const session = (await send(t, `${API}/session`, { jar })).body as { user: { emailAddresses: Address[] } };
    const old = session.user.emailAddresses.find((a) => a.emailAddress === 'multi@example.com');
    assert.ok(old);
    const removed = await send(t, `${API}/me/email-addresses/${old.id}`, { method: 'DELETE', jar });
    assert.equal(removed.status, 200);
    // Someone else's address id is not found.
    const stranger = createCookieJar();
    await signUp(t, 'stranger@example.com', stranger);
    assert.equal((await send(t, `${API}/me/email-addresses/${address.id}`, { method: 'DELETE', jar: stranger })).status, 404);
  });

  test('delete the account: the password confirms; sessions end; the user is gone', async () => {
    const jar = createCookieJar();
    const body = (await signUp(t, 'leaving@example.com', jar)).body as { user: { id: string } };
    const wrong = await send(t, `${API}/me/delete`, { json: { password: 'not my password' }, jar });
    assert.equal(wrong.status, 422);
    assert.equal((t.db.prepare('SELECT COUNT(*) AS n FROM users WHERE id = ?').get(body.user.id) as { n: number }).n, 1, 'still there');
    const ok = await send(t, `${API}/me/delete`, { json: { password: PASSWORD }, jar });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((t.db.prepare('SELECT COUNT(*) AS n FROM users WHERE id = ?').get(body.user.id) as { n: number }).n, 0);
    assert.equal((await signIn(t, 'leaving@example.com', PASSWORD)).status, 401);
  });
});
