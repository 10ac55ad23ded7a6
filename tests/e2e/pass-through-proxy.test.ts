// Issue #5's acceptance on the reference app: pages, route handlers and server actions guard
// themselves. The example is copied to apps/.example-pass-through (gitignored, inside the repo so
// node_modules resolve), its proxy.ts replaced by one that lets every request through untouched,
// built and started; then every protected page, route handler and server action must still refuse
// anonymous and under-privileged requests with the right status, and write nothing. One extra
// `next build` (about half a minute).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { EXAMPLE_PROTECTED_PAGES, startAppServer, type AppServer } from '../../test-support/app-server.js';
import { demoSession } from '../../test-support/demo-session.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SOURCE = join(ROOT, 'apps', 'example');
const COPY = join(ROOT, 'apps', '.example-pass-through');
const PROTECTED_PAGES = [...EXAMPLE_PROTECTED_PAGES, '/accept-invitation', '/webhooks'];

const PASS_THROUGH = `// Test double: a proxy that checks nothing, so only the app's own guards stand.
import { NextResponse } from 'next/server';

export default function proxy() {
  return NextResponse.next();
}
`;

describe('the example with a pass-through proxy still refuses what it must', () => {
  let app: AppServer;
  const actions: Record<string, string> = {};

  before(async () => {
    rmSync(COPY, { recursive: true, force: true });
    cpSync(SOURCE, COPY, {
      recursive: true,
      filter: (src) => !/[\\/](\.next|node_modules|\.gatehouse)$/.test(src),
    });
    writeFileSync(join(COPY, 'proxy.ts'), PASS_THROUGH);
    const build = spawnSync(join(ROOT, 'node_modules', '.bin', 'next'), ['build'], {
      cwd: COPY,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
      encoding: 'utf8',
    });
    assert.equal(build.status, 0, `next build of the pass-through copy failed:\n${build.stdout}\n${build.stderr}`);
    const manifest = JSON.parse(readFileSync(join(COPY, '.next', 'server', 'server-reference-manifest.json'), 'utf8')) as {
      node: Record<string, { exportedName?: string }>;
    };
    for (const [id, entry] of Object.entries(manifest.node)) if (entry.exportedName) actions[entry.exportedName] = id;
    assert.ok(actions.createProjectAction && actions.deleteProjectAction, 'the dashboard actions are in the build');
    app = await startAppServer({ appDir: COPY, env: { GATEHOUSE_DEMO: '1' } });
  });

  after(async () => {
    if (app) {
      if (process.exitCode) console.error(app.output());
      await app.stop();
    }
    rmSync(COPY, { recursive: true, force: true });
  });

  /** A session cookie for `email`, with `org` active (through the auth API, which needs no proxy). */
  const session = async (email: string, org: string) => (await demoSession(app.baseUrl, email, org)).cookie;

  const page = (path: string, cookie?: string) =>
    fetch(`${app.baseUrl}${path}`, {
      redirect: 'manual',
      headers: { accept: 'text/html', 'sec-fetch-dest': 'document', ...(cookie ? { cookie } : {}) },
    });

  /** Calls a server action the way the browser does (Next-Action header; the arguments as a reply). */
  const action = (name: string, cookie?: string) =>
    fetch(`${app.baseUrl}/dashboard`, {
      method: 'POST',
      headers: {
        'next-action': actions[name]!,
        'content-type': 'text/plain;charset=UTF-8',
        accept: 'text/x-component',
        origin: app.baseUrl,
        ...(cookie ? { cookie } : {}),
      },
      body: JSON.stringify([{}, {}]),
    });

  const projectCount = () => {
    const db = new BetterSqlite3(join(app.databaseFile, '..', 'app.db'), { readonly: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM projects').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  test('the proxy really is a pass-through: the copy is built from it', () => {
    assert.equal(readFileSync(join(COPY, 'proxy.ts'), 'utf8'), PASS_THROUGH);
  });

  test('every protected page sends an anonymous visitor to sign-in with a same-origin redirect_url', async () => {
    for (const path of PROTECTED_PAGES) {
      const res = await page(path);
      assert.equal(res.status, 307, path);
      const location = new URL(res.headers.get('location')!, app.baseUrl);
      assert.equal(location.pathname, '/sign-in', path);
      assert.equal(location.origin, app.baseUrl, path);
      // Without the proxy the page does not learn its own path, so the return address is the
      // landing page; what matters here is that it stays a same-origin path.
      assert.match(location.searchParams.get('redirect_url') ?? '', /^\/(?!\/)/, path);
    }
  });

  test('under-privileged pages: /admin and another org are the 404 page for bob; alice gets /admin', async () => {
    const bob = await session('bob@example.com', 'acme');
    assert.equal((await page('/admin', bob)).status, 404);
    assert.equal((await page('/orgs/globex', bob)).status, 404);
    assert.equal((await page('/webhooks', bob)).status, 404);
    assert.equal((await page('/dashboard', bob)).status, 200);
    assert.equal((await page('/admin', await session('alice@example.com', 'acme'))).status, 200);
  });

  test('route handlers: 401 anonymous, 403 without the permission, nothing written', async () => {
    const before = projectCount();
    assert.equal((await fetch(`${app.baseUrl}/api/me`)).status, 401);
    assert.equal((await fetch(`${app.baseUrl}/api/projects`)).status, 401);
    const post = (cookie?: string) =>
      fetch(`${app.baseUrl}/api/projects`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
        body: JSON.stringify({ name: 'should not exist' }),
      });
    assert.equal((await post()).status, 401);
    const carol = await session('carol@example.com', 'acme');
    assert.equal((await post(carol)).status, 403);
    const list = (await (await fetch(`${app.baseUrl}/api/projects`, { headers: { cookie: carol } })).json()) as {
      projects: { id: string }[];
    };
    const id = list.projects[0]!.id;
    assert.equal((await fetch(`${app.baseUrl}/api/projects/${id}`, { method: 'DELETE' })).status, 401);
    assert.equal((await fetch(`${app.baseUrl}/api/projects/${id}`, { method: 'DELETE', headers: { cookie: carol } })).status, 403);
    const bob = await session('bob@example.com', 'acme');
    assert.equal((await fetch(`${app.baseUrl}/api/projects/${id}`, { method: 'DELETE', headers: { cookie: bob } })).status, 403);
    assert.equal(projectCount(), before);
  });

  test('server actions: 401 anonymous, 403 without the permission, nothing written', async () => {
    const before = projectCount();
    assert.equal((await action('createProjectAction')).status, 401);
    assert.equal((await action('deleteProjectAction')).status, 401);
    assert.equal((await action('createProjectAction', await session('carol@example.com', 'acme'))).status, 403);
    assert.equal((await action('deleteProjectAction', await session('bob@example.com', 'acme'))).status, 403);
    assert.equal(projectCount(), before);
  });
});
