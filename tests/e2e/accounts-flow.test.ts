// Issue #16 end to end in Chromium against the example app's production server and a real SMTP
// server process on a loopback port (smtp-server): sign up with the code from the mail, five wrong
// codes lock the attempt, an expired code is refused, the password reset flow, and a taken address
// that looks like a new one while its owner gets the notice. Needs `npm run build` first.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { fillCredentials, useBrowserApp } from '../../test-support/browser-app.js';
import { codeFrom, startSmtpSink, type SinkMessage, type SmtpSink } from '../../test-support/smtp-sink.js';

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a completely new passphrase';
/** Long enough for a slow machine to type a code; the expiry test moves the server's clock past it. */
const CODE_TTL_S = 30;

describe('accounts in Chromium with a real SMTP server (issue #16)', () => {
  let sink: SmtpSink;
  before(async () => {
    sink = await startSmtpSink();
  });
  after(() => sink?.close());
  const app = useBrowserApp(
    () => ({
      testClock: true,
      env: {
        GATEHOUSE_EMAIL_VERIFICATION: 'required',
        GATEHOUSE_SMTP_URL: sink.url,
        GATEHOUSE_EMAIL_FROM: 'Gatehouse example <no-reply@example.test>',
        GATEHOUSE_VERIFICATION_CODE_TTL: String(CODE_TTL_S),
        GATEHOUSE_RATE_LIMIT_VERIFY_IP: '10000/600',
        GATEHOUSE_RATE_LIMIT_VERIFY_IDENTIFIER: '100/600',
      },
    }),
    { timeoutMs: 20_000 },
  );
  const withContext = app.withPage;

  /** The n-th mail (1-based) to an address, waiting for it (bounded). */
  async function mailTo(address: string, n = 1): Promise<SinkMessage> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const mails = sink.messages.filter((m) => m.to.includes(address));
      if (mails.length >= n) return mails[n - 1] as SinkMessage;
      if (Date.now() > deadline) throw new Error(`mail ${n} to ${address} did not arrive`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Fills the sign-up form and submits it; the page then asks for the code. */
  async function startSignUp(page: Page, email: string): Promise<void> {
    await page.goto('/sign-up');
    await fillCredentials(page, email, PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByLabel('Verification code').waitFor({ state: 'visible' });
  }

  async function signUpVerified(page: Page, email: string): Promise<void> {
    await startSignUp(page, email);
    await page.getByLabel('Verification code').fill(codeFrom(await mailTo(email)));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL((url) => url.pathname === '/dashboard');
    await page.getByTestId('user-email').waitFor({ state: 'visible' });
  }

  const alertText = async (page: Page) => {
    // The form's own alert (Next's route announcer is an empty role="alert" too).
    const alert = page.locator('.gh-alert');
    await alert.waitFor({ state: 'visible' });
    return (await alert.textContent()) ?? '';
  };

  test('sign up, read the code from the mail, verify, land signed in', async () => {
    await withContext(async (context, page) => {
      await startSignUp(page, 'ada@example.com');
      // Nothing exists yet: no session cookie until the address is verified.
      assert.equal(
        (await context.cookies()).some((c) => c.name === '__session'),
        false,
      );
      const mail = await mailTo('ada@example.com');
      assert.match(mail.subject, /verification code/i);
      await page.getByLabel('Verification code').fill(codeFrom(mail));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.waitForURL((url) => url.pathname === '/dashboard');
      assert.equal(((await page.getByTestId('user-email').textContent()) ?? '').trim(), 'ada@example.com');
      assert.ok((await context.cookies()).some((c) => c.name === '__session'));
    });
  });

  test('five wrong codes lock the attempt: the right code is refused after them', async () => {
    await withContext(async (context, page) => {
      await startSignUp(page, 'bob@example.com');
      const code = codeFrom(await mailTo('bob@example.com'));
      const wrong = code === '000000' ? '111111' : '000000';
      for (let i = 1; i <= 5; i += 1) {
        await page.getByLabel('Verification code').fill(wrong);
        await page.getByRole('button', { name: 'Verify' }).click();
        const left = 5 - i;
        const expected = left === 0 ? 'The code is incorrect. Ask for a new code.' : `${left} ${left === 1 ? 'attempt' : 'attempts'} left`;
        await page.getByRole('alert').filter({ hasText: expected }).waitFor({ state: 'visible' });
      }
      await page.getByLabel('Verification code').fill(code);
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('alert').filter({ hasText: 'Too many wrong codes' }).waitFor({ state: 'visible' });
      assert.equal(new URL(page.url()).pathname, '/sign-up');
      assert.equal(
        (await context.cookies()).some((c) => c.name === '__session'),
        false,
        'not signed in',
      );
    });
  });

  test('an expired code is refused', async () => {
    await withContext(async (context, page) => {
      await startSignUp(page, 'cy@example.com');
      const code = codeFrom(await mailTo('cy@example.com'));
      app.server.advanceClock((CODE_TTL_S + 1) * 1000);
      await page.getByLabel('Verification code').fill(code);
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('alert').filter({ hasText: 'expired' }).waitFor({ state: 'visible' });
      assert.equal(
        (await context.cookies()).some((c) => c.name === '__session'),
        false,
      );
    });
  });

  test('password reset: afterwards the old password fails and the other sessions are gone', async () => {
    await withContext(async (_otherContext, other) => {
      await signUpVerified(other, 'dee@example.com');
      await withContext(async (_context, page) => {
        await page.goto('/sign-in');
        await page.getByRole('link', { name: 'Forgot password?' }).click();
        await page.getByLabel('Email', { exact: true }).fill('dee@example.com');
        await page.getByRole('button', { name: 'Send code' }).click();
        const code = codeFrom(await mailTo('dee@example.com', 2));
        await page.getByLabel('Code', { exact: true }).fill(code);
        await page.getByLabel('New password').fill(NEW_PASSWORD);
        await page.getByRole('button', { name: 'Reset password' }).click();
        await page.waitForURL((url) => url.pathname === '/dashboard');
        assert.equal(((await page.getByTestId('user-email').textContent()) ?? '').trim(), 'dee@example.com');
      });
      // The other browser's session is gone: the dashboard sends it to sign-in.
      await other.goto('/dashboard');
      await other.waitForURL((url) => url.pathname.startsWith('/sign-in'));
      // The old password fails; the new one works.
      await other.getByLabel('Email', { exact: true }).fill('dee@example.com');
      await other.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await other.getByRole('button', { name: 'Sign in', exact: true }).click();
      assert.match(await alertText(other), /not correct|incorrect/i);
      await other.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
      await other.getByRole('button', { name: 'Sign in', exact: true }).click();
      await other.waitForURL((url) => url.pathname === '/dashboard');
    });
  });

  test('a taken address looks identical to a new one from outside; its owner gets the notice mail', async () => {
    const seen: Record<string, { status: number; body: string; text: string }> = {};
    for (const email of ['ada@example.com', 'fresh@example.com']) {
      await withContext(async (_context, page) => {
        const response = page.waitForResponse((r) => r.url().endsWith('/api/gatehouse/sign-up') && r.request().method() === 'POST');
        await startSignUp(page, email);
        const res = await response;
        const body = JSON.parse(await res.text()) as { signUp: Record<string, unknown> };
        delete body.signUp.id;
        delete body.signUp.emailAddress;
        // When the code expires depends on when it was sent, not on the address.
        delete (body.signUp.verifications as { emailAddress: Record<string, unknown> }).emailAddress.expireAt;
        const text = ((await page.getByRole('form', { name: 'Verify your email address' }).textContent()) ?? '').replace(email, 'EMAIL');
        seen[email] = { status: res.status(), body: JSON.stringify(body), text };
      });
    }
    assert.deepEqual(seen['ada@example.com'], seen['fresh@example.com']);
    const notice = await mailTo('ada@example.com', 2);
    assert.match(notice.subject, /tried to sign up/);
    assert.doesNotMatch(notice.body, /^\d{6}\r?$/m, 'the notice carries no code');
    assert.match(codeFrom(await mailTo('fresh@example.com')), /^\d{6}$/);
  });
});
