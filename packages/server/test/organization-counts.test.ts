// Clerk's organization.membersCount and pendingInvitationsCount (issue #23): on the active organization and on the user's
// membership list, as every member sees them, following invitations, acceptance, removal and expiry.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestInstance, refresh, type TestInstance } from '../../../test-support/instance.js';
import { as, createOrg, inboxToken, member, type Member } from '../../../test-support/org-setup.js';

const DAY = 24 * 60 * 60;

interface Counted {
  id: string;
  membersCount: number;
  pendingInvitationsCount: number;
}

let t: TestInstance;
let admin: Member;
let bob: Member;
let org: { id: string; slug: string };
before(async () => {
  // Sessions outlive the 7-day invitation expiry.
  t = await createTestInstance({ devInbox: true, maxLifetimeSeconds: 30 * DAY });
  admin = await member(t, 'counting.admin@example.com');
  bob = await member(t, 'counting.bob@example.com');
  org = await createOrg(t, admin, { name: 'Counting' });
});
after(async () => {
  await t.close();
});

/** The counts as `who` reads them on the organization and on their membership list. */
async function counts(who: Member): Promise<[number, number]> {
  const one = await as(t, who, `/organizations/${org.id}`);
  assert.equal(one.status, 200, one.text);
  const { membersCount, pendingInvitationsCount } = (one.body as { organization: Counted }).organization;
  const list = await as(t, who, '/organizations');
  assert.equal(list.status, 200, list.text);
  const listed = (list.body as { memberships: { organization: Counted }[] }).memberships.find((m) => m.organization.id === org.id);
  assert.ok(listed, 'the organization is on the member’s list');
  assert.deepEqual(
    [listed.organization.membersCount, listed.organization.pendingInvitationsCount],
    [membersCount, pendingInvitationsCount],
    'the list and the organization agree',
  );
  return [membersCount, pendingInvitationsCount];
}

describe('organization member and pending-invitation counts', () => {
  test('a new organization: its creator, nobody invited', async () => {
    assert.deepEqual(await counts(admin), [1, 0]);
  });

  test('an invitation is pending until accepted; then one more member, as both members see it', async () => {
    const invited = await as(t, admin, `/organizations/${org.id}/invitations`, { json: { email: bob.email } });
    assert.equal(invited.status, 200, invited.text);
    assert.deepEqual(await counts(admin), [1, 1]);
    const accepted = await as(t, bob, '/invitations/accept', { json: { token: inboxToken(t, bob.email) } });
    assert.equal(accepted.status, 200, accepted.text);
    assert.deepEqual(await counts(admin), [2, 0]);
    assert.deepEqual(await counts(bob), [2, 0]);
  });

  test('a revoked invitation and an expired one are not pending; a removed member is not counted', async () => {
    const revoked = await as(t, admin, `/organizations/${org.id}/invitations`, { json: { email: 'revoked@example.com' } });
    assert.equal(revoked.status, 200, revoked.text);
    const id = (revoked.body as { invitation: { id: string } }).invitation.id;
    const expiring = await as(t, admin, `/organizations/${org.id}/invitations`, { json: { email: 'expiring@example.com' } });
    assert.equal(expiring.status, 200, expiring.text);
    assert.deepEqual(await counts(admin), [2, 2]);
    const revoke = await as(t, admin, `/organizations/${org.id}/invitations/${id}/revoke`, { method: 'POST' });
    assert.equal(revoke.status, 200, revoke.text);
    assert.deepEqual(await counts(admin), [2, 1]);
    t.advance(8 * DAY);
    // Session tokens live a minute: refresh after the jump.
    assert.equal((await refresh(t, admin.jar)).status, 200);
    const removed = await as(t, admin, `/organizations/${org.id}/memberships/${bob.userId}`, { method: 'DELETE' });
    assert.equal(removed.status, 200, removed.text);
    assert.deepEqual(await counts(admin), [1, 0]);
  });
});
