// Roles at run time and instance admins: the backend API's rules and refusals (nothing written), holders' older tokens refused after a change, another process noticing a change, and the admin HTTP API for admins, everyone else (404) and the signed out (401).

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isGatehouseError } from '@gatehouse/core';
import { createClaimStamps } from '../src/propagation/claim-stamps.js';
import { createRoleAdmin } from '../src/roles/role-admin.js';
import {
  API,
  authenticateToken,
  createTestInstance,
  refresh,
  send,
  type TestInstance,
  instanceOfFile,
} from '../../../test-support/instance.js';
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

// A configured role: read-only at run time, and it wins over a stored role of the same key.
const CONFIG = { roles: [{ key: 'org:auditor', name: 'Auditor', permissions: ['org:reports:read'] }] };

const t = instanceOfFile({ roles: CONFIG });

let n = 0;
const someone = (label: string) => member(t, `${label}-${++n}@example.com`);
const roleKey = (label: string) => `org:${label}-${++n}`;
const jwtOf = (res: { body: unknown }) => (res.body as { jwt: string }).jwt;

/** Every row a role or admin change could write: roles, the instance table (revision), users, orgs, the audit count. */
function snapshot(instance: TestInstance = t) {
  return {
    roles: instance.db.prepare('SELECT * FROM roles ORDER BY key').all(),
    instance: instance.db.prepare('SELECT * FROM instance ORDER BY key').all(),
    users: instance.db.prepare('SELECT * FROM users ORDER BY id').all(),
    org: orgSnapshot(instance),
  };
}

/** The code of the GatehouseError `promise` rejects with. */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isGatehouseError(error), `expected a GatehouseError, got ${String(error)}`);
    return error.code;
  }
  assert.fail('expected a refusal');
}

