// Two production servers of the example app on one PostgreSQL database and one Redis (issue "Scale-out", acceptance): a session works across them, a revocation and a role change on one reach the other (through Redis), the sign-in rate limit is shared, and ten parallel refreshes spread over both leave exactly one live client token.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { eventually, serviceGate, type TestDatabase } from '../../test-support/backends.js';
import type { AppServer } from '../../test-support/app-server.js';
import { callApp, startAppPair, type AppPair } from '../../test-support/app-pair.js';
import { createRawCookieJar, type CookieJar } from '../../test-support/instance.js';

const skip = (await serviceGate('PostgreSQL')) || (await serviceGate('Redis'));
const SECRET = 'multi-instance-e2e-secret-0123456789-abcdef';
const DEMO_PASSWORD = 'gatehouse-demo';
const SIGN_IN_LIMIT = 4;

/** A request to one server as a browser on that origin would send it; the jar takes the answer's cookies. */
const call = (server: AppServer, path: string, jar: CookieJar, init: { method?: string; json?: unknown } = {}) =>
  callApp(server, path, { ...init, jar });

async function signIn(server: AppServer, email: string, password = DEMO_PASSWORD): Promise<CookieJar> {
  const jar = createRawCookieJar();
  const res = await call(server, '/api/gatehouse/sign-in', jar, { json: { email, password } });
  assert.equal(res.status, 200, res.text);
  return jar;
}

