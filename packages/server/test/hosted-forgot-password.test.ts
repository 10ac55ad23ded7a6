// Issue #23: "Forgot password?" on the hosted sign-in page: the address, then the mailed code with a new password, as plain
// HTML form posts to the password reset; a wrong code goes back to the page with the reason; success signs in and goes on.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { totpCode } from '../src/factors/codes.js';
import {
  API,
  PASSWORD,
  createCookieJar,
  createTestInstance,
  send,
  signIn,
  signUp,
  type CookieJar,
  type TestInstance,
} from '../../../test-support/instance.js';

const FORM = 'application/x-www-form-urlencoded';
const NEW_PASSWORD = 'a brand new hosted passphrase';
/** The value of the hidden input `name` in the page. */
const hidden = (page: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1];
const mails: { to: string; text: string }[] = [];

let t: TestInstance;
before(async () => {
  t = await createTestInstance({ mailer: { send: async (message) => void mails.push({ to: message.to, text: message.text }) } });
  assert.equal((await signUp(t, 'forgetful@example.com', createCookieJar())).status, 200);
});
after(() => t.close());

/** The newest reset code mailed to `to`. */
const codeFor = (to: string) => /^(\d{6})$/m.exec(mails.findLast((m) => m.to === to)?.text ?? '')?.[1] ?? '';

/** Asks for a reset of `email` on the hosted page; answers the code step's page and its form action. */
async function askReset(email: string): Promise<{ step: string; action: string }> {
  const start = await send(t, `${API}/pages/forgot-password?redirect_url=%2Fdashboard`);
  const asked = await post(start.text, `${API}/sign-ins`, { strategy: 'reset_password_email_code', identifier: email });
  const step = (await send(t, asked.headers.get('location') ?? '')).text;
  return { step, action: /action="([^"]+\/reset_password)"/.exec(step)?.[1] ?? '' };
}

/** Posts the page's form `action` with its hidden fields and `fields`. */
function post(page: string, action: string, fields: Record<string, string>, jar = createCookieJar()) {
  const body = new URLSearchParams({ redirect_url: hidden(page, 'redirect_url')!, return_to: hidden(page, 'return_to')!, ...fields });
  return send(t, action, { rawBody: body.toString(), contentType: FORM, jar });
}

describe('hosted "Forgot password?" (issue #23)', () => {
  test('the sign-in page links to it, keeping where to go after', async () => {
    const page = await send(t, `${API}/pages/sign-in?redirect_url=%2Fdashboard`);
    assert.match(page.text, /<a href="\/api\/gatehouse\/pages\/forgot-password\?redirect_url=%2Fdashboard">Forgot password\?<\/a>/);
  });

  test('address, then the mailed code and a new password: signed in, on to redirect_url; the old password fails', async () => {
    const start = await send(t, `${API}/pages/forgot-password?redirect_url=%2Fdashboard`);
    assert.equal(start.status, 200);
    assert.match(start.text, /action="\/api\/gatehouse\/sign-ins"/);
    const asked = await post(start.text, `${API}/sign-ins`, { strategy: 'reset_password_email_code', identifier: 'Forgetful@Example.com' });
    assert.equal(asked.status, 303);
    const back = asked.headers.get('location') ?? '';
    assert.match(back, /^\/api\/gatehouse\/pages\/forgot-password\?reset_attempt=sia_[a-z0-9]+&redirect_url=%2Fdashboard$/);
    const code = /^(\d{6})$/m.exec(mails.find((m) => m.to === 'forgetful@example.com')?.text ?? '')?.[1] ?? '';
    assert.match(code, /^\d{6}$/);

    const step = await send(t, back);
    assert.equal(step.status, 200);
    assert.match(step.text, /Verification code/);
    assert.match(step.text, /New password/);
    const action = /action="([^"]+\/reset_password)"/.exec(step.text)?.[1] ?? '';
    const jar = createCookieJar();
    const wrong = await post(step.text, action, { code: code === '000000' ? '111111' : '000000', password: NEW_PASSWORD }, jar);
    assert.equal(wrong.status, 303);
    const again = wrong.headers.get('location') ?? '';
    assert.match(again, /reset_attempt=sia_[a-z0-9]+.*error=/);
    assert.doesNotMatch(again, /000000|111111|passphrase/, 'nothing typed goes into the URL');
    assert.match((await send(t, again)).text, /class="error"|role="alert"/);
    assert.equal(jar.get('__session'), undefined);
    assert.equal((await signIn(t, 'forgetful@example.com', PASSWORD)).status, 200, 'a wrong code changes nothing');

    const right = await post(step.text, action, { code, password: NEW_PASSWORD }, jar);
    assert.equal(right.status, 303);
    assert.equal(right.headers.get('location'), '/dashboard');
    assert.ok(jar.get('__session'), 'signed in');
    assert.equal((await send(t, `${API}/session`, { jar })).status, 200);
    assert.equal((await signIn(t, 'forgetful@example.com', PASSWORD)).status, 401, 'the old password fails');
    assert.equal((await signIn(t, 'forgetful@example.com', NEW_PASSWORD)).status, 200);
  });

  test('an account with a second factor: the password changes, but the reset signs no one in; the sign-in asks for the second step', async () => {
    const email = 'two-step@example.com';
    const owner = createCookieJar();
    assert.equal((await signUp(t, email, owner)).status, 200);
    const secret = ((await send(t, `${API}/me/factors/totp`, { method: 'POST', jar: owner })).body as { secret: string }).secret;
    assert.equal(
      (await send(t, `${API}/me/factors/totp/confirm`, { json: { code: totpCode(secret, t.clock.now) }, jar: owner })).status,
      200,
    );

    const { step, action } = await askReset(email);
    const jar: CookieJar = createCookieJar();
    const sessionsBefore = t.counts().sessions;
    const done = await post(step, action, { code: codeFor(email), password: NEW_PASSWORD }, jar);
    assert.equal(done.status, 303);
    const back = done.headers.get('location') ?? '';
    assert.match(back, /\/pages\/forgot-password\?reset_attempt=sia_[a-z0-9]+.*error=conflict/);
    assert.equal(jar.get('__session'), undefined, 'no session cookie');
    assert.equal(t.counts().sessions, sessionsBefore, 'no session started');
    assert.match((await send(t, back)).text, /Your password is changed\. Sign in with it to finish/);
    assert.equal((await send(t, `${API}/session`, { jar: owner })).status, 401, 'the reset ended the sessions it had');

    assert.equal((await signIn(t, email, PASSWORD)).status, 401, 'the old password fails');
    const attempt = await signIn(t, email, NEW_PASSWORD);
    assert.equal(attempt.status, 200);
    assert.equal((attempt.body as { status?: string }).status, 'needs_second_factor', 'the new password alone is not a session');
  });

  test('an unknown address looks the same; a made-up attempt id never reaches the page', async () => {
    const start = await send(t, `${API}/pages/forgot-password`);
    const asked = await post(start.text, `${API}/sign-ins`, { strategy: 'reset_password_email_code', identifier: 'nobody@example.com' });
    assert.equal(asked.status, 303);
    assert.match(asked.headers.get('location') ?? '', /^\/api\/gatehouse\/pages\/forgot-password\?reset_attempt=sia_[a-z0-9]+$/);
    const odd = await send(t, `${API}/pages/forgot-password?reset_attempt=%22%3E%3Cscript%3E`);
    assert.equal(odd.status, 200);
    assert.ok(!odd.text.includes('<script>'));
    assert.match(odd.text, /Send code/);
  });
});
