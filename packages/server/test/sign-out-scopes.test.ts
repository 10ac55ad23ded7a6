// Sign-out scopes (session, client, everywhere), POST /sessions/:id/end and the backend ending API: every ended session is refused on the very next authenticate(), others are untouched, and rejected requests write nothing.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  API,
  PASSWORD,
  authenticate,
  authenticateToken,
  createCookieJar,
  refresh,
  send,
  signIn,
  signUp,
  type ApiResponse,
  type CookieJar,
  type SendOptions,
  instanceOfFile,
  CLEARED_COOKIES,
} from '../../../test-support/instance.js';

const t = instanceOfFile();

const NO_SUCH_SESSION = { error: { code: 'not_found', message: 'No such session.' } };
const sessionIdOf = (r: ApiResponse) => (r.body as { sessionId: string }).sessionId;

interface Device {
  jar: CookieJar;
  sessionId: string;
  token: string;
}

let emailCounter = 0;
/** A new user signed in on `count` browsers (each its own client). */
async function userOn(count: number): Promise<{ email: string; userId: string; devices: Device[] }> {
  emailCounter += 1;
  const email = `scopes-${emailCounter}@example.com`;
  const devices: Device[] = [];
  let userId = '';
  for (let i = 0; i < count; i += 1) {
    const jar = createCookieJar();
    const response = i === 0 ? await signUp(t, email, jar) : await signIn(t, email, PASSWORD, jar);
    assert.equal(response.status, 200);
    userId = (response.body as { user: { id: string } }).user.id;
    devices.push({ jar, sessionId: sessionIdOf(response), token: jar.get('__session') as string });
  }
  return { email, userId, devices };
}

function auditFor(sessionId: string) {
  const sql =
    "SELECT action, actor_id, data FROM audit_events WHERE subject_id = ? AND action IN ('session.ended', 'session.revoked') ORDER BY id";
  return t.db.prepare(sql).all(sessionId) as {
    action: string;
    actor_id: string | null;
    data: string;
  }[];
}

describe("scope 'session'", () => {
  test('ends the current session only: cookies cleared, its token refused at once, the other browser stays signed in', async () => {
    const { userId, devices } = await userOn(2);
    const [laptop, phone] = devices as [Device, Device];
    const laptopClient = laptop.jar.get('__client')?.split('.')[0];
    const out = await send(t, `${API}/sign-out`, { json: { scope: 'session' }, jar: laptop.jar });
    assert.equal(out.status, 200);
    assert.deepEqual(out.body, { signedOut: true, ended: [laptop.sessionId], activeSessionId: null });
    assert.deepEqual(out.setCookies, CLEARED_COOKIES);
    assert.equal(t.sessionStatus(laptop.sessionId), 'ended');
    assert.equal((await authenticateToken(t, laptop.token)).reason, 'session-revoked');
    assert.equal((await authenticate(t, phone.jar)).status, 'signed-in');
    assert.equal((await refresh(t, phone.jar)).status, 200);
    const [row, ...rest] = auditFor(laptop.sessionId).filter((a) => a.action === 'session.ended');
    assert.equal(rest.length, 0);
    assert.equal(row?.actor_id, userId);
    assert.deepEqual(JSON.parse(row?.data ?? ''), { user: userId, client: laptopClient, reason: 'session' });
  });

  test('ends another of my sessions by id: that device is refused at once, this browser keeps its cookies', async () => {
    const { devices } = await userOn(2);
    const [laptop, phone] = devices as [Device, Device];
    const out = await send(t, `${API}/sign-out`, { json: { scope: 'session', sessionId: phone.sessionId }, jar: laptop.jar });
    assert.equal(out.status, 200);
    assert.deepEqual(out.body, { signedOut: false, ended: [phone.sessionId], activeSessionId: laptop.sessionId });
    assert.deepEqual(out.setCookies, []);
    assert.equal((await authenticateToken(t, phone.token)).reason, 'session-revoked');
    const phoneRefresh = await refresh(t, phone.jar);
    assert.equal(phoneRefresh.status, 401);
    assert.equal((await authenticate(t, laptop.jar)).status, 'signed-in');
    assert.equal(t.sessionStatus(laptop.sessionId), 'active');
    // `sessionId` alone implies the session scope.
    const [, tablet] = (await userOn(2)).devices as [Device, Device];
    const implied = await send(t, `${API}/sign-out`, { json: { sessionId: tablet.sessionId }, jar: tablet.jar });
    assert.deepEqual(implied.body, { signedOut: true, ended: [tablet.sessionId], activeSessionId: null });
  });

  test("another user's session, an unknown id or an already-ended one is a 404 and nothing is written", async () => {
    const me = (await userOn(1)).devices[0] as Device;
    const victim = (await userOn(1)).devices[0] as Device;
    const mine = (await userOn(1)).devices[0] as Device;
    assert.equal(
      (await send(t, `${API}/sign-out`, { json: { scope: 'session', sessionId: mine.sessionId }, jar: mine.jar.clone() })).status,
      200,
    );
    for (const sessionId of [victim.sessionId, `sess_${'q'.repeat(26)}`]) {
      const before = t.snapshot();
      const viaSignOut = await send(t, `${API}/sign-out`, { json: { scope: 'session', sessionId }, jar: me.jar });
      const viaEnd = await send(t, `${API}/sessions/${sessionId}/end`, { method: 'POST', jar: me.jar });
      for (const response of [viaSignOut, viaEnd]) {
        assert.equal(response.status, 404);
        assert.deepEqual(response.body, NO_SUCH_SESSION);
        assert.deepEqual(response.setCookies, []);
      }
      assert.deepEqual(t.snapshot(), before);
    }
    assert.equal((await authenticateToken(t, victim.token)).status, 'signed-in', "the victim's token still works");
    assert.equal((await authenticate(t, me.jar)).status, 'signed-in');
  });
});

