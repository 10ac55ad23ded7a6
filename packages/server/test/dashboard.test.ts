// The instance admins' dashboard over HTTP in-process (issue #9): who gets it (admins only; 303/401/404 otherwise, nothing written), CSRF refusals, escaping, the CSP, and each page's actions with their audit rows.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { escapeHtml, html } from '../src/dashboard/html.js';
import {
  API,
  authenticate,
  createTestInstance,
  send,
  type CookieJar,
  type SendOptions,
  type TestInstance,
} from '../../../test-support/instance.js';
import { createOrg, join, member, orgSnapshot, type Member } from '../../../test-support/org-setup.js';

const DASH = `${API}/dashboard`;
const XSS = '<script>alert(1)</script>';
const FORM = 'application/x-www-form-urlencoded';

let t: TestInstance;
let admin: Member;
let bob: Member;
before(async () => {
  t = await createTestInstance({
    jwtTemplates: [{ name: 'api', claims: { email: '{{user.primary_email_address}}', role: '{{org.role}}' } }],
  });
  admin = await member(t, 'admin@example.com');
  await t.gatehouse.users.setInstanceAdmin(admin.userId, true);
  bob = await member(t, 'bob@example.com');
});
after(async () => {
  await t.close();
});

const page = (jar: CookieJar | undefined, path: string, options: SendOptions = {}) =>
  send(t, `${DASH}${path}`, { ...options, ...(jar ? { jar } : {}) });
/** A form post as the dashboard's own page sends it (same origin). */
const post = (jar: CookieJar | undefined, path: string, fields: Record<string, string>, options: SendOptions = {}) =>
  page(jar, path, { method: 'POST', rawBody: new URLSearchParams(fields).toString(), contentType: FORM, ...options });

/** Every row a dashboard action could write. */
function rows() {
  return {
    users: t.db.prepare('SELECT * FROM users ORDER BY id').all(),
    sessions: t.db.prepare('SELECT id, status FROM sessions ORDER BY id').all(),
    roles: t.db.prepare('SELECT * FROM roles ORDER BY key').all(),
    instance: t.db.prepare('SELECT * FROM instance ORDER BY key').all(),
    audit: t.counts().audit_events,
    org: orgSnapshot(t),
  };
}

describe('dashboard: who gets it', () => {
  test('signed out: pages redirect to the sign-in page, anything else is 401; nothing is written', async () => {
    const before = rows();
    const res = await page(undefined, '/users');
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `${DASH}/sign-in`);
    const posted = await post(undefined, `/users/${bob.userId}`, { action: 'ban' });
    assert.equal(posted.status, 401);
    assert.deepEqual(rows(), before);
    const signIn = await page(undefined, '/sign-in');
    assert.equal(signIn.status, 200);
    assert.match(
      signIn.text,
      /<form id="sign-in" method="post" action="\/api\/gatehouse\/dashboard\/sign-in" data-api="\/api\/gatehouse\/sign-in"/,
    );
  });

  test('signed in but not an instance admin: the router’s own 404 for every page and method; nothing is written', async () => {
    const unknown = await send(t, `${API}/no-such-endpoint`, { jar: bob.jar });
    const before = rows();
    for (const path of ['', '/users', `/users/${admin.userId}`, '/audit', '/settings']) {
      const res = await page(bob.jar, path);
      assert.equal(res.status, 404, path);
      assert.equal(res.text, unknown.text);
    }
    for (const method of ['OPTIONS', 'PUT', 'DELETE', 'HEAD']) {
      const res = await page(bob.jar, '/users', { method });
      assert.equal(res.status, 404, method);
      assert.equal(res.headers.get('allow'), null);
    }
    const ban = await post(bob.jar, `/users/${admin.userId}`, { action: 'ban' });
    assert.equal(ban.status, 404);
    assert.equal(ban.text, unknown.text);
    const role = await post(bob.jar, '/roles', { action: 'save', key: 'org:sneaky', name: 'Sneaky', permissions: '' });
    assert.equal(role.status, 404);
    assert.deepEqual(rows(), before);
  });

  test('a banned instance admin gets no dashboard', async () => {
    const other = await member(t, 'other-admin@example.com');
    await t.gatehouse.users.setInstanceAdmin(other.userId, true);
    assert.equal((await page(other.jar, '/users')).status, 200);
    await t.gatehouse.sessions.banUser(other.userId);
    // Its session is revoked (and the refresh refused): signed out.
    assert.equal((await page(other.jar, '/users')).status, 303);
  });

  test('sign out (a same-origin post) ends the session and clears the cookies', async () => {
    const other = await member(t, 'leaving-admin@example.com');
    await t.gatehouse.users.setInstanceAdmin(other.userId, true);
    assert.match((await page(other.jar, '/users')).text, /action="\/api\/gatehouse\/dashboard\/sign-out"/);
    assert.equal((await page(other.jar, '/sign-out')).status, 405);
    assert.equal((await post(other.jar, '/sign-out', {}, { origin: null })).status, 403);
    assert.equal(t.sessionStatus(other.sessionId), 'active');
    const res = await post(other.jar, '/sign-out', {});
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `${DASH}/sign-in`);
    assert.equal(t.sessionStatus(other.sessionId), 'ended');
    assert.equal(other.jar.get('__session'), undefined);
  });

  test('an admin whose session token expired is served after a refresh from the client cookie', async () => {
    const jar = admin.jar.clone();
    t.advance(120);
    const res = await page(jar, '/users');
    assert.equal(res.status, 200);
    assert.ok(res.setCookies.some((c) => c.startsWith('__session=')));
  });
});

