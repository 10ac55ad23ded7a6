// The store conformance cases: written once, run against every database (store-conformance.test.ts); each asserts the behaviour and what the database really holds.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { createBackendClient, type GatehouseOptions } from '@gatehouse/server';
import type { BackendInstance, BackendName } from '../../../test-support/backends.js';
import {
  API,
  PASSWORD,
  authenticate,
  authenticateToken,
  createCookieJar,
  refresh,
  send,
  setCookie,
  signIn,
  signUp,
  type Clock,
} from '../../../test-support/instance.js';
import { activate, as, createOrg, join, member, payload } from '../../../test-support/org-setup.js';

export interface StoreCase {
  name: string;
  /** The databases this case runs on (default: every one). */
  backends?: BackendName[];
  /** `open` starts an instance on the suite's database (closed after the case); pass a clock to share one. */
  run(open: (options?: Partial<GatehouseOptions>, clock?: Clock) => Promise<BackendInstance>): Promise<void>;
}

let n = 0;
const email = (label: string) => `${label}-${++n}@example.com`;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const sessionIdOf = (r: { body: unknown }) => (r.body as { sessionId: string }).sessionId;
const auditOf = (t: BackendInstance, action: string) =>
  t.inspect.selectFrom('audit_events').selectAll().where('action', '=', action).orderBy('id').execute();

