// The OpenAPI document (issue #9): valid OpenAPI 3.1 (checked by @readme/openapi-parser), served at /v1/openapi.json, checked in as docs/openapi.json (stale fails), and matching the real router both ways.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { validate } from '@readme/openapi-parser';
import { generateSecretKey } from '@gatehouse/server';
import { documentedRoutes, openApiDocument, type DocumentedRoute } from '../src/http/openapi.js';
import { API, ORIGIN, PASSWORD, createTestInstance, send, type TestInstance } from '../../../test-support/instance.js';
import { member } from '../../../test-support/org-setup.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const CHECKED_IN = new URL('../../../docs/openapi.json', import.meta.url);
const SECRET_KEY = generateSecretKey();
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Syntactically valid ids that name nothing: the router dispatches, the use case answers. */
const SAMPLE: Record<string, string> = {
  sessionId: `sess_${'a'.repeat(26)}`,
  organizationId: `org_${'a'.repeat(26)}`,
  userId: `user_${'a'.repeat(26)}`,
  invitationId: `orginv_${'a'.repeat(26)}`,
  key: encodeURIComponent('org:editor'),
  name: 'nothing',
  endpointId: `wh_${'a'.repeat(26)}`,
  deliveryId: `whd_${'a'.repeat(26)}`,
};

describe('OpenAPI document', () => {
  let t: TestInstance;
  let adminToken: string;
  before(async () => {
    t = await createTestInstance({ devInbox: true, secretKeys: [SECRET_KEY] });
    const admin = await member(t, 'admin@example.com');
    await t.gatehouse.users.setInstanceAdmin(admin.userId, true);
    adminToken = decodeURIComponent(/__session=([^;]+)/.exec(admin.jar.header())?.[1] ?? '');
    assert.ok(adminToken);
  });
  after(() => t.close());

  test('is valid OpenAPI 3.1', async () => {
    const result = await validate(structuredClone(openApiDocument(VERSION)) as never);
    assert.equal(result.valid, true, result.valid ? '' : JSON.stringify(result.errors, null, 2));
    assert.equal(result.specification, 'OpenAPI');
    assert.equal(openApiDocument().openapi, '3.1.0');
  });

  test('docs/openapi.json is the generated document (run `npm run openapi` after changing a route)', () => {
    const expected = `${JSON.stringify(openApiDocument(VERSION), null, 2)}\n`;
    assert.equal(readFileSync(CHECKED_IN, 'utf8'), expected, 'docs/openapi.json is stale: run `npm run openapi`');
  });

  test('is served at GET /api/gatehouse/v1/openapi.json without signing in', async () => {
    const res = await t.gatehouse.handle(new Request(`${ORIGIN}${API}/v1/openapi.json`));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), JSON.parse(JSON.stringify(openApiDocument())));
  });

  test('request bodies come from the schemas the routes validate with', () => {
    const doc = openApiDocument() as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
    };
    const signUp = doc.paths['/sign-up']?.post?.requestBody?.content['application/json']?.schema as {
      properties: Record<string, unknown>;
      additionalProperties: boolean;
    };
    assert.deepEqual(Object.keys(signUp.properties).sort(), ['email', 'firstName', 'lastName', 'password']);
    assert.equal(signUp.additionalProperties, false);
    const settings = doc.paths['/v1/backend/instance/settings']?.patch?.requestBody?.content['application/json']?.schema as {
      properties: Record<string, unknown>;
    };
    assert.ok('sessionLifetimeSeconds' in settings.properties);
  });

  /** Whether the router serves `method path`: anything but its "No such endpoint." 404 or a 405. */
  /** Calls `method path` of the API (`/.well-known/…` at the root), same-origin when it changes state. */
  function call(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Response> {
    if (method !== 'GET') headers.origin = ORIGIN;
    const url = path.startsWith('/.well-known/') ? `${ORIGIN}${path}` : `${ORIGIN}${API}${path}`;
    return t.gatehouse.handle(new Request(url, { method, headers, ...(body === undefined ? {} : { body }) }));
  }

  /** A documented path with each `{name}` filled in from SAMPLE. */
  const concrete = (path: string): string => path.replace(/\{(\w+)\}/g, (_, name: string) => SAMPLE[name] ?? 'x');

  async function dispatches(method: string, path: string): Promise<boolean> {
    const backend = path.startsWith('/v1/backend/');
    const res = await call(method, path, { authorization: `Bearer ${backend ? SECRET_KEY : adminToken}` });
    const text = await res.text();
    if (res.status === 405) return false;
    return !(res.status === 404 && text.includes('No such endpoint.'));
  }

  test('every documented route is served, and every method the router serves on a documented path is documented', async () => {
    const routes = documentedRoutes();
    const documented = new Set(routes.map((r) => `${r.method} ${r.path}`));
    const problems: string[] = [];
    for (const path of new Set(routes.map((r) => r.path))) {
      const filled = concrete(path);
      for (const method of METHODS) {
        const served = await dispatches(method, filled);
        if (served && !documented.has(`${method} ${path}`)) problems.push(`undocumented: ${method} ${path}`);
        if (!served && documented.has(`${method} ${path}`)) problems.push(`documented but not served: ${method} ${path}`);
      }
    }
    assert.deepEqual(problems, []);
    // The probe can fail: an unknown path and a wrong method are told apart from a route.
    assert.equal(await dispatches('GET', '/no/such/route'), false);
    assert.equal(await dispatches('DELETE', '/sign-in'), false);
  });

  /** The status a route answers to a caller with no credentials and an empty JSON object (or no body). */
  async function anonymousStatus(route: DocumentedRoute, path: string): Promise<number> {
    const withBody = route.body !== undefined && route.method !== 'GET' && route.method !== 'DELETE';
    const res = await call(route.method, path, withBody ? { 'content-type': 'application/json' } : {}, withBody ? '{}' : undefined);
    await res.arrayBuffer();
    return res.status;
  }

  test('what each route answers an anonymous caller is among its documented responses', async () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    const problems: string[] = [];
    for (const route of documentedRoutes()) {
      const filled = concrete(route.path);
      const status = await anonymousStatus(route, filled);
      const documented = Object.keys(doc.paths[route.path]?.[route.method.toLowerCase()]?.responses ?? {});
      if (status >= 300 && status < 400) continue; // a page route redirecting to sign-in
      if (!documented.includes(String(status)))
        problems.push(`${route.method} ${route.path} answered ${status}, documented ${documented.join(',')}`);
    }
    assert.deepEqual(problems, []);
  });

  test('the refusals of the credential routes are documented: a wrong password, an unknown client token, a taken address', async () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    const probes: { path: string; json: unknown; status: number; code: string }[] = [
      { path: '/sign-in', json: { email: 'admin@example.com', password: 'not the password' }, status: 401, code: 'invalid_credentials' },
      {
        path: '/app/client-refresh',
        json: { clientToken: `client_${'a'.repeat(26)}.${'b'.repeat(43)}` },
        status: 401,
        code: 'client_invalid',
      },
      { path: '/sign-up', json: { email: 'admin@example.com', password: PASSWORD }, status: 409, code: 'identifier_exists' },
    ];
    for (const probe of probes) {
      const res = await send(t, `${API}${probe.path}`, { json: probe.json });
      assert.equal(res.status, probe.status, `${probe.path}: ${res.text}`);
      assert.equal((res.body as { error: { code: string } }).error.code, probe.code);
      assert.ok(`${probe.status}` in (doc.paths[probe.path]?.post?.responses ?? {}), `${probe.path} does not document ${probe.status}`);
    }
  });
});
