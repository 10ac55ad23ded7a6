// The dashboard's webhooks page (issue #9) over HTTP in-process: add an endpoint (secret shown once, on the answer only), the delivery log with its attempts, resend of a dead letter, disable and delete; members get 404 and write nothing.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import {
  API,
  createTestInstance,
  send,
  signUp,
  type CookieJar,
  type SendOptions,
  type TestInstance,
} from '../../../test-support/instance.js';
import { member, type Member } from '../../../test-support/org-setup.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../../test-support/webhook-receiver.js';

const DASH = `${API}/dashboard`;
const FORM = 'application/x-www-form-urlencoded';

let t: TestInstance;
let admin: Member;
let bob: Member;
let receiver: WebhookReceiver;
before(async () => {
  // Signatures carry the wall-clock time: the fake clock starts at the real now.
  t = await createTestInstance({ webhooks: { maxAttempts: 1, allowedHosts: ['127.0.0.1'] } }, { clock: { now: Date.now() } });
  admin = await member(t, 'admin@example.com');
  await t.gatehouse.users.setInstanceAdmin(admin.userId, true);
  bob = await member(t, 'bob@example.com');
  receiver = await startWebhookReceiver();
});
after(async () => {
  await receiver.stop();
  await t.close();
});

const page = (jar: CookieJar, path: string, options: SendOptions = {}) => send(t, `${DASH}${path}`, { ...options, jar });
const post = (jar: CookieJar, path: string, fields: Record<string, string>) =>
  page(jar, path, { method: 'POST', rawBody: new URLSearchParams(fields).toString(), contentType: FORM });
const endpointRows = () =>
  t.db.prepare('SELECT id, enabled FROM webhook_endpoints ORDER BY created_at').all() as { id: string; enabled: number }[];

test('a member gets the 404 of an unknown path for the page and its actions; nothing is written', async () => {
  const unknown = await send(t, `${API}/no-such-endpoint`, { jar: bob.jar });
  const res = await page(bob.jar, '/webhooks');
  assert.equal(res.status, 404);
  assert.equal(res.text, unknown.text);
  const created = await post(bob.jar, '/webhooks', { action: 'create', url: receiver.url });
  assert.equal(created.status, 404);
  assert.deepEqual(endpointRows(), []);
});

test('add an endpoint: the secret is on the answer only; the list escapes what admins typed', async () => {
  const res = await post(admin.jar, '/webhooks', {
    action: 'create',
    url: receiver.url,
    events: 'user.created, session.created',
    description: '<img src=x onerror=alert(1)>',
  });
  assert.equal(res.status, 200, res.text);
  const secret = /<pre data-testid="webhook-secret">(whsec_[A-Za-z0-9+/=]+)<\/pre>/.exec(res.text)?.[1];
  assert.ok(secret, res.text);
  assert.equal(res.headers.get('location'), null, 'not a redirect: the secret never travels in a URL or a cookie');
  assert.ok(res.setCookies.every((c) => !c.includes(secret.slice(6, 20))));

  const list = await page(admin.jar, '/webhooks');
  assert.equal(list.status, 200);
  assert.equal(list.text.includes(secret.slice(6)), false);
  assert.ok(list.text.includes(receiver.url));
  assert.ok(list.text.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.equal(list.text.includes('<img src=x'), false);

  const bad = await post(admin.jar, '/webhooks', { action: 'create', url: 'file:///etc/passwd' });
  assert.equal(bad.status, 400);
  assert.equal(endpointRows().length, 1);

  // The secret shown is the one deliveries are signed with.
  await signUp(t, 'carol@example.com');
  await t.gatehouse.webhooks.deliverDue();
  const received = receiver.received.splice(0);
  assert.equal(received.length, 2);
  for (const r of received) new Webhook(secret).verify(r.body, r.headers);
});

test('the delivery log shows a dead letter with its attempt; Resend delivers it', async () => {
  receiver.status = 500;
  await signUp(t, 'dave@example.com');
  await t.gatehouse.webhooks.deliverDue();
  const [dead] = await t.gatehouse.webhooks.listDeliveries({ status: 'failed' });
  assert.ok(dead);
  const log = await page(admin.jar, '/webhooks?status=failed');
  assert.equal(log.status, 200);
  assert.ok(log.text.includes(dead.id));
  assert.ok(log.text.includes('failed (dead letter)'));
  const detail = await page(admin.jar, `/webhooks/deliveries/${dead.id}`);
  assert.equal(detail.status, 200);
  assert.match(detail.text, /<td>500<\/td>/);
  assert.match(detail.text, /HTTP 500/);

  receiver.status = 204;
  const resent = await post(admin.jar, '/webhooks', { action: 'resend', delivery: dead.id });
  assert.equal(resent.status, 303);
  assert.equal(resent.headers.get('location'), `${DASH}/webhooks/deliveries/${dead.id}`);
  assert.deepEqual(await t.gatehouse.webhooks.deliverDue(), { succeeded: 1, retrying: 0, failed: 0 });
  assert.equal((await t.gatehouse.webhooks.getDelivery(dead.id)).status, 'succeeded');
  assert.equal((await post(admin.jar, '/webhooks', { action: 'resend', delivery: 'whd_nothing' })).status, 404);
  receiver.received.splice(0);
});

test('disable, rotate and delete', async () => {
  const [endpoint] = endpointRows();
  assert.ok(endpoint);
  const disabled = await post(admin.jar, '/webhooks', { action: 'disable', endpoint: endpoint.id });
  assert.equal(disabled.status, 303);
  assert.equal(endpointRows()[0]?.enabled, 0);
  const rotated = await post(admin.jar, '/webhooks', { action: 'rotate', endpoint: endpoint.id });
  assert.equal(rotated.status, 200);
  assert.match(rotated.text, /<pre data-testid="webhook-secret">whsec_/);
  const deleted = await post(admin.jar, '/webhooks', { action: 'delete', endpoint: endpoint.id });
  assert.equal(deleted.status, 303);
  assert.deepEqual(endpointRows(), []);
  assert.equal((await post(admin.jar, '/webhooks', { action: 'delete', endpoint: endpoint.id })).status, 404);
  assert.equal((await post(admin.jar, '/webhooks', { action: 'explode' })).status, 400);
});
