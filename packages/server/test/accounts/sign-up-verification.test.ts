// Issue #16: sign-up waits for the address to be verified by a 6-digit code (or the link) mailed over real SMTP; wrong, reused, expired codes; a taken address looks like a new one.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API, PASSWORD, createCookieJar, createTestInstance, send } from '../../../../test-support/instance.js';
import { codeFrom, mailInstanceOfFile } from '../../../../test-support/smtp-sink.js';

const { t, sink } = mailInstanceOfFile({
  emailVerificationRequired: true,
  rateLimits: {
    verifyIp: { limit: 1000, windowSeconds: 600 },
    verifyIdentifier: { limit: 1000, windowSeconds: 600 },
    signUpIp: { limit: 1000, windowSeconds: 600 },
  },
});

interface SignUpBody {
  signUp: { id: string; status: string; unverifiedFields: string[]; createdSessionId: string | null; createdUserId: string | null };
  user?: { id: string; emailVerified: boolean };
}

async function create(email: string, jar = createCookieJar()) {
  const created = await send(t, `${API}/sign-ups`, { json: { emailAddress: email, password: PASSWORD }, jar });
  assert.equal(created.status, 200, created.text);
  const { signUp } = created.body as SignUpBody;
  const prepared = await send(t, `${API}/sign-ups/${signUp.id}/prepare_verification`, { json: { strategy: 'email_code' }, jar });
  assert.equal(prepared.status, 200, prepared.text);
  return { created, prepared, id: signUp.id };
}

