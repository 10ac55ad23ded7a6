// Issue #18: TOTP enrolment, the second step of sign-in (TOTP, backup codes), real fva minutes, reverification and fresh-verification guards; wrong, reused and expired codes change nothing.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { totpCode } from '../src/factors/codes.js';
import {
  API,
  PASSWORD,
  authenticate,
  createCookieJar,
  createTestInstance,
  send,
  signIn,
  signUp,
  type CookieJar,
  type TestInstance,
} from '../../../test-support/instance.js';

let t: TestInstance;
let jar: CookieJar;
let secret = '';
let backupCodes: string[] = [];

const fva = async (j: CookieJar) => (await authenticate(t, j)).claims?.fva;
/** Factor rows, backup codes, sessions and clients: compare before and after to prove a refusal wrote nothing. */
const state = () => ({
  factors: t.db.prepare('SELECT * FROM user_factors ORDER BY id').all(),
  codes: t.db.prepare('SELECT * FROM backup_codes ORDER BY id').all(),
  sessions: t.db.prepare('SELECT * FROM sessions ORDER BY id').all(),
  clients: t.db.prepare('SELECT * FROM clients ORDER BY id').all(),
});

before(async () => {
  t = await createTestInstance({
    rateLimits: { verifyIdentifier: { limit: 1000, windowSeconds: 600 }, verifyIp: { limit: 1000, windowSeconds: 600 } },
  });
  jar = createCookieJar();
  assert.equal((await signUp(t, 'mo@example.com', jar)).status, 200);
});
after(async () => {
  await t.close();
});

describe('TOTP enrolment', () => {
  test('without a second factor fva is [minutes, -1]; the first factor ages with the clock', async () => {
    assert.deepEqual(await fva(jar), [0, -1]);
    t.advance(5 * 60);
    assert.equal((await send(t, `${API}/refresh`, { method: 'POST', jar })).status, 200);
    assert.deepEqual(await fva(jar), [5, -1]);
  });

  test('start shows the secret, its otpauth URI and a QR code; nothing is enabled yet', async () => {
    const res = await send(t, `${API}/me/factors/totp`, { method: 'POST', jar });
    assert.equal(res.status, 200);
    const body = res.body as { secret: string; uri: string; qrCode: string };
    secret = body.secret;
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.match(body.uri, /^otpauth:\/\/totp\/Gatehouse:mo%40example\.com\?/);
    assert.ok(body.uri.includes(`secret=${secret}`));
    assert.match(body.qrCode, /^data:image\/png;base64,/);
    const factors = (await send(t, `${API}/me/factors`, { jar })).body as { totpEnabled: boolean; twoFactorEnabled: boolean };
    assert.equal(factors.totpEnabled, false);
    // The secret is stored sealed, never in clear.
    const row = t.db.prepare('SELECT secret_sealed FROM user_factors').get() as { secret_sealed: string };
    assert.ok(!row.secret_sealed.includes(secret));
  });

  test('a wrong confirmation code is refused (422) and changes nothing', async () => {
    const before = state();
    const wrong = totpCode(secret, t.clock.now - 5 * 60_000);
    const res = await send(t, `${API}/me/factors/totp/confirm`, { json: { code: wrong }, jar });
    assert.equal(res.status, 422);
    assert.equal((res.body as { error: { code: string } }).error.code, 'code_invalid');
    assert.deepEqual(state(), before);
  });

  test('a current code confirms it and returns 10 single-use backup codes, stored only hashed', async () => {
    const res = await send(t, `${API}/me/factors/totp/confirm`, { json: { code: totpCode(secret, t.clock.now) }, jar });
    assert.equal(res.status, 200);
    backupCodes = (res.body as { backupCodes: string[] }).backupCodes;
    assert.equal(backupCodes.length, 10);
    assert.equal(new Set(backupCodes).size, 10);
    const hashes = t.db.prepare('SELECT code_hash FROM backup_codes').all() as { code_hash: string }[];
    assert.equal(hashes.length, 10);
    for (const code of backupCodes) assert.ok(!hashes.some((h) => h.code_hash.includes(code)));
    const factors = (await send(t, `${API}/me/factors`, { jar })).body as { totpEnabled: boolean; backupCodesRemaining: number };
    assert.equal(factors.totpEnabled, true);
    assert.equal(factors.backupCodesRemaining, 10);
    // Enrolling verified the second factor just now.
    assert.equal((await send(t, `${API}/refresh`, { method: 'POST', jar })).status, 200);
    assert.deepEqual(await fva(jar), [5, 0]);
    const audit = t.db.prepare("SELECT action, data FROM audit_events WHERE action LIKE 'factor.%'").all() as { data: string }[];
    assert.ok(audit.length >= 3);
    for (const row of audit) for (const code of backupCodes) assert.ok(!row.data.includes(code));
  });
});

