// The reference app's acceptance run (issue #6) in headless Chromium on the production build, with
// the demo data and the reports service as its own process: alice (admin of Acme), bob (member)
// and carol (viewer of Acme, admin of Globex) sign in, see the navigation of their role, create /
// list / delete projects as their permissions allow (UI and API: 401/400/403/404/200), switch
// organizations, read the reports service through a `reports` template token and sign out. A
// signed-out visit to every protected page lands on sign-in with a same-origin redirect_url and
// comes back after signing in; public routes never loop, signed in or not; another origin may
// call the API with a bearer token (CORS). Needs `npm run build` and /usr/bin/chromium.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { EXAMPLE_PROTECTED_PAGES, type AppServer } from '../../test-support/app-server.js';
import { fillCredentials, startAppWithBrowser } from '../../test-support/browser-app.js';
import { DEMO_PASSWORD as PASSWORD, demoSession } from '../../test-support/demo-session.js';
import { reportsPort, startReportsService, type ReportsService } from '../../test-support/reports-service.js';

const OTHER_ORIGIN = 'http://other-app.example';
const PROTECTED_PAGES = [...EXAMPLE_PROTECTED_PAGES, '/accept-invitation?invitation_token=abc'];
const PUBLIC_ROUTES = ['/', '/sign-in', '/sign-up', '/.well-known/jwks.json', '/api/webhooks/gatehouse'];

