// apps/reports-api and machine-to-machine tokens (issue #22): a machine trades its secret for a token at the instance's
// client-credentials endpoint, and the reports service verifies it through the JWKS over real HTTP; a token for
// another machine, an unscoped caller and a session token are refused with 401.

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { createReportsServer } from '../../apps/reports-api/src/service.js';
import { createTestInstance, PASSWORD, type TestInstance } from '../../test-support/instance.js';

const CTX = { ip: null, userAgent: null, origin: null };
const listen = (server: Server) =>
  new Promise<string>((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));

describe('reports-api with M2M tokens', () => {
  let t: TestInstance;
  let appServer: Server;
  let appUrl: string;
  let reports: Server;
  let reportsUrl: string;
  let reportsMachine: string;
  let caller: { id: string; secretKey: string };
  let stranger: { id: string; secretKey: string };

  /** The client-credentials grant over HTTP, as another service would call it (HTTP Basic). */
  async function token(machine: { id: string; secretKey: string }): Promise<string> {
    const res = await fetch(`${appUrl}/api/gatehouse/m2m/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${machine.id}:${machine.secretKey}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { access_token: string }).access_token;
  }
  const get = async (bearer: string) => {
    const res = await fetch(`${reportsUrl}/reports`, { headers: { authorization: `Bearer ${bearer}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  before(async () => {
    // A real clock: the service checks exp against the time of day.
    t = await createTestInstance({ log: () => undefined }, { clock: { now: Date.now() } });
    // The instance's API and JWKS on a real port, as the app serves them.
    appServer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = req.method === 'GET' ? undefined : Buffer.concat(chunks);
        const headers = new Headers(Object.entries(req.headers).map(([k, v]): [string, string] => [k, String(v)]));
        void t.gatehouse
          .handle(new Request(`${appUrl}${req.url}`, { method: req.method, headers, ...(body ? { body } : {}) }))
          .then(async (r) => {
            res.writeHead(r.status, Object.fromEntries(r.headers));
            res.end(Buffer.from(await r.arrayBuffer()));
          });
      });
    });
    appUrl = await listen(appServer);
    const reportsRow = await t.gatehouse.machines.m2m.create({ name: 'reports-api' }, CTX);
    reportsMachine = reportsRow.id;
    caller = await t.gatehouse.machines.m2m.create({ name: 'billing', scopedMachines: [reportsMachine] }, CTX);
    stranger = await t.gatehouse.machines.m2m.create({ name: 'crawler' }, CTX);
    const issuer = `urn:gatehouse:${(await t.gatehouse.store.getInstanceValue('instance_id')) ?? ''}`;
    reports = createReportsServer({
      jwksUrl: `${appUrl}/.well-known/jwks.json`,
      issuer,
      audience: 'reports-api',
      machineId: reportsMachine,
    });
    reportsUrl = await listen(reports);
  });

  after(async () => {
    reports?.close();
    appServer?.close();
    await t?.close();
  });

  test("a machine allowed to call the reports service gets every organization's totals", async () => {
    const bearer = await token(caller);
    assert.deepEqual(decodeJwt(bearer).aud, [reportsMachine]);
    const ok = await get(bearer);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.machine, caller.id);
    assert.ok(Array.isArray(ok.body.organizations));
  });

  test('a machine not scoped to the reports service, a session token and a tampered token: 401', async () => {
    assert.equal((await get(await token(stranger))).status, 401);
    await t.gatehouse.users.create({ email: 'alice@example.com', password: PASSWORD });
    const session = await t.gatehouse.sessions.signIn({ email: 'alice@example.com', password: PASSWORD }, CTX);
    assert.equal((await get(session.sessionToken)).status, 401);
    const bearer = await token(caller);
    const [h, p, s] = bearer.split('.');
    const other = Buffer.from(JSON.stringify({ ...decodeJwt(bearer), sub: stranger.id })).toString('base64url');
    assert.equal((await get(`${h}.${other}.${s}`)).status, 401);
    assert.ok(p);
    // A service configured without a machine id takes no M2M token at all.
    const closed = createReportsServer({ jwksUrl: `${appUrl}/.well-known/jwks.json`, audience: 'reports-api' });
    const closedUrl = await listen(closed);
    try {
      const res = await fetch(`${closedUrl}/reports`, { headers: { authorization: `Bearer ${bearer}` } });
      assert.equal(res.status, 401);
    } finally {
      closed.close();
    }
  });
});
