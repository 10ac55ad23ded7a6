// Instance settings (issue #9): stored in the database over the configuration, validated, audited, applied at once here and picked up by another running instance.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createInstanceSettings, type InstanceSettingsValues } from '../src/instance/instance-settings.js';
import { API, ORIGIN, createCookieJar, createTestInstance, send, signUp, type TestInstance } from '../../../test-support/instance.js';

describe('instance settings', () => {
  let t: TestInstance;
  before(async () => {
    t = await createTestInstance({ maxLifetimeSeconds: 7 * 24 * 3600, allowedOrigins: ['https://config.example'] });
  });
  after(() => t.close());

  test('defaults come from the configuration and nothing is stored', async () => {
    const view = await t.gatehouse.instanceSettings.get();
    assert.deepEqual(view.settings, {
      sessionLifetimeSeconds: 7 * 24 * 3600,
      inactivityTimeoutSeconds: null,
      multiSession: false,
      organizationsRequired: false,
      secondFactorRequired: false,
      allowedOrigins: ['https://config.example'],
      authorizedParties: [],
      // The test helper turns verification off for its sign-ups; the configuration's value shows here.
      emailVerificationRequired: false,
      signOutOnPasswordReset: true,
    });
    assert.deepEqual(view.overridden, []);
  });

  test('invalid changes are refused and write nothing', async () => {
    const before = t.counts().audit_events;
    const bad: unknown[] = [
      { sessionLifetimeSeconds: 0 },
      { sessionLifetimeSeconds: 1.5 },
      { inactivityTimeoutSeconds: -1 },
      { multiSession: 'yes' },
      { allowedOrigins: ['https://a.example/path'] },
      { allowedOrigins: ['javascript:alert(1)'] },
      { authorizedParties: 'https://a.example' },
      { somethingElse: true },
      // inactivity longer than the lifetime
      { sessionLifetimeSeconds: 3600, inactivityTimeoutSeconds: 7200 },
    ];
    for (const changes of bad) {
      await assert.rejects(t.gatehouse.instanceSettings.update(changes as never), { code: 'bad_request' }, JSON.stringify(changes));
    }
    assert.equal(t.counts().audit_events, before);
    assert.equal((t.db.prepare("SELECT COUNT(*) AS n FROM instance WHERE key = 'settings'").get() as { n: number }).n, 0);
    assert.deepEqual((await t.gatehouse.instanceSettings.get()).overridden, []);
  });

  test('a change is stored, audited with from/to, and applies to the next session at once', async () => {
    const view = await t.gatehouse.instanceSettings.update(
      { sessionLifetimeSeconds: 3600, inactivityTimeoutSeconds: 600, allowedOrigins: ['https://admin.example'] },
      { actorId: 'user_cli' },
    );
    assert.equal(view.settings.sessionLifetimeSeconds, 3600);
    assert.deepEqual(view.overridden.sort(), ['allowedOrigins', 'inactivityTimeoutSeconds', 'sessionLifetimeSeconds']);
    const { events } = await t.gatehouse.audit.query({ action: 'settings.updated' });
    assert.equal(events.length, 1);
    assert.equal(events[0]?.actorId, 'user_cli');
    assert.deepEqual(events[0]?.data, {
      changes: {
        sessionLifetimeSeconds: { from: 7 * 24 * 3600, to: 3600 },
        inactivityTimeoutSeconds: { from: null, to: 600 },
        allowedOrigins: { from: ['https://config.example'], to: ['https://admin.example'] },
      },
    });
    const res = await signUp(t, 'lifetime@example.com');
    assert.equal(res.status, 200, res.text);
    const { sessionId } = res.body as { sessionId: string };
    const row = t.db.prepare('SELECT expire_at, abandon_at, created_at FROM sessions WHERE id = ?').get(sessionId) as {
      expire_at: number;
      abandon_at: number;
      created_at: number;
    };
    assert.equal(row.expire_at - row.created_at, 3600 * 1000);
    assert.equal(row.abandon_at - row.created_at, 600 * 1000);
    // The CSRF check uses the new allowed origins: the configured one is out, the stored one is in.
    const fromConfig = await send(t, `${API}/sign-in`, {
      json: { email: 'x@example.com', password: 'x' },
      origin: 'https://config.example',
    });
    assert.equal(fromConfig.status, 403);
    const fromStored = await send(t, `${API}/sign-in`, {
      json: { email: 'x@example.com', password: 'x' },
      origin: 'https://admin.example',
    });
    assert.equal(fromStored.status, 401);
  });

  test('authorized parties apply to request authentication at once', async () => {
    const jar = createCookieJar();
    const res = await signUp(t, 'azp@example.com', jar);
    assert.equal(res.status, 200);
    const request = () => t.gatehouse.authenticate(new Request(`${ORIGIN}/x`, { headers: { cookie: jar.header() } }));
    assert.equal((await request()).status, 'signed-in');
    await t.gatehouse.instanceSettings.update({ authorizedParties: ['https://elsewhere.example'] });
    const state = await request();
    assert.equal(state.status, 'signed-out');
    assert.equal(state.reason, 'token-invalid-authorized-parties');
    await t.gatehouse.instanceSettings.update({ authorizedParties: [ORIGIN] });
    assert.equal((await request()).status, 'signed-in');
  });

  test('reset drops stored values: the defaults apply again', async () => {
    const view = await t.gatehouse.instanceSettings.reset(['allowedOrigins']);
    assert.deepEqual(view.settings.allowedOrigins, ['https://config.example']);
    assert.ok(!view.overridden.includes('allowedOrigins'));
    await assert.rejects(t.gatehouse.instanceSettings.reset(['nope' as never]), { code: 'bad_request' });
  });

  test('another instance on the same database picks a change up', async () => {
    const other = await createTestInstance({}, { dir: t.dir, clock: t.clock });
    try {
      await t.gatehouse.instanceSettings.update({ multiSession: true, organizationsRequired: true });
      await other.gatehouse.instanceSettings.reload();
      assert.equal(other.gatehouse.settings.multiSession, true);
      assert.equal(other.gatehouse.settings.organizationsRequired, true);
      assert.equal(other.gatehouse.instanceSettings.current().sessionLifetimeSeconds, 3600);
      // Without an explicit reload, a change shows on get() (it reads the database).
      await t.gatehouse.instanceSettings.update({ multiSession: false });
      assert.equal((await other.gatehouse.instanceSettings.get()).settings.multiSession, false);
      assert.equal(other.gatehouse.settings.multiSession, false);
    } finally {
      other.db.close();
      await other.gatehouse.close();
    }
  });

  test('a running instance notices a change made elsewhere without being asked (its periodic check)', async () => {
    const seen: InstanceSettingsValues[] = [];
    const watcher = await createInstanceSettings({
      store: t.gatehouse.store,
      defaults: t.gatehouse.instanceSettings.current(),
      apply: (values) => seen.push(values),
      now: () => t.clock.now,
      log: () => undefined,
      checkEveryMs: 20,
    });
    try {
      assert.equal(seen.length, 1);
      await t.gatehouse.instanceSettings.update({ organizationsRequired: false, sessionLifetimeSeconds: 7200 });
      // A generous bound for a 20 ms check on a busy machine.
      for (let i = 0; i < 200 && seen.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(seen.at(-1)?.sessionLifetimeSeconds, 7200);
    } finally {
      watcher.stop();
    }
  });
});