describe("scope 'client'", () => {
  test('{} and { scope: "client" } end every session of this browser, like no body', async () => {
    for (const body of [{}, { scope: 'client' }]) {
      const { devices } = await userOn(2);
      const [laptop, phone] = devices as [Device, Device];
      const out = await send(t, `${API}/sign-out`, { json: body, jar: laptop.jar });
      assert.equal(out.status, 200);
      assert.deepEqual(out.body, { signedOut: true, ended: [laptop.sessionId], activeSessionId: null });
      assert.deepEqual(out.setCookies, CLEARED_COOKIES);
      assert.equal((await authenticateToken(t, laptop.token)).reason, 'session-revoked');
      assert.equal((await authenticate(t, phone.jar)).status, 'signed-in');
    }
  });
});

describe("scope 'everywhere'", () => {
  test('ends every live session of the user on every client; every token is refused on the very next request', async () => {
    const { userId, devices } = await userOn(3);
    const bystander = (await userOn(1)).devices[0] as Device;
    for (const d of devices) assert.equal((await authenticate(t, d.jar)).status, 'signed-in');
    const [laptop, phone, tablet] = devices as [Device, Device, Device];
    const out = await send(t, `${API}/sign-out`, { json: { scope: 'everywhere' }, jar: phone.jar });
    assert.equal(out.status, 200);
    const body = out.body as { signedOut: boolean; ended: string[]; activeSessionId: string | null };
    assert.equal(body.signedOut, true);
    assert.equal(body.activeSessionId, null);
    assert.deepEqual([...body.ended].sort(), devices.map((d) => d.sessionId).sort());
    assert.deepEqual(out.setCookies, CLEARED_COOKIES);
    for (const d of [laptop, phone, tablet]) {
      assert.equal(t.sessionStatus(d.sessionId), 'ended');
      const state = await authenticateToken(t, d.token);
      assert.equal(state.status, 'signed-out');
      assert.equal(state.reason, 'session-revoked');
      const bearer = await send(t, `${API}/session`, { headers: { authorization: `Bearer ${d.token}` } });
      assert.equal(bearer.status, 401);
      const audit = auditFor(d.sessionId).filter((a) => a.action === 'session.ended');
      assert.equal(audit.length, 1);
      assert.equal(audit[0]?.actor_id, userId);
      assert.equal((JSON.parse(audit[0]?.data ?? '') as { reason: string }).reason, 'everywhere');
    }
    assert.equal((await refresh(t, laptop.jar)).status, 401, 'other browsers cannot mint new tokens either');
    assert.equal((await authenticate(t, bystander.jar)).status, 'signed-in', "another user's session is untouched");
    assert.equal(t.sessionStatus(bystander.sessionId), 'active');
  });

  test("needs a valid session token: 401 and nothing written otherwise (also for 'session')", async () => {
    const { devices } = await userOn(1);
    const device = devices[0] as Device;
    const clientOnly = createCookieJar({ __client: device.jar.get('__client') as string });
    for (const json of [{ scope: 'everywhere' }, { scope: 'session' }]) {
      for (const jar of [createCookieJar(), clientOnly, createCookieJar({ __session: 'garbage' })]) {
        const before = t.snapshot();
        const response = await send(t, `${API}/sign-out`, { json, jar: jar.clone() });
        assert.equal(response.status, 401);
        assert.deepEqual(response.body, { error: { code: 'unauthenticated', message: 'You are not signed in.' } });
        assert.deepEqual(response.setCookies, []);
        assert.deepEqual(t.snapshot(), before);
      }
    }
    assert.equal((await authenticate(t, device.jar)).status, 'signed-in');
  });
});