describe('roleAdmin: the effective set and upsert', () => {
  test('built-in, database and configured roles in that order, each with its source; a new role is stored, audited and in effect at once', async () => {
    const admin = t.gatehouse.roleAdmin;
    const key = roleKey('editor');
    const since = lastAuditId(t);
    const result = await admin.upsert({
      key,
      name: ' Editor ',
      description: 'Edits posts',
      permissions: ['org:posts:edit', 'org:posts:read', 'org:posts:edit'],
    });
    assert.equal(result.created, true);
    assert.equal(result.changed, true);
    assert.deepEqual(
      {
        key: result.role.key,
        name: result.role.name,
        permissions: result.role.permissions,
        source: result.role.source,
        readOnly: result.role.readOnly,
      },
      { key, name: 'Editor', permissions: ['org:posts:edit', 'org:posts:read'], source: 'database', readOnly: false },
    );
    assert.deepEqual(auditActions(t, since), ['role.created']);
    const audit = t.db.prepare('SELECT actor_id, subject_id, data FROM audit_events WHERE id > ?').get(since) as Record<
      string,
      string | null
    >;
    assert.equal(audit.subject_id, key);
    assert.equal(audit.actor_id, null);
    const row = t.db.prepare('SELECT * FROM roles WHERE key = ?').get(key) as { name: string; description: string; permissions: string };
    assert.deepEqual(
      [row.name, row.description, JSON.parse(row.permissions)],
      ['Editor', 'Edits posts', ['org:posts:edit', 'org:posts:read']],
    );
    assert.deepEqual(t.gatehouse.roles.permissionsOf(key), ['org:posts:edit', 'org:posts:read']);

    const list = await admin.list();
    const sources = Object.fromEntries(list.map((r) => [r.key, [r.source, r.readOnly, r.creatorRole, r.defaultRole]]));
    assert.deepEqual(sources['org:admin'], ['built-in', true, true, false]);
    assert.deepEqual(sources['org:member'], ['built-in', true, false, true]);
    assert.deepEqual(sources['org:auditor'], ['configuration', true, false, false]);
    assert.deepEqual(sources[key], ['database', false, false, false]);
    assert.ok(list.findIndex((r) => r.key === 'org:member') < list.findIndex((r) => r.key === key));
  });

  test('saving the same definition again writes nothing; a change is audited as role.updated with before and after', async () => {
    const admin = t.gatehouse.roleAdmin;
    const key = roleKey('same');
    await admin.upsert({ key, name: 'Same', permissions: ['org:posts:read'] });
    const before = snapshot();
    const again = await admin.upsert({ key, name: 'Same', permissions: ['org:posts:read'] });
    assert.deepEqual([again.created, again.changed], [false, false]);
    assert.deepEqual(snapshot(), before);

    const since = lastAuditId(t);
    t.advance(1);
    const changed = await admin.upsert({ key, name: 'Same', permissions: ['org:posts:read', 'org:posts:edit'] });
    assert.deepEqual([changed.created, changed.changed], [false, true]);
    assert.deepEqual(auditActions(t, since), ['role.updated']);
    const data = JSON.parse((t.db.prepare('SELECT data FROM audit_events WHERE id > ?').get(since) as { data: string }).data);
    assert.deepEqual(data.from.permissions, ['org:posts:read']);
    assert.deepEqual(data.to.permissions, ['org:posts:read', 'org:posts:edit']);
    const row = t.db.prepare('SELECT created_at, updated_at FROM roles WHERE key = ?').get(key) as {
      created_at: number;
      updated_at: number;
    };
    assert.ok(row.updated_at > row.created_at);
  });

  test('refusals write nothing: built-in and configured roles, bad keys, names and permissions', async () => {
    const admin = t.gatehouse.roleAdmin;
    const before = snapshot();
    const cases: [Parameters<typeof admin.upsert>[0], string][] = [
      [{ key: 'org:admin', name: 'Boss', permissions: [] }, 'conflict'],
      [{ key: 'org:member', name: 'Member', permissions: ['org:posts:read'] }, 'conflict'],
      [{ key: 'org:auditor', name: 'Auditor', permissions: ['org:reports:write'] }, 'conflict'],
      [{ key: 'editor', name: 'Editor', permissions: [] }, 'bad_request'],
      [{ key: 'org:Editor', name: 'Editor', permissions: [] }, 'bad_request'],
      [{ key: `org:${'x'.repeat(61)}`, name: 'Long', permissions: [] }, 'bad_request'],
      [{ key: 'org:ok', name: '   ', permissions: [] }, 'bad_request'],
      [{ key: 'org:ok', name: 'Line\nbreak', permissions: [] }, 'bad_request'],
      [{ key: 'org:ok', name: 'OK', permissions: ['posts:edit'] }, 'bad_request'],
      [{ key: 'org:ok', name: 'OK', permissions: ['org:sys_billing:manage'] }, 'bad_request'],
      [{ key: 'org:ok', name: 'OK', permissions: Array.from({ length: 101 }, (_, i) => `org:f${i}:read`) }, 'bad_request'],
    ];
    for (const [input, code] of cases) assert.equal(await codeOf(admin.upsert(input)), code, input.key);
    assert.deepEqual(snapshot(), before);
    assert.equal(t.gatehouse.roles.get('org:ok'), null);
    assert.deepEqual(t.gatehouse.roles.permissionsOf('org:admin').length, 6);
  });

  test('no role change may leave an organization without a member who can manage members', async () => {
    const admin = t.gatehouse.roleAdmin;
    const owner = roleKey('owner');
    await admin.upsert({ key: owner, name: 'Owner', permissions: ['org:sys_memberships:manage', 'org:sys_memberships:read'] });
    const creator = await someone('guard-creator');
    const bob = await someone('guard-bob');
    const org = await createOrg(t, creator, { name: 'Guarded' });
    await join(t, creator, org.id, bob, owner);
    // The creator leaves: bob's role is now the org's only one that can manage members.
    assert.equal((await as(t, creator, `/organizations/${org.id}/leave`, { method: 'POST' })).status, 200);
    const before = snapshot();
    assert.equal(await codeOf(admin.upsert({ key: owner, name: 'Owner', permissions: ['org:sys_memberships:read'] })), 'conflict');
    assert.deepEqual(snapshot(), before);
    // Renaming it (keeping the permission) is fine.
    assert.equal(
      (await admin.upsert({ key: owner, name: 'Proprietor', permissions: ['org:sys_memberships:manage', 'org:sys_memberships:read'] }))
        .changed,
      true,
    );
  });
});