describe('dashboard: requests it refuses', () => {
  test('cross-site, foreign-origin and origin-less form posts are refused; nothing is written', async () => {
    const before = rows();
    const attempts: SendOptions[] = [
      { headers: { 'sec-fetch-site': 'cross-site' } },
      { origin: 'https://evil.example' },
      { origin: null },
      { origin: 'null' },
    ];
    for (const options of attempts) {
      const res = await post(admin.jar, `/users/${bob.userId}`, { action: 'ban' }, options);
      assert.equal(res.status, 403, JSON.stringify(options));
      assert.equal((res.body as { error: { code: string } }).error.code, 'csrf_rejected');
    }
    assert.deepEqual(rows(), before);
  });

  test('a JSON body, an unknown action or an unknown page is a 4xx, never a 500; nothing is written', async () => {
    const before = rows();
    const json = await page(admin.jar, `/users/${bob.userId}`, { method: 'POST', json: { action: 'ban' } });
    assert.equal(json.status, 415);
    assert.equal((await post(admin.jar, `/users/${bob.userId}`, { action: 'explode' })).status, 400);
    assert.equal((await post(admin.jar, '/users/user_nobody', { action: 'ban' })).status, 404);
    assert.equal((await page(admin.jar, '/nothing-here')).status, 404);
    assert.equal((await page(admin.jar, '/users/%E0%A4%A')).status, 404);
    assert.equal((await page(admin.jar, '/audit?since=yesterday')).status, 400);
    assert.deepEqual(rows(), before);
  });

  test('an admin cannot ban or delete themselves', async () => {
    const before = rows();
    assert.equal((await post(admin.jar, `/users/${admin.userId}`, { action: 'ban' })).status, 400);
    assert.equal((await post(admin.jar, `/users/${admin.userId}`, { action: 'delete', confirm: admin.email })).status, 400);
    assert.deepEqual(rows(), before);
  });
});

