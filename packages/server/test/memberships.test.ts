// Memberships over HTTP: listing, role changes and removals that take effect on the very next request, leaving, the last-admin guard, roles above one's own, and 401/404/403 on every org endpoint with nothing written.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API, authenticateToken, createCookieJar, refresh, send, instanceOfFile } from '../../../test-support/instance.js';
import {
  activate,
  as,
  auditActions,
  createOrg,
  failure,
  join,
  lastAuditId,
  member,
  orgSnapshot,
  payload,
  type Member,
} from '../../../test-support/org-setup.js';

const ROLES = {
  roles: [
    { key: 'org:manager', name: 'Manager', permissions: ['org:sys_memberships:manage', 'org:sys_memberships:read'] },
    { key: 'org:guest', name: 'Guest', permissions: [] },
  ],
};

const t = instanceOfFile({ roles: ROLES });

let n = 0;
const someone = (label: string) => member(t, `${label}-${++n}@example.com`);
const jwtOf = (res: { body: unknown }) => (res.body as { jwt: string }).jwt;
const orgClaim = (jwt: string) => payload(jwt).o as { id: string; rol: string; per?: string } | undefined;

describe('GET /organizations/:id/memberships', () => {
  test("lists members with their users' public fields only, oldest first", async () => {
    const admin = await someone('list-admin');
    const other = await someone('list-member');
    const org = await createOrg(t, admin, { name: 'Listed' });
    t.advance(1);
    await join(t, admin, org.id, other);
    const res = await as(t, other, `/organizations/${org.id}/memberships`);
    assert.equal(res.status, 200, res.text);
    const list = (res.body as { memberships: { userId: string; role: string; publicUserData: Record<string, unknown> }[] }).memberships;
    assert.deepEqual(
      list.map((m) => [m.userId, m.role]),
      [
        [admin.userId, 'org:admin'],
        [other.userId, 'org:member'],
      ],
    );
    assert.deepEqual(list[1]?.publicUserData, {
      userId: other.userId,
      identifier: other.email,
      firstName: null,
      lastName: null,
      imageUrl: null,
    });
    assert.ok(!/password|private|unsafe|token_hash/i.test(res.text));
  });
});

describe('role changes and removals take effect on the very next request', () => {
  test('a role change makes older tokens stale; the next refresh carries the new role', async () => {
    const admin = await someone('fresh-admin');
    const bob = await someone('fresh-bob');
    const org = await createOrg(t, admin, { name: 'Freshness' });
    await join(t, admin, org.id, bob);
    const before = await activate(t, bob, org.id);
    assert.equal(orgClaim(before)?.rol, 'member');
    t.advance(1);

    const since = lastAuditId(t);
    const changed = await as(t, admin, `/organizations/${org.id}/memberships/${bob.userId}`, {
      method: 'PATCH',
      json: { role: 'org:manager' },
    });
    assert.equal(changed.status, 200, changed.text);
    assert.equal((changed.body as { membership: { role: string } }).membership.role, 'org:manager');
    assert.deepEqual(auditActions(t, since), ['organizationMembership.updated']);

    const stale = await authenticateToken(t, before);
    assert.equal(stale.status, 'signed-out');
    assert.equal(stale.reason, 'session-claims-stale');
    assert.deepEqual(failure(await as(t, bob, `/organizations/${org.id}/invitations`)), [401, 'unauthenticated']);

    const refreshed = await refresh(t, bob.jar);
    assert.equal(refreshed.status, 200);
    assert.equal(orgClaim(jwtOf(refreshed))?.rol, 'manager');
    assert.equal((await authenticateToken(t, jwtOf(refreshed))).status, 'signed-in');
    // The new role's permission works at once.
    assert.equal((await as(t, bob, `/organizations/${org.id}/invitations`)).status, 200);
  });

  test("a removal makes older tokens stale, clears the org from the member's sessions; the next token has no org", async () => {
    const admin = await someone('remove-admin');
    const bob = await someone('remove-bob');
    const org = await createOrg(t, admin, { name: 'Removal' });
    await join(t, admin, org.id, bob);
    const before = await activate(t, bob, org.id);
    const adminToken = await activate(t, admin, org.id);
    t.advance(1);

    const since = lastAuditId(t);
    const removed = await as(t, admin, `/organizations/${org.id}/memberships/${bob.userId}`, { method: 'DELETE' });
    assert.equal(removed.status, 200, removed.text);
    assert.deepEqual(auditActions(t, since), ['organizationMembership.deleted']);
    const row = t.db.prepare('SELECT active_organization_id FROM sessions WHERE id = ?').get(bob.sessionId) as {
      active_organization_id: string | null;
    };
    assert.equal(row.active_organization_id, null);
    assert.equal((await authenticateToken(t, before)).reason, 'session-claims-stale');
    // Only the affected user is stamped: the admin's token still works.
    assert.equal((await authenticateToken(t, adminToken)).status, 'signed-in');

    const refreshed = await refresh(t, bob.jar);
    assert.equal(refreshed.status, 200);
    assert.equal(payload(jwtOf(refreshed)).o, undefined);
    assert.deepEqual(failure(await as(t, bob, `/organizations/${org.id}`)), [404, 'not_found']);
    assert.deepEqual(failure(await as(t, admin, `/organizations/${org.id}/memberships/${bob.userId}`, { method: 'DELETE' })), [
      404,
      'not_found',
    ]);
  });

  test('leaving: any member may; older tokens stale; a second leave is 404', async () => {
    const admin = await someone('leave-admin');
    const bob = await someone('leave-bob');
    const org = await createOrg(t, admin, { name: 'Leavable' });
    await join(t, admin, org.id, bob, 'org:guest');
    const before = await activate(t, bob, org.id);
    t.advance(1);
    const since = lastAuditId(t);
    const left = await as(t, bob, `/organizations/${org.id}/leave`, { method: 'POST' });
    assert.equal(left.status, 200, left.text);
    assert.deepEqual(left.body, { left: true });
    assert.deepEqual(auditActions(t, since), ['organizationMembership.deleted']);
    assert.equal((await authenticateToken(t, before)).reason, 'session-claims-stale');
    assert.equal((await refresh(t, bob.jar)).status, 200);
    assert.deepEqual(failure(await as(t, bob, `/organizations/${org.id}/leave`, { method: 'POST' })), [404, 'not_found']);
  });
});

