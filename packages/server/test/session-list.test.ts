// GET /sessions lists the signed-in user's live sessions on every client (device, IP, last active, current), never another user's and never a secret; plus the device labels.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeDevice } from '../src/sessions/device.js';
import {
  API,
  PASSWORD,
  createCookieJar,
  createTestInstance,
  send,
  signIn,
  signUp,
  type ApiResponse,
  type TestInstance,
} from '../../../test-support/instance.js';

let t: TestInstance;
before(async () => {
  t = await createTestInstance({ maxLifetimeSeconds: 3600 });
});
after(async () => {
  await t.close();
});

const CHROME_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36';
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1';

interface Listed {
  id: string;
  status: string;
  createdAt: number;
  lastActiveAt: number;
  expireAt: number;
  ip: string | null;
  userAgent: string | null;
  device: string;
  current: boolean;
}
const sessionsOf = (r: ApiResponse) => (r.body as { sessions: Listed[] }).sessions;
const sessionIdOf = (r: ApiResponse) => (r.body as { sessionId: string }).sessionId;

describe('GET /sessions', () => {
  test('401 without a valid session token, and a revoked token is refused', async () => {
    const anonymous = await send(t, `${API}/sessions`);
    assert.equal(anonymous.status, 401);
    assert.deepEqual(anonymous.body, { error: { code: 'unauthenticated', message: 'You are not signed in.' } });
    const jar = createCookieJar();
    assert.equal((await signUp(t, 'gone@example.com', jar)).status, 200);
    const token = jar.get('__session') as string;
    assert.equal((await send(t, `${API}/sign-out`, { method: 'POST', jar })).status, 200);
    const revoked = await send(t, `${API}/sessions`, { jar: createCookieJar({ __session: token }) });
    assert.equal(revoked.status, 401);
    assert.equal((await send(t, `${API}/sessions`, { method: 'POST', json: {}, jar })).status, 405);
  });

  test("lists the user's live sessions on every client with device, IP and times; current marks the asking one", async () => {
    const laptop = createCookieJar();
    const t0 = t.clock.now;
    const first = await send(t, `${API}/sign-up`, {
      json: { email: 'list@example.com', password: PASSWORD },
      jar: laptop,
      headers: { 'user-agent': CHROME_LINUX, 'x-forwarded-for': '198.51.100.66, 203.0.113.7' },
    });
    t.advance(30);
    const phone = createCookieJar();
    const second = await send(t, `${API}/sign-in`, {
      json: { email: 'list@example.com', password: PASSWORD },
      jar: phone,
      headers: { 'user-agent': SAFARI_IPHONE },
    });
    t.advance(30);
    const ended = createCookieJar();
    assert.equal((await signIn(t, 'list@example.com', PASSWORD, ended)).status, 200);
    assert.equal((await send(t, `${API}/sign-out`, { method: 'POST', jar: ended })).status, 200);
    // Another user's sessions never show up.
    assert.equal((await signUp(t, 'someone-else@example.com')).status, 200);

    const before = t.snapshot();
    const response = await send(t, `${API}/sessions`, { jar: phone });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.deepEqual(sessionsOf(response), [
      {
        id: sessionIdOf(second),
        status: 'active',
        createdAt: t0 + 30_000,
        lastActiveAt: t0 + 30_000,
        expireAt: t0 + 30_000 + 3600_000,
        ip: null,
        userAgent: SAFARI_IPHONE,
        device: 'Safari on iOS',
        current: true,
      },
      {
        id: sessionIdOf(first),
        status: 'active',
        createdAt: t0,
        lastActiveAt: t0,
        expireAt: t0 + 3600_000,
        ip: '203.0.113.7',
        userAgent: CHROME_LINUX,
        device: 'Chrome on Linux',
        current: false,
      },
    ]);
    assert.deepEqual(t.snapshot(), before, 'listing writes nothing');

    // The same list by Bearer token, from the laptop's point of view.
    const bearer = await send(t, `${API}/sessions`, { headers: { authorization: `Bearer ${laptop.get('__session')}` } });
    assert.equal(bearer.status, 200);
    assert.deepEqual(
      sessionsOf(bearer).map((s) => [s.id, s.current]),
      [
        [sessionIdOf(second), false],
        [sessionIdOf(first), true],
      ],
    );
  });

  test('no token hash, client id or client secret is ever in the list', async () => {
    const jar = createCookieJar();
    assert.equal((await signUp(t, 'secret-free@example.com', jar)).status, 200);
    const response = await send(t, `${API}/sessions`, { jar });
    const [clientId = '', secret = ''] = (jar.get('__client') as string).split('.');
    const hashes = t.db.prepare('SELECT token_hash FROM clients').all() as { token_hash: string }[];
    assert.ok(response.text.length > 0);
    for (const forbidden of [clientId, secret, ...hashes.map((h) => h.token_hash)]) assert.ok(!response.text.includes(forbidden));
    assert.deepEqual(Object.keys(sessionsOf(response)[0] ?? {}).sort(), [
      'createdAt',
      'current',
      'device',
      'expireAt',
      'id',
      'ip',
      'lastActiveAt',
      'status',
      'userAgent',
    ]);
  });

  test('sessions past their maximum lifetime are not listed; refreshes move lastActiveAt', async () => {
    const old = createCookieJar();
    assert.equal((await signUp(t, 'aging@example.com', old)).status, 200);
    t.advance(3000);
    const fresh = createCookieJar();
    const current = sessionIdOf(await signIn(t, 'aging@example.com', PASSWORD, fresh));
    t.advance(20);
    assert.equal((await send(t, `${API}/refresh`, { method: 'POST', jar: fresh })).status, 200);
    const refreshedAt = t.clock.now;
    t.advance(700); // the first session is now 3720 s old (> 3600 s lifetime)
    assert.equal((await send(t, `${API}/refresh`, { method: 'POST', jar: fresh })).status, 200);
    const list = sessionsOf(await send(t, `${API}/sessions`, { jar: fresh }));
    assert.deepEqual(
      list.map((s) => s.id),
      [current],
    );
    assert.equal(list[0]?.lastActiveAt, t.clock.now);
    assert.ok(t.clock.now > refreshedAt);
  });

  test('the backend API lists the same sessions (listUserSessions)', async () => {
    const jar = createCookieJar();
    const signedUp = await signUp(t, 'backend-list@example.com', jar);
    const userId = (signedUp.body as { user: { id: string } }).user.id;
    const listed = await t.gatehouse.sessions.listUserSessions(userId);
    assert.deepEqual(
      listed.map((s) => [s.id, s.current]),
      [[sessionIdOf(signedUp), false]],
    );
    const withCurrent = await t.gatehouse.sessions.listUserSessions(userId, { currentSessionId: sessionIdOf(signedUp) });
    assert.equal(withCurrent[0]?.current, true);
    assert.deepEqual(await t.gatehouse.sessions.listUserSessions('user_nobody'), []);
  });
});

describe('describeDevice', () => {
  const cases: Array<[string | null, string]> = [
    [CHROME_LINUX, 'Chrome on Linux'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36', 'Chrome on Linux'],
    [SAFARI_IPHONE, 'Safari on iOS'],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36 Edg/141.0.0.0',
      'Edge on Windows',
    ],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14.6; rv:143.0) Gecko/20100101 Firefox/143.0', 'Firefox on macOS'],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Safari/605.1.15',
      'Safari on macOS',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Mobile Safari/537.36',
      'Chrome on Android',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36 OPR/122.0.0.0',
      'Opera on Windows',
    ],
    [
      'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36',
      'Chrome on ChromeOS',
    ],
    ['curl/8.5.0', 'curl'],
    ['Mozilla/5.0 (Linux; Android 14) SomethingNew/1.0', 'Browser on Android'],
    ['', 'Unknown device'],
    [null, 'Unknown device'],
    ['gibberish', 'Unknown device'],
  ];
  for (const [userAgent, label] of cases) {
    test(`${JSON.stringify(userAgent?.slice(0, 60) ?? null)} -> ${label}`, () => {
      assert.equal(describeDevice(userAgent), label);
    });
  }
});
