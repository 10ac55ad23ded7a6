// The example's demo data (GATEHOUSE_DEMO=1, as `npm start` sets): alice, bob and carol can sign in
// with the demo password and have exactly the documented roles; alice is the instance admin the
// landing page sends to the dashboard, and the local `gatehouse` CLI works in the app's folder.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { startAppServer, type AppServer } from '../../test-support/app-server.js';
import { demoSession } from '../../test-support/demo-session.js';

const EXAMPLE_DIR = resolve(import.meta.dirname, '..', '..', 'apps', 'example');

describe('demo data', () => {
  let app: AppServer;
  before(async () => {
    app = await startAppServer({ env: { GATEHOUSE_DEMO: '1' } });
  });
  after(() => app?.stop());

  /** The Cookie header of a demo user signed in through the auth API, with `org` active if given. */
  const signIn = async (email: string, org?: string) => (await demoSession(app.baseUrl, email, org)).cookie;
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
      const auth = await me(await signIn(email, org));
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

  test('alice is an instance admin: the landing page links the dashboard, which opens for her and not for bob', async () => {
    const html = await (await fetch(`${app.baseUrl}/`)).text();
    assert.match(html, /href="\/api\/gatehouse\/dashboard"/);
    // The dashboard's root sends on (303) to its overview; the users page lists the demo accounts.
    const dashboard = async (cookie: string) => {
      const root = await fetch(`${app.baseUrl}/api/gatehouse/dashboard`, { headers: { cookie }, redirect: 'manual' });
      const location = root.headers.get('location');
      if (root.status !== 303 || !location || !location.includes('/dashboard/')) return root;
      return fetch(`${app.baseUrl}/api/gatehouse/dashboard/users`, { headers: { cookie }, redirect: 'manual' });
    };
    const forAlice = await dashboard(await signIn('alice@example.com'));
    assert.equal(forAlice.status, 200);
    assert.match(await forAlice.text(), /carol@example\.com/);
    const forBob = await dashboard(await signIn('bob@example.com'));
    assert.equal(forBob.status, 404);
    assert.doesNotMatch(await forBob.text(), /carol@example\.com/);
  });

  test('the demo projects exist per organization; three users and two organizations in all', async () => {
    const alice = await signIn('alice@example.com', 'acme');
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

  // Last: the CLI run takes seconds, and a keep-alive socket the server closed meanwhile would fail a following fetch.
  test("`npx --no-install gatehouse users list` runs in apps/example with the app's environment and no template secret", () => {
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      GATEHOUSE_DATABASE_FILE: app.databaseFile,
    };
    const run = spawnSync('npx', ['--no-install', 'gatehouse', 'users', 'list', '--json'], {
      cwd: EXAMPLE_DIR,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const emails = (JSON.parse(run.stdout) as { email: string }[]).map((u) => u.email).sort();
    assert.deepEqual(emails, ['alice@example.com', 'bob@example.com', 'carol@example.com']);
    assert.doesNotMatch(run.stderr, /SUPABASE_JWT_SECRET/);
  });
});
