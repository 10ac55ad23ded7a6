// Issue #18 end to end in Chromium against the example app: TOTP enrolment in <UserProfile/> and
// sign-in with a code computed from the shown secret; a backup code works once only; a passkey
// registered and used through Chromium's virtual authenticator (DevTools WebAuthn domain), to sign in
// and as a second factor; a session older than `moderate` gets Clerk's 403 reverification body when
// deleting a project, re-verifies in the dialog, and the retried call succeeds. Refused codes and
// assertions change nothing. Needs `npm run build` first.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { TOTP, Secret } from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../test-support/chromium.js';
import { startAppServer, type AppServer } from '../../test-support/app-server.js';
import { DEMO_PASSWORD } from '../../test-support/demo-session.js';

const WAIT = { timeout: 15_000 };

const codeAt = (secret: string, at: number) => TOTP.generate({ secret: Secret.fromBase32(secret), digits: 6, period: 30, timestamp: at });

describe('second factors, passkeys and reverification in Chromium', { timeout: 420_000 }, () => {
  let app: AppServer;
  let browser: Browser;
  let db: BetterSqlite3.Database;
  /** The app on `localhost`: a WebAuthn relying-party ID must be a host name, not an IP address. */
  let origin = '';
  const contexts: BrowserContext[] = [];

  before(async () => {
    app = await startAppServer({ env: { GATEHOUSE_DEMO: '1' } });
    origin = app.baseUrl.replace('127.0.0.1', 'localhost');
    browser = await launchChromium();
    db = new BetterSqlite3(app.databaseFile);
  });
  after(async () => {
    db?.close();
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await app?.stop();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    return context.newPage();
  }

  const userId = (email: string) => (db.prepare('SELECT id FROM users WHERE email = ?').get(email) as { id: string }).id;
  const sessionCount = (email: string) =>
    (db.prepare("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ? AND status = 'active'").get(userId(email)) as { n: number }).n;
  const unusedBackupCodes = (email: string) =>
    (db.prepare('SELECT COUNT(*) AS n FROM backup_codes WHERE user_id = ? AND used_at IS NULL').get(userId(email)) as { n: number }).n;

  /** Email and password on the sign-in page; resolves once the password step is answered (not necessarily signed in). */
  async function enterPassword(page: Page, email: string): Promise<void> {
    await page.goto(`${origin}/sign-in`);
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Password').fill(DEMO_PASSWORD);
    await form.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  const signedInEmail = (page: Page) =>
    page.evaluate(async () => {
      const res = await fetch('/api/gatehouse/session', { cache: 'no-store' });
      return res.ok ? ((await res.json()) as { user: { email: string } }).user.email : null;
    });

  async function awaitSignedIn(page: Page, email: string): Promise<void> {
    await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'), WAIT);
    assert.equal(await signedInEmail(page), email);
  }

  describe('TOTP and backup codes', () => {
    const email = 'bob@example.com';
    let secret = '';
    let backupCodes: string[] = [];

    test('enrolment in the profile: QR code, secret as text, confirmation with a code computed from it', async () => {
      const page = await newPage();
      await enterPassword(page, email);
      await awaitSignedIn(page, email);
      await page.goto(`${origin}/user`);
      await page.getByRole('button', { name: 'Add an authenticator app' }).click(WAIT);
      const shown = page.getByTestId('totp-secret');
      await shown.waitFor(WAIT);
      secret = ((await shown.textContent()) ?? '').trim();
      assert.match(secret, /^[A-Z2-7]{32}$/);
      assert.ok(await page.getByRole('img', { name: /QR code/ }).isVisible());
      // A wrong code is refused and enables nothing.
      const form = page.getByRole('form', { name: 'Add an authenticator app' });
      await form.getByLabel('Authentication code').fill(codeAt(secret, Date.now() - 10 * 60_000));
      await form.getByRole('button', { name: 'Confirm' }).click();
      await page.getByRole('region', { name: 'Security' }).getByRole('alert').waitFor(WAIT);
      assert.equal((db.prepare("SELECT COUNT(*) AS n FROM user_factors WHERE status = 'verified'").get() as { n: number }).n, 0);
      await form.getByLabel('Authentication code').fill(codeAt(secret, Date.now()));
      await form.getByRole('button', { name: 'Confirm' }).click();
      const list = page.getByTestId('backup-codes');
      await list.waitFor(WAIT);
      backupCodes = (await list.locator('code').allTextContents()).map((c) => c.trim());
      assert.equal(backupCodes.length, 10);
      await page.getByTestId('totp-status').waitFor(WAIT);
      assert.equal(unusedBackupCodes(email), 10);
    });

    test('sign-in asks for the authentication code after the password; a wrong code is refused, the next step’s code works', async () => {
      const page = await newPage();
      const sessionsBefore = sessionCount(email);
      await enterPassword(page, email);
      const step = page.getByRole('form', { name: 'Two-step verification' });
      await step.waitFor(WAIT);
      await step.getByLabel('Authentication code').fill(codeAt(secret, Date.now() - 10 * 60_000));
      await step.getByRole('button', { name: 'Verify' }).click();
      await step.getByRole('alert').waitFor(WAIT);
      assert.equal(sessionCount(email), sessionsBefore, 'a wrong code starts no session');
      // The confirmation used the current time step; each step is good once, so use the next one.
      await step.getByLabel('Authentication code').fill(codeAt(secret, Date.now() + 30_000));
      await step.getByRole('button', { name: 'Verify' }).click();
      await awaitSignedIn(page, email);
      assert.equal(sessionCount(email), sessionsBefore + 1);
    });

    test('a backup code works once and only once', async () => {
      const [first, second] = backupCodes;
      assert.ok(first && second);
      const useBackupCode = async (page: Page, code: string) => {
        await enterPassword(page, email);
        const step = page.getByRole('form', { name: 'Two-step verification' });
        await step.getByRole('button', { name: 'Use a backup code' }).click(WAIT);
        await step.getByLabel('Backup code').fill(code);
        await step.getByRole('button', { name: 'Verify' }).click();
        return step;
      };
      const page = await newPage();
      await useBackupCode(page, first);
      await awaitSignedIn(page, email);
      assert.equal(unusedBackupCodes(email), 9);

      const again = await newPage();
      const sessionsBefore = sessionCount(email);
      const step = await useBackupCode(again, first);
      await step.getByRole('alert').waitFor(WAIT);
      assert.match((await step.getByRole('alert').textContent()) ?? '', /incorrect/);
      assert.equal(sessionCount(email), sessionsBefore, 'a used backup code starts no session');
      assert.equal(unusedBackupCodes(email), 9);
      await step.getByLabel('Backup code').fill(second);
      await step.getByRole('button', { name: 'Verify' }).click();
      await awaitSignedIn(again, email);
      assert.equal(unusedBackupCodes(email), 8);
    });
  });

  describe('passkeys', () => {
    const email = 'carol@example.com';
    let page: Page;
    let context: BrowserContext;

    before(async () => {
      page = await newPage();
      context = page.context();
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          transport: 'internal',
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
          automaticPresenceSimulation: true,
        },
      });
    });

    test('"Add a passkey" in the profile registers one; it can be renamed', async () => {
      await page.goto(`${origin}/sign-in`);
      // The email field takes part in the browser's passkey autofill.
      assert.equal(await page.getByLabel('Email').getAttribute('autocomplete'), 'username webauthn');
      await enterPassword(page, email);
      await awaitSignedIn(page, email);
      await page.goto(`${origin}/user`);
      await page.getByRole('button', { name: 'Add a passkey' }).click(WAIT);
      const passkeys = page.getByRole('list', { name: 'Passkeys' });
      await passkeys.getByText('Passkey', { exact: true }).waitFor(WAIT);
      const row = db.prepare("SELECT * FROM user_factors WHERE kind = 'passkey' AND user_id = ?").get(userId(email)) as {
        credential_id: string;
        public_key: string;
      };
      assert.ok(row.credential_id && row.public_key);
      await page.getByRole('button', { name: 'Rename Passkey' }).click();
      await page.getByLabel('Passkey name').fill('Laptop');
      await page.getByRole('button', { name: 'Save' }).click();
      await passkeys.getByText('Laptop', { exact: true }).waitFor(WAIT);
    });

    test('the email field offers the passkey (autofill): picking it signs in; a replayed assertion is refused', async () => {
      await context.clearCookies();
      // The virtual authenticator answers the autofill request at once, as a person picking the passkey would.
      const posted = page.waitForRequest((r) => r.url().endsWith('/api/gatehouse/sign-in/passkey') && r.method() === 'POST', WAIT);
      await page.goto(`${origin}/sign-in`);
      const assertion = (await posted).postData() ?? '';
      await awaitSignedIn(page, email);
      const sessionsBefore = sessionCount(email);
      const counter = (db.prepare("SELECT counter FROM user_factors WHERE kind = 'passkey'").get() as { counter: number }).counter;
      const replay = await fetch(`${origin}/api/gatehouse/sign-in/passkey`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: assertion,
      });
      assert.equal(replay.status, 422);
      assert.equal(replay.headers.getSetCookie().length, 0);
      assert.equal(sessionCount(email), sessionsBefore);
      assert.equal((db.prepare("SELECT counter FROM user_factors WHERE kind = 'passkey'").get() as { counter: number }).counter, counter);
    });

    test('"Sign in with a passkey" signs in without a password (a browser without passkey autofill)', async () => {
      // A string, not a function: the test's compiled functions may reference helpers the page lacks.
      await context.addInitScript({
        content: "Object.defineProperty(PublicKeyCredential, 'isConditionalMediationAvailable', { value: () => Promise.resolve(false) });",
      });
      await context.clearCookies();
      await page.goto(`${origin}/sign-in`);
      await page.getByRole('button', { name: 'Sign in with a passkey' }).click(WAIT);
      await awaitSignedIn(page, email);
    });

    test('an assertion whose challenge expired, and a tampered one, are refused with nothing changed', async () => {
      /** A passkey sign-in's request body as the page would send it; the request itself never leaves the browser. */
      const captureAssertion = async (): Promise<{ challengeId: string; response: { response: { signature: string } } }> => {
        await context.clearCookies();
        let captured = '';
        await page.route('**/api/gatehouse/sign-in/passkey', async (route) => {
          captured = route.request().postData() ?? '';
          await route.abort();
        });
        await page.goto(`${origin}/sign-in`);
        await page.getByRole('button', { name: 'Sign in with a passkey' }).click(WAIT);
        const deadline = Date.now() + 10_000;
        while (!captured && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        await page.unroute('**/api/gatehouse/sign-in/passkey');
        assert.ok(captured, 'the page sent an assertion');
        return JSON.parse(captured) as { challengeId: string; response: { response: { signature: string } } };
      };
      const post = (body: unknown) =>
        fetch(`${origin}/api/gatehouse/sign-in/passkey`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin },
          body: JSON.stringify(body),
        });
      const counter = () => (db.prepare("SELECT counter FROM user_factors WHERE kind = 'passkey'").get() as { counter: number }).counter;
      const assertRefused = async (res: Response, before: { sessions: number; counter: number }) => {
        assert.equal(res.status, 422, await res.text());
        assert.equal(res.headers.getSetCookie().length, 0);
        assert.deepEqual({ sessions: sessionCount(email), counter: counter() }, before);
      };

      // Expired: the challenge's time is up (set back in the database); the same assertion in time signs in.
      const timely = await captureAssertion();
      const challenge = db
        .prepare("SELECT id, expires_at FROM factor_challenges WHERE purpose = 'passkey_sign_in' ORDER BY created_at DESC LIMIT 1")
        .get() as {
        id: string;
        expires_at: number;
      };
      db.prepare('UPDATE factor_challenges SET expires_at = 1 WHERE id = ?').run(challenge.id);
      const before = { sessions: sessionCount(email), counter: counter() };
      await assertRefused(await post(timely), before);
      db.prepare('UPDATE factor_challenges SET expires_at = ? WHERE id = ?').run(challenge.expires_at, challenge.id);
      assert.equal((await post(timely)).status, 200);

      // Tampered: one character of the signature changed.
      const tampered = await captureAssertion();
      const signature = tampered.response.response.signature;
      const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
      const afterSignIn = { sessions: sessionCount(email), counter: counter() };
      await assertRefused(
        await post({ ...tampered, response: { ...tampered.response, response: { ...tampered.response.response, signature: flipped } } }),
        afterSignIn,
      );
    });

    test('the passkey is the second factor after the password', async () => {
      await context.clearCookies();
      await enterPassword(page, email);
      const step = page.getByRole('form', { name: 'Two-step verification' });
      await step.getByRole('button', { name: 'Use a passkey' }).click(WAIT);
      await awaitSignedIn(page, email);
    });
  });

  describe('reverification', () => {
    const email = 'alice@example.com';

    test('deleting a project after an hour asks to verify again; the retried delete succeeds', async () => {
      const page = await newPage();
      await enterPassword(page, email);
      await awaitSignedIn(page, email);
      const active = await page.evaluate(async () => {
        const res = await fetch('/api/gatehouse/sessions/active-organization', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ organization: 'acme' }),
        });
        return res.status;
      });
      assert.equal(active, 200);
      await page.goto(`${origin}/dashboard`);
      const name = `Reverify ${Date.now()}`;
      await page.getByLabel('Project name').fill(name);
      await page.getByRole('button', { name: 'New project' }).click();
      const deleteButton = page.getByRole('button', { name: `Delete ${name}` });
      await deleteButton.waitFor(WAIT);

      // The session's first factor was verified two hours ago; a fresh token carries that age.
      const twoHours = 2 * 60 * 60_000;
      db.prepare('UPDATE sessions SET factor_verified_at = factor_verified_at - ? WHERE user_id = ?').run(twoHours, userId(email));
      await page.context().clearCookies({ name: '__session' });
      await page.goto(`${origin}/dashboard`);
      await deleteButton.waitFor(WAIT);

      const deletes: { status: number; body: string }[] = [];
      page.on('response', (res) => {
        if (res.request().method() === 'DELETE' && res.url().includes('/api/projects/'))
          void res.text().then((body) => deletes.push({ status: res.status(), body }));
      });
      await deleteButton.click();
      const dialog = page.getByRole('dialog', { name: 'Verification required' });
      await dialog.waitFor(WAIT);
      // A wrong password is refused; the project is still there.
      await dialog.getByLabel('Password').fill('not the password');
      await dialog.getByRole('button', { name: 'Continue' }).click();
      await dialog.getByRole('alert').waitFor(WAIT);
      assert.equal(await deleteButton.count(), 1);
      await dialog.getByLabel('Password').fill(DEMO_PASSWORD);
      await dialog.getByRole('button', { name: 'Continue' }).click();
      await dialog.waitFor({ state: 'detached', ...WAIT });
      await deleteButton.waitFor({ state: 'detached', ...WAIT });
      const deadline = Date.now() + 5_000;
      while (deletes.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.equal(deletes.length, 2);
      assert.equal(deletes[0]?.status, 403);
      assert.deepEqual(JSON.parse(deletes[0]?.body ?? ''), {
        clerk_error: { type: 'forbidden', reason: 'reverification-error', metadata: { reverification: 'moderate' } },
      });
      assert.equal(deletes[1]?.status, 200);
    });
  });
  describe('ending another device’s session', () => {
    const email = 'alice@example.com';

    test('two hours after signing in, "End session" in the profile asks to verify again; after the dialog the other session ends', async () => {
      const here = await newPage();
      const there = await newPage();
      await enterPassword(there, email);
      await awaitSignedIn(there, email);
      await enterPassword(here, email);
      await awaitSignedIn(here, email);
      const hereId = await here.evaluate(
        async () => ((await (await fetch('/api/gatehouse/session')).json()) as { sessionId: string }).sessionId,
      );
      const status = (id: string) => (db.prepare('SELECT status FROM sessions WHERE id = ?').get(id) as { status: string }).status;
      const activeBefore = sessionCount(email);
      // Every sign-in was two hours ago: older than the 10 minutes ending another session allows.
      db.prepare('UPDATE sessions SET factor_verified_at = factor_verified_at - ? WHERE user_id = ?').run(2 * 60 * 60_000, userId(email));

      await here.goto(`${origin}/user`);
      const devices = here.getByRole('list', { name: 'Signed-in devices' });
      const other = devices.getByRole('listitem').filter({ has: here.getByRole('button', { name: 'End session' }) });
      await other.first().waitFor(WAIT);
      const othersBefore = await other.count();
      await other.first().getByRole('button', { name: 'End session' }).click();
      const dialog = here.getByRole('dialog', { name: 'Verification required' });
      await dialog.waitFor(WAIT);
      assert.equal(sessionCount(email), activeBefore, 'nothing ended before the verification');
      await dialog.getByLabel('Password').fill(DEMO_PASSWORD);
      await dialog.getByRole('button', { name: 'Continue' }).click();
      await dialog.waitFor({ state: 'detached', ...WAIT });
      const deadline = Date.now() + 10_000;
      while ((await other.count()) >= othersBefore && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.equal(await other.count(), othersBefore - 1);
      assert.equal(sessionCount(email), activeBefore - 1);
      assert.equal(status(hereId), 'active');
    });
  });

  describe('a second factor required by the instance', () => {
    const email = 'alice@example.com';

    test('a user without one is led to add an authenticator app before the session is active', async () => {
      // Alice is the demo's instance admin: the admin API stores the setting, applied at once.
      const admin = await fetch(`${origin}/api/gatehouse/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ email, password: DEMO_PASSWORD }),
      });
      const adminCookie = admin.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const changed = await fetch(`${origin}/api/gatehouse/admin/settings`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', origin, cookie: adminCookie },
        body: JSON.stringify({ secondFactorRequired: true }),
      });
      assert.equal(changed.status, 200, await changed.text());
      // The running app picks stored settings up within seconds: wait (bounded) until a sign-in is pending.
      const pendingSignIn = async () => {
        const res = await fetch(`${origin}/api/gatehouse/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin },
          body: JSON.stringify({ email, password: DEMO_PASSWORD }),
        });
        const cookie = res.headers
          .getSetCookie()
          .map((c) => c.split(';')[0])
          .join('; ');
        const session = (await (await fetch(`${origin}/api/gatehouse/session`, { headers: { cookie } })).json()) as { tasks?: string[] };
        return session.tasks?.includes('setup-mfa') === true;
      };
      const deadline = Date.now() + 20_000;
      while (!(await pendingSignIn())) {
        assert.ok(Date.now() < deadline, 'the setting took effect within 20 seconds');
        await new Promise((r) => setTimeout(r, 500));
      }

      const page = await newPage();
      await enterPassword(page, email);
      await page.getByRole('heading', { name: 'Set up two-step verification' }).waitFor(WAIT);
      assert.equal(await signedInEmail(page), email, 'the pending session exists');
      assert.equal(
        await page.evaluate(async () => ((await (await fetch('/api/gatehouse/session')).json()) as { status: string }).status),
        'pending',
      );
      await page.getByRole('button', { name: 'Add an authenticator app' }).click();
      const shown = page.getByTestId('totp-secret');
      await shown.waitFor(WAIT);
      const secret = ((await shown.textContent()) ?? '').trim();
      await page.getByLabel('Authentication code').fill(codeAt(secret, Date.now()));
      await page.getByRole('button', { name: 'Confirm' }).click();
      await page.getByTestId('backup-codes').waitFor(WAIT);
      await page.getByRole('button', { name: 'Continue' }).click();
      await awaitSignedIn(page, email);
      assert.equal(
        await page.evaluate(async () => ((await (await fetch('/api/gatehouse/session')).json()) as { status: string }).status),
        'active',
      );
    });
  });
});
