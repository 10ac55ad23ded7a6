// Webhooks (issue #9): endpoints and their secrets, the outbox written with the change, Standard Webhooks signatures checked with the `standardwebhooks` package, retries to a receiver that was down, dead-letter and resend, no redirects, secret rotation, and the admin HTTP API.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { API, createCookieJar, createTestInstance, send, signUp, type TestInstance } from '../../../test-support/instance.js';
import { as, createOrg, inboxToken, member } from '../../../test-support/org-setup.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../../test-support/webhook-receiver.js';

const RETRY_MS = 1000;

/** Signatures carry the wall-clock time (receivers check it), so the fake clock starts at the real now. */
function open(): Promise<TestInstance> {
  return createTestInstance(
    // The test receivers listen on 127.0.0.1: named as a development host (internal addresses are refused otherwise).
    {
      webhooks: {
        maxAttempts: 3,
        baseDelayMs: RETRY_MS,
        maxDelayMs: RETRY_MS,
        timeoutMs: 2000,
        random: () => 0.5,
        allowedHosts: ['127.0.0.1'],
      },
    },
    { clock: { now: Date.now() } },
  );
}

interface Row {
  [key: string]: unknown;
}
const rows = (t: TestInstance, sql: string, ...params: unknown[]): Row[] => t.db.prepare(sql).all(...params) as Row[];
const eventTypes = (t: TestInstance): string[] => rows(t, 'SELECT type FROM webhook_events ORDER BY rowid').map((r) => String(r.type));
const bodyOf = (received: { body: string }) =>
  JSON.parse(received.body) as { type: string; object: string; data: Row; timestamp: number; instance_id: string };

describe('webhook endpoints', () => {
  let t: TestInstance;
  before(async () => {
    t = await open();
  });
  after(() => t.close());

  test('an endpoint gets a whsec_ secret shown once and stored only encrypted', async () => {
    const { endpoint, secret } = await t.gatehouse.webhooks.createEndpoint({
      url: 'https://hooks.example.com/in',
      eventTypes: ['user.created'],
    });
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.match(endpoint.id, /^wh_[a-z2-7]{26}$/);
    assert.deepEqual(endpoint.eventTypes, ['user.created']);
    assert.equal(endpoint.enabled, true);
    assert.equal(JSON.stringify(await t.gatehouse.webhooks.listEndpoints()).includes(secret), false);
    const stored = JSON.stringify(rows(t, 'SELECT * FROM webhook_endpoints'));
    assert.equal(stored.includes(secret), false);
    assert.equal(stored.includes(secret.slice('whsec_'.length)), false);
    assert.equal(t.logs.join('\n').includes(secret.slice(6)), false);
    await t.gatehouse.webhooks.deleteEndpoint(endpoint.id);
  });

  test('URLs other than http(s), with credentials, or malformed are refused, and nothing is written', async () => {
    for (const url of [
      'ftp://example.com/x',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'https://user:pw@example.com/x',
      'not a url',
      '',
      'x'.repeat(3000),
    ]) {
      await assert.rejects(t.gatehouse.webhooks.createEndpoint({ url }), { code: 'bad_request' }, url.slice(0, 30));
    }
    await assert.rejects(t.gatehouse.webhooks.createEndpoint({ url: 'https://ok.example.com', eventTypes: ['user.exploded'] }), {
      code: 'bad_request',
    });
    assert.equal(rows(t, 'SELECT id FROM webhook_endpoints').length, 0);
  });
});

