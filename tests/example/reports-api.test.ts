// apps/reports-api in-process over real HTTP: it fetches the instance's JWKS from a URL (as it does
// from the app's /.well-known/jwks.json), accepts a `reports` template token and answers with the
// token's organization only; a missing, forged, expired, wrong-audience or wrong-issuer token is a
// 401, a token without an organization a 403. The full path through the app is in tests/e2e.

import assert from 'node:assert/strict';
import { generateKeyPair, SignJWT, decodeJwt } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createReportsServer } from '../../apps/reports-api/src/service.js';
import { readConfigFile } from '../../packages/server/src/instance/config-file.js';
import { createTestInstance, PASSWORD, type TestInstance } from '../../test-support/instance.js';

const CONFIG = join(resolve(import.meta.dirname, '..', '..'), 'apps', 'example', 'gatehouse.config.json');
const CTX = { ip: null, userAgent: null, origin: null };

const listen = (server: Server) =>
  new Promise<string>((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));

describe('reports-api', () => {
  let t: TestInstance;
  let jwksServer: Server;
  let reports: Server;
  let reportsUrl: string;
  let issuer: string;
  let actor: { userId: string; sessionId: string };
  let orgId: string;

  const get = async (token?: string) => {
    const res = await fetch(`${reportsUrl}/reports`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, challenge: res.headers.get('www-authenticate') };
  };

  before(async () => {
    // A real clock: the service checks exp against the time of day.
    t = await createTestInstance(
      { ...readConfigFile({ GATEHOUSE_CONFIG: CONFIG, SUPABASE_JWT_SECRET: 'x'.repeat(40) }), log: () => undefined },
      {
        clock: { now: Date.now() },
      },
    );
    const user = await t.gatehouse.users.create({ email: 'alice@example.com', password: PASSWORD });
    orgId = (await t.gatehouse.organizations.createOrganization(user.id, { name: 'Acme', slug: 'acme' })).organization.id;
    const signedIn = await t.gatehouse.sessions.signIn({ email: 'alice@example.com', password: PASSWORD }, CTX);
    actor = { userId: user.id, sessionId: signedIn.sessionId };
    issuer = decodeJwt(signedIn.sessionToken).iss!;
    jwksServer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(t.gatehouse.jwks()));
    });
    const jwksUrl = `${await listen(jwksServer)}/.well-known/jwks.json`;
    reports = createReportsServer({ jwksUrl, issuer, audience: 'reports-api' });
    reportsUrl = await listen(reports);
  });

  after(async () => {
    reports?.close();
    jwksServer?.close();
    await t?.close();
  });

  test('no organization active: 403; with Acme active: 200 with Acme reports only', async () => {
    const personal = await get(await t.gatehouse.templates.mint('reports', actor, CTX));
    assert.equal(personal.status, 403);
    assert.deepEqual((personal.body.error as { code: string }).code, 'organization_required');

    await t.gatehouse.sessions.setActiveOrganization(actor, 'acme', CTX);
    const ok = await get(await t.gatehouse.templates.mint('reports', actor, CTX));
    assert.equal(ok.status, 200);
    assert.equal(ok.body.organization, 'acme');
    assert.equal(ok.body.organizationId, orgId);
    assert.equal(ok.body.role, 'admin');
    assert.deepEqual(
      (ok.body.reports as { id: string }[]).map((r) => r.id),
      ['acme-launches', 'acme-incidents'],
    );
  });

  test('missing, garbage, session (wrong audience), expired, foreign-key and wrong-issuer tokens: 401', async () => {
    const missing = await get();
    assert.equal(missing.status, 401);
    assert.match(missing.challenge ?? '', /^Bearer/);
    assert.equal((await get('not.a.jwt')).status, 401);

    // The session token is signed by the same key but has no reports audience.
    const session = await t.gatehouse.sessions.signIn({ email: 'alice@example.com', password: PASSWORD }, CTX);
    assert.equal((await get(session.sessionToken)).status, 401);

    // Minted an hour ago, so long expired.
    const now = t.clock.now;
    t.clock.now = now - 3_600_000;
    const expired = await t.gatehouse.templates.mint('reports', actor, CTX);
    t.clock.now = now;
    assert.equal((await get(expired)).status, 401);

    // Same claims, another key (not in the JWKS) and a matching kid: refused.
    const claims = decodeJwt(await t.gatehouse.templates.mint('reports', actor, CTX));
    const { privateKey } = await generateKeyPair('RS256');
    const kid = t.gatehouse.jwks().keys[0]!.kid!;
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey);
    const forgedAnswer = await get(forged);
    assert.equal(forgedAnswer.status, 401);
    assert.equal((forgedAnswer.body.error as { code: string }).code, 'invalid_token');

    // A reports server that expects another issuer refuses our (valid) token.
    const other = createReportsServer({
      jwksUrl: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/`,
      issuer: `${issuer}-other`,
      audience: 'reports-api',
    });
    const otherUrl = await listen(other);
    try {
      const res = await fetch(`${otherUrl}/reports`, {
        headers: { authorization: `Bearer ${await t.gatehouse.templates.mint('reports', actor, CTX)}` },
      });
      assert.equal(res.status, 401);
    } finally {
      other.close();
    }
  });

  test("the app's keys cannot be fetched: 503, not a pass and not a crash", async () => {
    const unreachable = createServer();
    const closedUrl = await listen(unreachable);
    unreachable.close();
    const blind = createReportsServer({ jwksUrl: `${closedUrl}/.well-known/jwks.json`, issuer, audience: 'reports-api' });
    const blindUrl = await listen(blind);
    try {
      const res = await fetch(`${blindUrl}/reports`, {
        headers: { authorization: `Bearer ${await t.gatehouse.templates.mint('reports', actor, CTX)}` },
      });
      assert.equal(res.status, 503);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'keys_unavailable');
    } finally {
      blind.close();
    }
  });
});
