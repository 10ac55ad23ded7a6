// The proxy behind a real HTTP server with the request hook installed, as in `next start`: a request
// it passes on unchanged goes without Next's header override, its path recorded in the request's
// scope; client-sent internal headers never get through; a scope serves only its own request; a
// request whose cookies change still goes through the override. A real embedded instance on a temp
// SQLite file.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NextRequest, type NextFetchEvent } from 'next/server.js';
import { closeProcessInstance, processSignUp, useProcessInstance } from '../../../test-support/ports.js';
import { installRequestHook, passedOnPath } from '../src/server/request-hook.js';
import { resetMiddlewareWarning, warnIfMiddlewareSkipped } from '../src/server/setup-errors.js';
import { PATH_HEADER, REQUEST_HEADER } from '../src/server/settings.js';

const dir = useProcessInstance('gatehouse-scope-', { GATEHOUSE_ALLOWED_ORIGINS: 'http://localhost:3000' });

const { embeddedBackend, getGatehouse } = await import('@gatehouse/server');
const { createRouteMatcher, gatehouseMiddleware } = await import('@gatehouse/nextjs/server');

const ORIGIN = 'http://localhost:3000';
const event = { waitUntil() {} } as unknown as NextFetchEvent;
const isPublic = createRouteMatcher(['/', '/sign-in(.*)']);

/** What one request looked like after the proxy, seen from the app's side of the same request. */
interface Seen {
  status: number;
  next: string | null;
  overridden: string[];
  /** The headers the app gets: the request's own when nothing was overridden, else the override's. */
  downstream: Record<string, string>;
  passedOnPath: string | null;
  warned: boolean;
  /** passedOnPath for headers that carry another request's number, inside this request's scope. */
  foreignPath: string | null;
}

let server: http.Server;
let base: string;
let session: string;
let client: string;

before(async () => {
  ({ session, client } = await processSignUp('scope@example.com'));
  const proxy = gatehouseMiddleware(
    async (auth, req) => {
      if (!isPublic(req)) await auth.protect();
    },
    { backend: embeddedBackend(await getGatehouse()) },
  );
  installRequestHook();
  server = http.createServer((req, res) => {
    void (async () => {
      const incoming = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') incoming.set(name, value);
      const response = await proxy(new NextRequest(`${ORIGIN}${req.url}`, { headers: incoming }), event);
      const overridden = (response.headers.get('x-middleware-override-headers') ?? '').split(',').filter(Boolean);
      const downstream = overridden.length
        ? new Headers(overridden.map((n): [string, string] => [n, response.headers.get(`x-middleware-request-${n}`) ?? '']))
        : incoming;
      resetMiddlewareWarning();
      const seen: Seen = {
        status: response.status,
        next: response.headers.get('x-middleware-next'),
        overridden,
        downstream: Object.fromEntries(downstream),
        passedOnPath: passedOnPath(downstream),
        warned: warnIfMiddlewareSkipped(downstream, () => undefined),
        foreignPath: passedOnPath(new Headers({ [REQUEST_HEADER]: `${incoming.get(REQUEST_HEADER)}0` })),
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(seen));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise((resolve) => server.close(resolve));
  await closeProcessInstance(dir);
});

async function through(path: string, headers: Record<string, string>): Promise<Seen> {
  const res = await fetch(`${base}${path}`, { headers: { accept: 'application/json', ...headers } });
  assert.equal(res.status, 200);
  return (await res.json()) as Seen;
}

describe('the request scope (proxy behind the request hook)', () => {
  test('a signed-in request passed on unchanged: no header override, the path in its scope, no warning', async () => {
    const seen = await through('/dashboard?tab=1', { cookie: `__session=${encodeURIComponent(session)}` });
    assert.equal(seen.next, '1');
    assert.deepEqual(seen.overridden, [], 'no override');
    assert.equal(seen.passedOnPath, '/dashboard?tab=1');
    assert.equal(seen.warned, false);
    assert.equal(seen.downstream[PATH_HEADER], undefined);
    assert.match(seen.downstream[REQUEST_HEADER] ?? '', /^\d+$/);
  });

  test('client-sent internal headers never reach the proxy or the app; a forged request number is replaced', async () => {
    const seen = await through('/dashboard', {
      cookie: `__session=${encodeURIComponent(session)}`,
      [PATH_HEADER]: '//evil.example',
      [REQUEST_HEADER]: '1',
      'x-clerk-auth-status': 'signed-in',
      'x-gatehouse-user': 'user_admin',
    });
    assert.equal(seen.next, '1');
    assert.deepEqual(seen.overridden, []);
    assert.equal(seen.passedOnPath, '/dashboard');
    for (const name of [PATH_HEADER, 'x-clerk-auth-status', 'x-gatehouse-user']) assert.equal(seen.downstream[name], undefined, name);
    assert.notEqual(seen.downstream[REQUEST_HEADER], '1');
  });

  test("a scope serves only its own request: another request's number finds nothing", async () => {
    const seen = await through('/dashboard', { cookie: `__session=${encodeURIComponent(session)}` });
    assert.equal(seen.passedOnPath, '/dashboard');
    assert.equal(seen.foreignPath, null);
    assert.equal(passedOnPath(new Headers({ [REQUEST_HEADER]: seen.downstream[REQUEST_HEADER]! })), null, 'outside the request');
  });

  test('signed out on a protected API: refused by the proxy as before', async () => {
    const seen = await through('/api/me', {});
    assert.equal(seen.status, 401);
    assert.equal(seen.next, null);
  });

  test('a session refreshed in place: the new cookie goes downstream through the override, with the path header', async () => {
    const seen = await through('/dashboard', { cookie: `__client=${encodeURIComponent(client)}` });
    assert.equal(seen.next, '1');
    assert.ok(seen.overridden.includes('cookie'));
    assert.match(seen.downstream.cookie ?? '', /__session=/);
    assert.equal(seen.downstream[PATH_HEADER], '/dashboard');
    assert.equal(seen.downstream[REQUEST_HEADER], undefined, 'the override drops the request number');
    assert.equal(seen.passedOnPath, null);
    assert.equal(seen.warned, false);
  });
});