describe('the outbox', () => {
  let t: TestInstance;
  before(async () => {
    t = await open();
  });
  after(() => t.close());

  test('no endpoint: no event rows at all', async () => {
    await signUp(t, 'nobody-listens@example.com');
    assert.deepEqual(eventTypes(t), []);
  });

  test('a sign-up writes user.created and session.created with a delivery per endpoint; a refused one writes nothing', async () => {
    await t.gatehouse.webhooks.createEndpoint({ url: 'http://127.0.0.1:9/a' });
    await t.gatehouse.webhooks.createEndpoint({ url: 'http://127.0.0.1:9/b', eventTypes: ['session.created'] });
    const res = await signUp(t, 'ada@example.com');
    assert.equal(res.status, 200);
    assert.deepEqual(eventTypes(t), ['user.created', 'session.created']);
    assert.equal(rows(t, 'SELECT id FROM webhook_deliveries').length, 3);
    const [user] = rows(t, "SELECT payload FROM webhook_events WHERE type = 'user.created'");
    const event = JSON.parse(String(user?.payload)) as { data: Row; object: string; type: string; timestamp: number; instance_id: string };
    assert.equal(event.object, 'event');
    assert.equal(event.type, 'user.created');
    assert.equal(event.timestamp, t.clock.now);
    assert.match(event.instance_id, /^ins_/);
    assert.equal(event.data.object, 'user');
    assert.equal(event.data.id, (res.body as { user: { id: string } }).user.id);
    assert.equal((event.data.email_addresses as Row[])[0]?.email_address, 'ada@example.com');
    assert.equal(JSON.stringify(event).includes('password'), true, 'password_enabled is there');
    assert.equal(JSON.stringify(event).includes('$argon2'), false, 'the hash is not');

    const again = await signUp(t, 'ada@example.com');
    assert.equal(again.status, 409);
    assert.equal(eventTypes(t).length, 2);
  });

  test('organization, membership, invitation and role changes are events', async () => {
    const ada = await member(t, 'ada2@example.com');
    const bob = await member(t, 'bob@example.com');
    const start = eventTypes(t).length;
    const org = await createOrg(t, ada, { name: 'Acme' });
    const invited = await as(t, ada, `/organizations/${org.id}/invitations`, { json: { email: bob.email } });
    assert.equal(invited.status, 200, invited.text);
    const accepted = await as(t, bob, '/invitations/accept', { json: { token: inboxToken(t, bob.email) } });
    assert.equal(accepted.status, 200, accepted.text);
    const promoted = await as(t, ada, `/organizations/${org.id}/memberships/${bob.userId}`, {
      method: 'PATCH',
      json: { role: 'org:admin' },
    });
    assert.equal(promoted.status, 200, promoted.text);
    const removed = await as(t, ada, `/organizations/${org.id}/memberships/${bob.userId}`, { method: 'DELETE' });
    assert.equal(removed.status, 200, removed.text);
    await t.gatehouse.roleAdmin.upsert({ key: 'org:editor', name: 'Editor', permissions: ['org:docs:write'] });
    await t.gatehouse.roleAdmin.upsert({ key: 'org:editor', name: 'Editor 2', permissions: ['org:docs:write'] });
    await t.gatehouse.roleAdmin.remove('org:editor');
    const deleted = await as(t, ada, `/organizations/${org.id}`, { method: 'DELETE' });
    assert.equal(deleted.status, 200, deleted.text);
    const types = eventTypes(t)
      .slice(start)
      .filter((type) => !type.startsWith('session.'));
    assert.deepEqual(types, [
      'organization.created',
      'organizationMembership.created',
      'organizationInvitation.created',
      'organizationInvitation.accepted',
      'organizationMembership.created',
      'organizationMembership.updated',
      'organizationMembership.deleted',
      'role.created',
      'role.updated',
      'role.deleted',
      'organization.deleted',
    ]);
    const [membership] = rows(t, "SELECT payload FROM webhook_events WHERE type = 'organizationMembership.updated'");
    const data = (JSON.parse(String(membership?.payload)) as { data: Row }).data;
    assert.equal(data.role, 'org:admin');
    assert.equal((data.organization as Row).slug, org.slug);
    assert.equal((data.public_user_data as Row).identifier, bob.email);
    const invitationPayloads = rows(t, "SELECT payload FROM webhook_events WHERE type LIKE 'organizationInvitation.%'").map((r) =>
      String(r.payload),
    );
    assert.ok(
      invitationPayloads.every((p) => !p.includes('token')),
      'no invitation token or its hash in a payload',
    );
  });

  test('sign-out and revocation are session events; refreshes and sign-in bookkeeping are not', async () => {
    const jar = createCookieJar();
    const res = await signUp(t, 'cy@example.com', jar);
    const { sessionId } = res.body as { sessionId: string };
    const start = eventTypes(t).length;
    const refreshed = await send(t, `${API}/refresh`, { method: 'POST', jar });
    assert.equal(refreshed.status, 200);
    assert.deepEqual(eventTypes(t).slice(start), []);
    assert.equal(await t.gatehouse.sessions.revokeSession(sessionId), true);
    assert.deepEqual(eventTypes(t).slice(start), ['session.revoked']);
  });
  test('deleting a user revokes their sessions and sends user.deleted', async () => {
    const gone = await member(t, 'gone@example.com');
    const start = eventTypes(t).length;
    await t.gatehouse.sessions.deleteUser(gone.userId);
    assert.deepEqual(eventTypes(t).slice(start), ['session.revoked', 'user.deleted']);
    const [row] = rows(t, "SELECT payload FROM webhook_events WHERE type = 'user.deleted'");
    assert.deepEqual((JSON.parse(String(row?.payload)) as { data: Row }).data, { id: gone.userId, object: 'user', deleted: true });
  });
});

