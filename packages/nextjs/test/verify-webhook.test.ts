// verifyWebhook() (issue #5): accepts what Gatehouse and the `standardwebhooks` package sign, refuses a tampered body, another secret, a stale or future timestamp and missing headers; reads the secret from the environment like Clerk's.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { createGatehouse, type Gatehouse, type WebhookEvent } from '@gatehouse/server';
import { verifyWebhook } from '@gatehouse/nextjs/webhooks';
import { verifyWebhook as fromServerEntry } from '@gatehouse/nextjs/server';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const OTHER = `whsec_${Buffer.alloc(32, 8).toString('base64')}`;
const BODY = JSON.stringify({
  data: { id: 'user_1', object: 'user' },
  object: 'event',
  type: 'user.created',
  timestamp: 1,
  instance_id: 'ins_1',
});

function signed(options: { body?: string; secret?: string; at?: Date; id?: string; prefix?: 'webhook' | 'svix' } = {}): Request {
  const id = options.id ?? 'msg_test';
  const at = options.at ?? new Date();
  const body = options.body ?? BODY;
  const signature = new Webhook(options.secret ?? SECRET).sign(id, at, BODY);
  const prefix = options.prefix ?? 'webhook';
  return new Request('http://localhost/api/webhooks/gatehouse', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [`${prefix}-id`]: id,
      [`${prefix}-timestamp`]: String(Math.floor(at.getTime() / 1000)),
      [`${prefix}-signature`]: signature,
    },
    body,
  });
}

const refused = (message: RegExp) => ({ name: 'GatehouseError', code: 'webhook_invalid', message });

describe('verifyWebhook', () => {
  test('returns the event that the standardwebhooks package signed; the server entry exports the same function', async () => {
    const event = await verifyWebhook(signed(), { signingSecret: SECRET });
    assert.equal(event.type, 'user.created');
    assert.equal(event.object, 'event');
    assert.equal(event.data.id, 'user_1');
    assert.equal(fromServerEntry, verifyWebhook);
  });

  test("accepts Clerk's svix-* header names", async () => {
    const event = await verifyWebhook(signed({ prefix: 'svix' }), { signingSecret: SECRET });
    assert.equal(event.type, 'user.created');
  });

  test('refuses a tampered body, another secret, a stale or a future timestamp', async () => {
    await assert.rejects(
      verifyWebhook(signed({ body: BODY.replace('user_1', 'user_2') }), { signingSecret: SECRET }),
      refused(/No webhook signature matches/),
    );
    await assert.rejects(verifyWebhook(signed({ secret: OTHER }), { signingSecret: SECRET }), refused(/No webhook signature matches/));
    await assert.rejects(verifyWebhook(signed({ at: new Date(Date.now() - 6 * 60_000) }), { signingSecret: SECRET }), refused(/too old/));
    await assert.rejects(verifyWebhook(signed({ at: new Date(Date.now() + 6 * 60_000) }), { signingSecret: SECRET }), refused(/future/));
    // Within the tolerance either way: accepted.
    await verifyWebhook(signed({ at: new Date(Date.now() - 4 * 60_000) }), { signingSecret: SECRET });
  });

  test('refuses missing headers (naming them), a malformed timestamp or signature, and a signed body that is not an event', async () => {
    const request = signed();
    const headers = new Headers(request.headers);
    headers.delete('webhook-signature');
    headers.delete('webhook-id');
    await assert.rejects(
      verifyWebhook(new Request(request.url, { method: 'POST', headers, body: BODY }), { signingSecret: SECRET }),
      refused(/Missing required webhook headers: webhook-id, webhook-signature/),
    );
    const bad = (name: string, value: string) => {
      const h = new Headers(signed().headers);
      h.set(name, value);
      return new Request('http://localhost/x', { method: 'POST', headers: h, body: BODY });
    };
    await assert.rejects(verifyWebhook(bad('webhook-timestamp', 'yesterday'), { signingSecret: SECRET }), refused(/Unix time/));
    await assert.rejects(verifyWebhook(bad('webhook-signature', 'v1,!!!'), { signingSecret: SECRET }), refused(/No webhook signature/));
    await assert.rejects(verifyWebhook(bad('webhook-signature', 'v2,abc v1'), { signingSecret: SECRET }), refused(/No webhook signature/));
    const at = new Date();
    const notEvent = '[1,2,3]';
    const request2 = new Request('http://localhost/x', {
      method: 'POST',
      headers: {
        'webhook-id': 'msg_x',
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(SECRET).sign('msg_x', at, notEvent),
      },
      body: notEvent,
    });
    await assert.rejects(verifyWebhook(request2, { signingSecret: SECRET }), refused(/not an event/));
  });

  test('reads GATEHOUSE_WEBHOOK_SIGNING_SECRET, else CLERK_WEBHOOK_SIGNING_SECRET; none is a setup error', async () => {
    const saved = { g: process.env.GATEHOUSE_WEBHOOK_SIGNING_SECRET, c: process.env.CLERK_WEBHOOK_SIGNING_SECRET };
    try {
      delete process.env.GATEHOUSE_WEBHOOK_SIGNING_SECRET;
      delete process.env.CLERK_WEBHOOK_SIGNING_SECRET;
      await assert.rejects(verifyWebhook(signed()), { code: 'setup_missing', message: /GATEHOUSE_WEBHOOK_SIGNING_SECRET/ });
      process.env.CLERK_WEBHOOK_SIGNING_SECRET = SECRET;
      assert.equal((await verifyWebhook(signed())).type, 'user.created');
      process.env.GATEHOUSE_WEBHOOK_SIGNING_SECRET = OTHER;
      await assert.rejects(verifyWebhook(signed()), refused(/No webhook signature/), 'the Gatehouse variable wins');
      assert.equal((await verifyWebhook(signed({ secret: OTHER }))).type, 'user.created');
    } finally {
      if (saved.g === undefined) delete process.env.GATEHOUSE_WEBHOOK_SIGNING_SECRET;
      else process.env.GATEHOUSE_WEBHOOK_SIGNING_SECRET = saved.g;
      if (saved.c === undefined) delete process.env.CLERK_WEBHOOK_SIGNING_SECRET;
      else process.env.CLERK_WEBHOOK_SIGNING_SECRET = saved.c;
    }
  });
});

