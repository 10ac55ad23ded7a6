// The backend API (issue #9): one suite run twice, in-process (createBackendClient) and over real HTTP with a secret key (createBackendHttpClient against a node:http server), with the same answers and error codes; then what only HTTP has: the secret key check.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createBackendClient, createBackendHttpClient, generateSecretKey, type BackendClient } from '@gatehouse/server';
import { API, PASSWORD, createCookieJar, createTestInstance, send, signIn, type TestInstance } from '../../../test-support/instance.js';
import { startHttpServer, type TestHttpServer } from '../../../test-support/http-server.js';

const SECRET_KEY = generateSecretKey();
const TEMPLATE_SECRET = 'a-supabase-jwt-secret-of-at-least-32-bytes!!';

interface Mode {
  name: string;
  open(t: TestInstance): Promise<{ client: BackendClient; close(): Promise<void> }>;
}

const MODES: Mode[] = [
  {
    name: 'in-process',
    open: async (t) => ({ client: createBackendClient(t.gatehouse), close: async () => undefined }),
  },
  {
    name: 'HTTP with a secret key',
    async open(t) {
      const server = await startHttpServer(t.gatehouse);
      return { client: createBackendHttpClient({ serviceUrl: `${server.url}${API}`, secretKey: SECRET_KEY }), close: () => server.close() };
    },
  },
];

const openInstance = () =>
  createTestInstance({
    secretKeys: [SECRET_KEY],
    jwtTemplates: [
      {
        name: 'supabase',
        claims: { role: 'authenticated', email: '{{user.primary_email_address}}' },
        signing: { algorithm: 'HS256', secret: TEMPLATE_SECRET },
      },
    ],
  });