describe('reference app acceptance in Chromium', () => {
  let app: AppServer;
  let reports: ReportsService;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async () => {
    const port = await reportsPort();
    ({ server: app, browser } = await startAppWithBrowser({
      env: { GATEHOUSE_DEMO: '1', REPORTS_API_URL: `http://127.0.0.1:${port}`, EXAMPLE_CORS_ORIGINS: OTHER_ORIGIN },
    }));
    // The service pins the app's issuer, read from a session token the way an operator reads it on /claims.
    const issuer = decodeJwt((await demoSession(app.baseUrl, 'bob@example.com')).token).iss!;
    reports = await startReportsService(port, { jwksUrl: `${app.baseUrl}/.well-known/jwks.json`, issuer });
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await reports?.stop();
    if (app) {
      if (process.exitCode) console.error(app.output());
      await app.stop();
    }
  });

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ baseURL: app.baseUrl });
    context.setDefaultTimeout(15_000);
    contexts.push(context);
    return { context, page: await context.newPage() };
  }

  async function signIn(page: Page, email: string, landOn = '/dashboard'): Promise<void> {
    await fillCredentials(page, email, PASSWORD);
    await Promise.all([
      page.waitForURL((url) => url.pathname + url.search === landOn),
      page.getByRole('button', { name: 'Sign in', exact: true }).click(),
    ]);
  }

  async function switchTo(page: Page, from: string, to: string): Promise<void> {
    await page.getByRole('button', { name: `Organization: ${from}` }).click();
    await page.getByRole('group', { name: 'Switch organization' }).getByRole('button', { name: to }).click();
    await page.getByRole('button', { name: `Organization: ${to}` }).waitFor();
    if (to === 'Personal account') return;
    await nav(page).getByRole('link', { name: 'Dashboard' }).click();
    await page.getByTestId('org-slug').filter({ hasText: to.toLowerCase() }).waitFor();
  }

  const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
  const projectNames = async (page: Page) =>
    (await page.getByRole('region', { name: 'Projects' }).getByRole('listitem').locator('span').allTextContents()).filter(Boolean);

  async function api(context: BrowserContext, method: string, path: string, data?: unknown): Promise<{ status: number; body: unknown }> {
    // A page's own fetch: writes carry its Origin (a cookie write with neither Origin nor
    // Sec-Fetch-Site is refused, issue #15).
    const headers: Record<string, string> = { accept: 'application/json', ...(method === 'GET' ? {} : { origin: app.baseUrl }) };
    const res = await context.request.fetch(path, { method, headers, ...(data ? { data } : {}) });
    const text = await res.text();
    return { status: res.status(), body: text ? JSON.parse(text) : null };
  }

  async function checkReports(page: Page, org: string, first: string): Promise<void> {
    await nav(page).getByRole('link', { name: 'Reports' }).click();
    await page.getByTestId('reports-org').filter({ hasText: org }).waitFor();
    assert.equal(await page.getByTestId('reports').getByRole('listitem').first().locator('span').textContent(), first);
  }

  async function signOut(page: Page, context: BrowserContext, email: string): Promise<void> {
    await page.getByRole('button', { name: `Account: ${email}` }).click();
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/'),
      page.getByRole('button', { name: 'Sign out', exact: true }).click(),
    ]);
    assert.equal((await api(context, 'GET', '/api/projects')).status, 401);
    const res = await page.goto('/dashboard');
    assert.equal(new URL(page.url()).pathname, '/sign-in');
    assert.equal(res?.status(), 200);
  }

  test('alice (admin of Acme): Admin in the navigation, creates and deletes projects, reports of Acme', async () => {
    const { context, page } = await newPage();
    await page.goto('/sign-in');
    await signIn(page, 'alice@example.com');
    // Personal account first: the org-scoped API says why it refuses, the dashboard too.
    const noOrg = await api(context, 'GET', '/api/projects');
    assert.equal(noOrg.status, 400);
    assert.match(JSON.stringify(noOrg.body), /No organization is active/);
    await page.getByRole('status').filter({ hasText: 'No organization is active' }).waitFor();

    await switchTo(page, 'Personal account', 'Acme');
    await nav(page).getByRole('link', { name: 'Admin' }).waitFor();
    assert.deepEqual((await projectNames(page)).sort(), ['Giant magnet', 'Rocket skates']);

    // UI: create, then delete through the server actions.
    const form = page.getByRole('form', { name: 'New project' });
    await form.getByLabel('Project name').fill('Anvil delivery');
    await form.getByRole('button', { name: 'New project' }).click();
    await page.getByRole('region', { name: 'Projects' }).getByText('Anvil delivery').waitFor();
    await page.getByRole('button', { name: 'Delete Anvil delivery' }).click();
    await page.getByRole('region', { name: 'Projects' }).getByText('Anvil delivery').waitFor({ state: 'detached' });

    // API: 201 create, 200 list, 200 delete (with what was deleted, which the page's retrying button
    // reads), 404 for a project that is not (or no longer) Acme's. The session is fresh, so the
    // moderate reverification the delete needs holds.
    const created = await api(context, 'POST', '/api/projects', { name: 'Via API' });
    assert.equal(created.status, 201);
    const id = (created.body as { project: { id: string } }).project.id;
    const list = await api(context, 'GET', '/api/projects');
    assert.equal(list.status, 200);
    assert.ok((list.body as { projects: { id: string }[] }).projects.some((p) => p.id === id));
    assert.deepEqual(await api(context, 'DELETE', `/api/projects/${id}`), { status: 200, body: { deleted: true, id } });
    assert.equal((await api(context, 'DELETE', `/api/projects/${id}`)).status, 404);

    // Claims: the verified session claims (active org in `o`) and the user profile.
    await nav(page).getByRole('link', { name: 'Claims' }).click();
    const claims = JSON.parse((await page.getByTestId('session-claims').textContent()) ?? '{}') as { o?: { slg?: string; rol?: string } };
    assert.deepEqual({ slg: claims.o?.slg, rol: claims.o?.rol }, { slg: 'acme', rol: 'admin' });
    assert.match((await page.getByTestId('user-profile').textContent()) ?? '', /"alice@example.com"/);

    // The admin page renders member management.
    await nav(page).getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Members' }).waitFor();
    await checkReports(page, 'acme', 'Rocket skate launches this quarter');
    await signOut(page, context, 'alice@example.com');
  });

  test('bob (member of Acme): no Admin, creates but cannot delete; /admin is a 404 page and a 403 for the API', async () => {
    const { context, page } = await newPage();
    await page.goto('/sign-in');
    await signIn(page, 'bob@example.com');
    await switchTo(page, 'Personal account', 'Acme');
    assert.equal(await nav(page).getByRole('link', { name: 'Admin' }).count(), 0);
    const form = page.getByRole('form', { name: 'New project' });
    await form.getByLabel('Project name').fill('Bob project');
    await form.getByRole('button', { name: 'New project' }).click();
    await page.getByRole('region', { name: 'Projects' }).getByText('Bob project').waitFor();
    assert.equal(await page.getByRole('button', { name: /^Delete / }).count(), 0);

    const list = (await api(context, 'GET', '/api/projects')).body as { projects: { id: string; name: string }[] };
    const bobs = list.projects.find((p) => p.name === 'Bob project')!;
    assert.equal((await api(context, 'DELETE', `/api/projects/${bobs.id}`)).status, 403);
    assert.equal((await api(context, 'POST', '/api/projects', { name: 'Second' })).status, 201);
    assert.equal((await api(context, 'GET', '/admin')).status, 403);
    assert.equal((await page.goto('/admin'))?.status(), 404);
    // /orgs/<slug>: a member's org opens (and becomes active); another org is a 404 page.
    assert.equal((await page.goto('/orgs/globex'))?.status(), 404);
    assert.equal((await page.goto('/orgs/acme'))?.status(), 200);
    await page.getByTestId('org-slug').filter({ hasText: 'acme' }).waitFor();
    await checkReports(page, 'acme', 'Rocket skate launches this quarter');
    await signOut(page, context, 'bob@example.com');
  });

  test('carol: viewer of Acme (no New project, POST 403), then admin of Globex after switching; reports follow the org', async () => {
    const { context, page } = await newPage();
    await page.goto('/sign-in');
    await signIn(page, 'carol@example.com');
    await switchTo(page, 'Personal account', 'Acme');
    assert.equal(await page.getByRole('form', { name: 'New project' }).count(), 0);
    assert.equal(await nav(page).getByRole('link', { name: 'Admin' }).count(), 0);
    assert.ok((await projectNames(page)).includes('Rocket skates'));
    assert.equal((await api(context, 'GET', '/api/projects')).status, 200);
    assert.equal((await api(context, 'POST', '/api/projects', { name: 'Nope' })).status, 403);
    const acmeIds = ((await api(context, 'GET', '/api/projects')).body as { projects: { id: string }[] }).projects.map((p) => p.id);
    assert.equal((await api(context, 'DELETE', `/api/projects/${acmeIds[0]}`)).status, 403);
    await checkReports(page, 'acme', 'Rocket skate launches this quarter');

    await switchTo(page, 'Acme', 'Globex');
    await nav(page).getByRole('link', { name: 'Admin' }).waitFor();
    await page.getByRole('form', { name: 'New project' }).waitFor();
    assert.deepEqual(await projectNames(page), ['Hammock district']);
    // Admin of Globex, yet an Acme project id is simply not found here.
    assert.equal((await api(context, 'DELETE', `/api/projects/${acmeIds[0]}`)).status, 404);
    await checkReports(page, 'globex', 'Hammocks installed');
    await signOut(page, context, 'carol@example.com');
  });

  test('signed out, the API answers 401 and the reports service refuses a request without a token', async () => {
    for (const path of ['/api/projects', '/api/me']) assert.equal((await fetch(`${app.baseUrl}${path}`)).status, 401, path);
    assert.equal((await fetch(`${app.baseUrl}/api/projects`, { method: 'POST', body: '{}' })).status, 401);
    assert.equal((await fetch(`${app.baseUrl}/api/projects/proj_x`, { method: 'DELETE' })).status, 401);
    assert.equal((await fetch(`${reports.url}/reports`)).status, 401);
  });

  test('every protected page: signed out lands on sign-in with a same-origin redirect_url, and comes back after signing in', async () => {
    for (const path of PROTECTED_PAGES) {
      const { page } = await newPage();
      await page.goto(path);
      const url = new URL(page.url());
      assert.equal(url.pathname, '/sign-in', path);
      assert.equal(url.searchParams.get('redirect_url'), path, path);
      await signIn(page, 'carol@example.com', path);
      await page.context().close();
    }
  });

  test('public routes never redirect in a loop, signed in or out', async () => {
    const { cookie } = await demoSession(app.baseUrl, 'alice@example.com');
    for (const headers of [{}, { cookie }] as Record<string, string>[]) {
      for (const path of PUBLIC_ROUTES) {
        let url = `${app.baseUrl}${path}`;
        let hops = 0;
        let res = await fetch(url, { headers: { ...headers, accept: 'text/html', 'sec-fetch-dest': 'document' }, redirect: 'manual' });
        while (res.status >= 300 && res.status < 400 && hops < 5) {
          url = new URL(res.headers.get('location')!, url).href;
          hops += 1;
          res = await fetch(url, { headers, redirect: 'manual' });
        }
        assert.ok(hops <= 1, `${path} (${'cookie' in headers ? 'signed in' : 'signed out'}) redirected ${hops} times`);
        assert.ok([200, 404, 405].includes(res.status), `${path} answered ${res.status}`);
      }
    }
  });

  test('another origin calls the API with a bearer token: preflight and answer carry CORS for listed origins only', async () => {
    const { token } = await demoSession(app.baseUrl, 'alice@example.com');
    const preflight = await fetch(`${app.baseUrl}/api/projects`, {
      method: 'OPTIONS',
      headers: { origin: OTHER_ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), OTHER_ORIGIN);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);
    assert.equal(preflight.headers.get('access-control-allow-credentials'), null, 'cookies never cross origins');

    const me = await fetch(`${app.baseUrl}/api/me`, { headers: { origin: OTHER_ORIGIN, authorization: `Bearer ${token}` } });
    assert.equal(me.status, 200);
    assert.equal(me.headers.get('access-control-allow-origin'), OTHER_ORIGIN);
    const refused = await fetch(`${app.baseUrl}/api/projects`, { headers: { origin: OTHER_ORIGIN } });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('access-control-allow-origin'), OTHER_ORIGIN, 'the caller can read why it was refused');

    const stranger = await fetch(`${app.baseUrl}/api/me`, { headers: { origin: 'http://evil.example', authorization: `Bearer ${token}` } });
    assert.equal(stranger.headers.get('access-control-allow-origin'), null);
    const strangerPreflight = await fetch(`${app.baseUrl}/api/projects`, { method: 'OPTIONS', headers: { origin: 'http://evil.example' } });
    assert.equal(strangerPreflight.headers.get('access-control-allow-origin'), null);
  });
});