describe('delivery', () => {
  let t: TestInstance;
  let receiver: WebhookReceiver;
  let secret: string;
  let endpointId: string;
  before(async () => {
    t = await open();
    receiver = await startWebhookReceiver();
    ({
      secret,
      endpoint: { id: endpointId },
    } = await t.gatehouse.webhooks.createEndpoint({ url: receiver.url, eventTypes: ['user.created'] }));
  });
  after(async () => {
    await receiver.stop();
    await t.close();
  });

  test('deliveries carry Standard Webhooks signatures that the standardwebhooks package verifies', async () => {
    await signUp(t, 'sig@example.com');
    assert.deepEqual(await t.gatehouse.webhooks.deliverDue(), { succeeded: 1, retrying: 0, failed: 0 });
    const [received] = receiver.received.splice(0);
    assert.ok(received);
    const [event] = rows(t, 'SELECT id, payload FROM webhook_events');
    assert.equal(received.body, event?.payload, 'the body is the stored payload, byte for byte');
    assert.equal(received.headers['webhook-id'], event?.id);
    assert.equal(received.headers['svix-id'], event?.id);
    assert.equal(received.headers['content-type'], 'application/json');
    assert.match(received.headers['webhook-signature'] ?? '', /^v1,[A-Za-z0-9+/]+=*$/);
    const verified = new Webhook(secret).verify(received.body, received.headers) as { type: string };
    assert.equal(verified.type, 'user.created');
    // A body changed in transit, or another secret, does not verify.
    assert.throws(() => new Webhook(secret).verify(received.body.replace('sig@', 'evil@'), received.headers));
    assert.throws(() => new Webhook('whsec_' + Buffer.alloc(32, 1).toString('base64')).verify(received.body, received.headers));
    assert.deepEqual(await t.gatehouse.webhooks.deliverDue(), { succeeded: 0, retrying: 0, failed: 0 }, 'delivered once');
  });

  test('a receiver that is down gets the event after it comes back, with the same id', async () => {
    await receiver.stop();
    await signUp(t, 'down@example.com');
    assert.deepEqual(await t.gatehouse.webhooks.deliverDue(), { succeeded: 0, retrying: 1, failed: 0 });
    const [pending] = await t.gatehouse.webhooks.listDeliveries({ endpointId, status: 'pending' });
    assert.ok(pending);
    assert.equal(pending.attempts, 1);
    assert.match(pending.lastError ?? '', /^connection failed/);
    assert.equal(pending.nextAttemptAt, t.clock.now + RETRY_MS / 2 + (RETRY_MS / 2) * 0.5, 'backoff with jitter');
    await receiver.start();
    assert.deepEqual(await t.gatehouse.webhooks.deliverDue(), { succeeded: 0, retrying: 0, failed: 0 }, 'not due before its backoff');
    assert.equal(receiver.received.length, 0);
    t.advance(RETRY_MS / 1000);
    assert.deepEqual(await t.gatehouse.webhooks.deliverDue(), { succeeded: 1, retrying: 0, failed: 0 });
    const [received] = receiver.received.splice(0);
    assert.equal(received?.headers['webhook-id'], pending.eventId);
    assert.equal(bodyOf(received).data.id !== undefined, true);
    new Webhook(secret).verify(received.body, received.headers);
    const log = await t.gatehouse.webhooks.getDelivery(pending.id);
    assert.equal(log.status, 'succeeded');
    assert.deepEqual(
      log.attemptLog.map((a) => [a.attempt, a.statusCode, a.error?.replace(/\(.*\)/, '()') ?? null]),
      [
        [1, null, 'connection failed ()'],
        [2, 204, null],
      ],
    );
  });

  test('after the last attempt a delivery is dead-lettered; resend delivers it with the same id', async () => {
    receiver.status = 500;
    await signUp(t, 'dead@example.com');
    const outcomes = [];
    for (let i = 0; i < 3; i++) {
      outcomes.push(await t.gatehouse.webhooks.deliverDue());
      t.advance(RETRY_MS / 1000);
    }
    assert.deepEqual(outcomes, [
      { succeeded: 0, retrying: 1, failed: 0 },
      { succeeded: 0, retrying: 1, failed: 0 },
      { succeeded: 0, retrying: 0, failed: 1 },
    ]);
    assert.deepEqual(await t.gatehouse.webhooks.deliverDue(), { succeeded: 0, retrying: 0, failed: 0 }, 'dead letters are not retried');
    const [dead] = await t.gatehouse.webhooks.listDeliveries({ status: 'failed' });
    assert.ok(dead);
    assert.equal(dead.attempts, 3);
    assert.equal(dead.lastStatusCode, 500);
    assert.equal(dead.lastError, 'HTTP 500');
    assert.ok(t.logs.some((line) => line.includes(dead.id) && line.includes('dead-lettered')));
    const ids = receiver.received.splice(0).map((r) => r.headers['webhook-id']);
    assert.deepEqual(ids, [dead.eventId, dead.eventId, dead.eventId]);

    receiver.status = 200;
    const resent = await t.gatehouse.webhooks.resend(dead.id);
    assert.equal(resent.status, 'pending');
    assert.deepEqual(await t.gatehouse.webhooks.deliverDue(), { succeeded: 1, retrying: 0, failed: 0 });
    assert.equal(receiver.received.splice(0)[0]?.headers['webhook-id'], dead.eventId);
    assert.equal((await t.gatehouse.webhooks.getDelivery(dead.id)).attemptLog.length, 4);
    await assert.rejects(t.gatehouse.webhooks.resend('whd_nope'), { code: 'not_found' });
  });

  test('a redirect is an answer, never followed', async () => {
    const elsewhere = await startWebhookReceiver();
    try {
      receiver.status = 307;
      receiver.responseHeaders = { location: elsewhere.url };
      await signUp(t, 'redirect@example.com');
      assert.deepEqual(await t.gatehouse.webhooks.deliverDue(), { succeeded: 0, retrying: 1, failed: 0 });
      assert.equal(elsewhere.received.length, 0);
      const [delivery] = await t.gatehouse.webhooks.listDeliveries({ status: 'pending' });
      assert.equal(delivery?.lastError, 'redirect not followed (HTTP 307)');
      await t.gatehouse.webhooks.deleteEndpoint(endpointId);
      assert.equal(rows(t, 'SELECT id FROM webhook_deliveries').length, 0, 'its deliveries go with it');
    } finally {
      receiver.status = 204;
      receiver.responseHeaders = {};
      receiver.received.splice(0);
      await elsewhere.stop();
    }
  });

  test('after a rotation deliveries are signed with the new and, for the grace period, the old secret', async () => {
    const created = await t.gatehouse.webhooks.createEndpoint({ url: receiver.url, eventTypes: ['user.created'] });
    const { secret: rotated } = await t.gatehouse.webhooks.rotateSecret(created.endpoint.id, { graceSeconds: 60 });
    assert.notEqual(rotated, created.secret);
    await signUp(t, 'rotate@example.com');
    await t.gatehouse.webhooks.deliverDue();
    const [received] = receiver.received.splice(0);
    assert.ok(received);
    assert.equal(received.headers['webhook-signature']?.split(' ').length, 2);
    new Webhook(rotated).verify(received.body, received.headers);
    new Webhook(created.secret).verify(received.body, received.headers);
    t.advance(61);
    await signUp(t, 'rotate2@example.com');
    await t.gatehouse.webhooks.deliverDue();
    const [later] = receiver.received.splice(0);
    assert.ok(later);
    // Old timestamps are refused by receivers; only the signature count matters here.
    assert.equal(later.headers['webhook-signature']?.split(' ').length, 1);
  });

  test('a disabled endpoint holds its pending deliveries and gets no new events until enabled again', async () => {
    const created = await t.gatehouse.webhooks.createEndpoint({ url: receiver.url, eventTypes: ['user.updated'] });
    const user = await t.gatehouse.users.create({ email: 'meta@example.com' });
    await t.gatehouse.webhooks.deliverDue(); // its user.created, to the endpoint of the test before
    receiver.received.splice(0);
    await t.gatehouse.users.setInstanceAdmin(user.id, true);
    await t.gatehouse.webhooks.updateEndpoint(created.endpoint.id, { enabled: false });
    await t.gatehouse.users.setInstanceAdmin(user.id, false);
    assert.deepEqual(await t.gatehouse.webhooks.deliverDue(), { succeeded: 0, retrying: 0, failed: 0 });
    await t.gatehouse.webhooks.updateEndpoint(created.endpoint.id, { enabled: true });
    assert.deepEqual(await t.gatehouse.webhooks.deliverDue(), { succeeded: 1, retrying: 0, failed: 0 });
    const [received] = receiver.received.splice(0);
    assert.ok(received);
    assert.equal(bodyOf(received).type, 'user.updated');
    assert.deepEqual(
      (bodyOf(received).data.private_metadata as Row).gatehouse,
      { admin: true },
      'the event of the change made while enabled',
    );
  });
});