describe('roleAdmin.remove', () => {
  test('refused (nothing written) for built-in, configured and unknown roles, roles a member holds, and roles a pending invitation names', async () => {
    const admin = t.gatehouse.roleAdmin;
    const held = roleKey('held');
    const invited = roleKey('invited');
    await admin.upsert({ key: held, name: 'Held', permissions: ['org:sys_memberships:read'] });
    await admin.upsert({ key: invited, name: 'Invited', permissions: ['org:sys_memberships:read'] });
    const boss = await someone('remove-boss');
    const bob = await someone('remove-bob');
    const org = await createOrg(t, boss, { name: 'Removals' });
    await join(t, boss, org.id, bob, held);
    const invitation = await as(t, boss, `/organizations/${org.id}/invitations`, { json: { email: 'later@example.com', role: invited } });
    assert.equal(invitation.status, 200, invitation.text);

    const before = snapshot();
    for (const [key, code] of [
      ['org:admin', 'conflict'],
      ['org:member', 'conflict'],
      ['org:auditor', 'conflict'],
      ['org:nope', 'not_found'],
      ['not a key', 'not_found'],
      [held, 'conflict'],
      [invited, 'conflict'],
    ] as const) {
      assert.equal(await codeOf(admin.remove(key)), code, key);
    }
    assert.deepEqual(snapshot(), before);
    assert.ok(t.gatehouse.roles.get(held));

    // Once nobody holds it, it goes: audited, gone from the table and from the set in effect.
    const since = lastAuditId(t);
    const unused = roleKey('unused');
    await admin.upsert({ key: unused, name: 'Unused', permissions: [] });
    await admin.remove(unused);
    assert.deepEqual(auditActions(t, since), ['role.created', 'role.deleted']);
    assert.equal(t.db.prepare('SELECT key FROM roles WHERE key = ?').get(unused), undefined);
    assert.equal(t.gatehouse.roles.get(unused), null);
    assert.equal(
      (await admin.list()).some((r) => r.key === unused),
      false,
    );
  });
});

describe("a role change reaches its holders' very next request", () => {
  test("holders' older tokens are refused (session-claims-stale); the refresh carries the new permissions; others are untouched", async () => {
    const admin = t.gatehouse.roleAdmin;
    const writer = roleKey('writer');
    await admin.upsert({ key: writer, name: 'Writer', permissions: ['org:sys_memberships:read'] });
    const boss = await someone('stamp-boss');
    const bob = await someone('stamp-bob');
    const org = await createOrg(t, boss, { name: 'Stamps' });
    await join(t, boss, org.id, bob, writer);
    const bobBefore = await activate(t, bob, org.id);
    const bossToken = await activate(t, boss, org.id);
    assert.equal(payload(bobBefore).fea, 'o:sys_memberships');
    t.advance(1);

    await admin.upsert({ key: writer, name: 'Writer', permissions: ['org:sys_memberships:read', 'org:posts:edit'] });
    const stale = await authenticateToken(t, bobBefore);
    assert.equal(stale.status, 'signed-out');
    assert.equal(stale.reason, 'session-claims-stale');
    assert.equal((await authenticateToken(t, bossToken)).status, 'signed-in');

    const refreshed = await refresh(t, bob.jar);
    assert.equal(refreshed.status, 200, refreshed.text);
    const claims = payload(jwtOf(refreshed));
    assert.equal(claims.fea, 'o:posts,o:sys_memberships');
    assert.equal((claims.o as { per: string }).per, 'edit,read');
    assert.equal((await authenticateToken(t, jwtOf(refreshed))).status, 'signed-in');
    // The org API reads the new set too.
    const members = await as(t, bob, `/organizations/${org.id}/memberships`);
    const mine = (members.body as { memberships: { userId: string; permissions: string[] }[] }).memberships.find(
      (m) => m.userId === bob.userId,
    );
    assert.deepEqual(mine?.permissions, ['org:sys_memberships:read', 'org:posts:edit']);
  });

  test('another process on the same database notices the change, loads it and refuses the tokens it minted with the old set', async () => {
    const other = await createTestInstance({ roles: CONFIG }, { dir: t.dir, clock: t.clock });
    try {
      const writer = roleKey('shared');
      await t.gatehouse.roleAdmin.upsert({ key: writer, name: 'Shared', permissions: ['org:sys_memberships:read'] });
      // The other process reads its roles now (as after its periodic check).
      await other.gatehouse.roleAdmin.reload();
      const boss = await someone('shared-boss');
      const bob = await someone('shared-bob');
      const org = await createOrg(t, boss, { name: 'Shared' });
      await join(t, boss, org.id, bob, writer);
      await activate(t, bob, org.id);
      // Bob's browser now talks to the other process.
      const minted = await send(other, `${API}/refresh`, { method: 'POST', jar: bob.jar });
      assert.equal(minted.status, 200, minted.text);
      const oldToken = jwtOf(minted);
      t.advance(1);

      await t.gatehouse.roleAdmin.upsert({ key: writer, name: 'Shared', permissions: ['org:sys_memberships:read', 'org:posts:edit'] });
      assert.equal((await authenticateToken(other, oldToken)).status, 'signed-in', 'not noticed yet');
      assert.deepEqual(other.gatehouse.roles.permissionsOf(writer), ['org:sys_memberships:read']);
      const listed = await other.gatehouse.roleAdmin.list();
      assert.deepEqual(listed.find((r) => r.key === writer)?.permissions, ['org:sys_memberships:read', 'org:posts:edit']);
      assert.equal((await authenticateToken(other, oldToken)).reason, 'session-claims-stale');
      const fresh = await send(other, `${API}/refresh`, { method: 'POST', jar: bob.jar });
      assert.equal(payload(jwtOf(fresh)).fea, 'o:posts,o:sys_memberships');
    } finally {
      await other.close({ keepFiles: true });
    }
  });
});

