// Issue #18 in the dashboard: a user's page shows their second factors and passkeys (no secret), and an
// instance admin can reset them (audited); anyone else's post is the router's 404 and changes nothing.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { totpCode } from '../src/factors/codes.js';
import { API, createTestInstance, send, type CookieJar, type SendOptions, type TestInstance } from '../../../test-support/instance.js';
import { member, type Member } from '../../../test-support/org-setup.js';

const DASH = `${API}/dashboard`;
let t: TestInstance;
let admin: Member;
let bob: Member;
let secret = '';

const page = (jar: CookieJar, path: string, options: SendOptions = {}) => send(t, `${DASH}${path}`, { ...options, jar });
const post = (jar: CookieJar, path: string, fields: Record<string, string>) =>
  page(jar, path, { method: 'POST', rawBody: new URLSearchParams(fields).toString(), contentType: 'application/x-www-form-urlencoded' });
const factorRows = () => ({
  factors: t.db.prepare('SELECT * FROM user_factors ORDER BY id').all(),
  codes: t.db.prepare('SELECT * FROM backup_codes ORDER BY id').all(),
});

before(async () => {
  t = await createTestInstance();
  admin = await member(t, 'admin@example.com');
  await t.gatehouse.users.setInstanceAdmin(admin.userId, true);
  bob = await member(t, 'bob@example.com');
  const started = await send(t, `${API}/me/factors/totp`, { method: 'POST', jar: bob.jar });
  secret = (started.body as { secret: string }).secret;
  const confirmed = await send(t, `${API}/me/factors/totp/confirm`, { json: { code: totpCode(secret, t.clock.now) }, jar: bob.jar });
  assert.equal(confirmed.status, 200);
});
after(async () => {
  await t.close();
});

test("a user's page shows their second factors, never the secret", async () => {
  const res = await page(admin.jar, `/users/${bob.userId}`);
  assert.equal(res.status, 200);
  assert.match(res.text, /<h2>Factors<\/h2>/);
  assert.match(res.text, /Authenticator app \(TOTP\)<\/th>\s*<td>enrolled/);
  assert.match(res.text, /Backup codes<\/th>\s*<td>10 unused/);
  assert.match(res.text, /Reset second factors and passkeys/);
  assert.ok(!res.text.includes(secret));
});

test('only an instance admin can reset them; the reset removes every factor and is audited', async () => {
  const before = factorRows();
  const refused = await post(bob.jar, `/users/${bob.userId}`, { action: 'reset-factors' });
  assert.equal(refused.status, 404);
  assert.deepEqual(factorRows(), before);

  const reset = await post(admin.jar, `/users/${bob.userId}`, { action: 'reset-factors' });
  assert.equal(reset.status, 303, reset.text);
  assert.deepEqual(factorRows(), { factors: [], codes: [] });
  const audit = t.db.prepare("SELECT actor_id, subject_id FROM audit_events WHERE action = 'factor.reset'").all();
  assert.deepEqual(audit, [{ actor_id: admin.userId, subject_id: bob.userId }]);
  const after = await page(admin.jar, `/users/${bob.userId}`);
  assert.match(after.text, /Authenticator app \(TOTP\)<\/th>\s*<td>none/);
  assert.ok(!after.text.includes('Reset second factors and passkeys'));
});