export const storeCases: StoreCase[] = [
  {
    name: 'sign-up stores the user, client, session and audit rows; numbers read back as numbers',
    async run(open) {
      const t = await open();
      const before = await t.counts();
      const jar = createCookieJar();
      const res = await signUp(t, email('signup'), jar);
      assert.equal(res.status, 200, res.text);
      const session = await t.inspect.selectFrom('sessions').selectAll().where('id', '=', sessionIdOf(res)).executeTakeFirstOrThrow();
      // BIGINT columns: milliseconds as numbers on every dialect (pg would hand back strings by default).
      assert.equal(session.created_at, t.clock.now);
      assert.equal(session.expire_at, t.clock.now + 7 * 24 * 3600 * 1000);
      assert.equal(session.ended_at, null);
      const after = await t.counts();
      assert.deepEqual([after.users - before.users, after.sessions - before.sessions, after.clients - before.clients], [1, 1, 1]);
      const audit = await t.inspect.selectFrom('audit_events').select(['id', 'action']).orderBy('id').execute();
      assert.ok(audit.every((row) => typeof row.id === 'number'));
      assert.deepEqual(
        audit.slice(-2).map((row) => row.action),
        ['user.created', 'session.created'],
      );
      assert.ok((audit.at(-1)?.id ?? 0) > (audit.at(-2)?.id ?? 0), 'audit ids grow in insert order');
      // The unique email: a second sign-up is refused and writes nothing.
      const again = await signUp(t, (await t.inspect.selectFrom('users').select('email').executeTakeFirstOrThrow()).email);
      assert.equal(again.status, 409);
      assert.deepEqual(await t.counts(), after);
      assert.equal((await authenticate(t, jar)).status, 'signed-in');
    },
  },
  {
    name: 'concurrent sign-ups with one address: one account, the others 409 identifier_exists',
    async run(open) {
      const t = await open();
      const who = email('twice');
      const statuses = (await Promise.all(Array.from({ length: 5 }, () => signUp(t, who)))).map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 409, 409, 409, 409]);
      assert.equal((await t.inspect.selectFrom('users').select('id').where('email', '=', who).execute()).length, 1);
    },
  },
  {
    name: 'sign-in starts a new session on a new client; a wrong password writes only sign_in.failed',
    async run(open) {
      const t = await open();
      const who = email('signin');
      const first = await signUp(t, who);
      const jar = createCookieJar();
      const res = await signIn(t, who, PASSWORD, jar);
      assert.equal(res.status, 200, res.text);
      assert.notEqual(sessionIdOf(res), sessionIdOf(first));
      assert.equal(await t.sessionStatus(sessionIdOf(res)), 'active');
      const before = await t.counts();
      const failedBefore = (await auditOf(t, 'sign_in.failed')).length;
      assert.equal((await signIn(t, who, 'not the password')).status, 401);
      assert.deepEqual(await t.counts(), { ...before, audit_events: before.audit_events + 1 });
      assert.equal((await auditOf(t, 'sign_in.failed')).length, failedBefore + 1);
    },
  },
  {
    name: 'refresh rotates once per grace window; the rotated-out token works inside it and never rotates again',
    async run(open) {
      const t = await open();
      const jar = createCookieJar();
      const sessionId = sessionIdOf(await signUp(t, email('rotate'), jar));
      const original = jar.get('__client') as string;
      t.advance(30);
      const rotated = await refresh(t, jar);
      assert.equal(rotated.status, 200);
      const current = jar.get('__client') as string;
      assert.notEqual(current, original);
      const client = await t.inspect
        .selectFrom('clients')
        .selectAll()
        .where('id', '=', original.split('.')[0] ?? '')
        .executeTakeFirstOrThrow();
      assert.equal(client.token_hash, sha256(current.split('.')[1] ?? ''));
      assert.equal(client.previous_token_hash, sha256(original.split('.')[1] ?? ''));
      assert.equal(client.rotated_at, t.clock.now);
      t.advance(9);
      const late = await refresh(t, createCookieJar({ __client: original }));
      assert.equal(late.status, 200);
      assert.equal(setCookie(late, '__client'), undefined);
      assert.equal(await t.sessionStatus(sessionId), 'active');
    },
  },
  {
    name: 'reusing a rotated-out token after the grace window since its successor was seen revokes the client (audited); its live token is refused',
    async run(open) {
      const t = await open();
      const jar = createCookieJar();
      const sessionId = sessionIdOf(await signUp(t, email('reuse'), jar));
      const original = jar.get('__client') as string;
      t.advance(30);
      assert.equal((await refresh(t, jar)).status, 200);
      t.advance(1);
      assert.equal((await refresh(t, jar)).status, 200); // the successor is presented (issue #15: only then does the original retire)
      const live = jar.get('__session') as string;
      t.advance(11);
      const reuse = await refresh(t, createCookieJar({ __client: original }));
      assert.equal(reuse.status, 401);
      assert.equal(await t.sessionStatus(sessionId), 'revoked');
      const audit = (await auditOf(t, 'client.token_reuse')).filter((row) => row.subject_id === original.split('.')[0]);
      assert.equal(audit.length, 1);
      assert.deepEqual(JSON.parse(audit[0]?.data ?? '{}'), { sessions: [sessionId] });
      assert.equal((await authenticateToken(t, live)).reason, 'session-revoked');
    },
  },
  {
    name: 'parallel refreshes of one client all succeed; exactly one rotates',
    async run(open) {
      const t = await open();
      const jar = createCookieJar();
      const sessionId = sessionIdOf(await signUp(t, email('burst'), jar));
      t.advance(30);
      const tabs = Array.from({ length: 10 }, () => jar.clone());
      const responses = await Promise.all(tabs.map((tab) => refresh(t, tab)));
      assert.deepEqual(
        responses.map((r) => r.status),
        Array(10).fill(200),
      );
      assert.equal(responses.filter((r) => setCookie(r, '__client')).length, 1);
      assert.equal(await t.sessionStatus(sessionId), 'active');
      const clientId = (jar.get('__client') as string).split('.')[0];
      assert.equal((await auditOf(t, 'client.token_reuse')).filter((row) => row.subject_id === clientId).length, 0);
    },
  },
  {
    name: 'maximum lifetime: the session ends as expired with ended_at, its token is refused',
    async run(open) {
      const t = await open({ maxLifetimeSeconds: 120 });
      const jar = createCookieJar();
      const sessionId = sessionIdOf(await signUp(t, email('lifetime'), jar));
      t.advance(60);
      assert.equal((await refresh(t, jar)).status, 200);
      const last = jar.get('__session') as string;
      t.advance(60);
      assert.equal((await refresh(t, jar)).status, 401);
      const row = await t.inspect
        .selectFrom('sessions')
        .select(['status', 'ended_at'])
        .where('id', '=', sessionId)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { status: 'expired', ended_at: t.clock.now });
      assert.equal((await authenticateToken(t, last)).reason, 'session-revoked');
      const ended = await t.gatehouse.store.listSessionsEndedSince(t.clock.now - 1000);
      assert.ok(ended.some((s) => s.id === sessionId && s.ended_at === t.clock.now));
    },
  },
  {
    name: "sign-out scopes: 'session' ends one session, 'everywhere' every session of the user; tokens refused at once",
    async run(open) {
      const t = await open();
      const who = email('scopes');
      const laptop = createCookieJar();
      const phone = createCookieJar();
      const tablet = createCookieJar();
      const ids = [sessionIdOf(await signUp(t, who, laptop)), sessionIdOf(await signIn(t, who, PASSWORD, phone))];
      ids.push(sessionIdOf(await signIn(t, who, PASSWORD, tablet)));
      const tokens = [laptop, phone, tablet].map((jar) => jar.get('__session') as string);
      const one = await send(t, `${API}/sign-out`, { json: { scope: 'session', sessionId: ids[1] }, jar: laptop });
      assert.equal(one.status, 200, one.text);
      assert.deepEqual(await Promise.all(ids.map((id) => t.sessionStatus(id))), ['active', 'ended', 'active']);
      assert.equal((await authenticateToken(t, tokens[1] ?? '')).reason, 'session-revoked');
      assert.equal((await authenticateToken(t, tokens[0] ?? '')).status, 'signed-in');
      const all = await send(t, `${API}/sign-out`, { json: { scope: 'everywhere' }, jar: tablet });
      assert.equal(all.status, 200, all.text);
      assert.deepEqual(await Promise.all(ids.map((id) => t.sessionStatus(id))), ['ended', 'ended', 'ended']);
      for (const token of tokens) assert.equal((await authenticateToken(t, token)).reason, 'session-revoked');
    },
  },
  {
    name: 'organizations, memberships and invitations: create, invite, accept, role change (stale token), unique slug, delete',
    async run(open) {
      const t = await open();
      const admin = await member(t, email('org-admin'));
      const bob = await member(t, email('org-bob'));
      const org = await createOrg(t, admin, { name: 'Conformance Org' });
      const taken = await as(t, admin, '/organizations', { json: { name: 'Another', slug: org.slug } });
      assert.equal(taken.status, 409, taken.text);
      await join(t, admin, org.id, bob);
      const invitation = await t.inspect
        .selectFrom('invitations')
        .select('status')
        .where('organization_id', '=', org.id)
        .executeTakeFirstOrThrow();
      assert.equal(invitation.status, 'accepted');
      assert.equal(await t.gatehouse.store.countMemberships(org.id), 2);
      assert.equal(await t.gatehouse.store.countMemberships(org.id, ['org:admin']), 1);
      const bobToken = await activate(t, bob, org.id);
      assert.deepEqual([(payload(bobToken).o as { id: string }).id, (payload(bobToken).o as { rol: string }).rol], [org.id, 'member']);
      t.advance(1);
      const patched = await as(t, admin, `/organizations/${org.id}/memberships/${bob.userId}`, {
        method: 'PATCH',
        json: { role: 'org:admin' },
      });
      assert.equal(patched.status, 200, patched.text);
      assert.equal((await authenticateToken(t, bobToken)).reason, 'session-claims-stale');
      const fresh = await refresh(t, bob.jar);
      assert.equal((payload((fresh.body as { jwt: string }).jwt).o as { rol: string }).rol, 'admin');
      assert.equal((await as(t, admin, `/organizations/${org.id}`, { method: 'DELETE' })).status, 200);
      assert.equal(await t.gatehouse.store.countMemberships(org.id), 0);
      assert.equal((await t.inspect.selectFrom('invitations').select('id').where('organization_id', '=', org.id).execute()).length, 0);
    },
  },
  {
    name: 'key rotation: one active key in the database; the previous key verifies through the overlap',
    async run(open) {
      const t = await open();
      const jar = createCookieJar();
      await signUp(t, email('keys'), jar);
      const token = jar.get('__session') as string;
      const oldKid = decodeProtectedHeader(token).kid;
      const newKid = await t.gatehouse.keys.rotate({ immediately: true });
      const keys = await t.inspect.selectFrom('signing_keys').selectAll().execute();
      assert.deepEqual(
        keys.filter((k) => k.status === 'active').map((k) => k.id),
        [newKid],
      );
      assert.equal(typeof keys.find((k) => k.id === oldKid)?.retire_at, 'number');
      assert.equal((await authenticateToken(t, token)).status, 'signed-in');
      t.advance(11);
      assert.equal((await refresh(t, jar)).status, 200);
      assert.equal(decodeProtectedHeader(jar.get('__session') as string).kid, newKid);
      // The database refuses a second active key, whoever tries.
      const copy = keys.find((k) => k.id === oldKid);
      assert.ok(copy);
      await assert.rejects(
        t.gatehouse.store.insertSigningKey({ ...copy, id: 'key_second', status: 'active', retire_at: null }),
        (error: unknown) => ['SQLITE_CONSTRAINT_UNIQUE', '23505'].includes((error as { code?: string }).code ?? ''),
      );
    },
  },
  {
    name: 'store primitives: initInstanceValue keeps the first value; a throwing transaction writes nothing',
    async run(open) {
      const t = await open();
      const { store } = t.gatehouse;
      assert.equal(await store.initInstanceValue('conformance', 'first'), 'first');
      assert.equal(await store.initInstanceValue('conformance', 'second'), 'first');
      const before = await t.counts();
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.appendAudit({ at: 1, action: 'x', actor_id: null, subject_id: null, ip: null, user_agent: null, data: '{}' });
          throw new Error('roll back');
        }),
        /roll back/,
      );
      assert.deepEqual(await t.counts(), before);
    },
  },
  {
    name: 'a ban revokes every session (audited), refuses sign-in; a restarted instance still refuses the old tokens',
    async run(open) {
      const t = await open();
      const who = email('ban');
      const jar = createCookieJar();
      const res = await signUp(t, who, jar);
      const userId = (res.body as { user: { id: string } }).user.id;
      const token = jar.get('__session') as string;
      assert.deepEqual(await t.gatehouse.sessions.banUser(userId), [sessionIdOf(res)]);
      assert.equal(await t.sessionStatus(sessionIdOf(res)), 'revoked');
      assert.equal((await auditOf(t, 'user.banned')).length, 1);
      assert.equal((await authenticateToken(t, token)).status, 'signed-out');
      assert.equal((await signIn(t, who, PASSWORD)).status, 401);
      // A new process learns of endings from the database, not from memory it never had.
      await t.close();
      const restarted = await open({}, t.clock);
      assert.equal((await authenticateToken(restarted, token)).reason, 'session-revoked');
    },
  },
  {
    name: 'search (the dashboard): users by email, name or id and organizations by name or slug, case-insensitive, % and _ literal',
    async run(open) {
      const t = await open();
      const tag = `srch${++n}`;
      const a = await t.gatehouse.users.create({ email: `${tag}_x@example.com`, firstName: 'Zoë', lastName: `${tag.toUpperCase()}Mixed` });
      const b = await t.gatehouse.users.create({ email: `${tag}ax@example.com` });
      const ids = async (query: string) => (await t.gatehouse.store.listUsers({ limit: 50, offset: 0, query })).map((u) => u.id).sort();
      assert.deepEqual(await ids(tag), [a.id, b.id].sort());
      assert.deepEqual(await ids(`${tag}_x`), [a.id], '_ matches only an underscore');
      assert.deepEqual(await ids(`${tag}%x`), [], '% matches only a percent sign');
      assert.deepEqual(await ids(`${tag}mixed`), [a.id], 'names match case-insensitively');
      assert.deepEqual(await ids(b.id), [b.id]);
      const owner = await member(t, email('srch-owner'));
      const org = await createOrg(t, owner, { name: `${tag} Widgets`, slug: `${tag}-widgets` });
      const orgs = async (query: string) => (await t.gatehouse.store.listOrganizations({ limit: 50, offset: 0, query })).map((o) => o.id);
      assert.deepEqual(await orgs(`${tag.toUpperCase()} widg`), [org.id]);
      assert.deepEqual(await orgs(`${tag}-widgets`), [org.id]);
      assert.deepEqual(await orgs(`${tag}\\`), []);
    },
  },
  {
    name: 'operations (issue #9): audit filters and cursor, stored settings, user deletion and organization lists',
    async run(open) {
      const t = await open();
      const client = createBackendClient(t.gatehouse);
      const admin = await member(t, email('ops-admin'));
      const org = await createOrg(t, admin, { name: `Ops ${n}` });
      const inOrg = await t.gatehouse.audit.query({ organizationId: org.id });
      assert.deepEqual(inOrg.events.map((e) => e.action).sort(), ['organization.created', 'organizationMembership.created']);
      // An action family through LIKE, with `_` escaped: `sign_in.` matches, `signXin.` does not.
      await signIn(t, admin.email, 'wrong password!');
      assert.ok((await t.gatehouse.audit.query({ action: 'sign_in.' })).events.length >= 1);
      assert.equal((await t.gatehouse.audit.query({ action: 'signXin.' })).events.length, 0);
      const first = await t.gatehouse.audit.query({ limit: 1, organizationId: org.id });
      const second = await t.gatehouse.audit.query({ limit: 1, organizationId: org.id, cursor: first.nextCursor ?? undefined });
      assert.notEqual(first.events[0]?.id, second.events[0]?.id);
      assert.equal(second.nextCursor, null);

      await t.gatehouse.instanceSettings.update({ inactivityTimeoutSeconds: 3600 });
      const restarted = await open({}, t.clock);
      assert.equal((await restarted.gatehouse.instanceSettings.get()).settings.inactivityTimeoutSeconds, 3600);
      await restarted.gatehouse.instanceSettings.reset();

      const users = await client.users.getUserList({ limit: 1 });
      assert.ok(users.totalCount >= 1);
      const orgs = await client.organizations.getOrganizationList();
      assert.ok(orgs.data.some((o) => o.id === org.id));
      const doomed = await member(t, email('ops-doomed'));
      await client.organizations.createOrganizationMembership({ organizationId: org.id, userId: doomed.userId, role: 'org:member' });
      await client.users.deleteUser(doomed.userId);
      assert.equal(await t.sessionStatus(doomed.sessionId), undefined);
      assert.equal((await authenticate(t, doomed.jar)).status, 'signed-out');
      assert.equal((await client.organizations.getOrganizationMembershipList({ organizationId: org.id })).totalCount, 1);
      assert.equal((await auditOf(t, 'user.deleted')).filter((row) => row.subject_id === doomed.userId).length, 1);
    },
  },
  {
    name: 'JWT templates stored at run time: row, audit, another instance on the same database mints them; numbers read back as numbers',
    async run(open) {
      const t = await open();
      const name = `conf-${++n}`;
      const { template } = await t.gatehouse.templateAdmin.upsert({
        name,
        claims: { email: '{{user.primary_email_address}}' },
        lifetimeSeconds: 90,
      });
      assert.equal(template.source, 'database');
      const [row] = await t.inspect.selectFrom('jwt_templates').selectAll().where('name', '=', name).execute();
      assert.ok(row);
      assert.equal(typeof row.lifetime_seconds, 'number');
      assert.equal(row.signing_secret_env, null);
      assert.equal((await auditOf(t, 'jwt_template.created')).filter((r) => r.subject_id === name).length, 1);
      const other = await open({}, t.clock);
      const who = await member(other, email('template'));
      const jwt = await other.gatehouse.templates.mint(name, who, { ip: null, userAgent: null, origin: null });
      assert.equal(decodeProtectedHeader(jwt).alg, 'RS256');
      await other.gatehouse.templateAdmin.remove(name);
      assert.equal((await t.inspect.selectFrom('jwt_templates').selectAll().where('name', '=', name).execute()).length, 0);
    },
  },
  {
    name: "a deleted user's tokens stay refused after a restart; the remembered revocations are pruned once no token could verify",
    async run(open) {
      const t = await open();
      const who = email('deleted');
      const laptop = createCookieJar();
      const phone = createCookieJar();
      const first = sessionIdOf(await signUp(t, who, laptop));
      const second = sessionIdOf(await signIn(t, who, PASSWORD, phone));
      const tokens = [laptop, phone].map((jar) => jar.get('__session') as string);
      const userId = (await t.inspect.selectFrom('users').select('id').where('email', '=', who).executeTakeFirstOrThrow()).id;
      for (const token of tokens) assert.equal((await authenticateToken(t, token)).status, 'signed-in');
      // One session signed out earlier (still within a token's lifetime), one live when the user goes.
      assert.equal((await send(t, `${API}/sign-out`, { json: { scope: 'session' }, jar: phone })).status, 200);
      t.advance(5);
      await t.gatehouse.sessions.deleteUser(userId);
      assert.equal(await t.sessionStatus(first), undefined);
      const remembered = await t.inspect
        .selectFrom('revoked_sessions')
        .selectAll()
        .where('id', 'in', [first, second])
        .orderBy('revoked_at')
        .execute();
      assert.deepEqual(remembered, [
        { id: second, revoked_at: t.clock.now - 5000 },
        { id: first, revoked_at: t.clock.now },
      ]);
      await t.close();

      const restarted = await open({}, t.clock);
      for (const token of tokens) assert.equal((await authenticateToken(restarted, token)).reason, 'session-revoked');

      // Past the token lifetime the tokens are expired anyway: the next deletion prunes the rows.
      restarted.advance(3600);
      const other = await member(restarted, email('deleted-later'));
      await restarted.gatehouse.sessions.deleteUser(other.userId);
      const left = (await t.inspect.selectFrom('revoked_sessions').select('id').execute()).map((row) => row.id);
      assert.deepEqual(
        [first, second, other.sessionId].map((id) => left.includes(id)),
        [false, false, true],
      );
      for (const token of tokens) assert.equal((await authenticateToken(restarted, token)).status, 'signed-out');
    },
  },
];
