// Issue #23: Clerk's backend helpers on a real embedded instance (temp SQLite file): verifyToken,
// createClerkClient, metadata changed through the backend showing in the next token's claims, and
// the middleware's contentSecurityPolicy option (through both ports, issue #14).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NextRequest, type NextFetchEvent } from 'next/server.js';
import { MODES, openPorts, portsOfFile, type Ports } from '../../../test-support/ports.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-clerk-backend-'));
process.env.GATEHOUSE_DATABASE_FILE = join(dir, 'gatehouse.db');
process.env.GATEHOUSE_DEV_SECRET = '1';
// Sign-up signs in at once here: these tests are about the backend helpers, not the address check.
process.env.GATEHOUSE_EMAIL_VERIFICATION = 'off';
// Clerk's documented custom session claims for role-based access: metadata in the token.
writeFileSync(
  join(dir, 'config.json'),
  JSON.stringify({ sessionClaims: { metadata: '{{user.public_metadata}}', name: '{{user.first_name}}' } }),
);
process.env.GATEHOUSE_CONFIG = join(dir, 'config.json');
// The standalone app's refresh carries the app's origin: the service allows it (deployment.md).
process.env.GATEHOUSE_ALLOWED_ORIGINS = 'http://localhost:3000';
// The key a standalone app presents to the backend API (createClerkClient through that port).
const SECRET_KEY = `gh_sk_${randomBytes(32).toString('base64url')}`;
process.env.GATEHOUSE_SECRET_KEY = SECRET_KEY;

const { getGatehouse } = await import('@gatehouse/server');
const { verifyToken, createClerkClient, clerkClient, clerkMiddleware, createRouteMatcher } = await import('@gatehouse/nextjs/server');

const ORIGIN = 'http://localhost:3000';
const event = { waitUntil() {} } as unknown as NextFetchEvent;
const ports = portsOfFile(dir);

/** The cookies of an answer as a Cookie header. */
const cookiesOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
const tokenOf = (cookie: string) => /(?:^|; )__session=([^;]+)/.exec(cookie)![1]!;

