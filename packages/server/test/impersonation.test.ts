// Impersonation in-process (issue #22): an instance admin's "Sign in as" session carries act, lasts at most its limit, writes audit rows naming both identities, cannot target an admin, and "Stop impersonating" returns to the admin.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API, authenticate, createTestInstance, refresh, send, type TestInstance } from '../../../test-support/instance.js';
import { as, failure, lastAuditId, member, orgSnapshot, payload, type Member } from '../../../test-support/org-setup.js';

const DASH = `${API}/dashboard`;
const FORM = 'application/x-www-form-urlencoded';

let t: TestInstance;
let admin: Member;
let otherAdmin: Member;
let bob: Member;
before(async () => {
  t = await createTestInstance({ impersonationLifetimeSeconds: 600 });
  admin = await member(t, 'admin@example.com');
  otherAdmin = await member(t, 'root@example.com');
  bob = await member(t, 'bob@example.com');
  await t.gatehouse.users.setInstanceAdmin(admin.userId, true);
  await t.gatehouse.users.setInstanceAdmin(otherAdmin.userId, true);
});
after(async () => {
  await t.close();
});

const signInAs = (who: Member, userId: string) =>
  send(t, `${DASH}/users/${userId}`, {
    jar: who.jar,
    rawBody: new URLSearchParams({ action: 'impersonate' }).toString(),
    contentType: FORM,
  });

function sessionToken(): string {
  const cookie = admin.jar.header().match(/(?:^|; )__session=([^;]+)/);
  assert.ok(cookie?.[1]);
  return cookie[1];
}

describe('impersonation', () => {
  test('an admin cannot impersonate another admin, nor themselves; non-admins get the 404 of the dashboard; nothing is written', async () => {
    const before = orgSnapshot(t);
    assert.deepEqual(failure(await signInAs(admin, otherAdmin.userId)), [403, undefined]);
    assert.equal((await signInAs(admin, otherAdmin.userId)).status, 403);
    assert.equal((await signInAs(admin, admin.userId)).status, 403);
    assert.equal((await signInAs(bob, admin.userId)).status, 404);
    assert.deepEqual(orgSnapshot(t), before);
    await assert.rejects(
      t.gatehouse.impersonation.start(bob.userId, bob.sessionId, otherAdmin.userId, { ip: null, userAgent: null, origin: null }),
      (e: { code?: string }) => e.code === 'forbidden',
    );
  });

  test('"Sign in as": the session carries act, actions are audited with both identities, and stopping returns to the admin', async () => {
    const since = lastAuditId(t);
    const res = await signInAs(admin, bob.userId);
    assert.equal(res.status, 303, res.text);
    assert.equal(res.headers.get('location'), '/');
    const claims = payload(sessionToken());
    assert.equal(claims.sub, bob.userId);
    assert.deepEqual(claims.act, { sub: admin.userId });
    const state = await authenticate(t, admin.jar);
    assert.equal(state.status, 'signed-in');
    assert.equal(state.status === 'signed-in' && state.toAuth().actor?.sub, admin.userId);
    // An action as bob: its audit row names bob as the actor and the admin behind him.
    const created = await as(t, admin, '/organizations', { json: { name: 'Bob Co', slug: 'bob-co' } });
    assert.equal(created.status, 200, created.text);
    const rows = t.db.prepare('SELECT action, actor_id, data FROM audit_events WHERE id > ? ORDER BY id').all(since) as {
      action: string;
      actor_id: string | null;
      data: string;
    }[];
    const started = rows.find((r) => r.action === 'impersonation.started');
    assert.equal(started?.actor_id, admin.userId);
    const orgRow = rows.find((r) => r.action === 'organization.created');
    assert.equal(orgRow?.actor_id, bob.userId);
    assert.deepEqual((JSON.parse(orgRow?.data ?? '{}') as { act?: unknown }).act, { sub: admin.userId });
    // Stop impersonating: the impersonation session ends, the admin's own session is active again.
    const impersonationSession = claims.sid as string;
    const stopped = await as(t, admin, '/impersonation/stop', { method: 'POST' });
    assert.equal(stopped.status, 200, stopped.text);
    assert.equal((stopped.body as { userId: string }).userId, admin.userId);
    assert.equal(payload(sessionToken()).sub, admin.userId);
    assert.equal(payload(sessionToken()).act, undefined);
    assert.equal(t.sessionStatus(impersonationSession), 'ended');
    const again = await authenticate(t, admin.jar);
    assert.equal(again.status === 'signed-in' && again.claims.sub, admin.userId);
    const ended = t.db.prepare("SELECT actor_id FROM audit_events WHERE action = 'impersonation.ended' AND id > ?").all(since);
    assert.deepEqual(ended, [{ actor_id: admin.userId }]);
    // Not impersonating any more: stopping again is a 400 and writes nothing.
    const audit = lastAuditId(t);
    assert.deepEqual(failure(await as(t, admin, '/impersonation/stop', { method: 'POST' })), [400, 'bad_request']);
    assert.equal(lastAuditId(t), audit);
  });

  test('the impersonation session ends at its limit: its tokens never outlive it and refresh refuses it', async () => {
    const res = await signInAs(admin, bob.userId);
    assert.equal(res.status, 303, res.text);
    const claims = payload(sessionToken());
    const session = t.db.prepare('SELECT expire_at FROM sessions WHERE id = ?').get(claims.sid) as { expire_at: number };
    assert.equal(Number(session.expire_at), t.clock.now + 600_000);
    t.advance(590);
    const late = await refresh(t, admin.jar);
    assert.equal(late.status, 200, late.text);
    // Minted 10 s before the end: expires with the session, not 60 s later.
    assert.equal(payload(sessionToken()).exp, Math.floor((t.clock.now + 10_000) / 1000));
    t.advance(11);
    const over = await refresh(t, admin.jar);
    assert.deepEqual(failure(over), [401, 'session_invalid']);
    assert.equal(t.sessionStatus(claims.sid as string), 'expired');
  });

  test('the lifetime is capped at one hour', async () => {
    await assert.rejects(createTestInstance({ impersonationLifetimeSeconds: 3601 }), /impersonationLifetimeSeconds/);
  });
});
