// Issue #18: factor enrolment, removal and failed verifications are audited and are webhook events
// too (factor.created, factor.deleted, factor.verification_failed), with no code or secret in them.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { totpCode } from '../src/factors/codes.js';
import { BACKEND_CONTEXT } from '../src/sessions/session-core.js';
import {
  API,
  PASSWORD,
  createCookieJar,
  createTestInstance,
  send,
  signIn,
  signUp,
  type TestInstance,
} from '../../../test-support/instance.js';

let t: TestInstance;

before(async () => {
  t = await createTestInstance({
    rateLimits: { verifyIdentifier: { limit: 1000, windowSeconds: 600 }, verifyIp: { limit: 1000, windowSeconds: 600 } },
  });
  await t.gatehouse.webhooks.createEndpoint({ url: 'https://hooks.example.com/gatehouse' });
});
after(async () => {
  await t.close();
});

type Event = { type: string; data: Record<string, unknown> };
const events = (): Event[] =>
  (t.db.prepare("SELECT payload FROM webhook_events WHERE type LIKE 'factor.%' ORDER BY rowid").all() as { payload: string }[]).map(
    (r) => JSON.parse(r.payload) as Event,
  );

test('enrolment, failures and removal are factor events; a reset is one too', async () => {
  const jar = createCookieJar();
  const signedUp = await signUp(t, 'ev@example.com', jar);
  const userId = (signedUp.body as { user: { id: string } }).user.id;
  const started = await send(t, `${API}/me/factors/totp`, { method: 'POST', jar });
  const secret = (started.body as { secret: string }).secret;
  assert.deepEqual(events(), [], 'starting an enrolment is no event');

  const wrong = await send(t, `${API}/me/factors/totp/confirm`, { json: { code: totpCode(secret, t.clock.now - 600_000) }, jar });
  assert.equal(wrong.status, 422);
  const confirmed = await send(t, `${API}/me/factors/totp/confirm`, { json: { code: totpCode(secret, t.clock.now) }, jar });
  assert.equal(confirmed.status, 200);
  const backupCodes = (confirmed.body as { backupCodes: string[] }).backupCodes;

  const attempt = createCookieJar();
  assert.equal((await signIn(t, 'ev@example.com', PASSWORD, attempt)).status, 200);
  const refused = await send(t, `${API}/sign-in/second-factor`, { json: { strategy: 'backup_code', code: 'aaaaaaaaaa' }, jar: attempt });
  assert.equal(refused.status, 422);

  const removed = await send(t, `${API}/me/factors/totp`, { method: 'DELETE', jar });
  assert.equal(removed.status, 200, removed.text);
  assert.equal(await t.gatehouse.factors.resetFactors(userId, null, BACKEND_CONTEXT), 0);

  const list = events();
  assert.deepEqual(
    list.map((e) => [e.type, e.data.action, e.data.kind, e.data.user_id]),
    [
      ['factor.verification_failed', 'factor.totp.confirm_failed', 'totp', userId],
      ['factor.created', 'factor.totp.enrolled', 'totp', userId],
      ['factor.verification_failed', 'sign_in.second_factor_failed', 'backup_code', userId],
      ['factor.deleted', 'factor.totp.removed', 'totp', userId],
      ['factor.deleted', 'factor.reset', 'all', userId],
    ],
  );
  assert.match(String(list[1]?.data.factor_id), /^totp_/);
  const payloads = JSON.stringify(list);
  assert.ok(!payloads.includes(secret));
  for (const code of backupCodes) assert.ok(!payloads.includes(code));
  // Each event waits for delivery to the endpoint.
  const deliveries = t.db.prepare('SELECT COUNT(*) AS n FROM webhook_deliveries').get() as { n: number };
  assert.ok(deliveries.n >= list.length);
});