describe('dashboard: output', () => {
  test('html`` escapes every interpolated value, attributes included', () => {
    assert.equal(escapeHtml(`<a href="x" onclick='y'>&\``), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;');
    const name = '"><img src=x onerror=alert(1)>';
    assert.equal(html`<input value="${name}" />`.__html, '<input value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" />');
    assert.equal(html`<p>${[XSS, html`<b>ok</b>`]}</p>`.__html, '<p>&lt;script&gt;alert(1)&lt;/script&gt;<b>ok</b></p>');
  });

  test('the CSP allows exactly the page’s own inline style and script, by hash', async () => {
    for (const path of ['/templates', '/users']) {
      const res = await page(admin.jar, path);
      const csp = res.headers.get('content-security-policy') ?? '';
      const hashes = (tag: string) =>
        [...res.text.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map(
          (m) =>
            `'sha256-${createHash('sha256')
              .update(m[1] ?? '')
              .digest('base64')}'`,
        );
      assert.equal(/style-src ([^;]*)/.exec(csp)?.[1], hashes('style').join(' '));
      const scripts = hashes('script');
      assert.equal(/script-src ([^;]*)/.exec(csp)?.[1], scripts.length ? scripts.join(' ') : "'none'");
      assert.equal(scripts.length, path === '/templates' ? 1 : 0);
    }
  });

  test('user-controlled names, metadata and org names render inert, with a strict CSP', async () => {
    const evil = await member(t, 'evil@example.com');
    await t.gatehouse.store.updateUser(evil.userId, { first_name: XSS, public_metadata: JSON.stringify({ note: XSS }) });
    const org = await createOrg(t, evil, { name: `${XSS} Inc`, slug: 'evil-inc' });
    for (const path of ['/users', `/users/${evil.userId}`, '/organizations', `/organizations/${org.id}`, '/audit', '/templates']) {
      const res = await page(admin.jar, path);
      assert.equal(res.status, 200, path);
      assert.ok(!res.text.includes(XSS), `${path} contains the raw script`);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    }
    assert.ok((await page(admin.jar, `/users/${evil.userId}`)).text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  });
});

describe('dashboard: actions', () => {
  test('ban refuses the user’s session at once; unban lets them sign in again; both audited with the admin as actor', async () => {
    const carol = await member(t, 'carol@example.com');
    assert.equal((await authenticate(t, carol.jar)).status, 'signed-in');
    const res = await post(admin.jar, `/users/${carol.userId}`, { action: 'ban' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `${DASH}/users/${carol.userId}`);
    assert.equal((await authenticate(t, carol.jar)).status, 'signed-out');
    const shown = await page(admin.jar, `/users/${carol.userId}`);
    assert.match(shown.text, /Banned carol@example\.com/);
    assert.match(shown.text, /banned/);
    const audit = await t.gatehouse.audit.query({ action: 'user.banned', targetId: carol.userId });
    assert.equal(audit.events[0]?.actorId, admin.userId);
    assert.equal((await post(admin.jar, `/users/${carol.userId}`, { action: 'unban' })).status, 303);
    assert.equal((await t.gatehouse.users.find(carol.userId))?.banned, false);
  });

  test('revoking a session ends only that session; another user’s session id is refused', async () => {
    const dave = await member(t, 'dave@example.com');
    const before = rows();
    assert.equal((await post(admin.jar, `/users/${bob.userId}`, { action: 'revoke-session', session: dave.sessionId })).status, 404);
    assert.deepEqual(rows(), before);
    const res = await post(admin.jar, `/users/${dave.userId}`, { action: 'revoke-session', session: dave.sessionId });
    assert.equal(res.status, 303);
    assert.equal(t.sessionStatus(dave.sessionId), 'revoked');
    assert.equal((await authenticate(t, dave.jar)).status, 'signed-out');
  });

  test('delete needs the email typed; then the user and their sessions are gone', async () => {
    const erin = await member(t, 'erin@example.com');
    const before = rows();
    assert.equal((await post(admin.jar, `/users/${erin.userId}`, { action: 'delete', confirm: 'nope' })).status, 400);
    assert.deepEqual(rows(), before);
    assert.equal((await post(admin.jar, `/users/${erin.userId}`, { action: 'delete', confirm: erin.email })).status, 303);
    assert.equal(await t.gatehouse.users.find(erin.userId), null);
    assert.equal(t.sessionStatus(erin.sessionId), undefined);
    assert.equal((await authenticate(t, erin.jar)).status, 'signed-out');
  });

  test('addresses and password (issue #16): add verified, make primary, remove; a weak password is refused with nothing written', async () => {
    const gina = await member(t, 'gina@example.com');
    const addresses = () =>
      t.db.prepare('SELECT email, verified FROM email_addresses WHERE user_id = ? ORDER BY email').all(gina.userId) as {
        email: string;
        verified: number;
      }[];
    const shown = await page(admin.jar, `/users/${gina.userId}`);
    assert.match(shown.text, /<h2>Email addresses<\/h2>/);
    // Signed up with verification off: the address is not verified; the admin can mark it.
    assert.match(shown.text, /gina@example\.com<\/td>\s*<td>primary · unverified/);
    const ginaId = (t.db.prepare('SELECT id FROM email_addresses WHERE email = ?').get('gina@example.com') as { id: string }).id;
    assert.equal((await post(admin.jar, `/users/${gina.userId}`, { action: 'verify-email', address: ginaId })).status, 303);
    assert.match((await page(admin.jar, `/users/${gina.userId}`)).text, /gina@example\.com<\/td>\s*<td>primary · verified/);

    const added = await post(admin.jar, `/users/${gina.userId}`, { action: 'add-email', email: 'gina.work@example.com', verified: '1' });
    assert.equal(added.status, 303, added.text);
    assert.deepEqual(addresses(), [
      { email: 'gina.work@example.com', verified: 1 },
      { email: 'gina@example.com', verified: 1 },
    ]);
    // The address of another user is not this user's to change.
    const bobs = t.db.prepare('SELECT id FROM email_addresses WHERE user_id = ?').get(bob.userId) as { id: string };
    const before = rows();
    assert.equal((await post(admin.jar, `/users/${gina.userId}`, { action: 'remove-email', address: bobs.id })).status, 404);
    // The primary address cannot be removed.
    const primaryId = ginaId;
    assert.equal((await post(admin.jar, `/users/${gina.userId}`, { action: 'remove-email', address: primaryId })).status, 409);
    // A listed password is refused (the backend's 400, with the reason).
    assert.equal((await post(admin.jar, `/users/${gina.userId}`, { action: 'set-password', password: 'password123' })).status, 400);
    assert.deepEqual(rows(), before);

    const workId = (t.db.prepare('SELECT id FROM email_addresses WHERE email = ?').get('gina.work@example.com') as { id: string }).id;
    assert.equal((await post(admin.jar, `/users/${gina.userId}`, { action: 'primary-email', address: workId })).status, 303);
    assert.equal((await t.gatehouse.users.find(gina.userId))?.email, 'gina.work@example.com');
    assert.equal((await post(admin.jar, `/users/${gina.userId}`, { action: 'remove-email', address: primaryId })).status, 303);
    assert.deepEqual(addresses(), [{ email: 'gina.work@example.com', verified: 1 }]);

    const set = await post(admin.jar, `/users/${gina.userId}`, {
      action: 'set-password',
      password: ' a new long passphrase ',
      sign_out: '1',
    });
    assert.equal(set.status, 303, set.text);
    assert.equal(t.sessionStatus(gina.sessionId), 'ended');
    const signIn = await send(t, `${API}/sign-in`, { json: { email: 'gina.work@example.com', password: ' a new long passphrase ' } });
    assert.equal(signIn.status, 200, signIn.text);
  });

  test('members: change a role (the member’s older token is refused), the last admin is kept, remove', async () => {
    const owner = await member(t, 'owner@example.com');
    const frank = await member(t, 'frank@example.com');
    const org = await createOrg(t, owner, { name: 'Initech', slug: 'initech' });
    await join(t, owner, org.id, frank);
    const before = rows();
    const demote = await post(admin.jar, `/organizations/${org.id}`, { action: 'set-role', user: owner.userId, role: 'org:member' });
    assert.equal(demote.status, 409);
    assert.deepEqual(rows(), before);
    assert.equal((await authenticate(t, frank.jar)).status, 'signed-in');
    const res = await post(admin.jar, `/organizations/${org.id}`, { action: 'set-role', user: frank.userId, role: 'org:admin' });
    assert.equal(res.status, 303);
    assert.equal((await authenticate(t, frank.jar)).reason, 'session-claims-stale');
    assert.equal((await t.gatehouse.store.findMembership(org.id, frank.userId))?.role, 'org:admin');
    const removed = await post(admin.jar, `/organizations/${org.id}`, { action: 'remove', user: frank.userId });
    assert.equal(removed.status, 303);
    assert.equal(await t.gatehouse.store.findMembership(org.id, frank.userId), null);
  });

  test('roles: create, edit and delete a runtime role; built-in roles are refused', async () => {
    const created = await post(admin.jar, '/roles', {
      action: 'save',
      key: 'org:editor',
      name: 'Editor',
      permissions: 'org:posts:edit\norg:posts:read',
    });
    assert.equal(created.status, 303);
    assert.deepEqual((await t.gatehouse.roleAdmin.list()).find((r) => r.key === 'org:editor')?.permissions, [
      'org:posts:edit',
      'org:posts:read',
    ]);
    assert.equal((await page(admin.jar, `/roles/${encodeURIComponent('org:editor')}`)).status, 200);
    const before = rows();
    assert.equal((await post(admin.jar, '/roles', { action: 'save', key: 'org:admin', name: 'Mine', permissions: '' })).status, 409);
    assert.equal((await post(admin.jar, '/roles', { action: 'save', key: 'bad key', name: 'X', permissions: '' })).status, 400);
    assert.deepEqual(rows(), before);
    assert.equal((await post(admin.jar, '/roles', { action: 'delete', key: 'org:editor' })).status, 303);
    assert.equal(
      (await t.gatehouse.roleAdmin.list()).find((r) => r.key === 'org:editor'),
      undefined,
    );
  });

  test('template preview: the claims for a user and an org, a draft, and errors as JSON', async () => {
    const owner = await member(t, 'grace@example.com');
    const org = await createOrg(t, owner, { name: 'Hooli', slug: 'hooli' });
    const q = (params: Record<string, string>) => page(admin.jar, `/templates?${new URLSearchParams({ format: 'json', ...params })}`);
    const api = await q({ template: 'api', user: owner.userId, org: org.id });
    assert.equal(api.status, 200);
    const claims = (api.body as { claims: Record<string, unknown> }).claims;
    assert.equal(claims.email, 'grace@example.com');
    assert.equal(claims.role, 'admin');
    assert.equal(claims.sub, owner.userId);
    const byEmail = await q({ template: 'api', user: owner.email, org: 'hooli' });
    assert.equal((byEmail.body as { claims: Record<string, unknown> }).claims.role, 'admin');
    assert.match(((await q({ template: 'api', user: 'nobody@example.com' })).body as { error: string }).error, /No user/);
    assert.match(((await q({ template: 'api', user: owner.userId, org: 'no-such-org' })).body as { error: string }).error, /organization/);
    const draft = await q({ user: owner.userId, claims: JSON.stringify({ who: '{{user.id}}' }) });
    assert.equal((draft.body as { claims: Record<string, unknown> }).claims.who, owner.userId);
    const invalid = await q({ user: owner.userId, claims: '{"sub":"x"}' });
    assert.match((invalid.body as { error: string }).error, /reserved/);
    const html = await page(admin.jar, `/templates?user=${owner.userId}&org=${org.id}`);
    assert.match(html.text, /&quot;email&quot;: &quot;grace@example\.com&quot;/);
  });

  test('settings: saved, applied, audited; an invalid value is refused with nothing written', async () => {
    const before = rows();
    const bad = await post(admin.jar, '/settings', { action: 'save', sessionLifetimeSeconds: 'soon', inactivityTimeoutSeconds: '' });
    assert.equal(bad.status, 400);
    assert.deepEqual(rows(), before);
    const res = await post(admin.jar, '/settings', {
      action: 'save',
      sessionLifetimeSeconds: '86400',
      inactivityTimeoutSeconds: '3600',
      multiSession: 'on',
      allowedOrigins: 'https://app.example.com',
      authorizedParties: '',
      // As the page sends it: this checkbox is checked by default (issue #16).
      signOutOnPasswordReset: 'on',
    });
    assert.equal(res.status, 303, res.text);
    const { settings } = await t.gatehouse.instanceSettings.get();
    assert.equal(settings.sessionLifetimeSeconds, 86400);
    assert.equal(settings.inactivityTimeoutSeconds, 3600);
    assert.equal(settings.multiSession, true);
    assert.equal(settings.organizationsRequired, false);
    assert.deepEqual(settings.allowedOrigins, ['https://app.example.com']);
    assert.equal((await t.gatehouse.audit.query({ action: 'settings.updated', actorId: admin.userId })).events.length, 1);
    // Only the changed fields are stored over the configuration.
    assert.deepEqual([...(await t.gatehouse.instanceSettings.get()).overridden].sort(), [
      'allowedOrigins',
      'inactivityTimeoutSeconds',
      'multiSession',
      'sessionLifetimeSeconds',
    ]);
    assert.equal((await post(admin.jar, '/settings', { action: 'reset' })).status, 303);
    assert.equal((await t.gatehouse.instanceSettings.get()).overridden.length, 0);
  });

  test('audit log: filters by actor (email), action and time; exports CSV', async () => {
    const res = await page(admin.jar, `/audit?actor=${encodeURIComponent(admin.email)}&action=user.banned`);
    assert.equal(res.status, 200);
    assert.match(res.text, /<td>user\.banned<\/td>/);
    assert.doesNotMatch(res.text, /<td>session\.created<\/td>/);
    const future = await page(admin.jar, '/audit?since=2099-01-01T00:00');
    assert.match(future.text, /No events match/);
    const past = await page(admin.jar, '/audit?until=2000-01-01T00:00');
    assert.match(past.text, /No events match/);
    const org = await page(admin.jar, '/audit?org=initech');
    assert.match(org.text, /<td>organizationMembership\.updated<\/td>/);
    assert.doesNotMatch(org.text, /<td>user\.banned<\/td>/);
    const csv = await page(admin.jar, `/audit?action=user.banned&format=csv`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-disposition') ?? '', /attachment/);
    assert.match(csv.text, /user\.banned/);
  });
});