describe('sign-in with a second factor', () => {
  let attemptJar: CookieJar;
  test('the right password alone answers needs_second_factor: no session, no session cookie', async () => {
    t.advance(60);
    const before = state();
    attemptJar = createCookieJar();
    const res = await signIn(t, 'mo@example.com', PASSWORD, attemptJar);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      status: 'needs_second_factor',
      supportedSecondFactors: [{ strategy: 'totp' }, { strategy: 'backup_code' }],
    });
    assert.equal(attemptJar.get('__session'), undefined);
    assert.equal(attemptJar.get('__client'), undefined);
    assert.ok(attemptJar.get('__gh_sign_in'));
    assert.deepEqual(state().sessions, before.sessions);
  });

  test('a wrong TOTP code is refused with nothing changed; without the attempt cookie nothing works', async () => {
    const before = state();
    const res = await send(t, `${API}/sign-in/second-factor`, { json: { strategy: 'totp', code: '000000' }, jar: attemptJar });
    assert.equal(res.status, 422);
    assert.deepEqual(state(), before);
    const stray = await send(t, `${API}/sign-in/second-factor`, {
      json: { strategy: 'totp', code: totpCode(secret, t.clock.now) },
      jar: createCookieJar(),
    });
    assert.equal(stray.status, 401);
    assert.deepEqual(state(), before);
  });

  test('a current code signs in with fva [0, 0]; the same code again (replay) is refused', async () => {
    const code = totpCode(secret, t.clock.now);
    const res = await send(t, `${API}/sign-in/second-factor`, { json: { strategy: 'totp', code }, jar: attemptJar });
    assert.equal(res.status, 200);
    assert.equal(attemptJar.get('__gh_sign_in'), undefined);
    assert.deepEqual(await fva(attemptJar), [0, 0]);
    const again = createCookieJar();
    assert.equal((await signIn(t, 'mo@example.com', PASSWORD, again)).status, 200);
    const before = state();
    const replay = await send(t, `${API}/sign-in/second-factor`, { json: { strategy: 'totp', code }, jar: again });
    assert.equal(replay.status, 422);
    assert.deepEqual(state(), before);
  });

  test('an expired code (three time steps old, never used) is refused with nothing changed', async () => {
    // Far past the last used step, so only its age can refuse it: one step of drift is allowed, not three.
    t.advance(5 * 60);
    const attempt = createCookieJar();
    assert.equal((await signIn(t, 'mo@example.com', PASSWORD, attempt)).status, 200);
    const before = state();
    const expired = totpCode(secret, t.clock.now - 90_000);
    const res = await send(t, `${API}/sign-in/second-factor`, { json: { strategy: 'totp', code: expired }, jar: attempt });
    assert.equal(res.status, 422);
    assert.deepEqual(state(), before);
    // The same attempt still takes a current code.
    const current = await send(t, `${API}/sign-in/second-factor`, {
      json: { strategy: 'totp', code: totpCode(secret, t.clock.now) },
      jar: attempt,
    });
    assert.equal(current.status, 200);
  });

  test('a backup code works once and only once', async () => {
    const first = createCookieJar();
    await signIn(t, 'mo@example.com', PASSWORD, first);
    const code = backupCodes[3] ?? '';
    const ok = await send(t, `${API}/sign-in/second-factor`, { json: { strategy: 'backup_code', code: code.toUpperCase() }, jar: first });
    assert.equal(ok.status, 200);
    assert.equal((await authenticate(t, first)).status, 'signed-in');
    const second = createCookieJar();
    await signIn(t, 'mo@example.com', PASSWORD, second);
    const before = state();
    const reused = await send(t, `${API}/sign-in/second-factor`, { json: { strategy: 'backup_code', code }, jar: second });
    assert.equal(reused.status, 422);
    assert.deepEqual(state(), before);
    const left = (await send(t, `${API}/me/factors`, { jar: first })).body as { backupCodesRemaining: number };
    assert.equal(left.backupCodesRemaining, 9);
  });

  test('an expired attempt is refused and its cookie cleared; five wrong codes lock the attempt out', async () => {
    const slow = createCookieJar();
    await signIn(t, 'mo@example.com', PASSWORD, slow);
    t.advance(11 * 60);
    const before = state();
    const late = await send(t, `${API}/sign-in/second-factor`, {
      json: { strategy: 'totp', code: totpCode(secret, t.clock.now) },
      jar: slow,
    });
    assert.equal(late.status, 401);
    assert.equal(slow.get('__gh_sign_in'), undefined);
    assert.deepEqual(state().sessions, before.sessions);

    const guesser = createCookieJar();
    await signIn(t, 'mo@example.com', PASSWORD, guesser);
    for (let i = 0; i < 4; i++) {
      assert.equal(
        (await send(t, `${API}/sign-in/second-factor`, { json: { strategy: 'totp', code: '12345' + i }, jar: guesser })).status,
        422,
      );
    }
    const fifth = await send(t, `${API}/sign-in/second-factor`, { json: { strategy: 'totp', code: '999999' }, jar: guesser });
    assert.equal(fifth.status, 401);
    const right = await send(t, `${API}/sign-in/second-factor`, {
      json: { strategy: 'totp', code: totpCode(secret, t.clock.now) },
      jar: guesser,
    });
    assert.equal(right.status, 401, 'a locked attempt stays locked even for the right code');
    const locked = t.db.prepare("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'sign_in.second_factor_locked'").get() as {
      n: number;
    };
    assert.equal(locked.n, 1);
  });
});

