// Issue #23: getAuth(req), Clerk's request-based helper, on a real embedded instance (temp SQLite file): synchronous, from
// the request's own cookie or bearer token, for a NextRequest and for a Pages Router (Node) request; refused setups say why.
// The same answers through both ports given as `backend`, embedded and standalone (issue #14).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NextRequest } from 'next/server.js';
import { MODES, openPorts, type Ports } from '../../../test-support/ports.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-get-auth-'));
process.env.GATEHOUSE_DATABASE_FILE = join(dir, 'gatehouse.db');
process.env.GATEHOUSE_DEV_SECRET = '1';
process.env.GATEHOUSE_EMAIL_VERIFICATION = 'off';

const { getBackend, getGatehouse } = await import('@gatehouse/server');
const { getAuth, startGatehouse } = await import('@gatehouse/nextjs/server');

const ORIGIN = 'http://localhost:3000';

/** The cookies of an answer as name=value pairs. */
const cookiesOf = (res: Response) =>
  new Map(res.headers.getSetCookie().map((c) => c.split(';')[0]!.split(/=(.*)/s).slice(0, 2) as [string, string]));
const header = (cookies: Map<string, string>) => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');

async function call(path: string, cookie: string, body?: unknown): Promise<Response> {
  const res = await (
    await getGatehouse()
  ).handle(
    new Request(`${ORIGIN}/api/gatehouse${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN, cookie },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
  return res;
}

describe('getAuth(req) (issue #23)', () => {
  let userId = '';
  let cookies = new Map<string, string>();
  let ports: Ports | undefined;

  before(async () => {
    const res = await call('/sign-up', '', { email: 'get-auth@example.com', password: 'correct horse battery staple' });
    assert.equal(res.status, 200);
    userId = ((await res.json()) as { user: { id: string } }).user.id;
    cookies = cookiesOf(res);
  });
  after(async () => {
    await ports?.close();
    await (await getGatehouse()).close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('before Gatehouse is open in this process it refuses with setup_missing and says how to open it', () => {
    assert.throws(() => getAuth(new NextRequest(`${ORIGIN}/api/data`, { headers: { cookie: header(cookies) } })), {
      code: 'setup_missing',
      message: /startGatehouse\(\)[\s\S]*await auth\(\)/,
    });
  });

  test('a NextRequest: signed in from its __session cookie, synchronously; getToken() is that token', async () => {
    await startGatehouse();
    const auth = getAuth(new NextRequest(`${ORIGIN}/api/data`, { headers: { cookie: header(cookies) } }));
    assert.equal(auth.userId, userId);
    assert.match(auth.sessionId ?? '', /^sess_/);
    assert.equal(auth.orgId, undefined);
    assert.equal(auth.has({ role: 'org:admin' }), false);
    assert.equal(await auth.getToken(), cookies.get('__session'));
  });

  test('a Pages Router request (Node headers object, repeated Cookie headers) and a bearer token read the same', () => {
    const session = `__session=${cookies.get('__session')}`;
    assert.equal(getAuth({ headers: { cookie: ['theme=dark', session], host: 'localhost:3000' } }).userId, userId);
    assert.equal(getAuth({ headers: { authorization: `Bearer ${cookies.get('__session')}` } }).userId, userId);
  });

  test('signed out: no credentials, a tampered token, or a header claiming a user', () => {
    const token = cookies.get('__session')!;
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const headers of <Record<string, string>[]>[
      {},
      { cookie: `__session=${tampered}` },
      { 'x-gatehouse-user-id': userId, 'x-clerk-auth-status': 'signed-in', 'x-clerk-auth-token': token.slice(0, 20) },
    ]) {
      const auth = getAuth(new NextRequest(`${ORIGIN}/api/data`, { headers }));
      assert.equal(auth.userId, null, JSON.stringify(headers));
      assert.equal(auth.sessionId, null);
    }
  });

  test('with an active organization: orgId, orgRole and has() as in auth()', async () => {
    const created = await call('/organizations', header(cookies), { name: 'Get Auth Co' });
    assert.equal(created.status, 200);
    const orgId = ((await created.json()) as { organization: { id: string } }).organization.id;
    const switched = await call('/sessions/active-organization', header(cookies), { organization: orgId });
    assert.equal(switched.status, 200);
    for (const [name, value] of cookiesOf(switched)) cookies.set(name, value);
    const auth = getAuth({ headers: { cookie: header(cookies) } });
    assert.equal(auth.orgId, orgId);
    assert.equal(auth.orgRole, 'org:admin');
    assert.equal(auth.has({ role: 'org:admin' }), true);
    assert.equal(auth.has({ role: 'org:member' }), false);
  });

  test("getToken({ organizationId }) mints for one of the user's organizations and only then reads the config; another org is refused", async () => {
    const created = await call('/organizations', header(cookies), { name: 'Get Auth Second' });
    assert.equal(created.status, 200);
    const second = ((await created.json()) as { organization: { id: string } }).organization.id;
    const port = await getBackend();
    let configReads = 0;
    const backend = { ...port, config: (options?: Parameters<typeof port.config>[0]) => (configReads++, port.config(options)) };
    const auth = getAuth({ headers: { cookie: header(cookies) } }, { backend });
    assert.equal(await auth.getToken(), cookies.get('__session'));
    assert.equal(configReads, 0, "deciding and returning the request's own token read no config");
    const minted = await auth.getToken({ organizationId: second });
    assert.equal(configReads, 1);
    assert.ok(minted && minted !== cookies.get('__session'));
    const other = getAuth({ headers: { authorization: `Bearer ${minted}` } });
    assert.equal(other.userId, userId);
    assert.equal(other.orgId, second);
    // The request's own session keeps its organization.
    assert.notEqual(getAuth({ headers: { cookie: header(cookies) } }).orgId, second);
    await assert.rejects(auth.getToken({ organizationId: 'org_00000000000000000000000000' }), { code: 'not_found' });
  });

  for (const mode of MODES) {
    test(`through the ${mode} port given as backend: the same answers, synchronously`, async () => {
      ports ??= await openPorts(await getGatehouse());
      const backend = ports.get(mode);
      const token = cookies.get('__session')!;
      const auth = getAuth({ headers: { cookie: header(cookies) } }, { backend });
      assert.equal(auth.userId, userId);
      assert.match(auth.orgId ?? '', /^org_/);
      assert.equal(auth.orgRole, 'org:admin');
      assert.equal(auth.has({ role: 'org:admin' }), true);
      assert.equal(await auth.getToken(), token);
      assert.equal(
        getAuth(new NextRequest(`${ORIGIN}/api/data`, { headers: { authorization: `Bearer ${token}` } }), { backend }).userId,
        userId,
      );
      const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
      assert.equal(getAuth({ headers: { cookie: `__session=${tampered}` } }, { backend }).userId, null);
      assert.equal(getAuth({ headers: {} }, { backend }).userId, null);
    });
  }
});