describe('noticing changes made by another process', () => {
  test('reading roles schedules a check; a change found there is loaded and its holders are stamped, without anyone asking', async () => {
    const stamps = createClaimStamps({ retainMs: 120_000, now: () => t.clock.now });
    const logs: string[] = [];
    // A second process's registry over the same database, checking every 20 ms instead of 5 s.
    const watcher = await createRoleAdmin({
      store: t.gatehouse.store,
      config: CONFIG,
      stamps,
      now: () => t.clock.now,
      log: (l) => logs.push(l),
      checkEveryMs: 20,
    });
    try {
      const key = roleKey('watched');
      await t.gatehouse.roleAdmin.upsert({ key, name: 'Watched', permissions: ['org:sys_memberships:read'] });
      const boss = await someone('watch-boss');
      const bob = await someone('watch-bob');
      const org = await createOrg(t, boss, { name: 'Watched' });
      await join(t, boss, org.id, bob, key);
      const wait = async (done: () => boolean) => {
        for (let i = 0; i < 200 && !done(); i++) {
          watcher.roles.get(key); // a read, as any request that uses roles would do
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        assert.ok(done(), 'the change was not noticed');
      };
      await wait(() => watcher.roles.get(key) !== null);
      const minted = stamps.mintTime(bob.userId, 'sess_any', t.clock.now); // a token minted now
      t.advance(1);
      await t.gatehouse.roleAdmin.upsert({ key, name: 'Watched', permissions: ['org:sys_memberships:read', 'org:posts:read'] });
      assert.equal(stamps.isStale(bob.userId, 'sess_any', minted), false);
      await wait(() => watcher.roles.permissionsOf(key).includes('org:posts:read'));
      assert.equal(stamps.isStale(bob.userId, 'sess_any', minted), true);
      assert.equal(stamps.isStale(boss.userId, 'sess_any', minted), false);
      assert.deepEqual(logs, []);
    } finally {
      watcher.stop();
    }
  });
});

describe('instance admins', () => {
  test('setInstanceAdmin by email or id: private metadata, audited, no write when nothing changes; unknown users refused', async () => {
    const ada = await someone('flag-ada');
    const users = t.gatehouse.users;
    assert.equal(await users.isInstanceAdmin(ada.userId), false);
    const since = lastAuditId(t);
    const summary = await users.setInstanceAdmin(ada.email.toUpperCase(), true);
    assert.equal(summary.instanceAdmin, true);
    assert.deepEqual(auditActions(t, since), ['user.updated']);
    const row = t.db.prepare('SELECT private_metadata, public_metadata, unsafe_metadata FROM users WHERE id = ?').get(ada.userId) as Record<
      string,
      string
    >;
    assert.deepEqual(JSON.parse(row.private_metadata ?? ''), { gatehouse: { admin: true } });
    assert.deepEqual([row.public_metadata, row.unsafe_metadata], ['{}', '{}']);
    assert.equal(await users.isInstanceAdmin(ada.userId), true);

    const before = snapshot();
    await users.setInstanceAdmin(ada.userId, true);
    assert.equal(await codeOf(users.setInstanceAdmin('nobody@example.com', true)), 'not_found');
    assert.deepEqual(snapshot(), before);

    await users.setInstanceAdmin(ada.userId, false);
    assert.equal(await users.isInstanceAdmin(ada.userId), false);
    // Banned users are never admins, whatever the flag says.
    await users.setInstanceAdmin(ada.userId, true);
    await t.gatehouse.store.updateUser(ada.userId, { banned: 1 });
    assert.equal(await users.isInstanceAdmin(ada.userId), false);
  });

  test('users.create: no session, audited, refusals write nothing', async () => {
    const users = t.gatehouse.users;
    const taken = await someone('taken');
    const before = snapshot();
    assert.equal(await codeOf(users.create({ email: 'not-an-email', password: 'long enough password' })), 'bad_request');
    assert.equal(await codeOf(users.create({ email: 'short@example.com', password: 'short' })), 'bad_request');
    assert.equal(await codeOf(users.create({ email: taken.email.toUpperCase(), password: 'long enough password' })), 'identifier_exists');
    assert.deepEqual(snapshot(), before);

    const sessions = t.counts().sessions;
    const since = lastAuditId(t);
    const created = await users.create({ email: ' New@Example.com ', password: 'long enough password', firstName: 'New' });
    assert.deepEqual(auditActions(t, since), ['user.created']);
    assert.equal(created.email, 'new@example.com');
    assert.equal(t.counts().sessions, sessions);
    assert.ok(!JSON.stringify(created).includes('argon2'));
    assert.equal((await users.find('new@example.com'))?.id, created.id);
  });
});

describe('the admin HTTP API: {base}/admin/roles', () => {
  let root: Member;
  let plain: Member;
  before(async () => {
    root = await someone('http-root');
    plain = await someone('http-plain');
    await t.gatehouse.users.setInstanceAdmin(root.userId, true);
  });

  const unknown = () => send(t, `${API}/admin/nothing-here`);

  test('signed out: 401 for every method, nothing written', async () => {
    const before = snapshot();
    assert.deepEqual(failure(await send(t, `${API}/admin/roles`)), [401, 'unauthenticated']);
    assert.deepEqual(failure(await send(t, `${API}/admin/roles/org:x`, { method: 'PUT', json: { name: 'X', permissions: [] } })), [
      401,
      'unauthenticated',
    ]);
    assert.deepEqual(failure(await send(t, `${API}/admin/roles/org:x`, { method: 'DELETE' })), [401, 'unauthenticated']);
    assert.deepEqual(snapshot(), before);
  });

  test('signed in but not an instance admin: the same 404 as an unknown path, for every method, nothing written', async () => {
    const notFound = await unknown();
    assert.equal(notFound.status, 404);
    const existing = roleKey('hidden');
    await t.gatehouse.roleAdmin.upsert({ key: existing, name: 'Hidden', permissions: [] });
    const before = snapshot();
    for (const [method, path, json] of [
      ['GET', '/admin/roles', undefined],
      ['POST', '/admin/roles', {}],
      ['PUT', `/admin/roles/${existing}`, { name: 'Mine', permissions: ['org:sys_memberships:manage'] }],
      ['PUT', '/admin/roles/org:new', { name: 'New', permissions: [] }],
      ['DELETE', `/admin/roles/${existing}`, undefined],
      ['PATCH', `/admin/roles/${existing}`, {}],
      ['OPTIONS', '/admin/roles', undefined],
    ] as const) {
      const res = await as(t, plain, path, { method, ...(json === undefined ? {} : { json }) });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(res.text, notFound.text, `${method} ${path}`);
    }
    assert.deepEqual(snapshot(), before);
  });

  test('an instance admin lists, creates, changes and deletes roles; audited with the admin as actor', async () => {
    const list = await as(t, root, '/admin/roles');
    assert.equal(list.status, 200, list.text);
    const roles = (list.body as { roles: { key: string; source: string }[] }).roles;
    assert.deepEqual(
      roles.slice(0, 2).map((r) => r.key),
      ['org:admin', 'org:member'],
    );
    assert.ok(roles.some((r) => r.key === 'org:auditor' && r.source === 'configuration'));

    const key = roleKey('http');
    const since = lastAuditId(t);
    const created = await as(t, root, `/admin/roles/${key}`, {
      method: 'PUT',
      json: { name: 'HTTP', description: 'Made over HTTP', permissions: ['org:posts:read'] },
    });
    assert.equal(created.status, 200, created.text);
    assert.equal((created.body as { created: boolean }).created, true);
    assert.deepEqual((created.body as { role: { permissions: string[] } }).role.permissions, ['org:posts:read']);
    // The key may come percent-encoded.
    const changed = await as(t, root, `/admin/roles/${encodeURIComponent(key)}`, {
      method: 'PUT',
      json: { name: 'HTTP', permissions: ['org:posts:read', 'org:posts:edit'] },
    });
    assert.equal(changed.status, 200, changed.text);
    assert.equal((changed.body as { created: boolean }).created, false);
    assert.deepEqual(t.gatehouse.roles.permissionsOf(key), ['org:posts:read', 'org:posts:edit']);
    const deleted = await as(t, root, `/admin/roles/${key}`, { method: 'DELETE' });
    assert.equal(deleted.status, 200, deleted.text);
    assert.deepEqual(auditActions(t, since), ['role.created', 'role.updated', 'role.deleted']);
    const actors = t.db.prepare('SELECT DISTINCT actor_id FROM audit_events WHERE id > ?').all(since) as { actor_id: string }[];
    assert.deepEqual(actors, [{ actor_id: root.userId }]);
  });

  test('an instance admin is refused, with nothing written: bad bodies, read-only and unknown roles, other methods', async () => {
    const before = snapshot();
    const put = (path: string, json: unknown) => as(t, root, path, { method: 'PUT', json });
    assert.deepEqual(failure(await put('/admin/roles/org:x', { name: 'X', permissions: [], extra: 1 })), [400, 'invalid_body']);
    assert.deepEqual(failure(await put('/admin/roles/org:x', { name: 'X' })), [400, 'invalid_body']);
    assert.deepEqual(failure(await put('/admin/roles/org:x', { name: 'X', permissions: ['nope'] })), [400, 'bad_request']);
    assert.deepEqual(failure(await put('/admin/roles/NOPE', { name: 'X', permissions: [] })), [400, 'bad_request']);
    assert.deepEqual(failure(await put('/admin/roles/org:admin', { name: 'X', permissions: [] })), [409, 'conflict']);
    assert.deepEqual(failure(await put('/admin/roles/org:auditor', { name: 'X', permissions: [] })), [409, 'conflict']);
    assert.deepEqual(failure(await as(t, root, '/admin/roles/org:member', { method: 'DELETE' })), [409, 'conflict']);
    assert.deepEqual(failure(await as(t, root, '/admin/roles/org:never', { method: 'DELETE' })), [404, 'not_found']);
    const post = await as(t, root, '/admin/roles', { method: 'POST', json: {} });
    assert.deepEqual(failure(post), [405, 'method_not_allowed']);
    assert.equal(post.headers.get('allow'), 'GET');
    // A cross-site write never reaches the admin check.
    const crossSite = await send(t, `${API}/admin/roles/org:x`, {
      method: 'PUT',
      json: { name: 'X', permissions: [] },
      jar: root.jar,
      origin: 'https://evil.example',
    });
    assert.deepEqual(failure(crossSite), [403, 'csrf_rejected']);
    assert.deepEqual(snapshot(), before);
  });

  test('the flag is read from the database on every request: turned off, the same token gets 404 at once', async () => {
    const flip = await someone('http-flip');
    await t.gatehouse.users.setInstanceAdmin(flip.userId, true);
    assert.equal((await as(t, flip, '/admin/roles')).status, 200);
    await t.gatehouse.users.setInstanceAdmin(flip.userId, false);
    assert.equal((await as(t, flip, '/admin/roles')).status, 404);
  });
});
