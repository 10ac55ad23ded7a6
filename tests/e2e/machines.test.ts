// Machines end to end (issue #22, acceptance): two production servers of the example app on one PostgreSQL and one Redis.
// alice creates an Acme API key with org:projects:read: GET /api/projects with it is 200 on both servers, POST is 403;
// revoked on A, B refuses it (through Redis); an expired key is 401. A machine's token from the token endpoint passes
// /api/machine/ping (M2M only) and the reports service through the JWKS; a session token there is a 401 with the reason.

import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { generateSecretKey } from '@gatehouse/server';
import { createReportsServer } from '../../apps/reports-api/src/service.js';
import { eventually, serviceGate, type TestDatabase } from '../../test-support/backends.js';
import type { AppServer } from '../../test-support/app-server.js';
import { callApp, startAppPair, type AppPair } from '../../test-support/app-pair.js';
import { createRawCookieJar, type CookieJar } from '../../test-support/instance.js';

const skip = (await serviceGate('PostgreSQL')) || (await serviceGate('Redis'));
const SECRET = 'machines-e2e-secret-0123456789-abcdef-xyz';

describe('API keys and machine tokens on two app servers', { skip }, () => {
  let database: TestDatabase;
  let a: AppServer;
  let b: AppServer;
  let alice: CookieJar;
  let acme: string;
  const secretKey = generateSecretKey();
  let pair: AppPair | undefined;
  before(async () => {
    pair = await startAppPair(SECRET, { GATEHOUSE_SECRET_KEY: secretKey });
    ({ database, a, b } = pair);
    alice = createRawCookieJar();
    const signedIn = await callApp(a, '/api/gatehouse/sign-in', {
      jar: alice,
      json: { email: 'alice@example.com', password: 'gatehouse-demo' },
    });
    assert.equal(signedIn.status, 200, signedIn.text);
    const active = await callApp(a, '/api/gatehouse/sessions/active-organization', { jar: alice, json: { organization: 'acme' } });
    assert.equal(active.status, 200, active.text);
    acme = (active.body as { organizationId: string }).organizationId;
  });
  after(() => pair?.stop());

  test('an Acme key with org:projects:read: GET 200 on both servers, POST 403; revoked on A, B refuses it', async () => {
    const created = await callApp(a, '/api/gatehouse/api_keys', {
      jar: alice,
      json: { name: 'reporting', subject: acme, scopes: ['org:projects:read'] },
    });
    assert.equal(created.status, 200, created.text);
    const key = created.body as { id: string; secret: string };
    for (const server of [a, b]) {
      const listed = await callApp(server, '/api/projects', { bearer: key.secret });
      assert.equal(listed.status, 200, listed.text);
      assert.equal((listed.body as { organizationId: string }).organizationId, acme);
    }
    const write = await callApp(b, '/api/projects', { bearer: key.secret, json: { name: 'From a key' } });
    assert.equal(write.status, 403, write.text);
    // B has verified the key (and keeps it in memory); A revokes it.
    const revoked = await callApp(a, `/api/gatehouse/api_keys/${key.id}/revoke`, { jar: alice, json: {} });
    assert.equal(revoked.status, 200, revoked.text);
    await eventually(
      'B refuses the key revoked on A',
      async () => (await callApp(b, '/api/projects', { bearer: key.secret })).status === 401,
    );
    const refused = await callApp(b, '/api/projects', { bearer: key.secret });
    assert.equal(refused.headers.get('x-gatehouse-auth-reason'), 'api-key-revoked');
    assert.equal((await callApp(a, '/api/projects', { bearer: key.secret })).status, 401);
  });

  test('an expired key is 401; a user-owned key or a key of no organization gets no project data', async () => {
    const created = await callApp(a, '/api/gatehouse/api_keys', {
      jar: alice,
      json: { name: 'short', subject: acme, scopes: ['org:projects:read'], secondsUntilExpiration: 60 },
    });
    assert.equal(created.status, 200, created.text);
    const key = created.body as { id: string; secret: string };
    // Its expiry, moved into the past in the database before any server has seen the key.
    await database.inspect
      .updateTable('api_keys')
      .set({ expires_at: Date.now() - 1000 })
      .where('id', '=', key.id)
      .execute();
    const expired = await callApp(b, '/api/projects', { bearer: key.secret });
    assert.equal(expired.status, 401, expired.text);
    assert.equal(expired.headers.get('x-gatehouse-auth-reason'), 'api-key-expired');
    const own = await callApp(a, '/api/gatehouse/api_keys', { jar: alice, json: { name: 'mine' } });
    const personal = await callApp(a, '/api/projects', { bearer: (own.body as { secret: string }).secret });
    assert.equal(personal.status, 400, personal.text);
  });

  test('an M2M token from the token endpoint passes the machine-only route and the reports service (JWKS); a session token is refused', async () => {
    const backend = (path: string, json: unknown) =>
      fetch(`${a.baseUrl}/api/gatehouse/v1/backend${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(json),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { id: string; secretKey: string } }));
    const reportsMachine = await backend('/machines', { name: 'reports-api' });
    assert.equal(reportsMachine.status, 200);
    const worker = await backend('/machines', { name: 'worker', scopedMachines: [reportsMachine.body.id] });
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: worker.body.id, client_secret: worker.body.secretKey });
    const issued = await fetch(`${b.baseUrl}/api/gatehouse/m2m/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    assert.equal(issued.status, 200);
    const token = ((await issued.json()) as { access_token: string }).access_token;
    const ping = await callApp(a, '/api/machine/ping', { bearer: token });
    assert.equal(ping.status, 200, ping.text);
    assert.equal((ping.body as { machineId: string }).machineId, worker.body.id);
    // A session token where only machine tokens are accepted: 401, and the reason says so.
    const session = alice.get('__session') ?? '';
    const refused = await callApp(a, '/api/machine/ping', { bearer: session });
    assert.equal(refused.status, 401, refused.text);
    assert.equal(refused.headers.get('x-gatehouse-auth-reason'), 'token-type-not-accepted');
    // And the reverse: the machine token on a session route.
    assert.equal((await callApp(a, '/api/me', { bearer: token })).status, 401);

    const reports: Server = createReportsServer({
      jwksUrl: `${b.baseUrl}/.well-known/jwks.json`,
      audience: 'reports-api',
      machineId: reportsMachine.body.id,
    });
    await new Promise<void>((r) => reports.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(reports.address() as AddressInfo).port}/reports`;
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { machine: string }).machine, worker.body.id);
    } finally {
      reports.close();
    }
  });
});