describe('verifyWebhook receiving a Gatehouse delivery over HTTP', () => {
  let dir: string;
  let gatehouse: Gatehouse;
  let server: Server;
  const events: WebhookEvent[] = [];
  const errors: string[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-verify-'));
    gatehouse = await createGatehouse({
      databaseFile: join(dir, 'gatehouse.db'),
      allowDevSecret: true,
      log: () => undefined,
      webhooks: { allowedHosts: ['127.0.0.1'] },
    });
    let secret = '';
    // A receiver written like an app's route handler: a Request in, verifyWebhook, a status out.
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const request = new Request(`http://localhost${req.url}`, {
          method: 'POST',
          headers: Object.entries(req.headers).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v] as [string, string]] : [])),
          body: Buffer.concat(chunks),
        });
        verifyWebhook(request, { signingSecret: secret }).then(
          (event) => {
            events.push(event);
            res.writeHead(200).end();
          },
          (error: unknown) => {
            errors.push(error instanceof Error ? error.message : String(error));
            res.writeHead(400).end();
          },
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    ({ secret } = await gatehouse.webhooks.createEndpoint({ url: `http://127.0.0.1:${port}/api/webhooks/gatehouse` }));
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await gatehouse.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a user created through the backend arrives as a verified, typed user.created', async () => {
    const user = await gatehouse.users.create({ email: 'typed@example.com', firstName: 'Ty' });
    assert.deepEqual(await gatehouse.webhooks.deliverDue(), { succeeded: 1, retrying: 0, failed: 0 });
    assert.deepEqual(errors, []);
    const [event] = events;
    assert.ok(event?.type === 'user.created');
    assert.equal(event.data.id, user.id);
    assert.equal(event.data.first_name, 'Ty');
    assert.equal(event.data.email_addresses[0]?.email_address, 'typed@example.com');
  });
});