describe('POST /sessions/:id/end', () => {
  test("ends one of the user's own sessions (also by Bearer) and refuses its token at once", async () => {
    const { devices } = await userOn(2);
    const [laptop, phone] = devices as [Device, Device];
    const out = await send(t, `${API}/sessions/${phone.sessionId}/end`, {
      method: 'POST',
      headers: { authorization: `Bearer ${laptop.token}` },
    });
    assert.equal(out.status, 200);
    assert.deepEqual(out.body, { signedOut: false, ended: [phone.sessionId], activeSessionId: laptop.sessionId });
    assert.equal((await authenticateToken(t, phone.token)).reason, 'session-revoked');
    assert.equal((await authenticateToken(t, laptop.token)).status, 'signed-in');
    const own = await send(t, `${API}/sessions/${laptop.sessionId}/end`, { method: 'POST', jar: laptop.jar });
    assert.deepEqual(own.body, { signedOut: true, ended: [laptop.sessionId], activeSessionId: null });
    assert.deepEqual(own.setCookies, CLEARED_COOKIES);
    assert.equal((await authenticateToken(t, laptop.token)).reason, 'session-revoked');
  });

  test('cross-site, signed-out, wrong method, malformed ids and bodies are refused and write nothing', async () => {
    const { devices } = await userOn(2);
    const [laptop, phone] = devices as [Device, Device];
    const path = `${API}/sessions/${phone.sessionId}/end`;
    const cases: Array<[string, string, SendOptions, number, string]> = [
      ['cross-site', path, { method: 'POST', jar: laptop.jar, origin: 'https://evil.example' }, 403, 'csrf_rejected'],
      ['signed out', path, { method: 'POST', jar: createCookieJar() }, 401, 'unauthenticated'],
      ['GET', path, { method: 'GET', jar: laptop.jar }, 405, 'method_not_allowed'],
      ['malformed id', `${API}/sessions/sess_NOPE/end`, { method: 'POST', jar: laptop.jar }, 404, 'not_found'],
      ['extra segment', `${API}/sessions/${phone.sessionId}/end/now`, { method: 'POST', jar: laptop.jar }, 404, 'not_found'],
      ['unknown field', path, { json: { everywhere: true }, jar: laptop.jar }, 400, 'invalid_body'],
      ['not JSON', path, { rawBody: 'yes', jar: laptop.jar }, 400, 'invalid_body'],
      ['text/plain body', path, { rawBody: '{}', contentType: 'text/plain', jar: laptop.jar }, 415, 'unsupported_media_type'],
    ];
    for (const [name, url, options, status, code] of cases) {
      const before = t.snapshot();
      const response = await send(t, url, { ...options, ...(options.jar ? { jar: options.jar.clone() } : {}) });
      assert.equal(response.status, status, name);
      assert.equal((response.body as { error: { code: string } }).error.code, code, name);
      assert.deepEqual(response.setCookies, [], name);
      assert.deepEqual(t.snapshot(), before, name);
    }
    assert.equal((await authenticateToken(t, phone.token)).status, 'signed-in');
    assert.equal((await send(t, path, { method: 'POST', json: {}, jar: laptop.jar })).status, 200, 'an empty object is accepted');
  });
});

