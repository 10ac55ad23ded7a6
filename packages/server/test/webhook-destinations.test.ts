// Webhook SSRF (issue #15, item 13): internal addresses are refused when saved and again after DNS at each delivery; the POST connects only to the checked address; named development hosts are allowed.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isGatehouseError } from '@gatehouse/core';
import { createTestInstance, signUp, type TestInstance } from '../../../test-support/instance.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../../test-support/webhook-receiver.js';

const instances: TestInstance[] = [];
const receivers: WebhookReceiver[] = [];
after(async () => {
  for (const t of instances) await t.close();
  for (const r of receivers) await r.stop();
});

/**
 * DNS is outside this machine: the tests answer it themselves (`resolve`), as an attacker who
 * controls a name's records would (rebinding to an internal address between save and delivery).
 */
const dns: Record<string, string> = {};
async function open(allowedHosts: string[] = []): Promise<TestInstance> {
  const t = await createTestInstance({
    webhooks: {
      maxAttempts: 2,
      timeoutMs: 2000,
      allowedHosts,
      resolve: async (host) => (dns[host] ? [{ address: dns[host], family: 4 }] : []),
    },
  });
  instances.push(t);
  return t;
}
const endpointCount = (t: TestInstance) => (t.db.prepare('SELECT COUNT(*) AS n FROM webhook_endpoints').get() as { n: number }).n;

describe('internal addresses are refused when an endpoint is saved', () => {
  test('loopback, private, link-local/metadata, decimal, hex and octal IPv4 forms, IPv6 loopback and mapped forms, localhost', async () => {
    const t = await open();
    const urls = [
      'http://169.254.169.254/latest/meta-data/',
      'http://127.0.0.1:3000/hook',
      'http://localhost/hook',
      'http://app.localhost/hook',
      'http://[::1]/hook',
      'http://2130706433/hook',
      'http://0x7f000001/hook',
      'http://0177.0.0.1/hook',
      'http://127.1/hook',
      'http://0/hook',
      'http://10.0.0.5/hook',
      'http://172.16.3.4/hook',
      'http://192.168.1.1/hook',
      'http://100.64.0.1/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://[::ffff:a9fe:a9fe]/hook',
      'http://[fe80::1]/hook',
      'http://[fd00::1]/hook',
      'http://intranet/hook',
    ];
    for (const url of urls) {
      await assert.rejects(t.gatehouse.webhooks.createEndpoint({ url }), (error: unknown) => {
        assert.ok(isGatehouseError(error), url);
        assert.equal(error.code, 'bad_request', url);
        assert.match(error.message, /internal address/);
        return true;
      });
    }
    assert.equal(endpointCount(t), 0, 'nothing was written');

    // An update cannot point an endpoint inside either.
    const { endpoint } = await t.gatehouse.webhooks.createEndpoint({ url: 'https://hooks.example.com/in' });
    await assert.rejects(t.gatehouse.webhooks.updateEndpoint(endpoint.id, { url: 'http://169.254.169.254/' }), { code: 'bad_request' });
    assert.equal((await t.gatehouse.webhooks.getEndpoint(endpoint.id)).url, 'https://hooks.example.com/in');
    // Public addresses and names are fine.
    await t.gatehouse.webhooks.createEndpoint({ url: 'http://93.184.216.34/in' });
  });
});

describe('each delivery resolves the name and checks the addresses again', () => {
  test('a name that now resolves to an internal address (DNS rebinding) is refused without connecting', async () => {
    const receiver = await startWebhookReceiver('/in');
    receivers.push(receiver);
    const port = new URL(receiver.url).port;
    const t = await open();
    dns['rebind.example.com'] = '93.184.216.34'; // public when saved
    const { endpoint } = await t.gatehouse.webhooks.createEndpoint({
      url: `http://rebind.example.com:${port}/in`,
      eventTypes: ['user.created'],
    });
    dns['rebind.example.com'] = '127.0.0.1'; // internal (where the receiver listens) at delivery time
    await signUp(t, 'rebind@example.com');
    await t.gatehouse.webhooks.deliverDue();
    assert.equal(receiver.received.length, 0, 'no request reached the internal address');
    const [delivery] = await t.gatehouse.webhooks.listDeliveries({ endpointId: endpoint.id });
    assert.ok(delivery);
    assert.match(delivery.lastError ?? '', /^refused: .*internal address/);
    assert.equal(delivery.lastStatusCode, null);
  });

  test('a named development host is delivered to, connecting to the address that was checked (no second lookup)', async () => {
    const receiver = await startWebhookReceiver('/in');
    receivers.push(receiver);
    const port = new URL(receiver.url).port;
    // pinned.example.com exists only in this test's DNS: a second, real lookup would fail.
    dns['pinned.example.com'] = '127.0.0.1';
    const t = await open(['pinned.example.com']);
    await t.gatehouse.webhooks.createEndpoint({ url: `http://pinned.example.com:${port}/in`, eventTypes: ['user.created'] });
    await signUp(t, 'pinned@example.com');
    const pass = await t.gatehouse.webhooks.deliverDue();
    assert.equal(pass.succeeded, 1);
    assert.equal(receiver.received.length, 1);
    assert.equal(receiver.received[0]?.headers['host'], `pinned.example.com:${port}`);
  });

  test('an allowed host:port names that port only', async () => {
    const receiver = await startWebhookReceiver('/in');
    receivers.push(receiver);
    const port = Number(new URL(receiver.url).port);
    const t = await open([`127.0.0.1:${port}`]);
    await t.gatehouse.webhooks.createEndpoint({ url: receiver.url, eventTypes: ['user.created'] });
    await assert.rejects(t.gatehouse.webhooks.createEndpoint({ url: `http://127.0.0.1:${port + 1}/in` }), { code: 'bad_request' });
    await signUp(t, 'allowed@example.com');
    assert.equal((await t.gatehouse.webhooks.deliverDue()).succeeded, 1);
    assert.equal(receiver.received.length, 1);
  });
});