describe('the last admin', () => {
  test('cannot be removed, demoted or leave (409 conflict, nothing written) until another member can manage', async () => {
    const admin = await someone('last-admin');
    const bob = await someone('last-bob');
    const org = await createOrg(t, admin, { name: 'Last Admin' });
    await join(t, admin, org.id, bob);
    const self = `/organizations/${org.id}/memberships/${admin.userId}`;
    const before = orgSnapshot(t);
    for (const [path, method, json] of [
      [self, 'DELETE', undefined],
      [self, 'PATCH', { role: 'org:member' }],
      [self, 'PATCH', { role: 'org:guest' }],
      [`/organizations/${org.id}/leave`, 'POST', undefined],
    ] as const) {
      const res = await as(t, admin, path, { method, json });
      assert.deepEqual(failure(res), [409, 'conflict'], `${method} ${path}`);
      assert.match((res.body as { error: { message: string } }).error.message, /last admin/);
    }
    assert.deepEqual(orgSnapshot(t), before);

    // A manager holds org:sys_memberships:manage too: with one, the admin may step down.
    assert.equal(
      (await as(t, admin, `/organizations/${org.id}/memberships/${bob.userId}`, { method: 'PATCH', json: { role: 'org:manager' } })).status,
      200,
    );
    assert.equal((await as(t, admin, self, { method: 'PATCH', json: { role: 'org:member' } })).status, 200);
    assert.equal((await refresh(t, admin.jar)).status, 200);
    assert.equal((await as(t, admin, `/organizations/${org.id}/leave`, { method: 'POST' })).status, 200);
    // Now bob is the last one who can manage members.
    assert.equal((await refresh(t, bob.jar)).status, 200);
    assert.deepEqual(failure(await as(t, bob, `/organizations/${org.id}/leave`, { method: 'POST' })), [409, 'conflict']);
  });
});

describe('nobody grants or touches more than they hold', () => {
  test('a manager cannot promote to admin, change or remove an admin; unknown roles are 400; nothing written', async () => {
    const admin = await someone('rank-admin');
    const manager = await someone('rank-manager');
    const guest = await someone('rank-guest');
    const org = await createOrg(t, admin, { name: 'Ranks' });
    await join(t, admin, org.id, manager, 'org:manager');
    await join(t, admin, org.id, guest, 'org:guest');
    const before = orgSnapshot(t);
    const refusals: [string, string, unknown, number, string][] = [
      [`/memberships/${guest.userId}`, 'PATCH', { role: 'org:admin' }, 403, 'forbidden'],
      [`/memberships/${manager.userId}`, 'PATCH', { role: 'org:admin' }, 403, 'forbidden'],
      [`/memberships/${admin.userId}`, 'PATCH', { role: 'org:guest' }, 403, 'forbidden'],
      [`/memberships/${admin.userId}`, 'DELETE', undefined, 403, 'forbidden'],
      ['/invitations', 'POST', { email: 'boss@example.com', role: 'org:admin' }, 403, 'forbidden'],
      [`/memberships/${guest.userId}`, 'PATCH', { role: 'org:nope' }, 400, 'bad_request'],
      [`/memberships/${guest.userId}`, 'PATCH', { role: 'admin' }, 400, 'invalid_body'],
      [`/memberships/${guest.userId}`, 'PATCH', { role: 'org:member', extra: 1 }, 400, 'invalid_body'],
      ['/invitations', 'POST', { email: 'x@example.com', role: 'org:nope' }, 400, 'bad_request'],
      [`/memberships/user_aaaaaaaaaaaaaaaaaaaaaaaaaa`, 'PATCH', { role: 'org:member' }, 404, 'not_found'],
      [`/memberships/not-a-user`, 'DELETE', undefined, 404, 'not_found'],
    ];
    for (const [path, method, json, status, code] of refusals) {
      const res = await as(t, manager, `/organizations/${org.id}${path}`, { method, json });
      assert.deepEqual(failure(res), [status, code], `${method} ${path} ${JSON.stringify(json)}`);
    }
    assert.deepEqual(orgSnapshot(t), before);
    // Within the manager's own rank, it works.
    assert.equal(
      (await as(t, manager, `/organizations/${org.id}/memberships/${guest.userId}`, { method: 'PATCH', json: { role: 'org:member' } }))
        .status,
      200,
    );
    assert.equal((await as(t, manager, `/organizations/${org.id}/memberships/${guest.userId}`, { method: 'DELETE' })).status, 200);
  });
});