describe('sign-up with email verification', () => {
  test('no user and no session until the code from the mail is entered; then both, signed in', async () => {
    const jar = createCookieJar();
    const before = t.counts();
    const { created, id } = await create('ada@example.com', jar);
    const body = created.body as SignUpBody;
    assert.equal(body.signUp.status, 'missing_requirements');
    assert.deepEqual(body.signUp.unverifiedFields, ['email_address']);
    assert.equal(created.setCookies.length, 0, 'no cookie before verification');
    assert.deepEqual([t.counts().users, t.counts().sessions], [before.users, before.sessions]);

    const mail = await sink.waitFor('ada@example.com', /verification code|verify/i);
    assert.match(mail.subject, /verification code/);
    assert.match(mail.raw, /Content-Type: text\/html/i, 'an HTML part');
    assert.match(mail.raw, /Content-Type: text\/plain/i, 'a text part');
    const code = codeFrom(mail);
    // The code is stored only as a keyed hash.
    const rows = t.db.prepare('SELECT code_hash FROM verification_codes').all() as { code_hash: string }[];
    assert.ok(rows.every((r) => !r.code_hash.includes(code)));

    const done = await send(t, `${API}/sign-ups/${id}/attempt_verification`, { json: { strategy: 'email_code', code }, jar });
    assert.equal(done.status, 200, done.text);
    const result = done.body as SignUpBody & { sessionId: string };
    assert.equal(result.signUp.status, 'complete');
    assert.equal(result.signUp.createdSessionId, result.sessionId);
    assert.equal(result.user?.emailVerified, true);
    assert.ok(jar.get('__session') && jar.get('__client'));
    const session = await send(t, `${API}/session`, { jar });
    assert.equal(session.status, 200);
    const user = (session.body as { user: { emailAddresses: { verification: { status: string } }[] } }).user;
    assert.equal(user.emailAddresses[0]?.verification.status, 'verified');

    // Single use: the same code again is refused and nothing changes.
    const counts = t.counts();
    const again = await send(t, `${API}/sign-ups/${id}/attempt_verification`, { json: { code } });
    assert.equal(again.status, 422);
    assert.equal((again.body as { error: { code: string } }).error.code, 'verification_failed');
    assert.deepEqual([t.counts().users, t.counts().sessions], [counts.users, counts.sessions]);
  });

  test('five wrong codes lock the attempt: even the right code then needs a new one', async () => {
    const { id } = await create('bob@example.com');
    const code = codeFrom(await sink.waitFor('bob@example.com'));
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 1; i <= 5; i += 1) {
      const res = await send(t, `${API}/sign-ups/${id}/attempt_verification`, { json: { code: wrong } });
      assert.equal(res.status, 422);
      const error = (res.body as { error: { code: string; field?: string } }).error;
      assert.deepEqual([error.code, error.field], ['form_code_incorrect', 'code']);
    }
    const users = t.counts().users;
    const locked = await send(t, `${API}/sign-ups/${id}/attempt_verification`, { json: { code } });
    assert.equal(locked.status, 422);
    assert.equal((locked.body as { error: { code: string } }).error.code, 'verification_failed');
    assert.equal(t.counts().users, users, 'no user');
    // Malformed input is refused the same way, still no user.
    const malformed = await send(t, `${API}/sign-ups/${id}/attempt_verification`, { json: { code: 'abc' } });
    assert.equal(malformed.status, 422);
    // A new code works.
    t.advance(1); // the newer code is the one issued later
    const resent = await send(t, `${API}/sign-ups/${id}/prepare_verification`, { json: { strategy: 'email_code' } });
    assert.equal(resent.status, 200);
    const fresh = (await (async () => {
      const deadline = Date.now() + 5000;
      for (;;) {
        const mails = sink.messages.filter((m) => m.to.includes('bob@example.com'));
        if (mails.length >= 2) return mails[mails.length - 1];
        if (Date.now() > deadline) throw new Error('no second mail');
        await new Promise((r) => setTimeout(r, 50));
      }
    })())!;
    const ok = await send(t, `${API}/sign-ups/${id}/attempt_verification`, { json: { code: codeFrom(fresh) } });
    assert.equal(ok.status, 200, ok.text);
    const audit = t.db.prepare("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'verification.failed'").get() as { n: number };
    assert.ok(audit.n >= 6, 'failures are audited');
  });

  test('an expired code is refused (verification_expired) and nothing is created', async () => {
    const { id } = await create('cy@example.com');
    const code = codeFrom(await sink.waitFor('cy@example.com'));
    t.advance(10 * 60 + 1);
    const users = t.counts().users;
    const res = await send(t, `${API}/sign-ups/${id}/attempt_verification`, { json: { code } });
    assert.equal(res.status, 422);
    assert.equal((res.body as { error: { code: string } }).error.code, 'verification_expired');
    assert.equal(t.counts().users, users);
  });

  test('a taken address gets the same answer as a new one; its owner gets a notice, no code', async () => {
    const fresh = await create('new-person@example.com');
    const taken = await create('ada@example.com'); // Ada signed up in the first test
    const shape = (r: typeof fresh) => {
      const body = structuredClone(r.created.body) as { signUp: Record<string, unknown> };
      delete body.signUp.id;
      delete body.signUp.emailAddress;
      return { status: r.created.status, body, cookies: r.created.setCookies.length, headers: [...r.created.headers.keys()].sort() };
    };
    assert.deepEqual(shape(taken), shape(fresh));
    assert.equal(taken.prepared.status, fresh.prepared.status);
    const notice = await sink.waitFor('ada@example.com', /already has one/);
    assert.match(notice.subject, /tried to sign up/);
    assert.doesNotMatch(notice.body, /^\d{6}\r?$/m, 'no code in the notice');
    // Guessing on the taken attempt behaves like a wrong code.
    const guess = await send(t, `${API}/sign-ups/${taken.id}/attempt_verification`, { json: { code: '123456' } });
    assert.equal(guess.status, 422);
    assert.equal((guess.body as { error: { code: string } }).error.code, 'form_code_incorrect');
  });

  test('the link in the same mail verifies too (a button page, then a form post that signs in)', async () => {
    const { id } = await create('dee@example.com');
    const mail = await sink.waitFor('dee@example.com');
    const link = /(http:\/\/localhost:3000\/api\/gatehouse\/sign-ups\/verify\?token=[A-Za-z0-9_-]+)/.exec(mail.body)?.[1];
    assert.ok(link, 'the mail has a link');
    const url = new URL(link);
    const pageRes = await send(t, `${url.pathname}${url.search}`);
    assert.equal(pageRes.status, 200);
    assert.match(pageRes.text, /<button type="submit">Verify email address<\/button>/);
    const dee = () => (t.db.prepare('SELECT COUNT(*) AS n FROM users WHERE email = ?').get('dee@example.com') as { n: number }).n;
    assert.equal(dee(), 0, 'opening the link changes nothing');
    const jar = createCookieJar();
    const token = url.searchParams.get('token') ?? '';
    const post = await send(t, `${API}/sign-ups/verify`, {
      rawBody: `token=${token}`,
      contentType: 'application/x-www-form-urlencoded',
      jar,
    });
    assert.equal(post.status, 303);
    assert.ok(jar.get('__session'), 'signed in');
    assert.equal(dee(), 1);
    const status = (await send(t, `${API}/sign-ups/${id}`)).body as SignUpBody;
    assert.equal(status.signUp.status, 'complete');
    const reused = await send(t, `${API}/sign-ups/verify`, { rawBody: `token=${token}`, contentType: 'application/x-www-form-urlencoded' });
    assert.equal(reused.status, 422);
  });

  test('weak or listed passwords: 422 on the field, nothing stored', async () => {
    const attempts = (t.db.prepare('SELECT COUNT(*) AS n FROM sign_up_attempts').get() as { n: number }).n;
    for (const [password, reason] of [
      ['short', /at least 8/],
      ['password123', /common or breached/],
      ['x'.repeat(129), /at most 128/],
    ] as const) {
      const res = await send(t, `${API}/sign-ups`, { json: { emailAddress: 'weak@example.com', password } });
      assert.equal(res.status, 422, password);
      const error = (res.body as { error: { code: string; field: string; message: string } }).error;
      assert.deepEqual([error.code, error.field], ['form_password_invalid', 'password']);
      assert.match(error.message, reason);
    }
    assert.equal((t.db.prepare('SELECT COUNT(*) AS n FROM sign_up_attempts').get() as { n: number }).n, attempts);
  });

  test('POST /sign-up (the prebuilt form) creates a pending attempt and mails the code at once', async () => {
    const res = await send(t, `${API}/sign-up`, { json: { email: 'eve@example.com', password: PASSWORD } });
    assert.equal(res.status, 200);
    assert.equal((res.body as SignUpBody).signUp.status, 'missing_requirements');
    assert.equal(res.setCookies.length, 0);
    assert.match(codeFrom(await sink.waitFor('eve@example.com')), /^\d{6}$/);
  });
});

describe('verification rate limits', () => {
  test('per address: attempts beyond the limit are 429 before any check, and nothing is counted on the code', async () => {
    const limited = await createTestInstance({
      emailVerificationRequired: true,
      smtp: { url: sink.url, from: 'Gatehouse <no-reply@gatehouse.test>' },
      rateLimits: { verifyIdentifier: { limit: 3, windowSeconds: 600 } },
    });
    try {
      const created = await send(limited, `${API}/sign-up`, { json: { email: 'lim@example.com', password: PASSWORD } });
      const id = (created.body as SignUpBody).signUp.id;
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1)
        statuses.push((await send(limited, `${API}/sign-ups/${id}/attempt_verification`, { json: { code: '000000' } })).status);
      assert.deepEqual(statuses, [422, 422, 429]);
      const row = limited.db.prepare('SELECT attempts FROM verification_codes').get() as { attempts: number };
      assert.equal(row.attempts, 2, 'the refused attempt did not reach the code');
    } finally {
      await limited.close();
    }
  });
});
