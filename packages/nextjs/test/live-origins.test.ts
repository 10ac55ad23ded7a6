// The allowed origins are an instance setting: a change through the backend API governs the Node
// proxy (embedded, and a standalone app's port to the same service) and the edge middleware on the
// next request (the defect was a copy captured at boot). A real embedded instance on a temp SQLite
// file, served over HTTP.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NextRequest, type NextFetchEvent } from 'next/server.js';
import type * as EdgeModule from '../dist/server/edge.js';
import { openPorts } from '../../../test-support/ports.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-origins-'));
process.env.GATEHOUSE_DATABASE_FILE = join(dir, 'gatehouse.db');
process.env.GATEHOUSE_DEV_SECRET = '1';
// Sign-up signs in at once here: these tests are about the proxy, not the address check.
process.env.GATEHOUSE_EMAIL_VERIFICATION = 'off';

const server = await import('@gatehouse/server');
const SECRET_KEY = server.generateSecretKey();
process.env.GATEHOUSE_SECRET_KEY = SECRET_KEY;
const node = await import('@gatehouse/nextjs/server');
const here = dirname(fileURLToPath(import.meta.url));
const edge = (await import(resolve(here, '../dist/server/edge.js'))) as typeof EdgeModule;

const PARTNER = 'https://partner.example';
const event = { waitUntil() {} } as unknown as NextFetchEvent;
const FETCH = { 'sec-fetch-dest': 'empty', accept: 'application/json', 'content-type': 'application/json' };

let origin = '';
let cookie = '';
const http = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
    const body = chunks.length > 0 && req.method !== 'GET' && req.method !== 'HEAD' ? Buffer.concat(chunks) : undefined;
    void server
      .getGatehouse()
      .then((g) => g.handle(new Request(`${origin}${req.url}`, { method: req.method, headers, body })))
      .then(
        async (response) => {
          const out: Record<string, string | string[]> = Object.fromEntries([...response.headers].filter(([n]) => n !== 'set-cookie'));
          out['set-cookie'] = response.headers.getSetCookie();
          res.writeHead(response.status, out);
          res.end(Buffer.from(await response.arrayBuffer()));
        },
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
  });
});

const seen: string[] = [];
const nodeProxy = node.gatehouseMiddleware(async (auth) => {
  seen.push(`node:${(await auth()).userId ?? 'none'}`);
});
const edgeMiddleware = edge.gatehouseMiddleware(async (auth) => {
  seen.push(`edge:${(await auth()).userId ?? 'none'}`);
});
let ports: Awaited<ReturnType<typeof openPorts>>;
let standaloneProxy: typeof nodeProxy;

/** A cookie-carrying write to one of the app's routes from the partner's origin. */
const partnerWrite = () =>
  new NextRequest(`${origin}/api/projects`, { method: 'POST', headers: { ...FETCH, origin: PARTNER, cookie }, body: '{}' });

async function outcome(middleware: typeof nodeProxy): Promise<'refused' | 'passed'> {
  seen.length = 0;
  const res = await middleware(partnerWrite(), event);
  if (res.status === 403) {
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'csrf_rejected');
    assert.equal(seen.length, 0, 'the handler never ran');
    return 'refused';
  }
  assert.equal(res.headers.get('x-middleware-next'), '1', `${res.status}`);
  assert.equal(seen.length, 1);
  return 'passed';
}

async function setAllowedOrigins(origins: string[]): Promise<void> {
  const client = server.createBackendHttpClient({ serviceUrl: `${origin}/api/gatehouse`, secretKey: SECRET_KEY });
  await client.instance.updateSettings({ allowedOrigins: origins });
  const config = (await (await fetch(`${origin}/api/gatehouse/config`)).json()) as { allowedOrigins: string[] };
  assert.deepEqual(config.allowedOrigins, origins);
}

before(async () => {
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  ports = await openPorts(await server.getGatehouse());
  standaloneProxy = node.gatehouseMiddleware(
    async (auth) => {
      seen.push(`standalone:${(await auth()).userId ?? 'none'}`);
    },
    { backend: ports.get('standalone') },
  );
  const res = await fetch(`${origin}/api/gatehouse/sign-up`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ email: 'origins@example.com', password: 'correct horse battery staple' }),
  });
  assert.equal(res.status, 200);
  cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
});

after(async () => {
  await ports.close();
  http.closeAllConnections();
  await new Promise((done) => http.close(done));
  await (await server.getGatehouse()).close();
  rmSync(dir, { recursive: true, force: true });
});

describe('allowed origins changed at run time', () => {
  test('GET {basePath}/config serves the live settings without caching', async () => {
    const res = await fetch(`${origin}/api/gatehouse/config`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['allowedOrigins', 'basePath', 'clientMaxAgeSeconds', 'trustedProxyHops']);
    assert.equal(body.basePath, '/api/gatehouse');
  });

  test('an origin added through the backend API may write on the next request; removed, it is refused again', async () => {
    const all = { node: nodeProxy, standalone: standaloneProxy, edge: edgeMiddleware };
    for (const [name, middleware] of Object.entries(all)) assert.equal(await outcome(middleware), 'refused', name);

    await setAllowedOrigins([PARTNER]);
    for (const [name, middleware] of Object.entries(all))
      assert.equal(await outcome(middleware), 'passed', `${name} reads the setting on the next request`);

    await setAllowedOrigins([]);
    for (const [name, middleware] of Object.entries(all))
      assert.equal(await outcome(middleware), 'refused', `${name}: a removed origin loses cookie-carrying writes at once`);
  });

  test('the auth API itself follows the same setting', async () => {
    const write = () =>
      fetch(`${origin}/api/gatehouse/sign-out`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: PARTNER, cookie },
      });
    const refused = await write();
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'csrf_rejected');
    await setAllowedOrigins([PARTNER]);
    const passed = await write();
    assert.notEqual(passed.status, 403);
  });
});
