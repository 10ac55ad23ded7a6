// The proxy in-process: protect() outcomes per request kind, encoded paths, refresh in place,
// organizationSyncOptions, and forged internal headers. A real embedded instance on a temp SQLite file,
// and the same cases through a standalone app's port to it served over HTTP (issue #14: one seam).

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { base64url } from 'jose';
import { NextRequest, type NextFetchEvent } from 'next/server.js';
import type { GatehouseBackend as Port } from '@gatehouse/server';
import { MODES, portsOfFile, useProcessInstance } from '../../../test-support/ports.js';

// Sign-up signs in at once here: these tests are about the proxy, not the address check.
const dir = useProcessInstance('gatehouse-mw-', {
  // The app's own sign-in page (without it, redirects go to the hosted page; see hosted-pages.test.ts).
  NEXT_PUBLIC_GATEHOUSE_SIGN_IN_URL: '/sign-in',
  // The standalone app's calls to the service carry the app's origin (it becomes `azp`).
  GATEHOUSE_ALLOWED_ORIGINS: 'http://localhost:3000',
});

const { getGatehouse } = await import('@gatehouse/server');
const { createRouteMatcher, gatehouseMiddleware, clerkMiddleware } = await import('@gatehouse/nextjs/server');

const ORIGIN = 'http://localhost:3000';
const event = { waitUntil() {} } as unknown as NextFetchEvent;
const PAGE = { 'sec-fetch-dest': 'document', accept: 'text/html' };
const API = { 'sec-fetch-dest': 'empty', accept: 'application/json' };
const payload = (jwt: string) => JSON.parse(new TextDecoder().decode(base64url.decode(jwt.split('.')[1]!))) as Record<string, unknown>;

const isPublic = createRouteMatcher(['/', '/sign-in(.*)', '/orgs/(.*)']);
const isAdmin = createRouteMatcher(['/admin(.*)']);
const makeProxy = (backend: Port) =>
  gatehouseMiddleware(
    async (auth, req) => {
      if (isAdmin(req)) await auth.protect({ role: 'org:admin' });
      else if (!isPublic(req)) await auth.protect();
    },
    {
      organizationSyncOptions: { organizationPatterns: ['/orgs/:slug', '/orgs/:slug/(.*)'], personalAccountPatterns: ['/me', '/me/(.*)'] },
      backend,
    },
  );

function request(path: string, headers: Record<string, string> = {}, cookie?: string) {
  return new NextRequest(`${ORIGIN}${path}`, { headers: { ...headers, ...(cookie ? { cookie } : {}) } });
}
/** The request headers the proxy hands to the page (Next's override mechanism). */
function forwarded(response: Response): Map<string, string> {
  const names = (response.headers.get('x-middleware-override-headers') ?? '').split(',').filter(Boolean);
  return new Map(names.map((n) => [n, response.headers.get(`x-middleware-request-${n}`) ?? '']));
}
const cookieValue = (setCookies: string[], name: string) =>
  setCookies
    .find((c) => c.startsWith(`${name}=`))
    ?.split(';')[0]!
    .slice(name.length + 1);

