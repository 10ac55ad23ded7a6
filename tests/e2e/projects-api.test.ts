// Step 2 of the seed over real HTTP: /api/projects answers 401 / 400 / 403 / 404 / 200 by itself,
// scoped to the active organization, with cookies or Bearer tokens; refusals write nothing.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { startAppServer, type AppServer } from '../../test-support/app-server.js';

describe('the projects API of the example app', () => {
  let app: AppServer;
  const cookies = new Map<string, string>();

  async function call(path: string, init: { method?: string; json?: unknown; as?: string; bearer?: string } = {}) {
    const headers: Record<string, string> = { origin: app.baseUrl, accept: 'application/json' };
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    if (init.as) headers.cookie = cookies.get(init.as) ?? '';
    if (init.bearer) headers.authorization = `Bearer ${init.bearer}`;
    const res = await fetch(`${app.baseUrl}${path}`, {
      method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
      headers,
      redirect: 'manual',
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    });
    if (init.as) {
      const jar = new Map(
        (cookies.get(init.as) ?? '')
          .split('; ')
          .filter(Boolean)
          .map((c) => c.split('=') as [string, string]),
      );
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const [name, value] = pair!.split('=') as [string, string];
        if (/Max-Age=0/.test(line)) jar.delete(name);
        else jar.set(name, value);
      }
      cookies.set(init.as, [...jar].map(([n, v]) => `${n}=${v}`).join('; '));
    }
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
  }
  const projectCount = () => {
    const db = new BetterSqlite3(join(dirname(app.databaseFile), 'app.db'), { readonly: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM projects').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  before(async () => {
    app = await startAppServer();
    for (const user of ['alice', 'bob']) {
      const res = await call('/api/gatehouse/sign-up', { json: { email: `${user}@example.com`, password: 'gatehouse-demo' }, as: user });
      assert.equal(res.status, 200);
    }
    assert.equal((await call('/api/gatehouse/organizations', { json: { name: 'Acme', slug: 'acme' }, as: 'alice' })).status, 200);
    assert.equal((await call('/api/gatehouse/organizations', { json: { name: 'Globex', slug: 'globex' }, as: 'alice' })).status, 200);
    // bob is a viewer of Acme (written directly: the invitation flow has its own tests).
    const db = new BetterSqlite3(app.databaseFile);
    const bob = db.prepare('SELECT id FROM users WHERE email = ?').get('bob@example.com') as { id: string };
    const acme = db.prepare('SELECT id FROM organizations WHERE slug = ?').get('acme') as { id: string };
    db.prepare('INSERT INTO memberships (id, organization_id, user_id, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      'orgmem_bobacme',
      acme.id,
      bob.id,
      'org:viewer',
      Date.now(),
      Date.now(),
    );
    db.close();
  });
  after(() => app?.stop());

  test('signed out: 401 JSON for GET and POST, nothing written', async () => {
    const get = await call('/api/projects');
    assert.equal(get.status, 401);
    assert.deepEqual(get.body, { error: { code: 'unauthenticated', message: 'Sign in to access this resource.' } });
    assert.equal((await call('/api/projects', { json: { name: 'x' } })).status, 401);
  });

  test('signed in with no active organization: 400 with a clear message', async () => {
    const res = await call('/api/projects', { as: 'alice' });
    assert.equal(res.status, 400);
    assert.equal((res.body!.error as { code: string }).code, 'organization_required');
    assert.match((res.body!.error as { message: string }).message, /No organization is active/);
  });

  test('admin: create in Acme and Globex; each list shows only its own organization', async () => {
    assert.equal((await call('/api/gatehouse/sessions/active-organization', { json: { organization: 'acme' }, as: 'alice' })).status, 200);
    const created = await call('/api/projects', { json: { name: 'Rocket' }, as: 'alice' });
    assert.equal(created.status, 201);
    assert.equal(
      (await call('/api/gatehouse/sessions/active-organization', { json: { organization: 'globex' }, as: 'alice' })).status,
      200,
    );
    assert.equal((await call('/api/projects', { json: { name: 'Turbine' }, as: 'alice' })).status, 201);
    const globex = await call('/api/projects', { as: 'alice' });
    assert.deepEqual(
      (globex.body!.projects as { name: string }[]).map((p) => p.name),
      ['Turbine'],
    );
  });

  test('a project of another organization is a 404 and is not deleted', async () => {
    assert.equal((await call('/api/gatehouse/sessions/active-organization', { json: { organization: 'acme' }, as: 'alice' })).status, 200);
    const acmeProject = ((await call('/api/projects', { as: 'alice' })).body!.projects as { id: string }[])[0]!;
    await call('/api/gatehouse/sessions/active-organization', { json: { organization: 'globex' }, as: 'alice' });
    const before = projectCount();
    const res = await call(`/api/projects/${acmeProject.id}`, { method: 'DELETE', as: 'alice' });
    assert.equal(res.status, 404);
    assert.equal(projectCount(), before);
    await call('/api/gatehouse/sessions/active-organization', { json: { organization: 'acme' }, as: 'alice' });
    assert.equal((await call(`/api/projects/${acmeProject.id}`, { method: 'DELETE', as: 'alice' })).status, 200);
    assert.equal(projectCount(), before - 1);
  });

  test('viewer: reads, but writing and deleting are 403 and write nothing; Bearer works the same', async () => {
    assert.equal((await call('/api/gatehouse/sessions/active-organization', { json: { organization: 'acme' }, as: 'bob' })).status, 200);
    assert.equal((await call('/api/projects', { as: 'bob' })).status, 200);
    const before = projectCount();
    assert.equal((await call('/api/projects', { json: { name: 'Nope' }, as: 'bob' })).status, 403);
    assert.equal((await call('/api/projects/proj_whatever', { method: 'DELETE', as: 'bob' })).status, 403);
    assert.equal(projectCount(), before);
    const bearer = decodeURIComponent(/__session=([^;]+)/.exec(cookies.get('bob')!)![1]!);
    const viaBearer = await call('/api/projects', { bearer });
    assert.equal(viaBearer.status, 200);
    assert.equal((await call('/api/projects', { bearer, json: { name: 'Nope' } })).status, 403);
    // A viewer cannot switch to an organization they are not in.
    assert.equal((await call('/api/gatehouse/sessions/active-organization', { json: { organization: 'globex' }, as: 'bob' })).status, 404);
  });

  test('malformed bodies are 400, not 500', async () => {
    for (const json of [{}, { name: '' }, { name: 5 }, { name: 'x', extra: true }]) {
      assert.equal((await call('/api/projects', { json, as: 'alice' })).status, 400, JSON.stringify(json));
    }
  });
});
