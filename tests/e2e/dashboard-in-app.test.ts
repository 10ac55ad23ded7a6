// The dashboard embedded in the example app (issue #9): the app's catch-all API route serves it with
// no other wiring; the demo makes alice an instance admin and `gatehouse users set-admin` (the CLI,
// on the app's database) makes another, who then uses it; everyone else gets none. Needs `npm run
// build` first.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startAppServer, type AppServer } from '../../test-support/app-server.js';
import { demoSession } from '../../test-support/demo-session.js';

const CLI = resolve(import.meta.dirname, '..', '..', 'packages', 'server', 'dist', 'cli', 'main.js');
const DASH = '/api/gatehouse/dashboard';

describe('dashboard in the example app', () => {
  let app: AppServer;
  before(async () => {
    app = await startAppServer({ env: { GATEHOUSE_DEMO: '1' } });
  });
  after(() => app?.stop());

  /** The Cookie header of a demo user signed in through the auth API. */
  const signIn = async (email: string) => (await demoSession(app.baseUrl, email)).cookie;
  const get = (path: string, cookie?: string) =>
    fetch(`${app.baseUrl}${DASH}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });

  test('only instance admins: the demo makes alice one, the CLI makes carol one; bob still gets a 404', async () => {
    const bob = await signIn('bob@example.com');
    const anonymous = await get('/users');
    assert.equal(anonymous.status, 303);
    assert.equal(anonymous.headers.get('location'), `${DASH}/sign-in`);
    assert.equal((await get('/sign-in')).status, 200);
    assert.equal((await get('/users', await signIn('alice@example.com'))).status, 200, 'alice is the demo instance admin');
    const carol = await signIn('carol@example.com');
    assert.equal((await get('/users', carol)).status, 404);

    const cli = spawnSync(process.execPath, [CLI, 'users', 'set-admin', 'carol@example.com'], {
      env: { ...process.env, GATEHOUSE_DATABASE_FILE: app.databaseFile, GATEHOUSE_DEV_SECRET: '1', NODE_ENV: 'production' },
      encoding: 'utf8',
    });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /carol@example\.com\) is now an instance admin/);

    const users = await get('/users', carol);
    assert.equal(users.status, 200);
    assert.match(users.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const body = await users.text();
    assert.match(body, /carol@example\.com/);
    assert.equal((await get('/users', bob)).status, 404);

    // A form post from the dashboard (same origin) bans bob: his session is refused at once.
    const bobId = /href="\/api\/gatehouse\/dashboard\/users\/(user_[a-z2-7]+)">bob@example\.com/.exec(body)?.[1];
    assert.ok(bobId);
    const ban = await fetch(`${app.baseUrl}${DASH}/users/${bobId}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: carol, origin: app.baseUrl, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=ban',
    });
    assert.equal(ban.status, 303);
    assert.equal((await fetch(`${app.baseUrl}/api/gatehouse/session`, { headers: { cookie: bob } })).status, 401);
  });
});