/** A new browser signing up (once) or in as the test user: the user id, session token and client token. */
async function enter(path: '/sign-up' | '/sign-in'): Promise<{ userId: string; session: string; client: string }> {
  const gatehouse = await getGatehouse();
  const res = await gatehouse.handle(
    new Request(`${ORIGIN}/api/gatehouse${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN },
      body: JSON.stringify({ email: 'mw@example.com', password: 'correct horse battery staple' }),
    }),
  );
  assert.equal(res.status, 200);
  return {
    userId: ((await res.json()) as { user: { id: string } }).user.id,
    session: decodeURIComponent(cookieValue(res.headers.getSetCookie(), '__session')!),
    client: decodeURIComponent(cookieValue(res.headers.getSetCookie(), '__client')!),
  };
}

let session: string;
let client: string;
let userId: string;

before(async () => {
  ({ userId, session, client } = await enter('/sign-up'));
  const db = new BetterSqlite3(process.env.GATEHOUSE_DATABASE_FILE!);
  const now = Date.now();
  db.prepare('INSERT INTO organizations (id, name, slug, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(
    'org_acme',
    'Acme',
    'acme',
    now,
    now,
  );
  db.prepare('INSERT INTO organizations (id, name, slug, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(
    'org_globex',
    'Globex',
    'globex',
    now,
    now,
  );
  db.prepare('INSERT INTO memberships (id, organization_id, user_id, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    'orgmem_1',
    'org_acme',
    userId,
    'org:member',
    now,
    now,
  );
  db.close();
});

const ports = portsOfFile(dir);

for (const mode of MODES) {
  describe(`gatehouseMiddleware in-process, ${mode}`, () => {
    let proxy: ReturnType<typeof makeProxy>;
    before(async () => {
      proxy = makeProxy(ports().get(mode));
      // A browser of its own per mode: the other mode's organization switches made its tokens stale.
      ({ session, client } = await enter('/sign-in'));
    });

    describe('auth.protect() outcomes', () => {
      test('signed out, page: 307 to sign-in with a same-origin redirect_url', async () => {
        const res = await proxy(request('/dashboard?tab=1', PAGE), event);
        assert.equal(res.status, 307);
        assert.equal(res.headers.get('location'), `${ORIGIN}/sign-in?redirect_url=%2Fdashboard%3Ftab%3D1`);
      });

      test('signed out, API request: 401 JSON with WWW-Authenticate', async () => {
        const res = await proxy(request('/api/data', API), event);
        assert.equal(res.status, 401);
        assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="gatehouse"');
        assert.deepEqual(await res.json(), { error: { code: 'unauthenticated', message: 'Sign in to access this resource.' } });
      });

      test('signed out, server action: 401', async () => {
        const res = await proxy(request('/dashboard', { 'next-action': 'abc123', accept: 'text/x-component' }), event);
        assert.equal(res.status, 401);
      });

      test('signed in without the role, page: the 404 page (a rewrite), API: 403 JSON', async () => {
        const page = await proxy(request('/admin', PAGE, `__session=${session}`), event);
        assert.equal(page.status, 404);
        assert.match(page.headers.get('x-middleware-rewrite') ?? '', /\/_gatehouse\/not-found-/);
        const api = await proxy(request('/admin/api', API, `__session=${session}`), event);
        assert.equal(api.status, 403);
        assert.deepEqual(await api.json(), {
          error: { code: 'forbidden', message: 'You do not have permission to access this resource.' },
        });
      });

      test('signed in: the request goes through, with the token the page will verify itself', async () => {
        const res = await proxy(request('/dashboard', PAGE, `__session=${session}`), event);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('x-middleware-next'), '1');
      });

      test('both Clerk call forms work: bare and options-only authenticate without protecting', async () => {
        // The bare form reads the process-wide port (the embedded instance here).
        if (mode === 'embedded') assert.equal((await clerkMiddleware(request('/dashboard', PAGE), event)).status, 200);
        const optionsOnly = await gatehouseMiddleware({ debug: false, backend: ports().get(mode) })(request('/dashboard', PAGE), event);
        assert.equal(optionsOnly.status, 200);
      });
    });

    describe('encoded path variants cannot bypass /admin(.*)', () => {
      for (const path of ['/%61dmin', '//admin', '/ADMIN/', '/admin%2F..', '/Admin/x', '/admin/']) {
        test(`${path} is protected`, async () => {
          const res = await proxy(request(path, API), event);
          assert.equal(res.status, 401, path);
        });
      }
      test('/%zz (malformed percent-encoding) is a 400, not a crash or a pass', async () => {
        const res = await proxy(request('/%zz', API), event);
        assert.equal(res.status, 400);
      });
    });

    describe('forged headers', () => {
      test('internal-looking headers are stripped before the page sees them; x-middleware-subrequest grants nothing', async () => {
        const res = await proxy(
          request('/dashboard', {
            ...PAGE,
            'x-gatehouse-path': '//evil.example',
            'x-clerk-auth-status': 'signed-in',
            'x-gatehouse-user': 'user_admin',
          }),
          event,
        );
        assert.equal(res.status, 307);
        const sub = await proxy(
          request('/dashboard', { ...PAGE, 'x-middleware-subrequest': 'middleware:middleware:middleware:middleware:middleware' }),
          event,
        );
        assert.equal(sub.status, 307);
        const ok = await proxy(
          request('/dashboard', { ...PAGE, 'x-clerk-auth-status': 'signed-out', 'x-gatehouse-user': 'x' }, `__session=${session}`),
          event,
        );
        const headers = forwarded(ok);
        assert.equal(headers.has('x-clerk-auth-status'), false);
        assert.equal(headers.has('x-gatehouse-user'), false);
        assert.equal(headers.get('x-gatehouse-path'), '/dashboard');
      });
    });

    describe('refresh in place', () => {
      test('no __session but a valid __client: refreshed in this request, cookies set, the page gets the new token', async () => {
        const res = await proxy(request('/dashboard', PAGE, `__client=${encodeURIComponent(client)}`), event);
        assert.equal(res.status, 200);
        const fresh = cookieValue(res.headers.getSetCookie(), '__session');
        assert.ok(fresh);
        assert.equal(payload(decodeURIComponent(fresh)).sub, userId);
        assert.match(forwarded(res).get('cookie') ?? '', new RegExp(`__session=${fresh!.slice(0, 20)}`));
      });

      test('an unknown client cookie clears both cookies and stays signed out', async () => {
        const fake = `client_${'a'.repeat(26)}.${'b'.repeat(43)}`;
        const res = await proxy(request('/dashboard', PAGE, `__client=${fake}`), event);
        assert.equal(res.status, 307);
        const set = res.headers.getSetCookie();
        assert.ok(set.some((c) => c.startsWith('__client=;') && /Max-Age=0/.test(c)));
      });
    });

    describe('organizationSyncOptions', () => {
      test('a member visiting /orgs/acme gets acme activated in the same request', async () => {
        const res = await proxy(request('/orgs/acme/settings', PAGE, `__session=${session}`), event);
        assert.equal(res.status, 200);
        const token = decodeURIComponent(cookieValue(res.headers.getSetCookie(), '__session')!);
        assert.deepEqual((payload(token).o as { slg: string }).slg, 'acme');
        assert.match(forwarded(res).get('cookie') ?? '', /__session=/);
        // Back on /me the personal account is active again.
        const me = await proxy(request('/me', PAGE, `__session=${token}`), event);
        const personal = decodeURIComponent(cookieValue(me.headers.getSetCookie(), '__session')!);
        assert.equal(payload(personal).o, undefined);
      });

      test('a non-member visiting /orgs/globex keeps the current org (nothing switched, nothing written)', async () => {
        const gatehouse = await getGatehouse();
        const before = (await gatehouse.store.listAudit({ action: 'session.organization_changed' })).length;
        // A session of its own: the switches above made the other one's tokens stale (it would be signed out here).
        const fresh = (await enter('/sign-in')).session;
        const res = await proxy(request('/orgs/globex', PAGE, `__session=${fresh}`), event);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('x-middleware-next'), '1', 'signed in, the page runs');
        assert.equal(cookieValue(res.headers.getSetCookie(), '__session'), undefined);
        assert.equal((await gatehouse.store.listAudit({ action: 'session.organization_changed' })).length, before);
      });

      test('a session the service has revoked is signed out there, not an error (standalone apps hear of it late without Redis)', async () => {
        const gatehouse = await getGatehouse();
        const fresh = (await enter('/sign-in')).session;
        await gatehouse.sessions.revokeSession(String(payload(fresh).sid), { ip: null, userAgent: null, origin: null });
        const switches = (await gatehouse.store.listAudit({ action: 'session.organization_changed' })).length;
        const seen: (string | null)[] = [];
        const watching = gatehouseMiddleware(
          async (auth) => {
            seen.push((await auth()).userId);
          },
          { organizationSyncOptions: { organizationPatterns: ['/orgs/:slug'] }, backend: ports().get(mode) },
        );
        const res = await watching(request('/orgs/acme', PAGE, `__session=${fresh}`), event);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('x-middleware-next'), '1', 'the public page runs');
        assert.deepEqual(seen, [null], 'signed out');
        assert.equal(cookieValue(res.headers.getSetCookie(), '__session'), undefined, 'no token minted for it');
        assert.equal((await gatehouse.store.listAudit({ action: 'session.organization_changed' })).length, switches, 'nothing switched');
      });
    });
  });
}