for (const mode of MODES) {
  describe(`backend API: ${mode.name}`, () => {
    let t: TestInstance;
    let client: BackendClient;
    let close: () => Promise<void>;
    before(async () => {
      t = await openInstance();
      ({ client, close } = await mode.open(t));
    });
    after(async () => {
      await close();
      await t.close();
    });

    test('users: create with metadata, get with private metadata, list with a total, find by email', async () => {
      const ada = await client.users.createUser({
        emailAddress: ['Ada@Example.com'],
        password: PASSWORD,
        firstName: 'Ada',
        publicMetadata: { plan: 'pro' },
        privateMetadata: { stripe: 'cus_1' },
      });
      assert.equal(ada.email, 'ada@example.com');
      assert.deepEqual(ada.publicMetadata, { plan: 'pro' });
      assert.deepEqual(ada.privateMetadata, { stripe: 'cus_1' });
      assert.equal('passwordHash' in ada || 'password_hash' in ada, false);
      // Clerk's derived fields, in process and over HTTP alike.
      const address = {
        id: `idn_${ada.id.slice('user_'.length)}`,
        emailAddress: 'ada@example.com',
        verification: { status: 'unverified' },
      };
      assert.deepEqual(ada.primaryEmailAddress, address);
      assert.deepEqual(ada.emailAddresses, [address]);
      assert.equal(ada.primaryEmailAddressId, address.id);
      assert.deepEqual([ada.fullName, ada.username, ada.hasImage], ['Ada', null, false]);
      assert.deepEqual(await client.users.getUser(ada.id), ada);
      t.advance(1); // lists are oldest first
      await client.users.createUser({ emailAddress: 'bob@example.com' });
      const list = await client.users.getUserList({ limit: 1 });
      assert.equal(list.totalCount, 2);
      assert.deepEqual(
        list.data.map((u) => u.email),
        ['ada@example.com'],
      );
      assert.equal((await client.users.getUserList({ limit: 1, offset: 1 })).data[0]?.email, 'bob@example.com');
      assert.deepEqual((await client.users.getUserList({ emailAddress: 'BOB@example.com' })).data.length, 1);
      assert.equal((await client.users.getUserList({ emailAddress: 'nobody@example.com' })).totalCount, 0);
      // The user signs in with the password set here.
      assert.equal((await signIn(t, 'ada@example.com', PASSWORD)).status, 200);
    });

    test('refusals are bad_request / not_found / identifier_exists, and write nothing', async () => {
      const before = t.counts();
      await assert.rejects(client.users.getUser('user_aaaaaaaaaaaaaaaaaaaaaaaaaa'), { name: 'GatehouseError', code: 'not_found' });
      await assert.rejects(client.users.getUser('../admin'), { code: 'bad_request' });
      await assert.rejects(client.users.createUser({ emailAddress: 'ada@example.com' }), { code: 'identifier_exists' });
      await assert.rejects(client.users.createUser({ emailAddress: 'x@example.com', extra: true } as never), { code: 'bad_request' });
      await assert.rejects(client.users.createUser({ emailAddress: 'x@example.com', password: 'short' }), { code: 'bad_request' });
      await assert.rejects(client.users.getUserList({ limit: 0 }), { code: 'bad_request' });
      await assert.rejects(client.sessions.revokeSession('sess_aaaaaaaaaaaaaaaaaaaaaaaaaa'), { code: 'not_found' });
      await assert.rejects(client.organizations.getOrganization({ slug: 'nope' }), { code: 'not_found' });
      assert.deepEqual(t.counts(), before);
    });

    test('updateUser replaces; updateUserMetadata merges deeply and removes keys set to null; both audited by field name', async () => {
      const [ada] = (await client.users.getUserList({ emailAddress: 'ada@example.com' })).data;
      assert.ok(ada);
      const updated = await client.users.updateUser(ada.id, { lastName: 'Lovelace', publicMetadata: { a: { b: 1, c: 2 }, keep: true } });
      assert.equal(updated.lastName, 'Lovelace');
      assert.equal(updated.firstName, 'Ada');
      assert.deepEqual(updated.publicMetadata, { a: { b: 1, c: 2 }, keep: true });
      const merged = await client.users.updateUserMetadata(ada.id, {
        publicMetadata: { a: { c: null, d: 3 }, keep: null },
        unsafeMetadata: { theme: 'dark' },
      });
      assert.deepEqual(merged.publicMetadata, { a: { b: 1, d: 3 } });
      assert.deepEqual(merged.unsafeMetadata, { theme: 'dark' });
      assert.deepEqual(merged.privateMetadata, { stripe: 'cus_1' });
      await client.users.updateUser(ada.id, { password: 'another long password' });
      assert.equal((await signIn(t, 'ada@example.com', PASSWORD)).status, 401);
      assert.equal((await signIn(t, 'ada@example.com', 'another long password')).status, 200);
      const { events } = await client.auditLog.query({ action: 'user.updated', targetId: ada.id });
      assert.deepEqual(
        events.map((e) => e.data.fields),
        // Newest first; the oldest is createUser storing the metadata it was given.
        [
          ['password_hash'],
          ['public_metadata', 'unsafe_metadata'],
          ['last_name', 'public_metadata'],
          ['public_metadata', 'private_metadata'],
        ],
      );
      assert.ok(!JSON.stringify(events).includes('another long password'));
      await assert.rejects(client.users.updateUserMetadata(ada.id, { publicMetadata: { big: 'x'.repeat(9000) } }), { code: 'bad_request' });
    });

    test('sessions: list, revoke (refused at once); ban revokes everything and refuses sign-in; unban lets the user back', async () => {
      const jar = createCookieJar();
      const signedIn = await signIn(t, 'ada@example.com', 'another long password', jar);
      assert.equal(signedIn.status, 200);
      const [ada] = (await client.users.getUserList({ emailAddress: 'ada@example.com' })).data;
      assert.ok(ada);
      const list = await client.sessions.getSessionList({ userId: ada.id });
      // Three sign-ins so far, each from a new browser (a password change leaves sessions alone).
      assert.equal(list.totalCount, 3);
      const newest = list.data.find((s) => s.id === (signedIn.body as { sessionId: string }).sessionId)?.id ?? '';
      assert.deepEqual(await client.sessions.revokeSession(newest), { id: newest, status: 'revoked' });
      const state = await t.gatehouse.authenticate(new Request('http://localhost:3000/', { headers: { cookie: jar.header() } }));
      assert.equal(state.status, 'signed-out');
      const banned = await client.users.banUser(ada.id);
      assert.equal(banned.banned, true);
      assert.equal((await client.sessions.getSessionList({ userId: ada.id })).totalCount, 0);
      assert.equal((await signIn(t, 'ada@example.com', 'another long password')).status, 401);
      assert.equal((await client.users.unbanUser(ada.id)).banned, false);
      assert.equal((await signIn(t, 'ada@example.com', 'another long password')).status, 200);
    });

    test('organizations: create, list, update, metadata, memberships, invitations, delete', async () => {
      const [ada] = (await client.users.getUserList({ emailAddress: 'ada@example.com' })).data;
      const [bob] = (await client.users.getUserList({ emailAddress: 'bob@example.com' })).data;
      assert.ok(ada && bob);
      const org = await client.organizations.createOrganization({ name: 'Acme', createdBy: ada.id, publicMetadata: { tier: 1 } });
      assert.equal(org.slug, 'acme');
      assert.deepEqual(await client.organizations.getOrganization({ slug: 'acme' }), org);
      const list = await client.organizations.getOrganizationList();
      assert.equal(list.totalCount, 1);
      const renamed = await client.organizations.updateOrganization(org.id, { name: 'Acme Inc', maxAllowedMemberships: 3 });
      assert.equal(renamed.name, 'Acme Inc');
      assert.equal(renamed.maxMemberships, 3);
      const meta = await client.organizations.updateOrganizationMetadata(org.id, { publicMetadata: { tier: null, region: 'eu' } });
      assert.deepEqual(meta.publicMetadata, { region: 'eu' });

      const added = await client.organizations.createOrganizationMembership({ organizationId: org.id, userId: bob.id, role: 'org:member' });
      assert.equal(added.role, 'org:member');
      await assert.rejects(
        client.organizations.createOrganizationMembership({ organizationId: org.id, userId: bob.id, role: 'org:member' }),
        {
          code: 'conflict',
        },
      );
      const promoted = await client.organizations.updateOrganizationMembership({
        organizationId: org.id,
        userId: bob.id,
        role: 'org:admin',
      });
      assert.equal(promoted.role, 'org:admin');
      const members = await client.organizations.getOrganizationMembershipList({ organizationId: org.id });
      assert.deepEqual(members.data.map((m) => [m.publicUserData.identifier, m.role]).sort(), [
        ['ada@example.com', 'org:admin'],
        ['bob@example.com', 'org:admin'],
      ]);
      await client.organizations.updateOrganizationMembership({ organizationId: org.id, userId: bob.id, role: 'org:member' });
      // Ada is now the last admin: neither demoted, removed nor deleted.
      await assert.rejects(
        client.organizations.updateOrganizationMembership({ organizationId: org.id, userId: ada.id, role: 'org:member' }),
        {
          code: 'conflict',
        },
      );
      await assert.rejects(client.organizations.deleteOrganizationMembership({ organizationId: org.id, userId: ada.id }), {
        code: 'conflict',
      });
      await assert.rejects(client.users.deleteUser(ada.id), { code: 'conflict' });
      const removed = await client.organizations.deleteOrganizationMembership({ organizationId: org.id, userId: bob.id });
      assert.equal(removed.deleted, true);

      const invitation = await client.organizations.createOrganizationInvitation({
        organizationId: org.id,
        emailAddress: 'carol@example.com',
      });
      assert.equal(invitation.status, 'pending');
      assert.equal(invitation.role, 'org:member');
      assert.equal((await client.organizations.getOrganizationInvitationList({ organizationId: org.id })).totalCount, 1);
      // An inviter named by the caller is held to their own permissions.
      await assert.rejects(
        client.organizations.createOrganizationInvitation({
          organizationId: org.id,
          emailAddress: 'dave@example.com',
          inviterUserId: bob.id,
        }),
        { code: 'not_found' },
      );
      const revoked = await client.organizations.revokeOrganizationInvitation({ organizationId: org.id, invitationId: invitation.id });
      assert.equal(revoked.status, 'revoked');
      assert.equal((await client.organizations.getOrganizationInvitationList({ organizationId: org.id })).totalCount, 0);

      assert.deepEqual(await client.organizations.deleteOrganization(org.id), { object: 'organization', id: org.id, deleted: true });
      await assert.rejects(client.organizations.getOrganization({ organizationId: org.id }), { code: 'not_found' });
      const orgEvents = await client.auditLog.query({ organizationId: org.id, limit: 100 });
      assert.ok(orgEvents.events.some((e) => e.action === 'organization.deleted'));
    });

    test('roles and permissions: upsert, list, delete', async () => {
      const saved = await client.roles.upsertRole('org:editor', { name: 'Editor', permissions: ['org:posts:edit', 'org:posts:read'] });
      assert.equal(saved.created, true);
      const roles = await client.roles.getRoleList();
      assert.ok(roles.data.some((r) => r.key === 'org:editor' && r.source === 'database'));
      const permissions = await client.permissions.getPermissionList();
      const edit = permissions.data.find((p) => p.key === 'org:posts:edit');
      assert.deepEqual(edit, { key: 'org:posts:edit', system: false, roles: ['org:editor'] });
      assert.ok(permissions.data.some((p) => p.key === 'org:sys_memberships:manage' && p.system));
      await assert.rejects(client.roles.upsertRole('org:admin', { name: 'Admin', permissions: [] }), { code: 'conflict' });
      await assert.rejects(client.roles.upsertRole('editor', { name: 'x', permissions: [] }), { code: 'bad_request' });
      assert.deepEqual(await client.roles.deleteRole('org:editor'), { object: 'role', id: 'org:editor', deleted: true });
      await assert.rejects(client.roles.deleteRole('org:editor'), { code: 'not_found' });
    });

    test('JWT templates: listed without their signing secret', async () => {
      const list = await client.jwtTemplates.list();
      assert.deepEqual(list.data, [
        {
          name: 'supabase',
          claims: { role: 'authenticated', email: '{{user.primary_email_address}}' },
          lifetimeSeconds: 60,
          allowedClockSkewSeconds: 5,
          signingAlgorithm: 'HS256',
          customSigningKey: true,
          source: 'configuration',
          readOnly: true,
          signingSecretEnv: null,
          createdAt: null,
          updatedAt: null,
        },
      ]);
      assert.ok(!JSON.stringify(list).includes(TEMPLATE_SECRET));
      assert.equal((await client.jwtTemplates.get('supabase')).name, 'supabase');
      await assert.rejects(client.jwtTemplates.get('nope'), { code: 'not_found' });
      const [ada] = (await client.users.getUserList({ emailAddress: 'ada@example.com' })).data;
      assert.ok(ada);
      assert.deepEqual(await client.jwtTemplates.preview('supabase', { userId: ada.id }), {
        claims: { role: 'authenticated', email: 'ada@example.com' },
      });
      await assert.rejects(client.jwtTemplates.preview('nope', { userId: ada.id }), { code: 'not_found' });
      await assert.rejects(client.jwtTemplates.preview('supabase', { userId: 'user_aaaaaaaaaaaaaaaaaaaaaaaaaa' }), { code: 'not_found' });
    });

    test('JWT templates: create, update and delete stored ones (audited); configured ones read-only; invalid refused with nothing written', async () => {
      const name = `api-${mode.name.length}`;
      const rows = () => t.db.prepare('SELECT * FROM jwt_templates ORDER BY name').all();
      const auditCount = () =>
        (t.db.prepare("SELECT count(*) AS n FROM audit_events WHERE action LIKE 'jwt_template.%'").get() as { n: number }).n;
      const created = await client.jwtTemplates.createJWTTemplate({
        name,
        claims: { email: '{{user.primary_email_address}}' },
        lifetime: 90,
      });
      assert.deepEqual(
        {
          name: created.name,
          source: created.source,
          readOnly: created.readOnly,
          lifetime: created.lifetimeSeconds,
          alg: created.signingAlgorithm,
        },
        { name, source: 'database', readOnly: false, lifetime: 90, alg: 'RS256' },
      );
      await assert.rejects(client.jwtTemplates.createJWTTemplate({ name, claims: {} }), { code: 'conflict' });
      process.env.GATEHOUSE_TEST_TEMPLATE_SECRET = TEMPLATE_SECRET;
      const updated = await client.jwtTemplates.updateJWTTemplate({
        templateId: name,
        claims: { role: 'authenticated' },
        signingAlgorithm: 'HS256',
        signingKeyEnv: 'GATEHOUSE_TEST_TEMPLATE_SECRET',
      });
      assert.equal(updated.signingAlgorithm, 'HS256');
      assert.equal(updated.signingSecretEnv, 'GATEHOUSE_TEST_TEMPLATE_SECRET');
      assert.ok(!JSON.stringify(await client.jwtTemplates.list()).includes(TEMPLATE_SECRET));
      assert.ok(!JSON.stringify(rows()).includes(TEMPLATE_SECRET));
      const [ada] = (await client.users.getUserList({ emailAddress: 'ada@example.com' })).data;
      assert.ok(ada);
      assert.deepEqual(await client.jwtTemplates.preview(name, { userId: ada.id }), { claims: { role: 'authenticated' } });

      // Refusals write nothing.
      const before = { rows: rows(), audits: auditCount() };
      await assert.rejects(client.jwtTemplates.createJWTTemplate({ name: 'bad', claims: { sub: 'forged' } }), { code: 'bad_request' });
      await assert.rejects(client.jwtTemplates.createJWTTemplate({ name: 'bad', claims: { '{{user.id}}': 'x' } }), { code: 'bad_request' });
      await assert.rejects(client.jwtTemplates.createJWTTemplate({ name: 'big', claims: { x: 'y'.repeat(5000) } }), {
        code: 'bad_request',
      });
      await assert.rejects(
        client.jwtTemplates.createJWTTemplate({
          name: 'nosecret',
          claims: {},
          signingAlgorithm: 'HS256',
          signingKeyEnv: 'GATEHOUSE_UNSET_VAR',
        }),
        { code: 'bad_request' },
      );
      await assert.rejects(client.jwtTemplates.createJWTTemplate({ name: 'supabase', claims: {} }), { code: 'conflict' });
      await assert.rejects(client.jwtTemplates.updateJWTTemplate({ templateId: 'supabase', claims: {} }), { code: 'conflict' });
      await assert.rejects(client.jwtTemplates.deleteJWTTemplate('supabase'), { code: 'conflict' });
      await assert.rejects(client.jwtTemplates.updateJWTTemplate({ templateId: 'nope', claims: {} }), { code: 'not_found' });
      assert.deepEqual({ rows: rows(), audits: auditCount() }, before);

      assert.deepEqual(await client.jwtTemplates.deleteJWTTemplate(name), { object: 'jwt_template', id: name, deleted: true });
      await assert.rejects(client.jwtTemplates.deleteJWTTemplate(name), { code: 'not_found' });
      await assert.rejects(client.jwtTemplates.get(name), { code: 'not_found' });
      const actions = t.db
        .prepare("SELECT action FROM audit_events WHERE action LIKE 'jwt_template.%' AND subject_id = ? ORDER BY id")
        .all(name)
        .map((r) => (r as { action: string }).action);
      assert.deepEqual(actions.slice(-3), ['jwt_template.created', 'jwt_template.updated', 'jwt_template.deleted']);
    });

    test('instance settings: read, change (audited), refuse invalid values', async () => {
      const view = await client.instance.getSettings();
      assert.equal(view.settings.multiSession, false);
      const changed = await client.instance.updateSettings({ multiSession: true, sessionLifetimeSeconds: 86_400 });
      assert.equal(changed.settings.multiSession, true);
      assert.equal(t.gatehouse.settings.maxLifetimeSeconds, 86_400);
      await assert.rejects(client.instance.updateSettings({ sessionLifetimeSeconds: -5 }), { code: 'bad_request' });
      await assert.rejects(client.instance.updateSettings({ allowedOrigins: ['not an origin'] }), { code: 'bad_request' });
      const { events } = await client.auditLog.query({ action: 'settings.updated' });
      assert.equal(events.length, 1);
    });

    test('deleteUser: sessions revoked, the user gone, audited; audit export as CSV', async () => {
      const [bob] = (await client.users.getUserList({ emailAddress: 'bob@example.com' })).data;
      assert.ok(bob);
      await send(t, `${API}/sign-in`, { json: { email: 'bob@example.com', password: 'x' } });
      assert.deepEqual(await client.users.deleteUser(bob.id), { object: 'user', id: bob.id, deleted: true });
      await assert.rejects(client.users.getUser(bob.id), { code: 'not_found' });
      const { events } = await client.auditLog.query({ action: 'user.deleted' });
      assert.equal(events[0]?.targetId, bob.id);
      const csv = await client.auditLog.export({ format: 'csv', action: 'user.' });
      const lines = csv.trimEnd().split('\r\n');
      assert.equal(lines[0], '"id","at","action","actorId","targetId","organizationId","ip","userAgent","data"');
      assert.ok(lines.some((l) => l.includes('"user.deleted"')));
      const jsonl = await client.auditLog.export({ action: 'user.deleted' });
      assert.equal(JSON.parse(jsonl.trim()).action, 'user.deleted');
      await assert.rejects(client.auditLog.query({ cursor: 'nope' }), { code: 'bad_request' });
    });
  });
}

