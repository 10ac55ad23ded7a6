// Prometheus metrics (issue #21): `GET {base}/metrics` behind the secret key, counters that move by exactly what was done, one registry per instance.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateSecretKey } from '@gatehouse/server';
import {
  API,
  PASSWORD,
  createCookieJar,
  createTestInstance,
  send,
  signIn,
  signUp,
  authenticate,
  refresh,
  type TestInstance,
} from '../../../test-support/instance.js';
import { parseMetrics, scrape } from '../../../test-support/metrics-scrape.js';

const KEY = generateSecretKey();
const instances: TestInstance[] = [];
after(async () => {
  for (const t of instances.reverse()) await t.close();
});

async function open(options: Parameters<typeof createTestInstance>[0] = {}): Promise<TestInstance> {
  const t = await createTestInstance({ secretKeys: [KEY], ...options });
  instances.push(t);
  return t;
}

/** The change of every series between two scrapes (series absent before count from 0). */
function delta(before: Map<string, number>, after: Map<string, number>, name: string): number {
  return (after.get(name) ?? 0) - (before.get(name) ?? 0);
}

describe('the metrics endpoint', () => {
  test('needs a secret key: none, a wrong one and an instance without keys get the same 401, and nothing is counted', async () => {
    const t = await open();
    const other = await open({ secretKeys: [] });
    const answers = [
      await send(t, `${API}/metrics`),
      await send(t, `${API}/metrics`, { headers: { authorization: `Bearer ${generateSecretKey()}` } }),
      await send(t, `${API}/metrics`, { headers: { authorization: 'Bearer ' } }),
      await send(other, `${API}/metrics`, { headers: { authorization: `Bearer ${KEY}` } }),
    ];
    for (const res of answers) {
      assert.equal(res.status, 401);
      assert.deepEqual(res.body, {
        error: { code: 'unauthenticated', message: 'Metrics need a valid secret key (Authorization: Bearer gh_sk_…).' },
      });
    }
    assert.equal((await send(t, `${API}/metrics`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } })).status, 405);
    const res = await send(t, `${API}/metrics`, { headers: { authorization: `Bearer ${KEY}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const series = parseMetrics(res.text);
    // The refused scrapes were no decisions and no sign-ins.
    assert.equal(series.get('gatehouse_decisions_total'), undefined);
    assert.equal(series.get('gatehouse_database_up'), 1);
    assert.ok(series.has('process_resident_memory_bytes'), 'process metrics are exposed');
    assert.ok(!res.text.includes(KEY), 'the key is never in the exposition');
  });

  test('sign-ins, sign-ups, refreshes, decisions, cache hits and rate-limit refusals move by exactly what was done', async () => {
    const t = await open({ rateLimits: { signInIdentifier: { limit: 3, windowSeconds: 600 } } });
    const before = await scrape(t, KEY);
    const jar = createCookieJar();
    assert.equal((await signUp(t, 'metrics-a@example.com', jar)).status, 200);
    assert.equal((await signUp(t, 'metrics-a@example.com')).status, 409);
    assert.equal((await signIn(t, 'metrics-a@example.com', PASSWORD)).status, 200);
    assert.equal((await signIn(t, 'metrics-a@example.com', 'wrong password!')).status, 401);
    assert.equal((await signIn(t, 'metrics-a@example.com', 'wrong password!')).status, 401);
    // The 4th attempt on this identifier: refused before any password check.
    assert.equal((await signIn(t, 'metrics-a@example.com', PASSWORD)).status, 429);
    assert.equal((await refresh(t, jar)).status, 200);
    assert.equal((await send(t, `${API}/refresh`, { method: 'POST' })).status, 401);
    // The same token twice (a miss, then a hit), a request without a token, and a garbage token.
    assert.equal((await authenticate(t, jar)).status, 'signed-in');
    assert.equal((await authenticate(t, jar)).status, 'signed-in');
    assert.equal((await t.gatehouse.authenticate(new Request('http://localhost:3000/'))).reason, 'session-token-missing');
    const garbage = await t.gatehouse.authenticate(new Request('http://localhost:3000/', { headers: { authorization: 'Bearer x.y.z' } }));
    assert.equal(garbage.status, 'signed-out');
    const now = await scrape(t, KEY);

    assert.equal(delta(before, now, 'gatehouse_sign_ups_total{outcome="success"}'), 1);
    assert.equal(delta(before, now, 'gatehouse_sign_ups_total{outcome="identifier_exists"}'), 1);
    assert.equal(delta(before, now, 'gatehouse_sign_ins_total{outcome="success"}'), 1);
    assert.equal(delta(before, now, 'gatehouse_sign_ins_total{outcome="invalid_credentials"}'), 2);
    assert.equal(delta(before, now, 'gatehouse_sign_ins_total{outcome="rate_limited"}'), 1);
    assert.equal(delta(before, now, 'gatehouse_rate_limit_refusals_total{limit="signInIdentifier"}'), 1);
    assert.equal(delta(before, now, 'gatehouse_refreshes_total{outcome="success"}'), 1);
    // A refresh without a client cookie is answered before the session service: not a refresh.
    assert.equal(delta(before, now, 'gatehouse_refreshes_total{outcome="client_invalid"}'), 0);
    assert.equal(delta(before, now, 'gatehouse_decisions_total{reason="signed-in"}'), 2);
    assert.equal(delta(before, now, 'gatehouse_decisions_total{reason="session-token-missing"}'), 1);
    assert.equal(delta(before, now, `gatehouse_decisions_total{reason="${garbage.reason}"}`), 1);
    // Misses: the refresh request's cookie (checked for impersonation), the refreshed token's first
    // check and the garbage token; the scrapes' secret keys are never looked up.
    assert.equal(delta(before, now, 'gatehouse_token_cache_hits_total'), 1);
    assert.equal(delta(before, now, 'gatehouse_token_cache_misses_total'), 3);
    assert.equal(now.get('gatehouse_token_cache_hit_ratio'), 1 / 4);
  });

  test('two instances in one process keep their own registries', async () => {
    const a = await open();
    const b = await open();
    await signUp(a, 'metrics-two@example.com');
    const [ma, mb] = [await scrape(a, KEY), await scrape(b, KEY)];
    assert.equal(ma.get('gatehouse_sign_ups_total{outcome="success"}'), 1);
    assert.equal(mb.get('gatehouse_sign_ups_total{outcome="success"}'), undefined);
  });

  test('the webhook outbox depth is the database count, and failed attempts are counted', async () => {
    const t = await open({ webhooks: { allowedHosts: ['127.0.0.1:9'], maxAttempts: 1 } });
    await t.gatehouse.webhooks.createEndpoint({ url: 'http://127.0.0.1:9/hook', eventTypes: ['user.created'] }, { actorId: null });
    await signUp(t, 'metrics-hook-1@example.com');
    await signUp(t, 'metrics-hook-2@example.com');
    const pending = () => t.db.prepare("SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'pending'").get() as { n: number };
    const queued = await scrape(t, KEY);
    assert.equal(queued.get('gatehouse_webhook_outbox_depth{status="pending"}'), pending().n);
    assert.equal(pending().n, 2);
    assert.equal(queued.get('gatehouse_webhook_failures_total'), 0);
    // Nothing listens on port 9: both attempts fail, and with one attempt allowed both are dead-lettered.
    await t.gatehouse.webhooks.deliverDue();
    const failed = await scrape(t, KEY);
    assert.equal(failed.get('gatehouse_webhook_failures_total'), 2);
    assert.equal(failed.get('gatehouse_webhook_outbox_depth{status="pending"}'), 0);
    assert.equal(failed.get('gatehouse_webhook_outbox_depth{status="failed"}'), 2);
    assert.equal(failed.get('gatehouse_mail_outbox_depth{status="pending"}'), 0);
  });
});
