// Operating the example app (issue #21): a scripted run against its production server (sign-ups, sign-ins that work, fail and are rate limited, a second factor, refreshes through the proxy and the API, 401s, a revocation) moves every counter by exactly what was done, and no line the server wrote during the run holds a password, token, cookie, code or secret it saw.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Secret, TOTP } from 'otpauth';
import { generateSecretKey } from '@gatehouse/server';
import { parseMetrics } from '../../test-support/metrics-scrape.js';
import { freePort, startAppServer, type AppServer } from '../../test-support/app-server.js';
import { createRawCookieJar, type CookieJar } from '../../test-support/instance.js';

const SECRET_KEY = generateSecretKey();
const MASTER_SECRET = `operating-e2e-master-${randomBytes(16).toString('hex')}`;
const PASSWORD = `pw-${randomBytes(9).toString('base64url')}-staple`;
const WRONG = `wrong-${randomBytes(9).toString('base64url')}-horse`;
/** Sign-in attempts one identifier may make in the window: the fifth attempt on `flood@` is refused. */
const IDENTIFIER_LIMIT = 4;
const WRONG_CODE = 'zzzzzzzzzz';

type Metrics = Map<string, number>;

const decision = (reason: string) => `gatehouse_decisions_total{reason="${reason}"}`;
const MISSING = decision('session-token-missing');
const SIGNED_IN = decision('signed-in');
const REFRESHED = 'gatehouse_refreshes_total{outcome="success"}';
const HITS = 'gatehouse_token_cache_hits_total';
const MISSES = 'gatehouse_token_cache_misses_total';