describe('backend HTTP API: the secret key', () => {
  let t: TestInstance;
  let server: TestHttpServer;
  before(async () => {
    t = await openInstance();
    server = await startHttpServer(t.gatehouse);
  });
  after(async () => {
    await server.close();
    await t.close();
  });

  const call = (path: string, init: RequestInit = {}) => fetch(`${server.url}${API}/v1/backend${path}`, init);

  test('no key, a wrong key, a malformed header, a session cookie: 401 and nothing written', async () => {
    const before = t.counts();
    const body = JSON.stringify({ emailAddress: 'mallory@example.com' });
    const attempts: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${generateSecretKey()}` },
      { authorization: `Bearer ${SECRET_KEY}x` },
      { authorization: SECRET_KEY },
      { authorization: `Basic ${SECRET_KEY}` },
    ];
    for (const headers of attempts) {
      const res = await call('/users', { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
      assert.equal(res.status, 401);
      const text = await res.text();
      assert.deepEqual(JSON.parse(text).error.code, 'unauthenticated');
      assert.ok(!text.includes(SECRET_KEY));
    }
    assert.deepEqual(t.counts(), before);
  });

  test('an instance without keys refuses every backend call', async () => {
    const bare = await createTestInstance();
    try {
      const res = await bare.gatehouse.handle(
        new Request(`http://localhost:3000${API}/v1/backend/users`, { headers: { authorization: `Bearer ${SECRET_KEY}` } }),
      );
      assert.equal(res.status, 401);
    } finally {
      await bare.close();
    }
  });

  test('with the key: path parameters only in the path, unknown methods 405, unknown paths 404', async () => {
    const auth = { authorization: `Bearer ${SECRET_KEY}`, 'content-type': 'application/json' };
    const created = await call('/users', { method: 'POST', headers: auth, body: JSON.stringify({ emailAddress: 'eve@example.com' }) });
    assert.equal(created.status, 200);
    const { id } = (await created.json()) as { id: string };
    const smuggled = await call(`/users/${id}`, {
      method: 'PATCH',
      headers: auth,
      body: JSON.stringify({ userId: 'user_aaaaaaaaaaaaaaaaaaaaaaaaaa' }),
    });
    assert.equal(smuggled.status, 400);
    assert.equal((await call(`/users/${id}`, { method: 'PUT', headers: auth, body: '{}' })).status, 405);
    assert.equal((await call('/nothing', { headers: auth })).status, 404);
    assert.equal((await call('/users?limit=1&limit=2', { headers: auth })).status, 400);
    assert.equal((await call('/users?bogus=1', { headers: auth })).status, 400);
    assert.equal((await call('/users', { method: 'POST', headers: auth, body: '{not json' })).status, 400);
  });

  test('a malformed secret key in the configuration stops the start, without echoing it', async () => {
    await assert.rejects(createTestInstance({ secretKeys: ['gh_sk_short'] }), (error: Error) => {
      assert.match(error.message, /gh_sk_<43 base64url characters>/);
      assert.ok(!error.message.includes('gh_sk_short'));
      return true;
    });
  });
});
