// Issue #16: mail goes through a durable outbox: an SMTP outage loses nothing (retried with backoff), and a restart between "queued" and "sent" delivers exactly once.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API, PASSWORD, createTestInstance, send, type TestInstance } from '../../../../test-support/instance.js';
import { member } from '../../../../test-support/org-setup.js';
import { codeFrom, startSmtpSink, type SmtpSink } from '../../../../test-support/smtp-sink.js';

const FROM = 'Gatehouse <no-reply@gatehouse.test>';
let sink: SmtpSink;
const open: TestInstance[] = [];
before(async () => {
  sink = await startSmtpSink();
});
after(async () => {
  for (const t of open) await t.close().catch(() => undefined);
  await sink.close();
});

function mailRows(t: TestInstance) {
  return t.db.prepare('SELECT id, status, attempts, last_error, text_body FROM mail_outbox ORDER BY created_at').all() as {
    id: string;
    status: string;
    attempts: number;
    last_error: string | null;
    text_body: string;
  }[];
}

describe('mail outbox', () => {
  test('SMTP refusing: the sign-up still succeeds, the mail waits and is sent on a later attempt', async () => {
    const t = await createTestInstance({ emailVerificationRequired: true, smtp: { url: sink.url, from: FROM } });
    open.push(t);
    sink.refuse(true);
    const res = await send(t, `${API}/sign-up`, { json: { email: 'outage@example.com', password: PASSWORD } });
    assert.equal(res.status, 200, res.text);
    const [row] = mailRows(t);
    assert.equal(row?.status, 'pending');
    assert.equal(row?.attempts, 1);
    assert.match(row?.last_error ?? '', /SMTP server did not take the mail/);
    assert.doesNotMatch(row?.last_error ?? '', /\d{6}/, 'no code in the error');
    const listed = await t.gatehouse.mail.list();
    assert.deepEqual(
      listed.map((m) => [m.to, m.status, m.kind]),
      [['outage@example.com', 'pending', 'verification_code']],
    );
    assert.equal(sink.messages.filter((m) => m.to.includes('outage@example.com')).length, 0);

    sink.refuse(false);
    assert.equal(await t.gatehouse.mail.deliverDue(), 0, 'not due before the backoff');
    t.advance(6);
    assert.equal(await t.gatehouse.mail.deliverDue(), 1);
    const mail = await sink.waitFor('outage@example.com');
    assert.match(codeFrom(mail), /^\d{6}$/);
    const [sent] = mailRows(t);
    assert.deepEqual([sent?.status, sent?.text_body], ['sent', ''], 'the body (the code) is blanked once sent');
  });

  test('a restart between queued and sent delivers the mail once', async () => {
    // A closed port: the first process queues the mail and cannot send it.
    const gone = await startSmtpSink();
    await gone.close();
    const first = await createTestInstance({ emailVerificationRequired: true, smtp: { url: gone.url, from: FROM } });
    const res = await send(first, `${API}/sign-up`, { json: { email: 'restart@example.com', password: PASSWORD } });
    assert.equal(res.status, 200);
    assert.equal(mailRows(first)[0]?.status, 'pending');
    const { dir, clock } = first;
    await first.close({ keepFiles: true });

    clock.now += 60_000;
    // Two processes on the same database after the restart: the lease lets only one send it.
    const a = await createTestInstance({ emailVerificationRequired: true, smtp: { url: sink.url, from: FROM } }, { dir, clock });
    open.push(a);
    const [x, y] = await Promise.all([a.gatehouse.mail.deliverDue(), a.gatehouse.mail.deliverDue()]);
    assert.equal(x + y, 1);
    assert.equal(await a.gatehouse.mail.deliverDue(), 0);
    await sink.waitFor('restart@example.com');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(sink.messages.filter((m) => m.to.includes('restart@example.com')).length, 1, 'exactly once');
    assert.equal(mailRows(a)[0]?.status, 'sent');
  });

  test('after the last attempt a mail is failed; retry makes it due again', async () => {
    const t = await createTestInstance({ emailVerificationRequired: true, smtp: { url: sink.url, from: FROM }, mail: { maxAttempts: 2 } });
    open.push(t);
    sink.refuse(true);
    await send(t, `${API}/sign-up`, { json: { email: 'failing@example.com', password: PASSWORD } });
    t.advance(3600);
    await t.gatehouse.mail.deliverDue();
    const [row] = mailRows(t);
    assert.equal(row?.status, 'failed');
    sink.refuse(false);
    assert.equal(await t.gatehouse.mail.retry(row?.id ?? ''), true);
    assert.equal(await t.gatehouse.mail.deliverDue(), 1);
    await sink.waitFor('failing@example.com');
  });

  test('the dashboard shows recent sends and failures (never the bodies) and sends a failed mail again', async () => {
    // Verification off (the helper's default) so members sign up at once; a reset code is the mail that fails.
    const t = await createTestInstance({ smtp: { url: sink.url, from: FROM }, mail: { maxAttempts: 1 } });
    open.push(t);
    const admin = await member(t, 'admin@example.com');
    await t.gatehouse.users.setInstanceAdmin(admin.userId, true);
    await member(t, 'dash@example.com');
    sink.refuse(true);
    const reset = await send(t, `${API}/sign-ins`, { json: { strategy: 'reset_password_email_code', identifier: 'dash@example.com' } });
    assert.equal(reset.status, 200, 'the request succeeds while SMTP is down');
    sink.refuse(false);
    const failedId = mailRows(t)[0]?.id ?? '';
    const list = await send(t, `${API}/dashboard/mail?status=failed`, { jar: admin.jar });
    assert.equal(list.status, 200);
    assert.match(list.text, /dash@example\.com/);
    assert.match(list.text, /SMTP server did not take the mail/);
    // The page's text (its stylesheet has six-digit colours) shows no six-digit code outside the ids.
    const pageText = list.text.replace(/<style>[\s\S]*?<\/style>/, '');
    assert.doesNotMatch(pageText, /\b\d{6}\b(?![^<]*<\/code>)/, 'no code on the page');
    const retried = await send(t, `${API}/dashboard/mail`, {
      method: 'POST',
      rawBody: new URLSearchParams({ action: 'retry', mail: failedId }).toString(),
      contentType: 'application/x-www-form-urlencoded',
      jar: admin.jar,
    });
    assert.equal(retried.status, 303);
    assert.equal(await t.gatehouse.mail.deliverDue(), 1);
    await sink.waitFor('dash@example.com');
    // Not for other users.
    const bob = await member(t, 'bob@example.com');
    assert.notEqual((await send(t, `${API}/dashboard/mail`, { jar: bob.jar })).status, 200);
  });
});