describe('POST /sign-out with an invalid body', () => {
  const invalid = (message: string) => ({ error: { code: 'invalid_body', message } });
  const cases: Array<[string, SendOptions, number, unknown]> = [
    ['unknown field', { json: { scope: 'session', all: true } }, 400, invalid('The body is invalid (body: Unrecognized key: "all").')],
    [
      'unknown scope',
      { json: { scope: 'galaxy' } },
      400,
      invalid('The body is invalid (scope: Invalid option: expected one of "client"|"session"|"everywhere").'),
    ],
    [
      'sessionId with scope client',
      { json: { scope: 'client', sessionId: `sess_${'a'.repeat(26)}` } },
      400,
      invalid('The body is invalid (sessionId: sessionId goes only with scope "session").'),
    ],
    [
      'sessionId with scope everywhere',
      { json: { scope: 'everywhere', sessionId: `sess_${'a'.repeat(26)}` } },
      400,
      invalid('The body is invalid (sessionId: sessionId goes only with scope "session").'),
    ],
    [
      'malformed sessionId',
      { json: { scope: 'session', sessionId: 'user_abc' } },
      400,
      invalid('The body is invalid (sessionId: Not a session id).'),
    ],
    ['array', { json: ['everywhere'] }, 400, invalid('The body is invalid (body: Invalid input: expected object, received array).')],
    ['not JSON', { rawBody: 'scope=everywhere' }, 400, invalid('The body is not valid JSON.')],
    [
      'form content-type',
      { rawBody: 'scope=everywhere', contentType: 'application/x-www-form-urlencoded' },
      415,
      { error: { code: 'unsupported_media_type', message: 'Send the body as application/json.' } },
    ],
    [
      'oversized',
      { json: { scope: 'session', pad: 'x'.repeat(17 * 1024) } },
      413,
      { error: { code: 'payload_too_large', message: 'The body must be at most 16384 bytes.' } },
    ],
  ];
  for (const [name, options, status, expected] of cases) {
    test(`${name}: ${status}, nothing written, cookies kept, still signed in`, async () => {
      const { devices } = await userOn(1);
      const device = devices[0] as Device;
      const before = t.snapshot();
      const response = await send(t, `${API}/sign-out`, { ...options, jar: device.jar });
      assert.equal(response.status, status);
      assert.deepEqual(response.body, expected);
      assert.deepEqual(response.setCookies, []);
      assert.deepEqual(t.snapshot(), before);
      assert.equal((await authenticate(t, device.jar)).status, 'signed-in');
    });
  }
});

describe('backend API', () => {
  test('endSession ends one session (revoked in memory at once); a second call or an unknown id returns false', async () => {
    const { devices } = await userOn(2);
    const [laptop, phone] = devices as [Device, Device];
    assert.equal(await t.gatehouse.sessions.endSession(laptop.sessionId), true);
    assert.equal(t.sessionStatus(laptop.sessionId), 'ended');
    assert.equal((await authenticateToken(t, laptop.token)).reason, 'session-revoked');
    assert.equal((await refresh(t, laptop.jar)).status, 401);
    assert.equal((await authenticate(t, phone.jar)).status, 'signed-in');
    const before = t.snapshot();
    assert.equal(await t.gatehouse.sessions.endSession(laptop.sessionId), false);
    assert.equal(await t.gatehouse.sessions.endSession(`sess_${'z'.repeat(26)}`), false);
    assert.deepEqual(t.snapshot(), before);
    const audit = auditFor(laptop.sessionId).filter((a) => a.action === 'session.ended');
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.actor_id, null);
  });

  test("revokeSession sets status 'revoked' and audits session.revoked", async () => {
    const device = (await userOn(1)).devices[0] as Device;
    assert.equal(await t.gatehouse.sessions.revokeSession(device.sessionId), true);
    assert.equal(t.sessionStatus(device.sessionId), 'revoked');
    assert.equal((await authenticate(t, device.jar)).reason, 'session-revoked');
    assert.deepEqual(
      auditFor(device.sessionId).map((a) => a.action),
      ['session.revoked'],
    );
    assert.equal(await t.gatehouse.sessions.revokeSession(device.sessionId), false);
  });

  test('endAllUserSessions signs the user out everywhere and leaves other users alone', async () => {
    const { userId, devices } = await userOn(3);
    const other = (await userOn(1)).devices[0] as Device;
    const ended = await t.gatehouse.sessions.endAllUserSessions(userId);
    assert.deepEqual([...ended].sort(), devices.map((d) => d.sessionId).sort());
    for (const d of devices) assert.equal((await authenticateToken(t, d.token)).reason, 'session-revoked');
    assert.deepEqual(await t.gatehouse.sessions.listUserSessions(userId), []);
    assert.deepEqual(await t.gatehouse.sessions.endAllUserSessions(userId), []);
    assert.equal((await authenticate(t, other.jar)).status, 'signed-in');
  });
});
