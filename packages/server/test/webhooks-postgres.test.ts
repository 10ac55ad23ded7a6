// Webhooks on PostgreSQL (issue #9): several workers (instances) delivering from one database at once never send an event twice; a crashed worker's lease runs out and another delivers; the outbox commits and rolls back with the change.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, openInstance, serviceGate, type BackendInstance, type TestDatabase } from '../../../test-support/backends.js';
import { signUp } from '../../../test-support/instance.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../../test-support/webhook-receiver.js';

const skip = await serviceGate('PostgreSQL');

describe('PostgreSQL: webhook delivery from several instances', { skip }, () => {
  let database: TestDatabase;
  let receiver: WebhookReceiver;
  const instances: BackendInstance[] = [];
  before(async () => {
    database = await createTestDatabase('postgres');
    receiver = await startWebhookReceiver();
    receiver.delayMs = 15;
    // Signatures carry the wall-clock time: the shared fake clock starts at the real now.
    const clock = { now: Date.now() };
    for (let i = 0; i < 3; i++)
      instances.push(await openInstance(database, { webhooks: { batchSize: 5, timeoutMs: 2000, allowedHosts: ['127.0.0.1'] } }, clock));
  });
  after(async () => {
    for (const t of instances) await t.close();
    await receiver.stop();
    await database.drop();
  });

  test('three workers draining one outbox at once deliver each event exactly once', async () => {
    const [first] = instances;
    assert.ok(first);
    const { endpoint } = await first.gatehouse.webhooks.createEndpoint({ url: receiver.url, eventTypes: ['user.created'] });
    const users = await Promise.all(Array.from({ length: 30 }, (_, i) => first.gatehouse.users.create({ email: `pg-${i}@example.com` })));
    let succeeded = 0;
    for (;;) {
      const passes = await Promise.all(instances.flatMap((t) => [t.gatehouse.webhooks.deliverDue(), t.gatehouse.webhooks.deliverDue()]));
      const pass = passes.reduce((sum, p) => sum + p.succeeded + p.retrying + p.failed, 0);
      succeeded += passes.reduce((sum, p) => sum + p.succeeded, 0);
      if (pass === 0) break;
    }
    const ids = receiver.received.map((r) => r.headers['webhook-id']);
    assert.equal(ids.length, 30);
    assert.equal(new Set(ids).size, 30, 'no event twice');
    assert.equal(succeeded, 30);
    const delivered = receiver.received.map((r) => (JSON.parse(r.body) as { data: { id: string } }).data.id).sort();
    assert.deepEqual(delivered, users.map((u) => u.id).sort());
    const deliveries = await first.gatehouse.webhooks.listDeliveries({ endpointId: endpoint.id });
    assert.ok(deliveries.every((d) => d.status === 'succeeded' && d.attempts === 1));
    receiver.received.splice(0);
  });

  test('a delivery claimed by a worker that died is delivered by another once the lease runs out', async () => {
    const [a, b] = instances;
    assert.ok(a && b);
    await a.gatehouse.users.create({ email: 'lease@example.com' });
    const claimed = await a.gatehouse.store.claimWebhookDeliveries({ now: a.clock.now, limit: 10, leaseMs: 60_000, owner: 'wkr_dead' });
    assert.equal(claimed.length, 1);
    assert.deepEqual(await b.gatehouse.webhooks.deliverDue(), { succeeded: 0, retrying: 0, failed: 0 }, 'leased: not taken');
    b.advance(61);
    assert.deepEqual(await b.gatehouse.webhooks.deliverDue(), { succeeded: 1, retrying: 0, failed: 0 });
    assert.equal(receiver.received.splice(0)[0]?.headers['webhook-id'], claimed[0]?.event_id);
    assert.equal(
      await a.gatehouse.store.finishWebhookDelivery(claimed[0]?.id ?? '', 'wkr_dead', { status: 'failed' }),
      false,
      'the dead worker can no longer write',
    );
  });

  test('a refused change writes no event; a committed one does', async () => {
    const [t] = instances;
    assert.ok(t);
    const count = async () =>
      Number(
        (
          await t.inspect
            .selectFrom('webhook_events')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    assert.equal((await signUp(t, 'pg-dup@example.com')).status, 200);
    assert.equal(await count(), before + 1);
    assert.equal((await signUp(t, 'pg-dup@example.com')).status, 409);
    assert.equal(await count(), before + 1);
  });
});
