// Issue #16: "Forgot password?" in Clerk's shape: a code by mail, a new password; the old one fails, other sessions end, audited; unknown addresses look the same.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API, PASSWORD, createCookieJar, send, signIn, signUp } from '../../../../test-support/instance.js';
import { codeFrom, mailInstanceOfFile } from '../../../../test-support/smtp-sink.js';

const { t, sink } = mailInstanceOfFile();

type SignIn = { signIn: { id: string; status: string; createdSessionId: string | null } };
const NEW_PASSWORD = 'a brand new passphrase';

describe('password reset', () => {
  test('code by mail, new password: the old password fails, other sessions are gone, this browser is signed in', async () => {
    const other = createCookieJar();
    assert.equal((await signUp(t, 'reset@example.com', other)).status, 200);
    const otherSession = await send(t, `${API}/session`, { jar: other });
    assert.equal(otherSession.status, 200);

    const created = await send(t, `${API}/sign-ins`, { json: { strategy: 'reset_password_email_code', identifier: 'Reset@Example.com' } });
    assert.equal(created.status, 200, created.text);
    const { id, status } = (created.body as SignIn).signIn;
    assert.equal(status, 'needs_first_factor');
    const mail = await sink.waitFor('reset@example.com', /new password/);
    const code = codeFrom(mail);

    const early = await send(t, `${API}/sign-ins/${id}/reset_password`, { json: { password: NEW_PASSWORD } });
    assert.equal(early.status, 422, 'no new password before the code');

    const wrong = await send(t, `${API}/sign-ins/${id}/attempt_first_factor`, {
      json: { strategy: 'reset_password_email_code', code: code === '999999' ? '000000' : '999999' },
    });
    assert.equal(wrong.status, 422);
    const verified = await send(t, `${API}/sign-ins/${id}/attempt_first_factor`, { json: { strategy: 'reset_password_email_code', code } });
    assert.equal(verified.status, 200, verified.text);
    assert.equal((verified.body as SignIn).signIn.status, 'needs_new_password');

    const listed = await send(t, `${API}/sign-ins/${id}/reset_password`, { json: { password: 'password123' } });
    assert.equal(listed.status, 422);
    assert.equal((listed.body as { error: { field: string } }).error.field, 'password');

    const jar = createCookieJar();
    const reset = await send(t, `${API}/sign-ins/${id}/reset_password`, { json: { password: NEW_PASSWORD }, jar });
    assert.equal(reset.status, 200, reset.text);
    const done = (reset.body as SignIn).signIn;
    assert.equal(done.status, 'complete');
    assert.ok(done.createdSessionId);
    assert.equal((await send(t, `${API}/session`, { jar })).status, 200, 'this browser is signed in');
    assert.equal((await send(t, `${API}/session`, { jar: other })).status, 401, 'the other session is gone at once');
    assert.equal((await signIn(t, 'reset@example.com', PASSWORD)).status, 401, 'the old password fails');
    assert.equal((await signIn(t, 'reset@example.com', NEW_PASSWORD)).status, 200);
    const audit = t.db.prepare("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'user.password_reset'").get() as { n: number };
    assert.equal(audit.n, 1);
    // The attempt is finished: its code cannot reset again.
    const again = await send(t, `${API}/sign-ins/${id}/reset_password`, { json: { password: 'yet another passphrase' } });
    assert.equal(again.status, 422);
  });

  test('an unknown address gets the same answer and no mail', async () => {
    const known = await send(t, `${API}/sign-ins`, { json: { strategy: 'reset_password_email_code', identifier: 'reset@example.com' } });
    const unknown = await send(t, `${API}/sign-ins`, { json: { strategy: 'reset_password_email_code', identifier: 'nobody@example.com' } });
    const shape = (r: typeof known) => {
      const body = structuredClone(r.body) as { signIn: Record<string, unknown> };
      delete body.signIn.id;
      delete body.signIn.identifier;
      delete body.signIn.supportedFirstFactors;
      return [r.status, body];
    };
    assert.deepEqual(shape(unknown), shape(known));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(sink.messages.filter((m) => m.to.includes('nobody@example.com')).length, 0);
    const id = (unknown.body as SignIn).signIn.id;
    const guess = await send(t, `${API}/sign-ins/${id}/attempt_first_factor`, {
      json: { strategy: 'reset_password_email_code', code: '123456' },
    });
    assert.equal(guess.status, 422);
    assert.equal((guess.body as { error: { code: string } }).error.code, 'form_code_incorrect');
  });
});
