// Issue #21: the prebuilt components and the dashboard look finished and are accessible, in Chromium:
// axe-core finds no serious or critical violation on the sign-in, sign-up, profile, organization and
// dashboard pages; the `appearance` and `localization` props change what renders; a Tailwind-style
// reset changes nothing; the menus work by keyboard; the dashboard's tables fit a 1280px window. The
// factor components (sign-in's second step, the profile's security section with the authenticator
// enrolment and backup codes, the verification dialog) pass the same check, light and dark, take the
// theme and language in effect, and announce their errors.
// Needs `npm run build` and /usr/bin/chromium.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { TOTP, Secret } from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startAppServer, type AppServer } from '../../test-support/app-server.js';
import { launchChromium } from '../../test-support/chromium.js';
import { DEMO_PASSWORD, demoSession } from '../../test-support/demo-session.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const DASH = '/api/gatehouse/dashboard';
const WAIT = { timeout: 15_000 };

/** The parts of Tailwind's preflight that break unscoped components (v3, unlayered). */
const PREFLIGHT = `
*,::before,::after{box-sizing:border-box;border-width:0;border-style:solid;border-color:#e5e7eb}
html{line-height:1.5;font-family:ui-sans-serif,system-ui}
body{margin:0;line-height:inherit}
h1,h2,h3,h4,h5,h6{font-size:inherit;font-weight:inherit}
a{color:inherit;text-decoration:inherit}
button,input,optgroup,select,textarea{font-family:inherit;font-size:100%;font-weight:inherit;line-height:inherit;color:inherit;margin:0;padding:0}
button,[type='button'],[type='reset'],[type='submit']{-webkit-appearance:button;background-color:transparent;background-image:none}
blockquote,dl,dd,h1,h2,h3,h4,h5,h6,hr,figure,p,pre{margin:0}
ol,ul,menu{list-style:none;margin:0;padding:0}
input::placeholder,textarea::placeholder{opacity:1;color:#9ca3af}
img,svg,video,canvas{display:block;vertical-align:middle}
table{text-indent:0;border-color:inherit;border-collapse:collapse}
main{position:relative;z-index:1;background:#fff}
`;

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
}

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<unknown> } }).axe.run(document, {
      resultTypes: ['violations'],
    }),
  )) as AxeResult;
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

const codeAt = (secret: string, at: number) => TOTP.generate({ secret: Secret.fromBase32(secret), digits: 6, period: 30, timestamp: at });
const DARK_CARD = 'rgb(24, 27, 34)';
const isFocused = (page: Page, locator: ReturnType<Page['getByLabel']>) => locator.evaluate((el) => el === document.activeElement);

const style = (page: Page, selector: string, property: string) =>
  page
    .locator(selector)
    .first()
    .evaluate((el, p) => getComputedStyle(el).getPropertyValue(p), property);