describe("Clerk's backend helpers (issue #23)", () => {
  let userId = '';
  let cookie = '';
  /** Both ports with the secret key, for the backend API (the keyless ones are `ports()`). */
  let keyed: Ports | undefined;
  before(async () => {
    keyed = await openPorts(await getGatehouse(), { secretKey: SECRET_KEY });
  });
  after(() => keyed?.close());

  before(async () => {
    const res = await (
      await getGatehouse()
    ).handle(
      new Request(`${ORIGIN}/api/gatehouse/sign-up`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: ORIGIN },
        body: JSON.stringify({ email: 'claims@example.com', password: 'correct horse battery staple' }),
      }),
    );
    assert.equal(res.status, 200);
    userId = ((await res.json()) as { user: { id: string } }).user.id;
    cookie = cookiesOf(res);
  });

  async function refresh(): Promise<Record<string, unknown>> {
    const res = await (
      await getGatehouse()
    ).handle(new Request(`${ORIGIN}/api/gatehouse/refresh`, { method: 'POST', headers: { origin: ORIGIN, cookie } }));
    assert.equal(res.status, 200);
    const { jwt } = (await res.json()) as { jwt: string };
    return verifyToken(jwt);
  }

  test("verifyToken: a session token's claims; a tampered token or another authorized party is refused with the reason", async () => {
    const token = tokenOf(cookie);
    const claims = await verifyToken(token);
    assert.equal(claims.sub, userId);
    assert.equal(typeof claims.sid, 'string');
    const [h, p, s] = token.split('.') as [string, string, string];
    const flipped = `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`;
    await assert.rejects(verifyToken(flipped), { name: 'TokenVerificationError' });
    await assert.rejects(verifyToken('not-a-token'), { name: 'TokenVerificationError' });
    await assert.rejects(verifyToken(token, { authorizedParties: ['https://elsewhere.example'] }), {
      name: 'TokenVerificationError',
      reason: 'token-invalid-authorized-parties',
    });
  });

  for (const mode of MODES) {
    test(`verifyToken({ backend }) and createClerkClient({ backend }) through the ${mode} port`, async () => {
      const port = keyed!.get(mode);
      const token = tokenOf(cookie);
      assert.equal((await verifyToken(token, { backend: port })).sub, userId);
      const [h, p, s] = token.split('.') as [string, string, string];
      await assert.rejects(verifyToken(`${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`, { backend: port }), {
        name: 'TokenVerificationError',
      });
      const client = createClerkClient({ backend: port });
      await client.users.updateUser(userId, { lastName: `Ports ${mode}` });
      assert.equal((await client.users.getUser(userId)).lastName, `Ports ${mode}`);
      assert.equal((await (await getGatehouse()).getUser(userId))?.lastName, `Ports ${mode}`, 'written to the instance');
      await assert.rejects(client.users.getUser('user_aaaaaaaaaaaaaaaaaaaaaaaaaa'), { code: 'not_found' });
    });
  }

  test('verifyToken with a configured public key (networkless): the instance JWKS verifies; another key refuses', async () => {
    const jwks = await (await (await getGatehouse()).handle(new Request(`${ORIGIN}/api/gatehouse/jwks`))).text();
    const claims = await verifyToken(tokenOf(cookie), { jwtKey: jwks });
    assert.equal(claims.sub, userId);
    const other = JSON.parse(jwks) as { keys: { n: string }[] };
    other.keys = other.keys.map((k) => ({ ...k, n: `${k.n.slice(0, -4)}AAAA` }));
    await assert.rejects(verifyToken(tokenOf(cookie), { jwtKey: JSON.stringify(other) }), { name: 'TokenVerificationError' });
  });

  test('updateUserMetadata / updateUser through createClerkClient and clerkClient show in the claims of the next refresh', async () => {
    const client = createClerkClient({ secretKey: 'sk_test_ignored' });
    const before = await refresh();
    assert.deepEqual(before.metadata, {});
    await client.users.updateUserMetadata(userId, { publicMetadata: { role: 'admin' } });
    await (await clerkClient()).users.updateUser(userId, { firstName: 'Ada' });
    const afterChange = await refresh();
    assert.deepEqual(afterChange.metadata, { role: 'admin' });
    assert.equal(afterChange.name, 'Ada');
    // The same user through both clients.
    assert.equal((await client.users.getUser(userId)).firstName, 'Ada');
    await assert.rejects(client.users.getUser('user_aaaaaaaaaaaaaaaaaaaaaaaaaa'), { code: 'not_found' });
  });

  for (const mode of MODES) {
    test(`a metadata change through the backend shows in the claims of the port's next refresh (${mode})`, async () => {
      const clientToken = decodeURIComponent(/(?:^|; )__client=([^;]+)/.exec(cookie)![1]!);
      const ctx = { ip: null, userAgent: null, origin: ORIGIN };
      await (await clerkClient()).users.updateUserMetadata(userId, { publicMetadata: { plan: mode } });
      const refreshed = await ports().get(mode).refresh(clientToken, ctx);
      assert.equal(refreshed.userId, userId);
      assert.deepEqual(refreshed.claims.metadata, { role: 'admin', plan: mode });
      assert.deepEqual(await verifyToken(refreshed.sessionToken), refreshed.claims);
    });
  }

  for (const mode of MODES) {
    test(`clerkMiddleware(handler, { contentSecurityPolicy }): the policy on passed and redirected responses; strict adds a nonce for Next (${mode})`, async () => {
      const isPublic = createRouteMatcher(['/']);
      const proxy = clerkMiddleware(
        async (auth, req) => {
          if (!isPublic(req)) await auth.protect();
        },
        {
          signInUrl: '/login',
          debug: false,
          authorizedParties: [ORIGIN],
          contentSecurityPolicy: { strict: true, directives: { 'img-src': ['https://images.example'] } },
          backend: ports().get(mode),
        },
      );
      const page = { 'sec-fetch-dest': 'document', accept: 'text/html' };
      const passed = await proxy(new NextRequest(`${ORIGIN}/`, { headers: page }), event);
      assert.equal(passed.headers.get('x-middleware-next'), '1');
      const policy = passed.headers.get('content-security-policy') ?? '';
      const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
      assert.ok(nonce, policy);
      assert.match(policy, /script-src [^;]*'strict-dynamic'/);
      assert.match(policy, /img-src [^;]*https:\/\/images\.example/);
      assert.doesNotMatch(policy, /script-src [^;]*'unsafe-inline'/);
      // Forwarded to the page render: Next.js reads the nonce from the request's policy.
      assert.equal(passed.headers.get('x-middleware-request-x-nonce'), nonce);
      assert.equal(passed.headers.get('x-middleware-request-content-security-policy'), policy);
      const redirected = await proxy(new NextRequest(`${ORIGIN}/dashboard`, { headers: page }), event);
      assert.equal(redirected.status, 307);
      assert.equal(new URL(redirected.headers.get('location')!, ORIGIN).pathname, '/login');
      assert.match(redirected.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      // Every response its own nonce.
      const again = await proxy(new NextRequest(`${ORIGIN}/`, { headers: page }), event);
      assert.notEqual(/'nonce-([^']+)'/.exec(again.headers.get('content-security-policy') ?? '')?.[1], nonce);

      const reportOnly = clerkMiddleware({
        contentSecurityPolicy: { reportOnly: true, reportTo: 'https://reports.example/csp' },
        backend: ports().get(mode),
      });
      const res = await reportOnly(new NextRequest(`${ORIGIN}/`, { headers: page }), event);
      assert.equal(res.headers.get('content-security-policy'), null);
      assert.match(res.headers.get('content-security-policy-report-only') ?? '', /report-uri https:\/\/reports\.example\/csp/);
      assert.equal(res.headers.get('reporting-endpoints'), 'csp-endpoint="https://reports.example/csp"');
    });
  }
});