describe('the admin HTTP API', () => {
  let t: TestInstance;
  before(async () => {
    t = await open();
  });
  after(() => t.close());

  test('instance admins manage endpoints and deliveries; others get 404, the signed out 401', async () => {
    const admin = await member(t, 'root@example.com');
    const other = await member(t, 'other@example.com');
    await t.gatehouse.users.setInstanceAdmin(admin.userId, true);
    assert.equal((await send(t, `${API}/admin/webhooks`)).status, 401);
    assert.equal((await as(t, other, '/admin/webhooks')).status, 404);
    assert.equal((await as(t, other, '/admin/webhooks', { json: { url: 'https://x.example.com' } })).status, 404);
    assert.equal(rows(t, 'SELECT id FROM webhook_endpoints').length, 0);

    const bad = await as(t, admin, '/admin/webhooks', { json: { url: 'gopher://x.example.com' } });
    assert.equal(bad.status, 400);
    const extra = await as(t, admin, '/admin/webhooks', { json: { url: 'https://x.example.com', secret: 'whsec_mine' } });
    assert.equal(extra.status, 400);
    assert.equal(rows(t, 'SELECT id FROM webhook_endpoints').length, 0);

    const created = await as(t, admin, '/admin/webhooks', { json: { url: 'https://x.example.com/in', eventTypes: ['user.created'] } });
    assert.equal(created.status, 201, created.text);
    const { endpoint, secret } = created.body as { endpoint: { id: string }; secret: string };
    assert.match(secret, /^whsec_/);
    const list = await as(t, admin, '/admin/webhooks');
    assert.equal(list.status, 200);
    assert.equal(list.text.includes(secret), false);
    assert.equal((list.body as { endpoints: unknown[] }).endpoints.length, 1);

    const patched = await as(t, admin, `/admin/webhooks/${endpoint.id}`, { method: 'PATCH', json: { enabled: false } });
    assert.equal(patched.status, 200, patched.text);
    assert.equal((patched.body as { endpoint: { enabled: boolean } }).endpoint.enabled, false);
    const rotated = await as(t, admin, `/admin/webhooks/${endpoint.id}/rotate-secret`, { method: 'POST' });
    assert.equal(rotated.status, 200);
    assert.notEqual((rotated.body as { secret: string }).secret, secret);

    await as(t, admin, `/admin/webhooks/${endpoint.id}`, { method: 'PATCH', json: { enabled: true } });
    await signUp(t, 'new@example.com');
    const deliveries = await as(t, admin, `/admin/webhooks/${endpoint.id}/deliveries`);
    assert.equal(deliveries.status, 200);
    const [delivery] = (deliveries.body as { deliveries: { id: string; eventType: string }[] }).deliveries;
    assert.equal(delivery?.eventType, 'user.created');
    const one = await as(t, admin, `/admin/webhook-deliveries/${delivery?.id}`);
    assert.equal(one.status, 200);
    assert.deepEqual((one.body as { delivery: { attemptLog: unknown[] } }).delivery.attemptLog, []);
    const resent = await as(t, admin, `/admin/webhook-deliveries/${delivery?.id}/resend`, { method: 'POST' });
    assert.equal(resent.status, 200, resent.text);
    assert.equal((await as(t, other, `/admin/webhook-deliveries/${delivery?.id}/resend`, { method: 'POST' })).status, 404);
    assert.equal((await as(t, admin, '/admin/webhook-deliveries/whd_none')).status, 404);

    assert.equal((await as(t, admin, `/admin/webhooks/${endpoint.id}`, { method: 'DELETE' })).status, 200);
    assert.equal((await as(t, admin, `/admin/webhooks/${endpoint.id}`, { method: 'DELETE' })).status, 404);
    assert.equal(rows(t, 'SELECT id FROM webhook_endpoints').length, 0);

    const audited = rows(t, "SELECT action, actor_id, subject_id, data FROM audit_events WHERE action LIKE 'webhook_%' ORDER BY id");
    assert.deepEqual(
      audited.map((r) => [r.action, r.actor_id]),
      [
        ['webhook_endpoint.created', admin.userId],
        ['webhook_endpoint.updated', admin.userId],
        ['webhook_endpoint.secret_rotated', admin.userId],
        ['webhook_endpoint.updated', admin.userId],
        ['webhook_delivery.resent', admin.userId],
        ['webhook_endpoint.deleted', admin.userId],
      ],
    );
    assert.equal(JSON.stringify(audited).includes('whsec_'), false, 'no secret in the audit log');
  });
});
