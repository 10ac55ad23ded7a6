// `npm run screenshots`: regenerates the README's screenshots (docs/screenshots/*.png, light and dark) from the
// example's production build with the demo data, in headless Chromium. Run `npm run build` first.

import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startAppServer } from '../test-support/app-server.js';

const OUT = join(resolve(import.meta.dirname, '..'), 'docs', 'screenshots');
const CHROMIUM = process.env.GATEHOUSE_CHROMIUM ?? '/usr/bin/chromium';
const WAIT = { timeout: 30_000 };

const app = await startAppServer({ env: { GATEHOUSE_DEMO: '1' } });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
try {
  for (const theme of ['light', 'dark'] as const) {
    const suffix = theme === 'dark' ? '-dark' : '';
    const shoot = (page: Page, name: string) => page.screenshot({ path: join(OUT, `${name}${suffix}.png`) });
    // The example keeps the theme in a cookie (its /preferences link); the dashboard follows the system's.
    const open = async (width = 900, height = 600) => {
      const context = await browser.newContext({ baseURL: app.baseUrl, viewport: { width, height }, colorScheme: theme });
      await context.addCookies([{ name: 'theme', value: theme, url: app.baseUrl }]);
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT.timeout);
      return page;
    };
    const signInAndSwitch = async (page: Page, email: string, org: string) => {
      await page.goto('/sign-in');
      await page.getByLabel('Email', { exact: true }).fill(email);
      await page.getByLabel('Password', { exact: true }).fill('gatehouse-demo');
      await Promise.all([page.waitForURL('**/dashboard'), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
      await page.getByRole('button', { name: 'Organization: Personal account' }).click();
      await page.getByRole('group', { name: 'Switch organization' }).getByRole('button', { name: org }).click();
      await page.getByRole('button', { name: `Organization: ${org}` }).waitFor();
      await page.getByTestId('org-slug').filter({ hasText: org.toLowerCase() }).waitFor();
    };

    const visitor = await open();
    await visitor.goto('/');
    await visitor.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' }).waitFor();
    await shoot(visitor, 'landing');
    await visitor.goto('/sign-in');
    await visitor.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    await shoot(visitor, 'sign-in');

    const alice = await open();
    await signInAndSwitch(alice, 'alice@example.com', 'Acme');
    await alice.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).waitFor();
    await shoot(alice, 'dashboard-admin');
    await alice.getByRole('button', { name: 'Account: alice@example.com' }).click();
    await alice.getByRole('group', { name: 'Account' }).getByRole('list').waitFor();
    await shoot(alice, 'user-button');
    await alice.keyboard.press('Escape');
    await alice.goto('/admin');
    await alice.getByRole('heading', { name: 'Members' }).waitFor();
    await alice.getByRole('table').first().waitFor();
    await shoot(alice, 'admin');
    await alice.goto('/organization');
    await alice.getByRole('table', { name: 'Members' }).waitFor();
    await shoot(alice, 'organization');
    await alice.setViewportSize({ width: 1280, height: 800 });
    await alice.goto('/api/gatehouse/dashboard');
    await alice.getByRole('heading', { name: 'Overview' }).waitFor();
    await shoot(alice, 'gatehouse-overview');

    const carol = await open();
    await signInAndSwitch(carol, 'carol@example.com', 'Acme');
    await shoot(carol, 'dashboard-viewer');
  }
  console.log(`Screenshots written to ${OUT}`);
} finally {
  await browser.close();
  await app.stop();
}