describe('components and dashboard: look and accessibility (#21)', () => {
  let app: AppServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async () => {
    app = await startAppServer({ env: { GATEHOUSE_DEMO: '1' } });
    browser = await launchChromium();
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await app?.stop();
  });

  /** A page (CSP bypassed so axe can be injected into the dashboard), signed in as `email` when given. */
  async function open(email?: string, org?: string, cookies: Record<string, string> = {}): Promise<Page> {
    const context = await browser.newContext({ baseURL: app.baseUrl, bypassCSP: true, viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const jar = Object.entries(cookies).map(([name, value]) => ({ name, value, url: app.baseUrl }));
    if (email) {
      const session = await demoSession(app.baseUrl, email, org);
      for (const pair of session.cookie.split('; ')) {
        const at = pair.indexOf('=');
        jar.push({ name: pair.slice(0, at), value: pair.slice(at + 1), url: app.baseUrl });
      }
    }
    if (jar.length) await context.addCookies(jar);
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT.timeout);
    return page;
  }

  test('axe: no serious or critical violation on sign-in, sign-up, profile, organization and dashboard pages, light and dark', async () => {
    for (const theme of ['light', 'dark']) {
      const visitor = await open(undefined, undefined, { theme });
      for (const path of ['/sign-in', '/sign-up']) {
        await visitor.goto(path);
        await visitor.getByLabel('Password', { exact: true }).waitFor(WAIT);
        assert.deepEqual(await seriousViolations(visitor), [], `${theme} ${path}`);
      }
      const alice = await open('alice@example.com', 'acme', { theme });
      await alice.goto('/user');
      await alice.getByRole('list', { name: 'Signed-in devices' }).waitFor(WAIT);
      assert.deepEqual(await seriousViolations(alice), [], `${theme} /user`);
      // The user button's open panel too.
      await alice.getByRole('button', { name: 'Account: alice@example.com' }).click();
      await alice.getByRole('group', { name: 'Account' }).waitFor(WAIT);
      assert.deepEqual(await seriousViolations(alice), [], `${theme} /user with the account panel open`);
      await alice.goto('/organization');
      await alice.getByRole('table', { name: 'Members' }).waitFor(WAIT);
      assert.deepEqual(await seriousViolations(alice), [], `${theme} /organization`);
      await alice.goto('/organizations');
      await alice.getByRole('button', { name: 'Select Acme' }).waitFor(WAIT);
      assert.deepEqual(await seriousViolations(alice), [], `${theme} /organizations`);
      await alice.goto('/organizations/new');
      await alice.getByLabel('Slug').waitFor(WAIT);
      assert.deepEqual(await seriousViolations(alice), [], `${theme} /organizations/new`);
    }
    for (const colorScheme of ['light', 'dark'] as const) {
      const admin = await open('alice@example.com');
      await admin.emulateMedia({ colorScheme });
      for (const path of ['', '/users', '/audit', '/sign-in']) {
        await admin.goto(`${DASH}${path}`);
        await admin.getByRole('heading', { level: 1 }).waitFor(WAIT);
        assert.deepEqual(await seriousViolations(admin), [], `dashboard ${path || '/'} (${colorScheme})`);
      }
    }
  });

  test('axe: the second-factor step, the security section and the verification dialog, light and dark; themed, localized, errors announced', async () => {
    const email = 'bob@example.com';
    // Bob's session from before he had a second factor (a password-only sign-in then asks for it).
    const bob = await demoSession(app.baseUrl, email);
    const bobCookies = Object.fromEntries(
      bob.cookie.split('; ').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
    );
    const asBob = (cookies: Record<string, string>) => open(undefined, undefined, { ...bobCookies, ...cookies });

    // The profile's security section, then the enrolment form (QR code, secret, code) and the backup codes.
    const light = await asBob({ theme: 'light' });
    await light.goto('/user');
    const security = light.getByRole('region', { name: 'Security' });
    await security.getByRole('button', { name: 'Add an authenticator app' }).waitFor(WAIT);
    assert.deepEqual(await seriousViolations(light), [], 'light /user security section');
    await security.getByRole('button', { name: 'Add an authenticator app' }).click();
    const enrol = security.getByRole('form', { name: 'Add an authenticator app' });
    const code = enrol.getByLabel('Authentication code');
    await code.waitFor(WAIT);
    assert.equal(await isFocused(light, code), true, 'the code field has focus');
    assert.deepEqual(await seriousViolations(light), [], 'light enrolment form');
    const secret = ((await security.getByTestId('totp-secret').textContent()) ?? '').trim();
    await code.fill(codeAt(secret, Date.now() - 10 * 60_000));
    await light.keyboard.press('Enter');
    const refused = security.getByRole('alert');
    await refused.getByText('incorrect').waitFor(WAIT);
    assert.equal(await refused.getAttribute('aria-live'), 'assertive');
    assert.equal(await code.getAttribute('aria-invalid'), 'true');
    await code.fill(codeAt(secret, Date.now()));
    await light.keyboard.press('Enter');
    await security.getByTestId('backup-codes').waitFor(WAIT);
    assert.deepEqual(await seriousViolations(light), [], 'light backup codes');
    await security.getByRole('button', { name: 'I have saved them' }).click();
    await security.getByTestId('totp-status').waitFor(WAIT);

    const dark = await asBob({ theme: 'dark' });
    await dark.goto('/user');
    await dark.getByTestId('totp-status').waitFor(WAIT);
    assert.deepEqual(await seriousViolations(dark), [], 'dark /user security section');

    // The verification dialog: the session's factors (the password, and the code that confirmed the app) were verified two hours ago.
    const db = new BetterSqlite3(app.databaseFile);
    try {
      db.prepare(
        'UPDATE sessions SET factor_verified_at = factor_verified_at - ?, second_factor_verified_at = second_factor_verified_at - ? ' +
          'WHERE user_id = (SELECT id FROM users WHERE email = ?)',
      ).run(2 * 60 * 60_000, 2 * 60 * 60_000, email);
    } finally {
      db.close();
    }
    for (const [page, background] of [
      [light, 'rgb(255, 255, 255)'],
      [dark, DARK_CARD],
    ] as const) {
      await page.context().clearCookies({ name: '__session' });
      await page.goto('/user');
      await page.getByRole('button', { name: 'Regenerate backup codes' }).click(WAIT);
      const dialog = page.getByRole('dialog', { name: 'Verification required' });
      const field = dialog.getByLabel('Authentication code');
      await field.waitFor(WAIT);
      assert.equal(await isFocused(page, field), true, 'the dialog focuses its field');
      assert.equal(
        await dialog.locator('.cl-card').evaluate((el) => getComputedStyle(el).backgroundColor),
        background,
        'the theme in effect',
      );
      assert.deepEqual(await seriousViolations(page), [], `verification dialog (${background})`);
      // Tab stays in the dialog: back over its close button, then round to its last control.
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Shift+Tab');
      assert.equal(
        await dialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement),
        true,
        'Shift+Tab wraps to the last control',
      );
      await page.keyboard.press('Tab');
      assert.equal(
        await dialog.getByRole('button', { name: 'Close' }).evaluate((el) => el === document.activeElement),
        true,
        'Tab wraps to the first',
      );
      await field.fill(codeAt(secret, Date.now() - 10 * 60_000));
      await page.keyboard.press('Enter');
      await dialog.getByRole('alert').getByText('incorrect').waitFor(WAIT);
      assert.deepEqual(await seriousViolations(page), [], `verification dialog with its error (${background})`);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached', ...WAIT });
    }
    // Without the current token: the next one carries the aged verification.
    const { __session: _fresh, ...client } = bobCookies;
    const french = await open(undefined, undefined, { ...client, lang: 'fr' });
    await french.goto('/user');
    await french.getByRole('button', { name: 'Générer de nouveaux codes de secours' }).click(WAIT);
    const dialog = french.getByRole('dialog', { name: 'Vérification requise' });
    await dialog.getByLabel("Code d'authentification").waitFor(WAIT);
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await dialog.waitFor({ state: 'detached', ...WAIT });

    // Sign-in's second step, now that Bob has an authenticator app.
    for (const theme of ['light', 'dark']) {
      const visitor = await open(undefined, undefined, { theme });
      await visitor.goto('/sign-in');
      await visitor.getByLabel('Email', { exact: true }).fill(email);
      await visitor.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
      await visitor.getByRole('button', { name: 'Sign in', exact: true }).click();
      const step = visitor.getByRole('form', { name: 'Two-step verification' });
      const input = step.getByLabel('Authentication code');
      await input.waitFor(WAIT);
      assert.equal(await isFocused(visitor, input), true);
      assert.deepEqual(await seriousViolations(visitor), [], `${theme} second-factor step`);
      if (theme === 'dark') assert.equal(await step.evaluate((el) => getComputedStyle(el).backgroundColor), DARK_CARD);
      await input.fill(codeAt(secret, Date.now() - 10 * 60_000));
      await visitor.keyboard.press('Enter');
      await step.getByRole('alert').getByText('incorrect').waitFor(WAIT);
      assert.equal(await input.getAttribute('aria-invalid'), 'true');
      assert.deepEqual(await seriousViolations(visitor), [], `${theme} second-factor step with its error`);
      // The backup-code alternative by keyboard.
      await step.getByRole('button', { name: 'Use a backup code' }).focus();
      await visitor.keyboard.press('Enter');
      await step.getByLabel('Backup code').waitFor(WAIT);
    }
  });

  test('appearance: variables, elements and a base theme change the computed styles; the default is the light theme', async () => {
    const page = await open();
    await page.goto('/sign-in');
    const primary = '.cl-formButtonPrimary';
    await page.locator(primary).waitFor(WAIT);
    assert.equal(await style(page, primary, 'background-color'), 'rgb(67, 56, 202)');
    assert.equal(await style(page, '.cl-card', 'background-color'), 'rgb(255, 255, 255)');
    // The empty error region is out of the form's flow (no gap above the button) until a message arrives.
    assert.equal(await style(page, '.cl-alertBox', 'position'), 'absolute');

    await page.goto('/appearance');
    const custom = page.getByTestId('custom');
    const button = custom.locator(primary);
    await button.waitFor(WAIT);
    assert.equal(await button.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(15, 118, 110)');
    assert.equal(await button.evaluate((el) => getComputedStyle(el).borderTopLeftRadius), '0px');
    assert.match(await button.evaluate((el) => getComputedStyle(el).fontFamily), /Georgia/);
    assert.match((await button.getAttribute('class')) ?? '', /\bdemo-primary-button\b/, 'elements: the class name is added');
    assert.equal(await custom.locator('.cl-card').evaluate((el) => getComputedStyle(el).borderTopWidth), '3px', 'elements: a style object');
    assert.equal(await custom.locator('.cl-headerTitle').evaluate((el) => getComputedStyle(el).color), 'rgb(16, 42, 67)');
    const darkCard = page.getByTestId('dark').locator('.cl-card');
    assert.equal(await darkCard.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(24, 27, 34)', 'baseTheme: dark');

    // The provider's appearance (the example passes `baseTheme: dark` for its dark theme).
    const dark = await open(undefined, undefined, { theme: 'dark' });
    await dark.goto('/sign-in');
    await dark.locator('.cl-card').waitFor(WAIT);
    assert.equal(await style(dark, '.cl-card', 'background-color'), 'rgb(24, 27, 34)');
    assert.equal(await style(dark, '.cl-formFieldInput', 'color'), 'rgb(238, 240, 245)');
  });

  test('localization: French texts and labels from the provider, English by default', async () => {
    const page = await open(undefined, undefined, { lang: 'fr' });
    await page.goto('/sign-in');
    await page.getByRole('heading', { name: 'Se connecter' }).waitFor(WAIT);
    await page.getByLabel('Adresse e-mail').fill('alice@example.com');
    await page.getByLabel('Mot de passe').fill('wrong-password-1');
    assert.equal(await page.locator('.gh-root').first().getAttribute('lang'), 'fr-FR');
    await page.getByRole('button', { name: 'Se connecter', exact: true }).click();
    const alert = page.getByRole('form', { name: 'Se connecter' }).getByRole('alert');
    await alert.getByText('incorrect').waitFor(WAIT);
    assert.equal(await alert.getAttribute('aria-live'), 'assertive');
    assert.equal(await alert.evaluate((el) => getComputedStyle(el).position), 'static', 'a region with a message is in the flow');
    assert.match((await alert.textContent()) ?? '', /L'adresse e-mail ou le mot de passe est incorrect/);
    assert.equal(await page.getByLabel('Adresse e-mail').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByRole('link', { name: "S'inscrire" }).count(), 1);

    const alice = await open('alice@example.com', 'acme', { lang: 'fr' });
    await alice.goto('/user');
    await alice.getByRole('heading', { name: 'Appareils' }).waitFor(WAIT);
    await alice.getByRole('button', { name: 'Se déconnecter de tous les appareils' }).waitFor(WAIT);
    await alice.getByRole('button', { name: 'Organisation : Acme' }).waitFor(WAIT);

    const english = await open();
    await english.goto('/sign-in');
    await english.getByRole('heading', { name: 'Sign in' }).waitFor(WAIT);
    await english.getByLabel('Email', { exact: true }).waitFor(WAIT);
  });

  test('scoped styles: a Tailwind-style reset changes nothing; the user menu opens above the page and works by keyboard', async () => {
    const page = await open();
    await page.goto('/sign-in');
    await page.locator('.cl-formFieldInput').first().waitFor(WAIT);
    const snapshot = () =>
      page.evaluate(() => {
        const props = [
          'background-color',
          'color',
          'border-top-width',
          'border-top-style',
          'padding-left',
          'font-size',
          'font-weight',
          'height',
          'margin-top',
        ];
        return [
          '.cl-card',
          '.cl-headerTitle',
          '.cl-formFieldLabel',
          '.cl-formFieldInput',
          '.cl-formButtonPrimary',
          '.cl-footerActionLink',
        ].map((sel) => {
          const el = document.querySelector(sel);
          if (!el) return null;
          const cs = getComputedStyle(el);
          return props.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
        });
      });
    // The passkey button and the provider buttons arrive after first paint: wait until the card stops changing.
    let before = await snapshot();
    for (let i = 0; i < 50; i++) {
      await page.waitForTimeout(100);
      const next = await snapshot();
      if (JSON.stringify(next) === JSON.stringify(before)) break;
      before = next;
    }
    await page.addStyleTag({ content: PREFLIGHT });
    assert.deepEqual(await snapshot(), before);
    const input = page.locator('.cl-formFieldInput').first();
    const box = await input.boundingBox();
    assert.ok(box && box.height >= 36 && box.width > 200, 'the input is visible');
    assert.equal(await input.evaluate((el) => getComputedStyle(el).borderTopWidth), '1px');

    const alice = await open('alice@example.com', 'acme');
    await alice.goto('/dashboard');
    await alice.addStyleTag({ content: PREFLIGHT });
    const trigger = alice.getByRole('button', { name: 'Account: alice@example.com' });
    await trigger.focus();
    await alice.keyboard.press('Enter');
    const panel = alice.getByRole('group', { name: 'Account' });
    await panel.waitFor(WAIT);
    const manage = panel.getByRole('link', { name: 'Manage account' });
    assert.equal(await manage.evaluate((el) => el === document.activeElement), true, 'the first item has focus');
    // Above the page: the topmost element at the item's centre is the item.
    const onTop = await manage.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return hit !== null && el.contains(hit);
    });
    assert.equal(onTop, true, 'the menu renders above the page');
    await alice.keyboard.press('ArrowDown');
    assert.equal(await panel.getByRole('button', { name: 'Sign out', exact: true }).evaluate((el) => el === document.activeElement), true);
    await alice.keyboard.press('ArrowUp');
    await alice.keyboard.press('ArrowUp');
    assert.equal(await manage.evaluate((el) => el === document.activeElement), false, 'ArrowUp wraps to the last item');
    const outline = await alice.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle);
    assert.equal(outline, 'solid', 'visible focus');
    await alice.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached', ...WAIT });
    assert.equal(await trigger.evaluate((el) => el === document.activeElement), true, 'focus back on the button');

    // The organization switcher: ArrowDown opens it on the first organization.
    const orgs = alice.getByRole('button', { name: 'Organization: Acme' });
    await orgs.focus();
    await alice.keyboard.press('ArrowDown');
    const list = alice.getByRole('group', { name: 'Switch organization' });
    await list.waitFor(WAIT);
    assert.equal(
      await list
        .getByRole('button')
        .first()
        .evaluate((el) => el === document.activeElement),
      true,
    );
    await alice.keyboard.press('Escape');
    await list.waitFor({ state: 'detached', ...WAIT });
  });

  test('OrganizationList: choosing an organization makes it active and goes on', async () => {
    const carol = await open('carol@example.com');
    await carol.goto('/organizations');
    const personal = carol.getByRole('button', { name: 'Select Personal account' });
    assert.equal(await personal.getAttribute('aria-pressed'), 'true');
    await Promise.all([
      carol.waitForURL((u) => u.pathname === '/dashboard', WAIT),
      carol.getByRole('button', { name: 'Select Globex' }).click(),
    ]);
    await carol.getByTestId('org-slug').filter({ hasText: 'globex' }).waitFor(WAIT);
    await carol.goto('/organizations');
    assert.equal(await carol.getByRole('button', { name: 'Select Globex' }).getAttribute('aria-pressed'), 'true');
  });

  test('a new visitor: from the landing page alice signs in and opens the Gatehouse dashboard by its link', async () => {
    const page = await open();
    await page.goto('/');
    await page.getByRole('link', { name: 'Create an account' }).waitFor(WAIT);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email', { exact: true }).fill('alice@example.com');
    await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/dashboard', WAIT),
      page.getByRole('button', { name: 'Sign in', exact: true }).click(),
    ]);
    await page.goto('/');
    await page.getByRole('button', { name: 'Account: alice@example.com' }).waitFor(WAIT);
    assert.equal(await page.getByRole('link', { name: 'Create an account' }).count(), 0, 'no sign-up invitation once signed in');
    await Promise.all([
      page.waitForURL((u) => u.pathname.startsWith(DASH), WAIT),
      page.getByRole('link', { name: 'Gatehouse dashboard' }).click(),
    ]);
    await page.getByRole('heading', { name: 'Overview' }).waitFor(WAIT);
  });

  test('dashboard: every page, the audit log and a user page fit a 1280px window; the overview draws its charts', async () => {
    const admin = await open('alice@example.com');
    await admin.goto(`${DASH}`);
    await admin.getByRole('heading', { name: 'Overview' }).waitFor(WAIT);
    assert.ok((await admin.locator('svg[role="img"]').count()) >= 2, 'the overview charts');
    const paths = await admin
      .getByRole('navigation', { name: 'Dashboard' })
      .getByRole('link')
      .evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).pathname));
    assert.ok(paths.length >= 8, `navigation: ${paths.join(', ')}`);
    await admin.goto(`${DASH}/users?q=bob`);
    const userPath = await admin.getByRole('link', { name: 'bob@example.com' }).getAttribute('href');
    assert.ok(userPath);
    for (const path of [...paths, userPath]) {
      await admin.goto(path);
      await admin.getByRole('heading', { level: 1 }).waitFor(WAIT);
      const fit = await admin.evaluate(() => {
        const root = document.documentElement;
        const tables = [...document.querySelectorAll('table')].map((t) => t.getBoundingClientRect().right);
        return { scroll: root.scrollWidth, client: root.clientWidth, widest: Math.max(0, ...tables) };
      });
      assert.ok(fit.scroll <= fit.client, `${path}: the page is ${fit.scroll}px wide in a ${fit.client}px window`);
      assert.ok(fit.widest <= fit.client, `${path}: a table ends at ${fit.widest}px`);
    }
    await admin.goto(userPath);
    for (const heading of ['Sessions', 'Factors', 'External accounts', 'Organizations']) {
      await admin.getByRole('heading', { name: heading, exact: true }).waitFor(WAIT);
    }
  });
});
