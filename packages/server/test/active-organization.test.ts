// setActive: switching the session's organization, stale tokens in other tabs, orgs-required pending sessions, tokens for another org.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { base64url } from 'jose';
import { API, T0, createCookieJar, createTestInstance, send, signUp, type TestInstance } from '../../../test-support/instance.js';
import type { GatehouseOptions } from '@gatehouse/server';

const payload = (jwt: string) => JSON.parse(new TextDecoder().decode(base64url.decode(jwt.split('.')[1]!))) as Record<string, unknown>;

/** Writes organizations and memberships straight into the database (the org API has its own tests). */
function seedOrg(t: TestInstance, org: { id: string; slug: string; members: [string, string][] }) {
  const db = new BetterSqlite3(t.databaseFile);
  try {
    db.prepare('INSERT INTO organizations (id, name, slug, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(
      org.id,
      org.slug,
      org.slug,
      T0,
      T0,
    );
    org.members.forEach(([userId, role], i) =>
      db
        .prepare('INSERT INTO memberships (id, organization_id, user_id, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(`orgmem_${org.slug}${i}`, org.id, userId, role, T0 + i, T0 + i),
    );
  } finally {
    db.close();
  }
}

describe('active organization', () => {
  const instances: TestInstance[] = [];
  after(async () => {
    for (const t of instances) await t.close();
  });
  async function setup(options: Partial<GatehouseOptions> = {}) {
    const t = await createTestInstance({
      roles: { roles: [{ key: 'org:viewer', name: 'Viewer', permissions: ['org:projects:read'] }] },
      ...options,
    });
    instances.push(t);
    const jar = createCookieJar();
    const res = await signUp(t, `member${instances.length}@example.com`, jar);
    const userId = (res.body as { user: { id: string } }).user.id;
    return { t, jar, userId, sessionId: (res.body as { sessionId: string }).sessionId };
  }

  test('switching to an org the user belongs to puts it in the next token; by id or slug; null clears it', async () => {
    const { t, jar, userId } = await setup();
    seedOrg(t, { id: 'org_acme', slug: 'acme', members: [[userId, 'org:admin']] });
    seedOrg(t, { id: 'org_globex', slug: 'globex', members: [[userId, 'org:viewer']] });
    const acme = await send(t, `${API}/sessions/active-organization`, { json: { organization: 'acme' }, jar });
    assert.equal(acme.status, 200);
    const o = payload(jar.get('__session')!).o as Record<string, unknown>;
    assert.deepEqual({ id: o.id, slg: o.slg, rol: o.rol }, { id: 'org_acme', slg: 'acme', rol: 'admin' });
    const state = await t.gatehouse.authenticate(new Request('http://x/', { headers: { cookie: `__session=${jar.get('__session')}` } }));
    const auth = state.toAuth();
    assert.equal(auth.has({ permission: 'org:sys_memberships:manage' }), true);

    assert.equal((await send(t, `${API}/sessions/active-organization`, { json: { organization: 'org_globex' }, jar })).status, 200);
    const globex = payload(jar.get('__session')!);
    assert.equal((globex.o as { rol: string }).rol, 'viewer');
    assert.equal(globex.fea, 'o:projects');

    assert.equal((await send(t, `${API}/sessions/active-organization`, { json: { organization: null }, jar })).status, 200);
    assert.equal(payload(jar.get('__session')!).o, undefined);
  });

  test('an org the user is not in (or that does not exist) is a 404 and writes nothing', async () => {
    const { t, jar, sessionId } = await setup();
    seedOrg(t, { id: 'org_other', slug: 'other', members: [] });
    const before = t.snapshot();
    for (const organization of ['other', 'org_other', 'nope', 'org_missing']) {
      const res = await send(t, `${API}/sessions/active-organization`, { json: { organization }, jar });
      assert.equal(res.status, 404, organization);
      assert.deepEqual(res.body, { error: { code: 'not_found', message: 'No such organization.' } });
    }
    assert.deepEqual(t.snapshot(), before);
    const row = t.db.prepare('SELECT active_organization_id FROM sessions WHERE id = ?').get(sessionId) as {
      active_organization_id: string | null;
    };
    assert.equal(row.active_organization_id, null);
  });

  test('invalid bodies are 400 and signed-out callers 401, writing nothing', async () => {
    const { t, jar } = await setup();
    const before = t.snapshot();
    for (const json of [{}, { organization: 5 }, { organization: 'a b' }, { organization: 'acme', extra: 1 }]) {
      assert.equal((await send(t, `${API}/sessions/active-organization`, { json, jar })).status, 400, JSON.stringify(json));
    }
    assert.equal((await send(t, `${API}/sessions/active-organization`, { json: { organization: null } })).status, 401);
    assert.deepEqual(t.snapshot(), before);
  });

  test("switching in one tab makes the other tab's token stale on its very next request", async () => {
    const { t, jar, userId } = await setup();
    seedOrg(t, { id: 'org_acme', slug: 'acme', members: [[userId, 'org:admin']] });
    const otherTab = jar.get('__session')!;
    t.advance(1.5);
    assert.equal((await send(t, `${API}/sessions/active-organization`, { json: { organization: 'acme' }, jar })).status, 200);
    const stale = await t.gatehouse.authenticate(new Request('http://x/', { headers: { cookie: `__session=${otherTab}` } }));
    assert.equal(stale.status, 'signed-out');
    assert.equal(stale.reason, 'session-claims-stale');
    const fresh = await t.gatehouse.authenticate(new Request('http://x/', { headers: { cookie: `__session=${jar.get('__session')}` } }));
    assert.equal(fresh.status, 'signed-in');
    // Within the same second as the switch too: the new token's iat is never inside the stamp's second.
    assert.equal((await send(t, `${API}/sessions/active-organization`, { json: { organization: null }, jar })).status, 200);
    const again = await t.gatehouse.authenticate(new Request('http://x/', { headers: { cookie: `__session=${jar.get('__session')}` } }));
    assert.equal(again.status, 'signed-in');
  });

  test('a membership removed behind the session: the next refresh mints a token without the org', async () => {
    const { t, jar, userId } = await setup();
    seedOrg(t, { id: 'org_acme', slug: 'acme', members: [[userId, 'org:admin']] });
    await send(t, `${API}/sessions/active-organization`, { json: { organization: 'acme' }, jar });
    const db = new BetterSqlite3(t.databaseFile);
    db.prepare('DELETE FROM memberships WHERE user_id = ?').run(userId);
    db.close();
    t.advance(11);
    assert.equal((await send(t, `${API}/refresh`, { method: 'POST', jar })).status, 200);
    assert.equal(payload(jar.get('__session')!).o, undefined);
  });

  test('organizations required: no membership means a pending session with the choose-organization task', async () => {
    const { t, jar, userId } = await setup({ organizationsRequired: true });
    const token = jar.get('__session')!;
    assert.equal(payload(token).sts, 'pending');
    const session = await send(t, `${API}/session`, { jar });
    assert.deepEqual((session.body as { tasks: string[] }).tasks, ['choose-organization']);
    // A pending session is not signed in for protect(): the auth object says pending.
    const state = await t.gatehouse.authenticate(new Request('http://x/', { headers: { cookie: `__session=${token}` } }));
    assert.equal(state.toAuth().sessionStatus, 'pending');
    // Null is refused while orgs are required; choosing an org makes the session active.
    assert.equal((await send(t, `${API}/sessions/active-organization`, { json: { organization: null }, jar })).status, 400);
    seedOrg(t, { id: 'org_acme', slug: 'acme', members: [[userId, 'org:member']] });
    assert.equal((await send(t, `${API}/sessions/active-organization`, { json: { organization: 'acme' }, jar })).status, 200);
    const active = payload(jar.get('__session')!);
    assert.equal(active.sts, undefined);
    assert.equal((active.o as { id: string }).id, 'org_acme');
  });

  test('organizations required: a user with memberships starts in the most recent one', async () => {
    const t = await createTestInstance({ organizationsRequired: true });
    instances.push(t);
    const first = createCookieJar();
    const userId = ((await signUp(t, 'has-orgs@example.com', first)).body as { user: { id: string } }).user.id;
    seedOrg(t, { id: 'org_a', slug: 'a', members: [[userId, 'org:member']] });
    const jar = createCookieJar();
    assert.equal(
      (await send(t, `${API}/sign-in`, { json: { email: 'has-orgs@example.com', password: 'correct horse battery staple' }, jar })).status,
      200,
    );
    const claims = payload(jar.get('__session')!);
    assert.equal(claims.sts, undefined);
    assert.equal((claims.o as { id: string }).id, 'org_a');
  });

  test('getToken({ organizationId }) mints for another org without switching; not for a foreign one', async () => {
    const { t, jar, userId, sessionId } = await setup();
    seedOrg(t, { id: 'org_acme', slug: 'acme', members: [[userId, 'org:admin']] });
    seedOrg(t, { id: 'org_foreign', slug: 'foreign', members: [] });
    const res = await send(t, `${API}/tokens`, { json: { organizationId: 'org_acme' }, jar });
    assert.equal(res.status, 200);
    const claims = payload((res.body as { jwt: string }).jwt);
    assert.equal((claims.o as { id: string }).id, 'org_acme');
    assert.equal(claims.sid, sessionId);
    const row = t.db.prepare('SELECT active_organization_id FROM sessions WHERE id = ?').get(sessionId) as {
      active_organization_id: string | null;
    };
    assert.equal(row.active_organization_id, null);
    assert.equal((await send(t, `${API}/tokens`, { json: { organizationId: 'org_foreign' }, jar })).status, 404);
  });
});