describe('reverification', () => {
  test('a stale session gets the reverification answer for sensitive operations, with nothing changed', async () => {
    t.advance(30 * 60);
    assert.equal((await send(t, `${API}/refresh`, { method: 'POST', jar })).status, 200);
    const [, second] = (await fva(jar)) ?? [];
    assert.ok((second ?? 0) >= 10);
    const before = state();
    const res = await send(t, `${API}/me/factors/backup-codes`, { method: 'POST', jar });
    assert.equal(res.status, 403);
    assert.deepEqual((res.body as { clerk_error: unknown }).clerk_error, {
      type: 'forbidden',
      reason: 'reverification-error',
      metadata: { reverification: 'strict' },
    });
    assert.equal((await send(t, `${API}/me/factors/totp`, { method: 'DELETE', jar })).status, 403);
    assert.deepEqual(state(), before);
  });

  test('a wrong password or code does not reverify; a TOTP code does, and the new token says so', async () => {
    const before = state();
    assert.equal((await send(t, `${API}/reverify`, { json: { strategy: 'password', password: 'nope nope nope' }, jar })).status, 401);
    assert.equal((await send(t, `${API}/reverify`, { json: { strategy: 'totp', code: '111111' }, jar })).status, 422);
    assert.deepEqual(state().sessions, before.sessions);
    t.advance(30);
    const ok = await send(t, `${API}/reverify`, { json: { strategy: 'totp', code: totpCode(secret, t.clock.now) }, jar });
    assert.equal(ok.status, 200);
    const [first, second] = (await fva(jar)) ?? [];
    assert.equal(second, 0);
    assert.ok((first ?? 0) > 10);
    const codes = await send(t, `${API}/me/factors/backup-codes`, { method: 'POST', jar });
    assert.equal(codes.status, 200);
    assert.equal((codes.body as { backupCodes: string[] }).backupCodes.length, 10);
  });

  test('reverifying with the password refreshes the first factor', async () => {
    t.advance(60);
    const ok = await send(t, `${API}/reverify`, { json: { strategy: 'password', password: PASSWORD }, jar });
    assert.equal(ok.status, 200);
    assert.deepEqual(await fva(jar), [0, 1]);
  });

  test('bodies are validated: unknown strategies and fields are 400, signed-out callers 401', async () => {
    assert.equal((await send(t, `${API}/reverify`, { json: { strategy: 'sms', code: '1' }, jar })).status, 400);
    assert.equal((await send(t, `${API}/reverify`, { json: { strategy: 'totp', code: '1', extra: 1 }, jar })).status, 400);
    assert.equal((await send(t, `${API}/reverify`, { json: { strategy: 'totp', code: '1' }, jar: createCookieJar() })).status, 401);
    assert.equal((await send(t, `${API}/me/factors`, { jar: createCookieJar() })).status, 401);
  });

  test('an instance admin reset removes every factor; the password alone signs in again', async () => {
    const userId = (t.db.prepare('SELECT id FROM users').get() as { id: string }).id;
    assert.equal(await t.gatehouse.factors.resetFactors(userId, null, { ip: null, userAgent: null, origin: null }), 1);
    const res = await signIn(t, 'mo@example.com', PASSWORD, createCookieJar());
    assert.equal(res.status, 200);
    assert.ok((res.body as { sessionId?: string }).sessionId);
    assert.equal((t.db.prepare('SELECT COUNT(*) AS n FROM backup_codes').get() as { n: number }).n, 0);
  });
});
