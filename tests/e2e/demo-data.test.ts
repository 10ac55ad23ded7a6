// The example's demo data (GATEHOUSE_DEMO=1, as `npm start` sets): alice, bob and carol can sign in
// with the demo password and have exactly the documented roles.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { startAppServer, type AppServer } from './app-server.js';

describe('demo data', () => {
  let app: AppServer;
  before(async () => {
    app = await startAppServer({ env: { GATEHOUSE_DEMO: '1' } });
  });
  after(() => app?.stop());

  async function signIn(email: string): Promise<string> {
    const res = await fetch(`${app.baseUrl}/api/gatehouse/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: app.baseUrl },
      body: JSON.stringify({ email, password: 'gatehouse-demo' }),
    });
    assert.equal(res.status, 200, email);
    return res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
  }
  async function inOrg(cookie: string, org: string): Promise<string> {
    const res = await fetch(`${app.baseUrl}/api/gatehouse/sessions/active-organization`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: app.baseUrl, cookie },
      body: JSON.stringify({ organization: org }),
    });
    assert.equal(res.status, 200, org);
    const session = res.headers
      .getSetCookie()
      .find((c) => c.startsWith('__session='))!
      .split(';')[0]!;
    return cookie.replace(/__session=[^;]*/, session);
  }
  const me = async (cookie: string) =>
    (await (await fetch(`${app.baseUrl}/api/me`, { headers: { cookie } })).json()) as { orgRole?: string; orgSlug?: string };

  test('the landing page lists the demo accounts', async () => {
    const html = await (await fetch(`${app.baseUrl}/`)).text();
    for (const email of ['alice@example.com', 'bob@example.com', 'carol@example.com']) assert.match(html, new RegExp(email));
    assert.match(html, /gatehouse-demo/);
  });

  test('each demo user has the documented role in each organization', async () => {
    const expected: [string, string, string][] = [
      ['alice@example.com', 'acme', 'org:admin'],
      ['bob@example.com', 'acme', 'org:member'],
      ['carol@example.com', 'acme', 'org:viewer'],
      ['carol@example.com', 'globex', 'org:admin'],
    ];
    for (const [email, org, role] of expected) {
      const auth = await me(await inOrg(await signIn(email), org));
      assert.deepEqual({ orgSlug: auth.orgSlug, orgRole: auth.orgRole }, { orgSlug: org, orgRole: role }, email);
    }
    // bob is in Acme only.
    const bob = await signIn('bob@example.com');
    const res = await fetch(`${app.baseUrl}/api/gatehouse/sessions/active-organization`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: app.baseUrl, cookie: bob },
      body: JSON.stringify({ organization: 'globex' }),
    });
    assert.equal(res.status, 404);
  });

  test('the demo projects exist per organization; three users and two organizations in all', async () => {
    const alice = await inOrg(await signIn('alice@example.com'), 'acme');
    const projects = (await (await fetch(`${app.baseUrl}/api/projects`, { headers: { cookie: alice } })).json()) as {
      projects: { name: string }[];
    };
    assert.deepEqual(projects.projects.map((p) => p.name).sort(), ['Giant magnet', 'Rocket skates']);
    const db = new BetterSqlite3(app.databaseFile, { readonly: true });
    try {
      assert.equal((db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n, 3);
      assert.equal((db.prepare('SELECT COUNT(*) AS n FROM organizations').get() as { n: number }).n, 2);
    } finally {
      db.close();
    }
  });
});