describe('two app servers on one PostgreSQL and one Redis', { skip }, () => {
  let database: TestDatabase;
  let a: AppServer;
  let b: AppServer;
  let pair: AppPair | undefined;
  before(async () => {
    // A seeds the demo users and organizations; B starts on the same database afterwards.
    pair = await startAppPair(SECRET, { GATEHOUSE_RATE_LIMIT_SIGN_IN_IDENTIFIER: `${SIGN_IN_LIMIT}/600` });
    ({ database, a, b } = pair);
  });
  after(() => pair?.stop());

  test('signed in on A, the session works on B; signed out on B, A refuses it', async () => {
    const jar = await signIn(a, 'carol@example.com');
    const me = await call(b, '/api/me', jar);
    assert.equal(me.status, 200, me.text);
    assert.equal((me.body as { isAuthenticated: boolean }).isAuthenticated, true);

    const token = jar.get('__session') as string;
    assert.equal((await call(b, '/api/gatehouse/sign-out', jar, { json: {} })).status, 200);
    // Only the session token (no client cookie to refresh with): what a copied token would do.
    await eventually('A refuses the session signed out on B', async () => {
      return (await call(a, '/api/me', createRawCookieJar({ __session: token }))).status === 401;
    });
  });

  test("a role change on A: B's has() reflects it", async () => {
    const alice = await signIn(a, 'alice@example.com');
    const bob = await signIn(b, 'bob@example.com');
    const active = await call(b, '/api/gatehouse/sessions/active-organization', bob, { json: { organization: 'acme' } });
    assert.equal(active.status, 200, active.text);
    const orgId = (active.body as { organizationId: string }).organizationId;
    assert.equal((await call(a, '/api/gatehouse/sessions/active-organization', alice, { json: { organization: orgId } })).status, 200);
    const before = await call(b, '/api/me', bob);
    assert.equal((before.body as { orgRole: string }).orgRole, 'org:member');
    const bobId = (before.body as { userId: string }).userId;
    assert.equal((await call(b, '/api/projects', bob, { json: { name: 'Before' } })).status, 201);

    const patched = await call(a, `/api/gatehouse/organizations/${orgId}/memberships/${bobId}`, alice, {
      method: 'PATCH',
      json: { role: 'org:viewer' },
    });
    assert.equal(patched.status, 200, patched.text);
    // B refuses the older token and its proxy refreshes in the same request: the new role at once.
    await eventually("B's auth() sees the new role", async () => {
      const res = await call(b, '/api/me', bob);
      return res.status === 200 && (res.body as { orgRole: string }).orgRole === 'org:viewer';
    });
    const refused = await call(b, '/api/projects', bob, { json: { name: 'After' } });
    assert.equal(refused.status, 403, refused.text);
    assert.equal((await call(b, '/api/projects', bob)).status, 200, 'reading is still allowed');
  });

  test("the example's projects live in the shared database: one list on both servers (issue #15)", async () => {
    const onA = await signIn(a, 'alice@example.com');
    const onB = await signIn(b, 'alice@example.com');
    for (const [server, jar] of [
      [a, onA],
      [b, onB],
    ] as const)
      assert.equal(
        (await call(server, '/api/gatehouse/sessions/active-organization', jar, { json: { organization: 'acme' } })).status,
        200,
      );
    const names = async (server: AppServer, jar: CookieJar) => {
      const res = await call(server, '/api/projects', jar);
      assert.equal(res.status, 200, res.text);
      return (res.body as { projects: { id: string; name: string }[] }).projects;
    };
    // The demo seeded Acme's projects through A; B lists the same rows.
    assert.deepEqual(await names(b, onB), await names(a, onA));
    assert.ok((await names(b, onB)).some((p) => p.name === 'Rocket skates'));

    const created = await call(a, '/api/projects', onA, { json: { name: 'Made on A' } });
    assert.equal(created.status, 201, created.text);
    const id = (created.body as { project: { id: string } }).project.id;
    assert.ok((await names(b, onB)).some((p) => p.id === id && p.name === 'Made on A'));
    const client = new pg.Client({ connectionString: database.options.databaseUrl });
    await client.connect();
    try {
      const stored = await client.query<{ n: string }>('SELECT count(*) AS n FROM example.projects WHERE id = $1', [id]);
      assert.equal(Number(stored.rows[0]?.n), 1, 'the project row is in PostgreSQL');
    } finally {
      await client.end();
    }

    const deleted = await call(b, `/api/projects/${id}`, onB, { method: 'DELETE' });
    assert.equal(deleted.status, 200, deleted.text);
    assert.ok(!(await names(a, onA)).some((p) => p.id === id));
  });

  test('the sign-in rate limit is shared: it trips after the configured count split over both servers', async () => {
    const attempt = (server: AppServer) =>
      call(server, '/api/gatehouse/sign-in', createRawCookieJar(), { json: { email: 'dave@example.com', password: 'nope' } });
    for (let i = 0; i < SIGN_IN_LIMIT; i++) assert.equal((await attempt(i % 2 === 0 ? a : b)).status, 401);
    const refusedA = await attempt(a);
    assert.equal(refusedA.status, 429, refusedA.text);
    assert.ok(Number(refusedA.headers.get('retry-after')) > 0);
    assert.equal((await attempt(b)).status, 429);
  });

  test('ten parallel refreshes of one client over both servers: still signed in, exactly one live client token', async () => {
    const jar = await signIn(a, 'bob@example.com');
    const [clientId = '', secret = ''] = (jar.get('__client') ?? '').split('.');
    // Age the client past the rotation grace window, so these refreshes really rotate.
    const aged = await database.inspect
      .updateTable('clients')
      .set((eb) => ({ rotated_at: eb('rotated_at', '-', 60_000) }))
      .where('id', '=', clientId)
      .executeTakeFirst();
    assert.equal(Number(aged.numUpdatedRows), 1);

    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => call(i % 2 === 0 ? a : b, '/api/gatehouse/refresh', jar.clone(), { method: 'POST' })),
    );
    assert.deepEqual(
      results.map((r) => r.status),
      Array(10).fill(200),
      results.map((r) => r.text).join('\n'),
    );
    const rotated = new Set(
      results.flatMap((r) =>
        r.headers
          .getSetCookie()
          .filter((c) => c.startsWith('__client='))
          .map((c) => (c.split(';')[0] ?? '').slice('__client='.length)),
      ),
    );
    assert.equal(rotated.size, 1, 'exactly one refresh rotated the client token');
    const live = [...rotated][0] ?? '';
    const row = await database.inspect.selectFrom('clients').selectAll().where('id', '=', clientId).executeTakeFirstOrThrow();
    // Stored as the SHA-256 of the secret: the rotated token is the client's current one, the old one only its previous.
    const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
    assert.equal(row.token_hash, sha256(live.split('.')[1] ?? ''));
    assert.equal(row.previous_token_hash, sha256(secret));

    // The browser holds the rotated token: signed in on both servers.
    const browser = createRawCookieJar({ __client: live });
    assert.equal((await call(a, '/api/me', browser)).status, 200);
    assert.equal((await call(b, '/api/me', browser)).status, 200);
  });
});
