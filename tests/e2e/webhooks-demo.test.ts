// The example's webhook receiver (issue #6) on the production build in demo mode: the app registers its own
// POST /api/webhooks/gatehouse, the embedded worker delivers the demo's events there, /webhooks lists them for
// org admins only, and a forged delivery is refused and not recorded.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join, dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { startAppServer, type AppServer } from '../../test-support/app-server.js';

describe('the example receives its webhooks', () => {
  let app: AppServer;
  before(async () => {
    app = await startAppServer({ env: { GATEHOUSE_DEMO: '1' } });
  });
  after(() => app?.stop());

  async function signedInTo(email: string, org: string): Promise<string> {
    const res = await fetch(`${app.baseUrl}/api/gatehouse/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: app.baseUrl },
      body: JSON.stringify({ email, password: 'gatehouse-demo' }),
    });
    assert.equal(res.status, 200, email);
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const active = await fetch(`${app.baseUrl}/api/gatehouse/sessions/active-organization`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: app.baseUrl, cookie },
      body: JSON.stringify({ organization: org }),
    });
    assert.equal(active.status, 200);
    const session = active.headers
      .getSetCookie()
      .find((c) => c.startsWith('__session='))!
      .split(';')[0]!;
    return cookie.replace(/__session=[^;]*/, session);
  }

  const recorded = (): number => {
    const db = new BetterSqlite3(join(dirname(app.databaseFile), 'app.db'), { readonly: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM webhook_events').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  test("an Acme admin sees the demo's events and her own sign-in; a member gets 404", async () => {
    const alice = await signedInTo('alice@example.com', 'acme');
    let html = '';
    // The worker polls every second: the events arrive within a few.
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${app.baseUrl}/webhooks`, { headers: { cookie: alice } });
      assert.equal(res.status, 200);
      html = await res.text();
      if (html.includes('organization.created') && html.includes('session.created')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    for (const expected of [
      'organization.created',
      'organizationMembership.created',
      'user.created',
      'session.created',
      'bob@example.com as org:member',
    ])
      assert.ok(html.includes(expected), `${expected} in /webhooks:\n${app.output()}`);
    assert.equal(html.includes('Globex'), false, "another organization's events are not shown");

    // Signed out: to sign-in, and back here afterwards.
    const signedOut = await fetch(`${app.baseUrl}/webhooks`, {
      headers: { accept: 'text/html', 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate' },
      redirect: 'manual',
    });
    assert.equal(signedOut.status, 307);
    const location = new URL(signedOut.headers.get('location') ?? '', app.baseUrl);
    assert.equal(location.pathname, '/sign-in');
    assert.equal(new URL(location.searchParams.get('redirect_url') ?? '', app.baseUrl).pathname, '/webhooks');

    // A page load by a member: auth.protect({ role }) answers a document with a 404.
    const bob = await signedInTo('bob@example.com', 'acme');
    const page = await fetch(`${app.baseUrl}/webhooks`, {
      headers: { cookie: bob, accept: 'text/html', 'sec-fetch-dest': 'document', 'sec-fetch-mode': 'navigate' },
    });
    assert.equal(page.status, 404);
    assert.equal((await page.text()).includes('organization.created'), false);
  });

  test('a delivery with a forged signature is refused and records nothing', async () => {
    const before = recorded();
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await fetch(`${app.baseUrl}/api/webhooks/gatehouse`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_forged',
        'webhook-timestamp': timestamp,
        'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}`,
      },
      body: JSON.stringify({
        data: { id: 'user_x', object: 'user' },
        object: 'event',
        type: 'user.deleted',
        timestamp: 1,
        instance_id: 'x',
      }),
    });
    assert.equal(res.status, 400);
    const missing = await fetch(`${app.baseUrl}/api/webhooks/gatehouse`, { method: 'POST', body: '{}' });
    assert.equal(missing.status, 400);
    assert.equal(recorded(), before);
  });
});