describe('a scripted run of the example app: exact metric deltas, and logs without secrets', () => {
  let app: AppServer;
  let metricsUrl: string;
  /** Every credential the run used or was given: none may be in the server's output. */
  const secrets = new Map<string, string>([
    ['password', PASSWORD],
    ['wrong password', WRONG],
    ['secret key', SECRET_KEY],
    ['master secret', MASTER_SECRET],
  ]);
  const remember = (what: string, value: string | undefined) => {
    if (value) secrets.set(`${what} #${secrets.size}`, value);
  };
  let before0: Metrics;
  let after0: Metrics;
  /** How many auth API requests of each path the run sent (the request log must show as many). */
  const sent = new Map<string, number>();

  async function call(
    path: string,
    jar: CookieJar | null,
    options: { json?: unknown; method?: string; headers?: Record<string, string> } = {},
  ) {
    const method = options.method ?? (options.json === undefined ? 'GET' : 'POST');
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (jar && jar.header() !== '') headers.cookie = jar.header();
    if (method !== 'GET') headers.origin = app.baseUrl;
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    if (path.startsWith('/api/gatehouse/')) sent.set(path, (sent.get(path) ?? 0) + 1);
    const res = await fetch(`${app.baseUrl}${path}`, {
      method,
      redirect: 'manual',
      headers,
      ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
    });
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      remember(`cookie ${pair.slice(0, eq)}`, pair.slice(eq + 1));
    }
    jar?.storeLines(setCookies);
    const text = await res.text();
    return { status: res.status, text, body: (text.startsWith('{') ? JSON.parse(text) : null) as Record<string, unknown> | null };
  }

  async function scrape(): Promise<Metrics> {
    const res = await fetch(`${metricsUrl}/metrics`);
    assert.equal(res.status, 200);
    return parseMetrics(await res.text());
  }
  const delta = (name: string) => (after0.get(name) ?? 0) - (before0.get(name) ?? 0);

  before(async () => {
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}`;
    app = await startAppServer({
      secret: MASTER_SECRET,
      env: {
        GATEHOUSE_SECRET_KEY: SECRET_KEY,
        GATEHOUSE_METRICS_PORT: String(port),
        // Every line Gatehouse can write, not only the default level's.
        GATEHOUSE_LOG_LEVEL: 'trace',
        GATEHOUSE_RATE_LIMIT_SIGN_IN_IDENTIFIER: `${IDENTIFIER_LIMIT}/600`,
      },
    });
    before0 = await scrape();
  });
  after(async () => {
    await app?.stop();
  });

  /** Every gatehouse_*_total series that moved while `action` ran, with how much. */
  async function moved(action: () => Promise<void>): Promise<Record<string, number>> {
    const start = await scrape();
    await action();
    const end = await scrape();
    const names = new Set([...start.keys(), ...end.keys()].filter((k) => /^gatehouse_\w+_total(\{|$)/.test(k)));
    return Object.fromEntries([...names].map((k) => [k, (end.get(k) ?? 0) - (start.get(k) ?? 0)] as const).filter(([, d]) => d !== 0));
  }
  const ada = createRawCookieJar();
  const browser = createRawCookieJar();
  const second = createRawCookieJar();
  const revoked = createRawCookieJar();
  let backupCodes: string[] = [];

  test('sign-ups: one new account, one taken address', async () => {
    const d = await moved(async () => {
      assert.equal((await call('/api/gatehouse/sign-up', ada, { json: { email: 'ada@example.com', password: PASSWORD } })).status, 200);
      assert.equal((await call('/api/gatehouse/sign-up', null, { json: { email: 'ada@example.com', password: PASSWORD } })).status, 409);
    });
    assert.deepEqual(d, {
      [MISSING]: 2, // every request the proxy sees is decided: these carry no session
      'gatehouse_sign_ups_total{outcome="success"}': 1,
      'gatehouse_sign_ups_total{outcome="identifier_exists"}': 1,
    });
  });

  test('sign-ins: one that works, two wrong passwords, an unknown address', async () => {
    const d = await moved(async () => {
      assert.equal((await call('/api/gatehouse/sign-in', browser, { json: { email: 'ada@example.com', password: PASSWORD } })).status, 200);
      for (const email of ['ada@example.com', 'ada@example.com', 'nobody@example.com'])
        assert.equal((await call('/api/gatehouse/sign-in', null, { json: { email, password: WRONG } })).status, 401);
    });
    assert.deepEqual(d, {
      [MISSING]: 4,
      'gatehouse_sign_ins_total{outcome="success"}': 1,
      'gatehouse_sign_ins_total{outcome="invalid_credentials"}': 3, // an unknown address fails as a wrong password does
    });
  });

  test('a flood on one identifier: refused after the limit', async () => {
    const d = await moved(async () => {
      for (let i = 0; i < IDENTIFIER_LIMIT; i++)
        assert.equal((await call('/api/gatehouse/sign-in', null, { json: { email: 'flood@example.com', password: WRONG } })).status, 401);
      assert.equal((await call('/api/gatehouse/sign-in', null, { json: { email: 'flood@example.com', password: WRONG } })).status, 429);
    });
    assert.deepEqual(d, {
      [MISSING]: IDENTIFIER_LIMIT + 1,
      'gatehouse_sign_ins_total{outcome="invalid_credentials"}': IDENTIFIER_LIMIT,
      'gatehouse_sign_ins_total{outcome="rate_limited"}': 1,
      'gatehouse_rate_limit_refusals_total{limit="signInIdentifier"}': 1,
    });
  });

  test('a signed-in request', async () => {
    const d = await moved(async () => {
      assert.equal((await call('/api/me', browser)).status, 200);
    });
    assert.deepEqual(d, {
      // The proxy's decision verifies the token (a miss); the route handler's auth() finds it cached.
      [SIGNED_IN]: 2,
      [MISSES]: 1,
      [HITS]: 1,
    });
  });

  test('a request without a session', async () => {
    const d = await moved(async () => {
      assert.equal((await call('/api/me', null)).status, 401);
    });
    assert.deepEqual(d, { [MISSING]: 1 });
  });

  test('a forged token', async () => {
    const d = await moved(async () => {
      assert.equal((await call('/api/me', createRawCookieJar({ __session: 'a.b.c' }))).status, 401);
    });
    assert.deepEqual(d, { [decision('token-invalid')]: 1, [MISSES]: 1 });
  });

  test('a signed-out page', async () => {
    const d = await moved(async () => {
      const page = await call('/dashboard', null, { headers: { accept: 'text/html' } });
      assert.equal(page.status, 307);
    });
    assert.deepEqual(d, { [MISSING]: 1 });
  });

  test('the proxy refreshes', async () => {
    const first = browser.get('__session');
    browser.delete('__session');
    const d = await moved(async () => {
      assert.equal((await call('/api/me', browser)).status, 200);
    });
    assert.ok(browser.get('__session') && browser.get('__session') !== first, 'the proxy set a fresh session token');
    assert.deepEqual(d, {
      // The proxy: no session token (one decision), a refresh; the page's auth() verifies the new token.
      [MISSING]: 1,
      [REFRESHED]: 1,
      [SIGNED_IN]: 1,
      [MISSES]: 1,
    });
  });

  test('the API refreshes', async () => {
    const d = await moved(async () => {
      assert.equal((await call('/api/gatehouse/refresh', browser, { json: {} })).status, 200);
    });
    assert.deepEqual(d, {
      // The proxy's decision, and the refresh route's look at the presented token (cached both times).
      [REFRESHED]: 1,
      [SIGNED_IN]: 1,
      [HITS]: 2,
    });
  });

  test('sign out', async () => {
    for (const [k, v] of browser.entries()) revoked.set(k, v);
    const d = await moved(async () => {
      assert.equal((await call('/api/gatehouse/sign-out', browser, { json: {} })).status, 200);
    });
    assert.deepEqual(d, { [SIGNED_IN]: 1, [MISSES]: 1, [HITS]: 1 });
  });

  test('revoked token', async () => {
    const d = await moved(async () => {
      assert.equal((await call('/api/me', createRawCookieJar({ __session: revoked.get('__session') ?? '' }))).status, 401);
    });
    assert.deepEqual(d, { [decision('session-revoked')]: 1, [HITS]: 1 });
  });

  test('revoked client', async () => {
    const d = await moved(async () => {
      assert.equal(
        (await call('/api/gatehouse/refresh', createRawCookieJar({ __client: revoked.get('__client') ?? '' }), { json: {} })).status,
        401,
      );
    });
    assert.deepEqual(d, { [MISSING]: 1, 'gatehouse_refreshes_total{outcome="session_invalid"}': 1 });
  });

  test('totp enrol', async () => {
    const d = await moved(async () => {
      const started = await call('/api/gatehouse/me/factors/totp', ada, { json: {} });
      assert.equal(started.status, 200, started.text);
      const totpSecret = String(started.body?.secret);
      remember('totp secret', totpSecret);
      const code = TOTP.generate({ secret: Secret.fromBase32(totpSecret), digits: 6, period: 30 });
      remember('totp code', code);
      const confirmed = await call('/api/gatehouse/me/factors/totp/confirm', ada, { json: { code } });
      assert.equal(confirmed.status, 200, confirmed.text);
      backupCodes = confirmed.body?.backupCodes as string[];
      assert.equal(backupCodes.length, 10);
      backupCodes.forEach((c) => remember('backup code', c));
    });
    assert.deepEqual(d, {
      // Two requests: the proxy's decision and the factor route's own check each.
      [SIGNED_IN]: 4,
      [MISSES]: 1,
      [HITS]: 5,
    });
  });

  test('second factor sign-in', async () => {
    const d = await moved(async () => {
      const needs = await call('/api/gatehouse/sign-in', second, { json: { email: 'ada@example.com', password: PASSWORD } });
      assert.equal(needs.status, 200);
      assert.equal(needs.body?.status, 'needs_second_factor');
      remember('wrong backup code', WRONG_CODE);
      const wrongCode = await call('/api/gatehouse/sign-in/second-factor', second, { json: { strategy: 'backup_code', code: WRONG_CODE } });
      assert.ok(wrongCode.status >= 400 && wrongCode.status < 500, wrongCode.text);
      const done = await call('/api/gatehouse/sign-in/second-factor', second, { json: { strategy: 'backup_code', code: backupCodes[0] } });
      assert.equal(done.status, 200, done.text);
    });
    assert.deepEqual(d, {
      [MISSING]: 3,
      'gatehouse_sign_ins_total{outcome="second_factor_required"}': 1,
      'gatehouse_sign_ins_total{outcome="code_invalid"}': 1,
      'gatehouse_sign_ins_total{outcome="success"}': 1,
    });
  });

  test('keyed metrics', async () => {
    const d = await moved(async () => {
      assert.equal((await call('/api/gatehouse/metrics', null)).status, 401);
      assert.equal((await call('/api/gatehouse/metrics', null, { headers: { authorization: `Bearer ${SECRET_KEY}` } })).status, 200);
    });
    assert.deepEqual(d, {
      // The secret key in Authorization is no session token: the proxy decides it is invalid.
      [MISSING]: 1,
      [decision('token-invalid')]: 1,
      [MISSES]: 1,
    });
    for (const jar of [ada, browser, second]) for (const [name, value] of jar.entries()) remember(`cookie ${name}`, value);
    after0 = await scrape();
  });

  test('over the whole run: the totals the operator sees, the hit ratio, the health gauges', () => {
    assert.equal(delta('gatehouse_sign_ups_total{outcome="success"}'), 1);
    assert.equal(delta('gatehouse_sign_ins_total{outcome="success"}'), 2, 'the password sign-in and the one finished with a backup code');
    assert.equal(delta('gatehouse_sign_ins_total{outcome="invalid_credentials"}'), 3 + IDENTIFIER_LIMIT);
    assert.equal(delta(REFRESHED), 2);
    assert.equal(delta(decision('session-revoked')), 1);
    const [hits, misses] = [after0.get(HITS) ?? 0, after0.get(MISSES) ?? 0];
    assert.equal(after0.get('gatehouse_token_cache_hit_ratio'), hits / (hits + misses));
    assert.equal(after0.get('gatehouse_database_up'), 1);
    assert.equal(after0.has('gatehouse_redis_up'), false, 'no REDIS_URL: no Redis gauge');
    assert.equal(delta('gatehouse_webhook_failures_total'), 0);
    assert.equal(after0.get('gatehouse_mail_outbox_depth{status="failed"}'), 0);
  });

  test('the server wrote its request lines, and no line holds a credential of the run', () => {
    const output = app.output();
    const lines = output.split('\n').filter((l) => l.startsWith('{'));
    const requests = lines
      .map((l) => JSON.parse(l) as { msg?: string; path?: string; requestId?: string })
      .filter((l) => l.msg === 'request');
    for (const [path, n] of sent) {
      assert.equal(requests.filter((l) => l.path === path).length, n, `${path}: one request line per request`);
    }
    assert.ok(requests.every((l) => typeof l.requestId === 'string' && l.requestId.length > 0));
    assert.ok(secrets.size > 20, `the run collected its credentials (${secrets.size})`);
    for (const [what, value] of secrets) {
      // Whole values, and for tokens each signature (the part that makes them credentials).
      const pieces = [value, encodeURIComponent(value), ...(value.split('.').length === 3 ? [value.split('.')[2] ?? ''] : [])];
      for (const piece of pieces.filter((p) => p.length >= 6)) assert.ok(!output.includes(piece), `the server output holds a ${what}`);
    }
  });
});