describe('every org endpoint: 401 signed out, 404 for non-members, 403 without the permission; nothing written', () => {
  let admin: Member;
  let guest: Member;
  let outsider: Member;
  let org: { id: string; slug: string };
  let invitationId: string;
  before(async () => {
    admin = await someone('table-admin');
    guest = await someone('table-guest');
    outsider = await someone('table-outsider');
    org = await createOrg(t, admin, { name: 'Table' });
    // The outsider administers an org of their own: their permissions there count for nothing here.
    await createOrg(t, outsider, { name: 'Outsider Own' });
    await join(t, admin, org.id, guest, 'org:guest');
    const invited = await as(t, admin, `/organizations/${org.id}/invitations`, { json: { email: 'table-pending@example.com' } });
    invitationId = (invited.body as { invitation: { id: string } }).invitation.id;
  });

  const endpoints = (ref: string): [string, string, unknown][] => [
    ['GET', `/organizations/${ref}`, undefined],
    ['PATCH', `/organizations/${ref}`, { name: 'Hijacked' }],
    ['DELETE', `/organizations/${ref}`, undefined],
    ['GET', `/organizations/${ref}/memberships`, undefined],
    ['PATCH', `/organizations/${ref}/memberships/${admin.userId}`, { role: 'org:guest' }],
    ['DELETE', `/organizations/${ref}/memberships/${admin.userId}`, undefined],
    ['POST', `/organizations/${ref}/leave`, undefined],
    ['GET', `/organizations/${ref}/invitations`, undefined],
    ['POST', `/organizations/${ref}/invitations`, { email: 'intruder@example.com' }],
    ['POST', `/organizations/${ref}/invitations/${invitationId}/revoke`, undefined],
  ];

  test('signed out: 401', async () => {
    const before = orgSnapshot(t);
    for (const [method, path, json] of endpoints(org.id)) {
      const res = await send(t, `${API}${path}`, { method, json, jar: createCookieJar() });
      assert.deepEqual(failure(res), [401, 'unauthenticated'], `${method} ${path}`);
    }
    assert.deepEqual(orgSnapshot(t), before);
  });

  test('a non-member: the same 404 as for an org that does not exist, by id or slug', async () => {
    const before = orgSnapshot(t);
    for (const ref of [org.id, org.slug, 'org_aaaaaaaaaaaaaaaaaaaaaaaaaa']) {
      for (const [method, path, json] of endpoints(ref)) {
        const res = await as(t, outsider, path, { method, json });
        assert.deepEqual(res.body, { error: { code: 'not_found', message: 'No such organization.' } }, `${method} ${path}`);
        assert.equal(res.status, 404);
      }
    }
    assert.deepEqual(orgSnapshot(t), before);
  });

  test('a member without the permission: 403 (reading the org and leaving need none)', async () => {
    const before = orgSnapshot(t);
    for (const [method, path, json] of endpoints(org.id)) {
      if (path.endsWith('/leave')) continue;
      const res = await as(t, guest, path, { method, json });
      if (path === `/organizations/${org.id}` && method === 'GET') assert.equal(res.status, 200);
      else assert.deepEqual(failure(res), [403, 'forbidden'], `${method} ${path}`);
    }
    assert.deepEqual(orgSnapshot(t), before);
    // org:member has org:sys_memberships:read only: it may list members and nothing more.
    const reader = await someone('table-reader');
    await join(t, admin, org.id, reader);
    assert.equal((await as(t, reader, `/organizations/${org.id}/memberships`)).status, 200);
    assert.deepEqual(failure(await as(t, reader, `/organizations/${org.id}/invitations`)), [403, 'forbidden']);
    assert.equal((await as(t, guest, `/organizations/${org.id}/leave`, { method: 'POST' })).status, 200);
  });
});
