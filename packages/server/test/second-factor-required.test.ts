// Issue #18: an instance that requires a second factor holds a session pending (Clerk's `setup-mfa`
// task) until the user adds one; enrolling works while pending, and the next refresh is active.
// Turned on at run time, it applies to existing sessions at their next refresh.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { totpCode } from '../src/factors/codes.js';
import {
  API,
  authenticate,
  createCookieJar,
  createTestInstance,
  send,
  signUp,
  type CookieJar,
  type TestInstance,
} from '../../../test-support/instance.js';

let t: TestInstance;

before(async () => {
  t = await createTestInstance({ secondFactorRequired: true });
});
after(async () => {
  await t.close();
});

const session = async (jar: CookieJar) => (await send(t, `${API}/session`, { jar })).body as { status: string; tasks: string[] };
const refresh = async (jar: CookieJar) => assert.equal((await send(t, `${API}/refresh`, { method: 'POST', jar })).status, 200);

async function enrolTotp(jar: CookieJar): Promise<void> {
  const started = await send(t, `${API}/me/factors/totp`, { method: 'POST', jar });
  assert.equal(started.status, 200, started.text);
  const secret = (started.body as { secret: string }).secret;
  const confirmed = await send(t, `${API}/me/factors/totp/confirm`, { json: { code: totpCode(secret, t.clock.now) }, jar });
  assert.equal(confirmed.status, 200, confirmed.text);
}

test('a user without a second factor gets a pending session with the setup-mfa task, until they add one', async () => {
  const jar = createCookieJar();
  assert.equal((await signUp(t, 'new@example.com', jar)).status, 200);
  assert.equal((await authenticate(t, jar)).claims?.sts, 'pending');
  assert.deepEqual(await session(jar), { ...(await session(jar)), status: 'pending', tasks: ['setup-mfa'] });
  // A refresh alone changes nothing.
  await refresh(jar);
  assert.equal((await authenticate(t, jar)).claims?.sts, 'pending');
  const row = () =>
    t.db.prepare("SELECT status FROM sessions WHERE user_id = (SELECT id FROM users WHERE email = 'new@example.com')").get();
  assert.deepEqual(row(), { status: 'pending' });

  await enrolTotp(jar);
  await refresh(jar);
  assert.equal((await authenticate(t, jar)).claims?.sts, undefined);
  assert.deepEqual(await session(jar), { ...(await session(jar)), status: 'active', tasks: [] });
  assert.deepEqual(row(), { status: 'active' });
});

test('turned on at run time: an existing session without a second factor becomes pending at its next refresh', async () => {
  await t.gatehouse.instanceSettings.update({ secondFactorRequired: false });
  const jar = createCookieJar();
  assert.equal((await signUp(t, 'old@example.com', jar)).status, 200);
  assert.equal((await authenticate(t, jar)).claims?.sts, undefined);
  await t.gatehouse.instanceSettings.update({ secondFactorRequired: true });
  await refresh(jar);
  assert.equal((await authenticate(t, jar)).claims?.sts, 'pending');
  assert.deepEqual((await session(jar)).tasks, ['setup-mfa']);
  await t.gatehouse.instanceSettings.update({ secondFactorRequired: false });
  await refresh(jar);
  assert.equal((await authenticate(t, jar)).claims?.sts, undefined);
});
